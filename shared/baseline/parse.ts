/**
 * Reads a baseline from YAML text and validates it, turning every problem into a message that
 * names file, line, column and path (`baseline.yaml:14:7 identities[2].roles[0].scope: ...`),
 * because platform teams fix these in an editor, not in a debugger.
 */
import { EXIT, MonitorError } from '../errors';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
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
        key === undefined ? messageFor(issue) : `unknown key '${key}' (check its spelling and indentation)`;
      problems.push({ file, line: pos.line, col: pos.col, path: formatPath(path), message });
    }
  }
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}

function messageFor(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid option')) {
    return `must be one of: ${issue.values.map(String).join(', ')}`;
  }
  return issue.message;
}

/** Parses and validates; throws BaselineValidationError listing every problem found. */
export function parseBaseline(text: string, file: string, now: Date): Baseline {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new BaselineValidationError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, col: pos.col, path: '', message: `YAML: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
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
    throw new BaselineValidationError(issuesToProblems(result.error.issues, doc, lines, file));
  return result.data;
}
