import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../shared/baseline/parse';
import { BaselineConflictError, BaselineStore } from '../../shared/baseline/store';
import { baselineToYaml } from '../../shared/baseline/serialize';
import { replaceOnce, sampleBaselineText, SAMPLE_NOW } from '../support/sample';
import { freshTables } from '../support/tables';
import { syntheticBaseline } from '../support/synthetic-baseline';

const sample = () => parseBaseline(sampleBaselineText(), 'baseline.yaml', SAMPLE_NOW);

/** The content hash, worked out here: SHA-256 of JSON.stringify of a copy with every object's keys sorted. */
function expectedHash(value: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(sorted(value)))
    .digest('hex');
}
const opts = (summary = 'test') => ({ actor: 'tester@contoso.com', now: SAMPLE_NOW, summary });

describe('baseline store (real Azurite)', () => {
  it('has nothing stored at first', async () => {
    expect(await new BaselineStore(freshTables()).current()).toBeUndefined();
  });

  it('apply → current → show YAML → parse round-trips exactly, with an audit record', async () => {
    const store = new BaselineStore(freshTables());
    const applied = await store.apply(sample(), opts('first'));
    const stored = await store.current();
    expect(stored?.baseline).toEqual(sample());
    expect(stored?.sequence).toBe(1);
    expect(applied.contentHash).toBe(expectedHash(sample()));
    expect(stored?.contentHash).toBe(expectedHash(sample()));
    const reparsed = parseBaseline(baselineToYaml(stored!.baseline), 'shown.yaml', SAMPLE_NOW);
    expect(reparsed).toEqual(sample());
    const history = await store.history();
    expect(history).toEqual([
      expect.objectContaining({
        sequence: 1,
        appliedBy: 'tester@contoso.com',
        summary: 'first',
        contentHash: expectedHash(sample()),
      }),
    ]);
  });

  it('a failure half-way through an apply leaves the previous baseline in force and complete', async () => {
    const tables = freshTables();
    await new BaselineStore(tables).apply(sample(), opts());
    const before = await new BaselineStore(tables).current();
    // Large enough to need several chunk transactions; fail on the second one.
    const failing = new BaselineStore(tables, {
      beforeChunkBatch: (index) => {
        if (index === 1) throw new Error('injected: storage went away');
      },
    });
    await expect(failing.apply(syntheticBaseline(6000), opts())).rejects.toThrow('injected');
    const after = await new BaselineStore(tables).current();
    expect(after?.sequence).toBe(1);
    expect(after?.baseline).toEqual(before?.baseline);
    expect(await new BaselineStore(tables).history()).toHaveLength(1);
    // The failed version's orphan chunks were cleaned up: only the live version's partition remains.
    const table = await tables.table('baseline');
    const partitions = new Set<string>();
    for await (const row of table.listEntities()) partitions.add(row.partitionKey!);
    expect([...partitions].sort()).toEqual(['state', `v-${after!.version}`]);
  });

  it('an apply that died mid-write leaves chunks nothing points at: the next successful apply prunes them', async () => {
    const tables = freshTables();
    await new BaselineStore(tables).apply(sample(), opts());
    // The dying apply: its first chunk transaction lands, then it never continues (a killed worker:
    // no catch, no cleanup runs).
    let landed!: () => void;
    const firstBatchWritten = new Promise<void>((resolve) => (landed = resolve));
    const dying = new BaselineStore(tables, {
      beforeChunkBatch: (index) => {
        if (index === 1) {
          landed();
          return new Promise<void>(() => undefined);
        }
      },
    });
    void dying.apply(syntheticBaseline(6000), opts('killed'));
    await firstBatchWritten;
    const table = await tables.table('baseline');
    const partitions = async () => {
      const out = new Map<string, number>();
      for await (const row of table.listEntities({ queryOptions: { select: ['PartitionKey'] } }))
        out.set(row.partitionKey!, (out.get(row.partitionKey!) ?? 0) + 1);
      return out;
    };
    const before = await partitions();
    expect(before.size).toBe(3); // state, the live version, the partial one
    const partial = [...before.keys()].find((k) => k.startsWith('v-000000000002'))!;
    expect(before.get(partial)).toBeGreaterThan(1); // its first transaction of chunks (no meta row yet)
    const next = await new BaselineStore(tables).apply(syntheticBaseline(20), opts('next'));
    expect(next.pruned).toBe(1);
    const after = await partitions();
    expect(after.has(partial)).toBe(false);
    const history = await new BaselineStore(tables).history();
    expect([...after.keys()].sort()).toEqual(['state', ...history.map((h) => `v-${h.version}`)].sort());
    expect((await new BaselineStore(tables).current())?.sequence).toBe(2);
  });

  it('two concurrent applies: exactly one wins, the other gets a conflict, no mixed state', async () => {
    const tables = freshTables();
    await new BaselineStore(tables).apply(sample(), opts());
    // A barrier makes the two applies overlap for certain: each has read the stored pointer and
    // is writing its version before either tries to flip it.
    let arrived = 0;
    let release!: () => void;
    const bothArrived = new Promise<void>((resolve) => (release = resolve));
    const barrier = {
      beforeChunkBatch: async (index: number) => {
        if (index !== 0) return;
        if (++arrived === 2) release();
        await bothArrived;
      },
    };
    const storeA = new BaselineStore(tables, barrier);
    const storeB = new BaselineStore(tables, barrier);
    const a = parseBaseline(
      replaceOnce(sampleBaselineText(), 'reviewBy: 2027-04-01', 'reviewBy: 2027-04-02'),
      'a.yaml',
      SAMPLE_NOW,
    );
    const b = parseBaseline(
      replaceOnce(sampleBaselineText(), 'reviewBy: 2027-04-01', 'reviewBy: 2027-04-03'),
      'b.yaml',
      SAMPLE_NOW,
    );
    const results = await Promise.allSettled([storeA.apply(a, opts('A')), storeB.apply(b, opts('B'))]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(BaselineConflictError);
    expect(String(rejected[0]!.reason.message)).toMatch(/run plan again/);
    const stored = await new BaselineStore(tables).current();
    const winner = results[0]!.status === 'fulfilled' ? a : b;
    expect(stored?.baseline).toEqual(winner);
    expect(stored?.sequence).toBe(2);
    expect((await storeA.history()).map((h) => h.sequence)).toEqual([2, 1]);
  });

  it('refuses when the stored sequence moved since plan', async () => {
    const store = new BaselineStore(freshTables());
    await store.apply(sample(), opts());
    await expect(store.apply(sample(), { ...opts(), expectedSequence: 0 })).rejects.toThrow(
      BaselineConflictError,
    );
  });

  it('applies a 5,000-identity baseline and reads it back identical', async () => {
    const store = new BaselineStore(freshTables());
    const big = syntheticBaseline(5000);
    await store.apply(big, opts());
    const stored = await store.current();
    expect(stored?.baseline.identities).toHaveLength(5000);
    expect(stored?.baseline).toEqual(big);
  });
});
