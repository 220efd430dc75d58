import { describe, expect, it } from 'vitest';
import { PackedIndex, partitionOfKey } from '../../shared/storage/packed-index';
import { freshTables } from '../support/tables';

type Entry = { key: string; value: { n: number; text: string } };
const entries = (n: number, text = 'x'): Entry[] =>
  Array.from({ length: n }, (_, i) => ({
    key: `/subscriptions/s/roleAssignments/${i}`,
    value: { n: i, text },
  }));

describe('packed index (Azurite)', () => {
  it('stores every key, and a second replaceAll with the same content writes nothing', async () => {
    const tables = freshTables();
    const index = new PackedIndex<Entry['value']>(tables, 'assignmentindex');
    const list = entries(5000);
    const first = await index.replaceAll(
      list,
      (e) => e.key,
      (e) => e.value,
    );
    expect(first.partitionsWritten).toBe(new Set(list.map((e) => partitionOfKey(e.key))).size);
    expect(await index.get('/SUBSCRIPTIONS/s/roleAssignments/4321')).toEqual({ n: 4321, text: 'x' });
    expect(await index.get('/subscriptions/s/roleAssignments/99999')).toBeUndefined();
    const rowsBefore = tables.traffic.assignmentindex!.rowsWritten;
    expect(
      (
        await index.replaceAll(
          list,
          (e) => e.key,
          (e) => e.value,
        )
      ).partitionsWritten,
    ).toBe(0);
    expect(tables.traffic.assignmentindex!.rowsWritten).toBe(rowsBefore);
    // One key changed, one removed: only their partitions are written again.
    const changed = list
      .filter((e) => e.value.n !== 7)
      .map((e) => (e.value.n === 8 ? { ...e, value: { n: 8, text: 'y' } } : e));
    const third = await index.replaceAll(
      changed,
      (e) => e.key,
      (e) => e.value,
    );
    expect(third.partitionsWritten).toBe(new Set([list[7]!.key, list[8]!.key].map(partitionOfKey)).size);
    expect(await index.get(list[7]!.key)).toBeUndefined();
    expect(await index.get(list[8]!.key)).toEqual({ n: 8, text: 'y' });
  });

  it('spreads a large partition over several rows and reads it back', async () => {
    const tables = freshTables();
    const index = new PackedIndex<{ text: string }>(tables, 'identityindex');
    // Random text does not compress: about 400 kB in one partition (several 60 kB slices).
    const big = Array.from({ length: 200 }, (_, i) => ({
      key: `k${i}`,
      value: { text: Array.from({ length: 2000 }, () => Math.random().toString(36).slice(2, 3)).join('') },
    })).filter((e) => partitionOfKey(e.key) === partitionOfKey('k0'));
    await index.replaceAll(
      big,
      (e) => e.key,
      (e) => e.value,
    );
    for (const e of big) expect(await index.get(e.key)).toEqual(e.value);
  });

  it('concurrent updates of one partition all land (ETag, retried)', async () => {
    const tables = freshTables();
    const index = new PackedIndex<number>(tables, 'assignmentindex');
    const keys = Array.from({ length: 2000 }, (_, i) => `key-${i}`);
    const samePartition = keys.filter((k) => partitionOfKey(k) === partitionOfKey(keys[0]!)).slice(0, 4);
    expect(samePartition.length).toBe(4);
    await Promise.all(samePartition.map((k, i) => index.update(k, i)));
    for (const [i, k] of samePartition.entries()) expect(await index.get(k)).toBe(i);
    await index.update(samePartition[0]!, undefined);
    expect(await index.get(samePartition[0]!)).toBeUndefined();
  });

  it('a partition that does not match its manifest reads as unknown (null), never as absent', async () => {
    const tables = freshTables();
    const index = new PackedIndex<number>(tables, 'assignmentindex');
    await index.replaceAll(
      ['a', 'b'],
      (k) => k,
      () => 1,
    );
    const table = await tables.table('assignmentindex');
    await table.updateEntity(
      { partitionKey: partitionOfKey('a'), rowKey: 'manifest', hash: 'tampered' },
      'Merge',
    );
    expect(await index.get('a')).toBeNull();
  });
});
