import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from '../../../shared/baseline/canonical';
import { parseBaseline } from '../../../shared/baseline/parse';
import { sampleBaselineText, SAMPLE_NOW } from '../../support/sample';

/** The definition canonicalJson must keep to (stored baselines carry hashes made with it). */
function reference(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return JSON.stringify(sortKeys(value));
}

/** Deterministic pseudo-random values of every JSON shape, with the awkward bits baselines may hold. */
function randomValue(seed: number, depth = 0): unknown {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
  const leaf = () =>
    pick<unknown>([
      null,
      true,
      false,
      0,
      -1.5,
      1e21,
      'plain',
      'quote " and \\ slash',
      'ü ✓ \u2028',
      '',
      undefined,
    ]);
  if (depth > 3 || next() < 0.3) return leaf();
  if (next() < 0.5)
    return Array.from({ length: Math.floor(next() * 4) }, (_, i) => randomValue(seed * 31 + i, depth + 1));
  const keys = ['b', 'a', 'Z', '10', '2', 'é', 'key with space', '"q"'];
  return Object.fromEntries(
    keys.filter(() => next() < 0.6).map((k, i) => [k, randomValue(seed * 17 + i, depth + 1)]),
  );
}

describe('canonicalJson', () => {
  it('writes what sorted-keys JSON.stringify writes, for hundreds of generated values', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const value = randomValue(seed);
      if (value === undefined) continue;
      expect(canonicalJson(value)).toBe(reference(value));
    }
  });

  it('keeps the content hash of the example baseline, whatever its key order', () => {
    const baseline = parseBaseline(sampleBaselineText(), 'baseline.yaml', SAMPLE_NOW);
    expect(canonicalJson(baseline)).toBe(reference(baseline));
    const reversed = JSON.parse(JSON.stringify(baseline), (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    ) as unknown;
    expect(contentHash(reversed)).toBe(contentHash(baseline));
  });

  it('hashes the same text it writes, also past the 64 KiB pieces the hash is fed in', () => {
    const large = Array.from({ length: 3000 }, (_, i) => randomValue(i + 1)).filter((v) => v !== undefined);
    const text = reference(large);
    expect(text.length).toBeGreaterThan(200_000);
    expect(contentHash(large)).toBe(createHash('sha256').update(text).digest('hex'));
    const baseline = parseBaseline(sampleBaselineText(), 'baseline.yaml', SAMPLE_NOW);
    expect(contentHash(baseline)).toBe(createHash('sha256').update(reference(baseline)).digest('hex'));
  });
});

describe('canonical JSON: edges, against literals written by hand', () => {
  it('undefined has no canonical text; functions and symbols are left out of objects; undefined array items are null', () => {
    expect(canonicalJson(undefined)).toBeUndefined();
    expect(canonicalJson({ b: 1, f: () => 1, s: Symbol('x'), u: undefined, a: [undefined, 2] })).toBe(
      '{"a":[null,2],"b":1}',
    );
  });
  it('array-index keys first in numeric order, then the rest sorted; other numeric-looking keys sort as text', () => {
    expect(canonicalJson({ b: 1, '10': 2, '2': 3, '01': 4, a: 5, '4294967295': 6, '-1': 7 })).toBe(
      '{"2":3,"10":2,"-1":7,"01":4,"4294967295":6,"a":5,"b":1}',
    );
  });
  it('the hash of a fixed value, computed here with node:crypto over the text written by hand', () => {
    const text = '{"a":[1,"x"],"b":{"c":null}}';
    expect(canonicalJson({ b: { c: null }, a: [1, 'x'] })).toBe(text);
    expect(contentHash({ b: { c: null }, a: [1, 'x'] })).toBe(
      createHash('sha256').update(text).digest('hex'),
    );
  });
  it('a value larger than one hashed piece (64 KiB) hashes as its whole text', () => {
    const big = { list: Array.from({ length: 5000 }, (_, i) => `item-${i}-${'x'.repeat(20)}`) };
    const text = `{"list":[${big.list.map((s) => `"${s}"`).join(',')}]}`;
    expect(text.length).toBeGreaterThan(65_536 * 2);
    expect(contentHash(big)).toBe(createHash('sha256').update(text).digest('hex'));
  });
});
