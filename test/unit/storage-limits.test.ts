import { describe, expect, it } from 'vitest';
import {
  assertEntityWithinLimits,
  assertValidKey,
  chunkText,
  MAX_BATCH_BYTES,
  MAX_BATCH_OPERATIONS,
  planBatches,
} from '../../shared/storage/limits';

describe('Table Storage limits enforced in our code', () => {
  it('rejects key characters Azure forbids (Azurite would answer 500 instead of 400)', () => {
    for (const bad of ['a/b', 'a\\b', 'a#b', 'a?b', 'a\nb', ''])
      expect(() => assertValidKey('RowKey', bad)).toThrow();
    expect(() => assertValidKey('RowKey', 'identity:payments-api|role.unexpected')).not.toThrow();
  });

  it('rejects an oversized string property and too many properties', () => {
    expect(() =>
      assertEntityWithinLimits({ partitionKey: 'p', rowKey: 'r', data: 'x'.repeat(32 * 1024 + 1) }),
    ).toThrow(/Table Storage allows/);
    expect(() =>
      assertEntityWithinLimits({ partitionKey: 'p', rowKey: 'r', data: 'x'.repeat(32 * 1024) }),
    ).not.toThrow();
    const wide: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
      partitionKey: 'p',
      rowKey: 'r',
    };
    for (let i = 0; i < 253; i++) wide[`p${i}`] = i;
    expect(() => assertEntityWithinLimits(wide)).toThrow(/252/);
  });

  it('rejects an entity over 1 MiB even when each property fits', () => {
    const entity: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
      partitionKey: 'p',
      rowKey: 'r',
    };
    for (let i = 0; i < 20; i++) entity[`d${i}`] = 'x'.repeat(30_000);
    expect(() => assertEntityWithinLimits(entity)).toThrow(/1048576/);
  });

  it('splits batches at 100 operations and at the payload limit', () => {
    const small = Array.from({ length: 250 }, (_, i) => ({ partitionKey: 'p', rowKey: `r${i}` }));
    expect(planBatches(small).map((b) => b.length)).toEqual([100, 100, 50]);
    const big = Array.from({ length: 150 }, (_, i) => ({
      partitionKey: 'p',
      rowKey: `r${i}`,
      data: 'x'.repeat(30_000),
    }));
    const batches = planBatches(big);
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(MAX_BATCH_OPERATIONS);
      expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    }
    expect(batches.flat()).toHaveLength(150);
  });

  it('chunks text without splitting surrogate pairs and joins back exactly', () => {
    const text = `${'a'.repeat(9)}😀${'b'.repeat(25)}`;
    const chunks = chunkText(text, 10);
    expect(chunks.join('')).toBe(text);
    expect(chunks[0]).toBe('a'.repeat(9));
    expect(chunkText('')).toEqual(['']);
  });
});
