/** Canonical JSON (sorted keys) and its hash: the identity of a baseline's content, independent of key order or YAML layout. */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  return value === undefined ? (undefined as unknown as string) : write(value);
}

/**
 * JSON.stringify of the value with every object's keys sorted, written in one pass: a baseline of
 * 50,000 identities is hashed on every run, and sorted copies of it cost close to a second.
 * Objects count by their own enumerable keys (as Object.keys sees them), undefined members are
 * left out and undefined array items written as null, as JSON.stringify does.
 */
function write(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + write(value[i]);
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of orderedKeys(record)) {
    const member = record[key];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + write(member);
    first = false;
  }
  return out + '}';
}

export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/**
 * The key order the original definition (a sorted copy made with Object.fromEntries) wrote: keys
 * that are array indices ("2", "10") first in numeric order, as JavaScript objects keep them, then
 * the others sorted. Stored baselines carry hashes of that text.
 */
function orderedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record).sort();
  const indices = keys.filter(isArrayIndex);
  if (indices.length === 0) return keys;
  return [...indices.sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isArrayIndex(k))];
}

function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57 && /^(0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295;
}
