/**
 * The synthetic tenant behind the scale benchmark: deterministic, and a full reconcile over it
 * finds exactly the drift it seeds (nothing more), as the benchmark asserts at every size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fixture } from '../../emulator/fixture';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { generateSyntheticTenant } from '../../emulator/synthetic-tenant';
import { reconcile } from '../../shared/app/reconcile';
import { baselineSchema } from '../../shared/baseline/schema';
import { clientsFor } from '../support/emulator';
import { freshTables } from '../support/tables';

const SIZE = 1200;

describe('synthetic tenant (emulator + Azurite)', () => {
  const tenant = generateSyntheticTenant({
    identities: SIZE,
    driftEvery: 100,
    pageSize: { arm: 500, graph: 200 },
  });
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({
      fixture: new Fixture(tenant.manifest, tenant.files),
      throttle: { every: 97, retryAfterSeconds: 0 },
    });
  });
  afterAll(() => emulator.stop());

  it('is deterministic and has the size asked for', () => {
    const again = generateSyntheticTenant({
      identities: SIZE,
      driftEvery: 100,
      pageSize: { arm: 500, graph: 200 },
    });
    expect(JSON.stringify([...again.files])).toBe(JSON.stringify([...tenant.files]));
    expect(tenant.counts).toMatchObject({ identities: SIZE, applications: 960, managedIdentities: 240 });
    // five per identity plus one undeclared extra per drift block
    expect(tenant.counts.roleAssignments).toBe(SIZE * 5 + SIZE / 100);
    expect(tenant.expected).toHaveLength((SIZE / 100) * 5);
  });

  it('a full reconcile (with 429s along the way) finds exactly the seeded drift', async () => {
    const now = new Date(tenant.manifest.recordedAt);
    const baseline = baselineSchema(tenant.manifest.recordedAt.slice(0, 10)).parse(tenant.baseline);
    const result = await reconcile({
      tables: freshTables(),
      tenant: {
        clients: clientsFor(emulator),
        scope: { subscriptions: tenant.manifest.subscriptions, managementGroups: [] },
      },
      baseline: { baseline, source: 'synthetic' },
      evaluateAt: now,
    });
    expect(result.run.complete).toBe(true);
    expect(result.findings.map((f) => `${f.ruleId}|${f.identity.objectId}`).sort()).toEqual(tenant.expected);
    expect(emulator.stats().graph!.throttled).toBeGreaterThan(0);
    expect(result.inventory.roleAssignments).toHaveLength(tenant.counts.roleAssignments);
  });
});
