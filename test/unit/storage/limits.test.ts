import { describe, expect, it } from 'vitest';
import {
  assertEntityWithinLimits,
  assertValidKey,
  chunkText,
  planBatches,
} from '../../../shared/storage/limits';

// Azure's published limits, written here rather than imported from the code under test
// (learn.microsoft.com, "Scalability and performance targets for Table storage" and "Performing
// entity group transactions"): a batch holds at most 100 entities and at most 4 MiB of payload.
const AZURE_BATCH_OPERATIONS = 100;
const AZURE_BATCH_BYTES = 4 * 1024 * 1024;

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
      expect(b.length).toBeLessThanOrEqual(AZURE_BATCH_OPERATIONS);
      expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThan(AZURE_BATCH_BYTES);
    }
    expect(batches.flat()).toHaveLength(150);
    // 150 entities of about 30 KB (4.5 MB) cannot go in one 4 MiB batch: the planner split them.
    expect(batches.length).toBeGreaterThan(1);
  });

  it('chunks text without splitting surrogate pairs and joins back exactly', () => {
    const text = `${'a'.repeat(9)}😀${'b'.repeat(25)}`;
    const chunks = chunkText(text, 10);
    expect(chunks.join('')).toBe(text);
    expect(chunks[0]).toBe('a'.repeat(9));
    expect(chunkText('')).toEqual(['']);
  });
});
