/**
 * Output for a terminal of a given width: tables whose lines never run past it, one block per row
 * when it is too narrow for columns, and no colour or box drawing when the output is not a
 * terminal or NO_COLOR is set (logs, pipes, screen readers). The CLI builds the style from its
 * stream (shared/cli/io.ts); everything here is pure.
 */
import Table from 'cli-table3';

export interface TerminalStyle {
  color: boolean;
  /** Box-drawing borders (a terminal that is not NO_COLOR); otherwise columns separated by spaces. */
  boxes: boolean;
  /** Columns available; no line is longer. */
  width: number;
}

/** For files, logs and tests: no colour, no boxes, 120 columns. */
export const PLAIN: TerminalStyle = { color: false, boxes: false, width: 120 };

/** Below this many columns a table of findings is a list of blocks. */
export const COMPACT_BELOW = 120;

const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

/** Display width of a line (code points; the CLI's text is ASCII plus the odd accented letter). */
const widthOf = (s: string) => [...s].length;

/** Words wrapped to `width` columns; a word longer than that (an ARM id) is broken. */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      let rest = word;
      while (widthOf(rest) > w) {
        // a long word starts on its own line unless it fits after what is there
        if (line) {
          out.push(line);
          line = '';
        }
        const chars = [...rest];
        out.push(chars.slice(0, w).join(''));
        rest = chars.slice(w).join('');
      }
      if (!line) line = rest;
      else if (widthOf(line) + 1 + widthOf(rest) <= w) line += ` ${rest}`;
      else {
        out.push(line);
        line = rest;
      }
    }
    out.push(line);
  }
  return out;
}

/** `text` wrapped to the width, every line after the first indented by `indent` spaces. */
export function block(text: string, width: number, indent = 0): string {
  const pad = ' '.repeat(indent);
  return wrapText(text, width - indent)
    .map((l) => pad + l)
    .join('\n');
}

/**
 * Column widths that fit: each column its natural width if all fit, else the narrow ones keep
 * theirs and the wide ones share what is left. Undefined when even `min` columns do not fit.
 */
function fitWidths(natural: number[], available: number, min: number): number[] | undefined {
  if (natural.reduce((a, b) => a + b, 0) <= available) return natural;
  if (natural.length * min > available) return undefined;
  const widths = [...natural];
  let flexible = natural.map((_, i) => i);
  let left = available;
  for (;;) {
    const share = Math.floor(left / flexible.length);
    const fits = flexible.filter((i) => natural[i]! <= share);
    if (fits.length === 0) {
      if (share < min) return undefined;
      flexible.forEach((i, k) => (widths[i] = share + (k < left - share * flexible.length ? 1 : 0)));
      return widths;
    }
    for (const i of fits) left -= natural[i]!;
    flexible = flexible.filter((i) => natural[i]! > share);
    if (flexible.length === 0) return widths;
  }
}

/**
 * A table no wider than the style allows: boxes or plain columns, wrapped cells; when the
 * columns cannot fit, one block per row (`head: value` lines under the row's first value).
 */
export function fitTable(head: readonly string[], rows: readonly string[][], style: TerminalStyle): string {
  const n = head.length;
  // boxes: a border before each column and after the last, a space each side of every cell
  const overhead = style.boxes ? 3 * n + 1 : 2 * (n - 1);
  const natural = head.map((h, i) =>
    Math.max(widthOf(h), ...rows.map((r) => Math.max(...(r[i] ?? '').split('\n').map(widthOf)))),
  );
  const widths = fitWidths(natural, style.width - overhead, 6);
  if (!widths)
    return rows
      .map((r) =>
        [
          block(r[0] ?? '', style.width),
          ...head.slice(1).map((h, i) => block(`${h}: ${r[i + 1] ?? ''}`, style.width, 2)),
        ].join('\n'),
      )
      .join('\n\n');
  const table = new Table({
    head: [...head],
    colWidths: widths.map((w) => w + (style.boxes ? 2 : 0)),
    style: style.boxes
      ? { head: [], border: [] }
      : { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    ...(style.boxes ? {} : { chars: NO_BORDERS }),
  });
  for (const r of rows) table.push(r.map((cell, i) => wrapText(cell, widths[i]!).join('\n')));
  // cli-table3 pads the last plain column: trailing spaces are not content
  return table
    .toString()
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n');
}
