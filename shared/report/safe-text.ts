/**
 * Tenant-chosen text (display names, credential names, messages quoting them) is shown to people
 * in the terminal, logs, emails, the dashboard and exported YAML. Characters that make text lie
 * about itself are shown as U+FFFD (�) everywhere, so a reader sees that something was there:
 * C0/C1 controls (cursor moves, forged line breaks), bidi embeddings, overrides, isolates and
 * marks (text that reads backwards: `exe.txt` shown as `txt.exe`), zero-width and invisible
 * formatting characters (two names that look alike), line and paragraph separators; and Unicode
 * noncharacters (U+FDD0–U+FDEF, U+FFFE, U+FFFF), which no text interchanges and the monitor keeps
 * for its own markers (attest/links.ts: a link placeholder tenant text must never spell).
 */
const DECEPTIVE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufdd0-\ufdef\ufeff\ufff9-\ufffb\ufffe\uffff]/g;

/** One line of text for the terminal, logs, plain-text email and YAML comments. */
export function visibleText(text: string): string {
  return text.replace(DECEPTIVE, '\ufffd');
}

/**
 * Text for HTML: deceptive characters made visible (a tab or line break is only white space in
 * HTML, so those stay), then markup characters escaped as numeric references.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(DECEPTIVE, (ch) => (ch === '\n' || ch === '\t' ? ch : '\ufffd'))
    .replace(/[&<>"'`]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
