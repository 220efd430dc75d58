/** Canonical JSON (sorted keys) and its hash: the identity of a baseline's content, independent of key order or YAML layout. */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === undefined) return undefined as unknown as string;
  const parts: string[] = [];
  write(value, (text) => parts.push(text));
  return parts.join('');
}

/** SHA-256 of canonicalJson(value), fed to the hash in pieces: the text of a large baseline is never held whole. */
export function contentHash(value: unknown): string {
  const hash = createHash('sha256');
  let pending = '';
  write(value, (text) => {
    pending += text;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: when a piece goes to the hash, not what is hashed
    if (pending.length >= 65_536) {
      hash.update(pending);
      pending = '';
    }
  });
  return hash.update(pending).digest('hex');
}

/**
 * Writes JSON.stringify of the value with every object's keys sorted, in one pass and in pieces:
 * a baseline of 50,000 identities is hashed on every run, and sorted copies of it cost close to
 * a second and hundreds of megabytes. Objects count by their own enumerable keys (as Object.keys
 * sees them), undefined members are left out and undefined array items written as null, as
 * JSON.stringify does.
 */
function write(value: unknown, emit: (text: string) => void): void {
  if (value === null || typeof value !== 'object') {
    emit(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    emit('[');
    for (let i = 0; i < value.length; i++) {
      if (i) emit(',');
      write(value[i], emit);
    }
    emit(']');
    return;
  }
  const record = value as Record<string, unknown>;
  let first = true;
  emit('{');
  for (const key of orderedKeys(record)) {
    const member = record[key];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    emit(`${first ? '' : ','}${JSON.stringify(key)}:`);
    write(member, emit);
    first = false;
  }
  emit('}');
}

/**
 * The key order the original definition (a sorted copy made with Object.fromEntries) wrote: keys
 * that are array indices ("2", "10") first in numeric order, as JavaScript objects keep them, then
 * the others sorted. Stored baselines carry hashes of that text.
 */
function orderedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record).sort();
  const indices = keys.filter(isArrayIndex);
  // Stryker disable next-line ConditionalExpression: a shortcut; the general case gives the same order
  if (indices.length === 0) return keys;
  return [...indices.sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isArrayIndex(k))];
}

function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: the first-character test only saves running the regex on non-digit keys
  return first >= 48 && first <= 57 && /^(0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295;
}

/**
 * JSON.parse, with every short string that occurs more than once held once: a baseline of 200,000
 * identities repeats its scopes, roles, owners and enums hundreds of thousands of times, and this
 * takes hundreds of megabytes off the parsed baseline the process keeps.
 */
export function parseJsonSharingStrings(text: string): unknown {
  const seen = new Map<string, string>();
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value !== 'string' || value.length > 256) return value;
    const known = seen.get(value);
    if (known !== undefined) return known;
    seen.set(value, value);
    return value;
  });
}
