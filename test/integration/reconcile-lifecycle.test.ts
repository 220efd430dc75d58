import { beforeEach, describe, expect, it } from 'vitest';
import { FindingStore } from '../../shared/findings/store';
import { RunStore } from '../../shared/findings/runs';
import type { Tables } from '../../shared/storage/tables';
import { reconcile } from '../../shared/app/reconcile';
import { reconcileContoso, tenantFor, useContosoEmulator } from '../support/emulator';
import { SAMPLE_NOW } from '../support/sample';
import { tablesWithSampleBaseline } from '../support/tables';

const PROD = '11111111-1111-4111-8111-111111111111';
const DEV = '22222222-2222-4222-8222-222222222222';
const PROD_ASSIGNMENTS = `subscriptions/${PROD}/providers/Microsoft.Authorization/roleAssignments`;
const DEV_ASSIGNMENTS = `subscriptions/${DEV}/providers/Microsoft.Authorization/roleAssignments`;

describe('reconcile lifecycle (emulator + Azurite)', () => {
  const env = useContosoEmulator();
  let tables: Tables;
  const run = () => reconcileContoso(env.get(), tables);
  const withoutAssignment = (
    file: string,
    predicate: (a: { properties: { roleDefinitionId: string; principalId: string } }) => boolean,
  ) => {
    const body = env.get().fixture.get('arm', file) as {
      value: Array<{ properties: { roleDefinitionId: string; principalId: string } }>;
    };
    return { ...body, value: body.value.filter((a) => !predicate(a)) };
  };

  beforeEach(async () => {
    tables = await tablesWithSampleBaseline();
    env.get().clearFaults();
  });

  it('fixing one drift resolves exactly that finding; bringing it back reopens the same finding', async () => {
    const original = env.get().fixture.get('arm', PROD_ASSIGNMENTS);
    const first = await run();
    const unexpected = first.findings.find(
      (f) => f.ruleId === 'role.unexpected' && f.identity.name === 'orders-worker',
    )!;
    // orders-worker's undeclared Storage Queue Data Contributor is removed in the tenant
    env.get().fixture.set(
      'arm',
      PROD_ASSIGNMENTS,
      withoutAssignment(PROD_ASSIGNMENTS, (a) =>
        a.properties.roleDefinitionId.endsWith('974c5e8b-45b9-4653-ba55-5f855dd0fb88'),
      ),
    );
    try {
      const second = await run();
      expect(second.sync.resolved.map((f) => f.key)).toEqual([unexpected.key]);
      expect(second.sync.opened).toEqual([]);
      expect(second.findings).toHaveLength(first.findings.length - 1);
      const stored = await new FindingStore(tables).list({ state: 'resolved' });
      expect(stored.map((f) => [f.key, f.resolvedAt !== null])).toEqual([[unexpected.key, true]]);
    } finally {
      env.get().fixture.set('arm', PROD_ASSIGNMENTS, original);
    }
    const third = await run();
    expect(third.sync.reopened.map((f) => f.key)).toEqual([unexpected.key]);
    expect(third.sync.reopened[0]!.firstSeen).toBe(unexpected.firstSeen);
  });

  it('a run with a 403 on one subscription resolves nothing there and says it was partial', async () => {
    const original = env.get().fixture.get('arm', DEV_ASSIGNMENTS);
    const first = await run();
    const devFinding = first.findings.find((f) => f.ruleId === 'fic.issuer-untrusted')!; // web-frontend, a dev managed identity
    expect(devFinding).toBeDefined();
    // the drift in dev "disappears" but dev cannot be read: nothing in dev may be resolved
    env.get().fixture.set('arm', DEV_ASSIGNMENTS, { value: [] });
    env.get().addFault({ api: 'arm', path: `/subscriptions/${DEV}/`, status: 403, times: Infinity });
    try {
      const second = await run();
      expect(second.run.complete).toBe(false);
      expect(second.run.scopes.find((s) => s.scope === `/subscriptions/${DEV}`)).toMatchObject({
        complete: false,
      });
      expect(second.sync.resolved.map((f) => f.ruleId)).toEqual([]);
      expect(second.findings.map((f) => f.key)).toContain(devFinding.key);
      const [latest] = await new RunStore(tables).latest('reconcile', 1);
      expect(latest).toMatchObject({ id: second.run.id, complete: false });
    } finally {
      env.get().clearFaults();
      env.get().fixture.set('arm', DEV_ASSIGNMENTS, original);
    }
  });

  it('a denied directory read resolves no identity finding', async () => {
    const first = await run();
    env.get().addFault({ api: 'graph', path: '/v1.0/servicePrincipals', status: 403, times: Infinity });
    const second = await run();
    expect(second.sync.resolved.map((f) => `${f.ruleId} ${f.readScope}`)).toEqual([]);
    expect(second.sync.keptUnverified).toBeGreaterThan(0);
    expect(new Set(second.findings.map((f) => f.key))).toEqual(new Set(first.findings.map((f) => f.key)));
  });

  it('a second reconcile with no change writes no finding row (counted on the wire) and its run record says what it saw', async () => {
    const first = await run();
    expect(first.findings.length).toBeGreaterThan(10);
    const before = { ...tables.traffic.findings! };
    const second = await run();
    expect(tables.traffic.findings!.rowsWritten - before.rowsWritten).toBe(0);
    expect(second.sync.written).toBe(0);
    expect(second.sync.unchanged).toBe(first.findings.length);
    expect(second.run.openBySeverity).toEqual(first.run.openBySeverity);
    // Rows keep the time they were last written; the run record is the proof they were seen again.
    const stored = await new FindingStore(tables).current();
    expect(new Set(stored.map((f) => f.lastSeen))).toEqual(new Set(first.findings.map((f) => f.lastSeen)));
  });

  it('resolved findings older than the retention are deleted by the reconcile; younger ones stay', async () => {
    const store = new FindingStore(tables);
    const first = await run();
    // Two findings about an identity that is gone from the tenant, resolved 10 and 100 days ago.
    const gone = 'f0000000-0000-4000-8000-0000000000ff';
    const template = first.findings.find((f) => f.ruleId === 'role.unexpected')!;
    const candidates = ['/subscriptions/a', '/subscriptions/b'].map((target) => ({
      ruleId: template.ruleId,
      severity: template.severity,
      identity: { ...template.identity, objectId: gone },
      target,
      message: template.message,
      evidence: template.evidence,
      readScope: template.readScope,
    }));
    const opened = await store.sync(candidates, SAMPLE_NOW, { stored: [], readCompletely: () => true });
    await store.sync([], SAMPLE_NOW, { stored: opened.opened, readCompletely: () => true });
    const table = await tables.table('findings');
    const [young, old] = opened.opened;
    for (const [f, days] of [
      [young!, 10],
      [old!, 100],
    ] as const)
      await table.updateEntity(
        {
          partitionKey: gone,
          rowKey: f.key,
          resolvedAt: new Date(SAMPLE_NOW.getTime() - days * 86_400_000).toISOString(),
        },
        'Merge',
      );
    const second = await reconcile({
      tables,
      tenant: tenantFor(env.get()),
      evaluateAt: SAMPLE_NOW,
      clock: () => SAMPLE_NOW,
      resolvedRetentionDays: 90,
    });
    expect(second.sync.deleted).toBe(1);
    const keys = new Set((await store.list({ objectId: gone })).map((f) => f.key));
    expect([keys.has(young!.key), keys.has(old!.key)]).toEqual([true, false]);
  });

  it("rows of the earlier layout (partitioned by key) move to their identity's partition, without loss or duplicates", async () => {
    const first = await run();
    const table = await tables.table('findings');
    // Put every finding back where the earlier layout kept it.
    for (const f of first.findings) {
      const row = await table.getEntity<Record<string, unknown>>(f.identity.objectId, f.key);
      await table.deleteEntity(f.identity.objectId, f.key);
      const {
        etag: _etag,
        timestamp: _timestamp,
        ...rest
      } = row as Record<string, unknown> & {
        etag: string;
        timestamp: string;
      };
      await table.createEntity({ ...rest, partitionKey: f.key.slice(0, 2), rowKey: f.key });
    }
    const second = await run();
    expect(second.sync.opened).toEqual([]);
    expect(second.sync.resolved).toEqual([]);
    const rows: Array<{ partitionKey: string; rowKey: string }> = [];
    for await (const e of table.listEntities())
      rows.push({ partitionKey: e.partitionKey!, rowKey: e.rowKey! });
    expect(rows).toHaveLength(first.findings.length);
    for (const f of second.findings)
      expect(rows).toContainEqual({ partitionKey: f.identity.objectId, rowKey: f.key });
    // Firsts seen survive the move.
    expect(second.findings.map((f) => f.firstSeen).sort()).toEqual(
      first.findings.map((f) => f.firstSeen).sort(),
    );
  });
});
