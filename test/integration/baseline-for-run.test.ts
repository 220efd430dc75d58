import { describe, expect, it } from 'vitest';
import { baselineForRun } from '../../shared/app/run-support';
import { BaselineStore } from '../../shared/baseline/store';
import { freshTables } from '../support/tables';
import { syntheticBaseline } from '../support/synthetic-baseline';

const apply = (tables: ReturnType<typeof freshTables>, count: number) =>
  new BaselineStore(tables).apply(syntheticBaseline(count), {
    actor: 'tester@contoso.com',
    now: new Date('2026-11-30T00:00:00Z'),
    summary: `${count} identities`,
  });

describe('the baseline a run uses (real Azurite)', () => {
  it('is parsed once and reused while the stored version is unchanged', async () => {
    const tables = freshTables();
    await apply(tables, 3);
    const first = await baselineForRun(tables, undefined);
    const again = await baselineForRun(tables, undefined);
    expect(first.baseline.identities).toHaveLength(3);
    expect(again.baseline).toBe(first.baseline);
    await apply(tables, 4);
    const changed = await baselineForRun(tables, undefined);
    expect(changed.baseline.identities).toHaveLength(4);
    expect(changed.info.sequence).toBe(2);
  });

  it('is always the baseline of the storage asked about, when one process turns from one storage to another and back', async () => {
    const a = freshTables();
    const b = freshTables();
    await apply(a, 2);
    await apply(b, 5);
    for (const [tables, count] of [
      [a, 2],
      [b, 5],
      [a, 2],
      [b, 5],
    ] as const)
      expect((await baselineForRun(tables, undefined)).baseline.identities).toHaveLength(count);
  });
});
