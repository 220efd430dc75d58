/**
 * Identifiers a baseline declares (role names, scopes, issuers, subjects, audiences, app roles)
 * are compared with what Azure returns, character for character. A character a reviewer cannot
 * see, or one that passes for another, makes a declared value that silently never matches and a
 * difference nobody sees in a review diff. These are refused, the way owner addresses are:
 * - invisible and control characters: C0/C1 controls, format characters (zero-width, bidi
 *   embeddings, overrides and isolates, the BOM), line and paragraph separators;
 * - compatibility forms: a character Unicode normalisation (NFKC) turns into another, such as
 *   the fullwidth solidus '／' for '/', a non-breaking space, a ligature;
 * - a word mixing Latin with Cyrillic or Greek letters ('Оwner' with a Cyrillic О), the mix
 *   browsers refuse in host names.
 * Letters of one script are fine: a resource group may be named in any language.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const LATIN = /\p{Script=Latin}/u;
const LOOK_ALIKE_SCRIPTS = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `value` cannot be a declared identifier, or undefined when it can. */
export function identifierTextProblem(value: string): string | undefined {
  for (const ch of value) {
    if (INVISIBLE.test(ch))
      return `contains an invisible or control character (${codePoint(ch)}) that no reviewer sees: delete it`;
    const normal = ch.normalize('NFKC');
    if (normal !== ch)
      return `contains '${ch}' (${codePoint(ch)}), a look-alike of '${normal}': write '${normal}'`;
  }
  for (const word of value.split(/[^\p{L}\p{M}]+/u)) {
    if (!LATIN.test(word)) continue;
    const odd = [...word].find((ch) => LOOK_ALIKE_SCRIPTS.test(ch));
    if (odd)
      return `mixes Latin letters with '${odd}' (${codePoint(odd)}, ${/\p{Script=Greek}/u.test(odd) ? 'Greek' : 'Cyrillic'}) in '${word}', a look-alike: write it in one script`;
  }
  return undefined;
}

/**
 * A trusted or declared federation issuer: an https URL whose host is what it looks like. Written
 * in ASCII (an internationalised host in its xn-- form), without user information (in
 * `https://token.actions.githubusercontent.com@evil.example` the host is evil.example), a port,
 * a query or a fragment — Entra compares the issuer as text, and none of those belong in one.
 */
export function issuerProblem(value: string): string | undefined {
  const nonAscii = [...value].find((ch) => ch.codePointAt(0)! > 0x7e || ch.codePointAt(0)! < 0x21);
  if (nonAscii)
    return `contains '${nonAscii}' (${codePoint(nonAscii)}), which is not ASCII and can pass for another character: write the issuer in ASCII`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an https URL';
  }
  if (url.protocol !== 'https:') return 'must be an https URL';
  if (url.username || url.password || value.slice(8).split('/')[0]!.includes('@'))
    return `must not carry user information before '@': its host would be ${url.hostname}, not what it looks like`;
  if (url.port) return 'must not name a port';
  if (url.search || url.hash || /[?#]/.test(value)) return 'must not carry a query or fragment';
  return undefined;
}
