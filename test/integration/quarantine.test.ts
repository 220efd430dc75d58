/**
 * Per-object quarantine (issue 18), through the emulator serving contoso: a role assignment and a
 * service principal that cannot be read blind the monitor to those two objects only. Every other
 * identity of the same scope is evaluated as before, each unreadable object is reported as
 * inventory.unreadable-object naming the API path, field and reason, and the findings about them
 * are neither raised from missing data nor resolved; once they read again, those findings are
 * back exactly and the unreadable-object findings resolve.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { openKeys } from '../support/findings';
import type { Tables } from '../../shared/storage/tables';
import { reconcileContoso, useContosoEmulator } from '../support/emulator';
import { tablesWithSampleBaseline } from '../support/tables';

const PROD = '11111111-1111-4111-8111-111111111111';
const ASSIGNMENTS = `subscriptions/${PROD}/providers/Microsoft.Authorization/roleAssignments`;
const SERVICE_PRINCIPALS = 'v1.0/servicePrincipals';
const ORDERS_WORKER = '10000000-0000-4000-8000-000000000005';

type Item = Record<string, unknown> & { id: string; properties?: Record<string, unknown> };

describe('unreadable objects are quarantined one by one (emulator + Azurite)', () => {
  const env = useContosoEmulator();
  let tables: Tables;
  const scan = () => reconcileContoso(env.get(), tables);

  beforeEach(async () => {
    tables = await tablesWithSampleBaseline();
  });

  it('one malformed role assignment and one malformed service principal', async () => {
    const before = await scan();
    expect(before.run.complete).toBe(true);

    const assignments = env.get().fixture.get('arm', ASSIGNMENTS) as { value: Item[] };
    const sps = env.get().fixture.get('graph', SERVICE_PRINCIPALS) as { value: Item[] };
    // orders-worker's assignments lose their role definition id; shadow-app's service principal its appId.
    const brokenAssignment = assignments.value.find((a) => a.properties?.principalId === ORDERS_WORKER)!;
    const shadow = sps.value.find((s) => s.displayName === 'shadow-app')!;
    env.get().fixture.set('arm', ASSIGNMENTS, {
      ...assignments,
      value: assignments.value.map((a) =>
        a === brokenAssignment ? { ...a, properties: { ...a.properties, roleDefinitionId: 42 } } : a,
      ),
    });
    env.get().fixture.set('graph', SERVICE_PRINCIPALS, {
      ...sps,
      value: sps.value.map((s) => (s === shadow ? { ...s, appId: null } : s)),
    });
    try {
      const during = await scan();
      // The scope and the directory were read: only the two objects are unknown.
      expect(during.run.complete).toBe(true);
      const unreadable = during.findings.filter((f) => f.ruleId === 'inventory.unreadable-object');
      expect(unreadable.map((f) => [f.identity.objectId, f.evidence.api, f.evidence.source]).sort()).toEqual(
        [
          [ORDERS_WORKER, 'arm', `/subscriptions/${PROD}/providers/Microsoft.Authorization/roleAssignments`],
          [String(shadow.id), 'graph', '/servicePrincipals'],
        ].sort(),
      );
      const arm = unreadable.find((f) => f.evidence.api === 'arm')!;
      expect(arm.evidence.problems).toMatch(/^properties\.roleDefinitionId: /);
      expect(arm.evidence.id).toBe(brokenAssignment.id);
      expect(arm.message).toMatch(/could not read role assignment .* from Azure Resource Manager/);
      const graph = unreadable.find((f) => f.evidence.api === 'graph')!;
      expect(graph.evidence.problems).toMatch(/^appId: /);
      // Nothing about either object was resolved or raised from their absence; everything else is as before.
      expect(during.sync.resolved).toEqual([]);
      expect(during.sync.opened.map((f) => f.ruleId)).toEqual([
        'inventory.unreadable-object',
        'inventory.unreadable-object',
      ]);
      const others = (list: typeof before.findings) =>
        openKeys(list.filter((f) => f.ruleId !== 'inventory.unreadable-object'));
      expect(others(during.findings)).toEqual(others(before.findings));
    } finally {
      env.get().fixture.set('arm', ASSIGNMENTS, assignments);
      env.get().fixture.set('graph', SERVICE_PRINCIPALS, sps);
    }
    const after = await scan();
    expect(after.sync.resolved.map((f) => f.ruleId)).toEqual([
      'inventory.unreadable-object',
      'inventory.unreadable-object',
    ]);
    expect(openKeys(after.findings)).toEqual(openKeys(before.findings));
  });
});
