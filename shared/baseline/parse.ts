/**
 * Reads a baseline from YAML text and validates it, turning every problem into a message that
 * names file, line, column and path (`baseline.yaml:14:7 identities[2].roles[0].scope: ...`),
 * because platform teams fix these in an editor, not in a debugger.
 */
import { EXIT, MonitorError } from '../errors';
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
} from 'yaml';
import type { z } from 'zod';
import { baselineSchema, type Baseline } from './schema';

export interface BaselineProblem {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
}

export class BaselineValidationError extends MonitorError {
  readonly exitCode = EXIT.problems;
  readonly transient = false;
  constructor(readonly problems: BaselineProblem[]) {
    const n = problems.length;
    const file = problems[0]?.file ?? 'baseline';
    super(
      `${problems.map(formatProblem).join('\n')}\n${file}: ${n} problem${n === 1 ? '' : 's'}; the baseline is not valid`,
    );
  }
}

export function formatProblem(p: BaselineProblem): string {
  return `${p.file}:${p.line}:${p.col} ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function todayUtc(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Finds the YAML node for a path, or the deepest existing ancestor when the path is absent (e.g. a missing key). */
function locate(doc: Document, path: readonly PropertyKey[], unknownKey?: string): Node | undefined {
  let node: unknown = doc.contents;
  let last: Node | undefined = doc.contents ?? undefined;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === part);
      if (!pair) return last;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part];
    } else {
      return last;
    }
    if (node && typeof node === 'object' && 'range' in node) last = node as Node;
    else return last;
  }
  if (unknownKey !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === unknownKey);
    if (pair && isScalar(pair.key)) return pair.key;
  }
  return last;
}

function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  doc: Document,
  lines: LineCounter,
  file: string,
): BaselineProblem[] {
  const problems: BaselineProblem[] = [];
  for (const issue of issues) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    for (const key of keys) {
      const node = locate(doc, issue.path, key);
      const pos = lines.linePos(node?.range?.[0] ?? 0);
      const path = key === undefined ? issue.path : [...issue.path, key];
      const message =
        key === undefined
          ? messageFor(issue, raw)
          : `unknown key '${key}' (check its spelling and indentation)`;
      problems.push({ file, line: pos.line, col: pos.col, path: formatPath(path), message });
    }
  }
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}

const EXPECTED_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  array: 'a list',
  object: 'a mapping (key: value lines)',
  boolean: 'true or false',
  record: 'a mapping (key: value lines)',
};

/** What a YAML value is, in words: for "must be X, not Y". */
function describeValue(value: unknown): string {
  if (value === null) return 'empty (null)';
  if (typeof value === 'number')
    return Number.isNaN(value)
      ? 'not-a-number (.nan)'
      : Number.isFinite(value)
        ? `the number ${value}`
        : 'a number too large to hold (it reads as infinity)';
  if (typeof value === 'string') return `the text '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'boolean') return `${value}`;
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a timestamp';
  return 'a mapping';
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let node = raw;
  for (const part of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return { found: false };
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return { found: true, value: node };
}

/** Keys whose value is a date (YYYY-MM-DD). */
const DATE_KEYS = new Set(['reviewBy', 'expires']);

function messageFor(issue: z.core.$ZodIssue, raw: unknown): string {
  if (issue.code === 'invalid_type') {
    // zod does not report the input it refused: look it up, so a wrong value is not "required".
    const at = valueAt(raw, issue.path);
    if (!at.found || at.value === undefined) return 'is required';
    const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
    // YAML reads 20270301 as a number: a date written without dashes.
    const digits = typeof at.value === 'number' ? /^(\d{4})(\d{2})(\d{2})$/.exec(String(at.value)) : null;
    if (digits && issue.expected === 'string')
      return `must be a date written YYYY-MM-DD, not the number ${at.value} (write ${digits[1]}-${digits[2]}-${digits[3]})`;
    if (typeof at.value === 'number' && Number.isNaN(at.value))
      return `must be ${expected}, not not-a-number (.nan)`;
    if (typeof at.value === 'number' && !Number.isFinite(at.value))
      return `must be ${expected} within range, not a number too large to hold (it reads as infinity)`;
    // A date written as a number (epoch seconds, a year): say how a date is written.
    const key = issue.path.at(-1);
    if (issue.expected === 'string' && typeof key === 'string' && DATE_KEYS.has(key))
      return `must be a date written YYYY-MM-DD, not ${describeValue(at.value)}`;
    return `must be ${expected}, not ${describeValue(at.value)}`;
  }
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid option')) {
    return `must be one of: ${issue.values.map(String).join(', ')}`;
  }
  return issue.message;
}

const TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp';

/** Deeper than this is no baseline (it needs about six levels): refused before YAML recurses into it. */
export const MAX_NESTING = 64;
const NESTING_MESSAGE = `YAML nests deeper than ${MAX_NESTING} levels here (a baseline needs about six): check for runaway brackets or indentation`;
const MAX_ALIAS_COUNT = 100;

/**
 * Where flow brackets (`[`, `{`) or block indentation first nest deeper than MAX_NESTING, as an
 * offset; undefined when they do not. Approximate on purpose (quotes end at their quote
 * character): it only has to find runaway nesting, which the YAML parser would meet by
 * exhausting the stack.
 */
function runawayNesting(text: string): number | undefined {
  let depth = 0;
  let quote: string | null = null;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart && (c === ' ' || c === '-')) {
      // block nesting: each two columns of indentation (or "- " indicator) is a level
      indent += 1;
      if (indent / 2 > MAX_NESTING) return i;
      continue;
    }
    lineStart = false;
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    // A quote opens a quoted scalar only where a scalar can start (after white space or an
    // indicator): the apostrophe in a plain scalar (`it's`) is text, not the start of a quote.
    if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:-]/.test(text[i - 1]!))) quote = c;
    else if (c === '#') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end - 1;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_NESTING) return i;
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** Keys that a JavaScript object cannot hold as data (`__proto__` would be dropped silently). */
function forbiddenKeys(doc: Document, lines: LineCounter, file: string): BaselineProblem[] {
  const out: BaselineProblem[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === '__proto__') {
        const pos = lines.linePos(pair.key.range?.[0] ?? 0);
        out.push({
          file,
          line: pos.line,
          col: pos.col,
          path: '',
          message: "'__proto__' cannot be a key (it would be dropped, not read): rename it",
        });
      }
    },
  });
  return out;
}

/** Parses and validates; throws BaselineValidationError listing every problem found. */
export function parseBaseline(text: string, file: string, now: Date): Baseline {
  const lines = new LineCounter();
  const runaway = runawayNesting(text);
  if (runaway !== undefined) {
    let line = 1;
    let lastBreak = -1;
    for (let i = 0; i < runaway; i++)
      if (text.charCodeAt(i) === 10) {
        line += 1;
        lastBreak = i;
      }
    throw new BaselineValidationError([
      {
        file,
        line,
        col: runaway - lastBreak,
        path: '',
        message: NESTING_MESSAGE,
      },
    ]);
  }
  // Dates stay text whatever YAML version the file declares: YAML 1.1 (`%YAML 1.1`) would read
  // 2027-03-01 as a timestamp, and the baseline's dates are text (YYYY-MM-DD).
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    customTags: (tags) => tags.filter((t) => (typeof t === 'string' ? t : t.tag) !== TIMESTAMP_TAG),
  });
  // A tag YAML does not know (`!evil 1`) is read as if absent: the value would be judged as
  // something it was not written as. Refused, naming the tag.
  const unknownTags = doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (doc.errors.length === 0 && unknownTags.length > 0)
    throw new BaselineValidationError(
      unknownTags.map((w) => {
        const pos = lines.linePos(w.pos[0]);
        const tag = /Unresolved tag: (\S+)/.exec(w.message)?.[1] ?? 'a tag';
        return {
          file,
          line: pos.line,
          col: pos.col,
          path: '',
          message: `YAML tag ${tag} is not one a baseline uses: remove it and write the plain value`,
        };
      }),
    );
  if (doc.errors.length > 0) {
    throw new BaselineValidationError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, col: pos.col, path: '', message: `YAML: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  const forbidden = forbiddenKeys(doc, lines, file);
  if (forbidden.length) throw new BaselineValidationError(forbidden);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // The pre-check is approximate: nesting it missed still ends as a problem, not a stack overflow.
    if (error instanceof RangeError)
      throw new BaselineValidationError([{ file, line: 1, col: 1, path: '', message: NESTING_MESSAGE }]);
    if (!(error instanceof ReferenceError || /alias/i.test(String(error)))) throw error;
    // An alias that expands into too many values (a "billion laughs" document): name the first alias.
    let first: Node | undefined;
    visit(doc, {
      Alias(_, node) {
        first ??= node;
        return visit.BREAK;
      },
    });
    const pos = lines.linePos(first?.range?.[0] ?? 0);
    throw new BaselineValidationError([
      {
        file,
        line: pos.line,
        col: pos.col,
        path: '',
        message: `YAML aliases expand to too many values (more than ${MAX_ALIAS_COUNT} copies): write the values out instead of repeating anchors`,
      },
    ]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new BaselineValidationError([
      {
        file,
        line: 1,
        col: 1,
        path: '',
        message: 'a baseline is a YAML mapping with version, policy and identities',
      },
    ]);
  }
  const result = baselineSchema(todayUtc(now)).safeParse(raw);
  if (!result.success)
    throw new BaselineValidationError(issuesToProblems(result.error.issues, raw, doc, lines, file));
  return result.data;
}
