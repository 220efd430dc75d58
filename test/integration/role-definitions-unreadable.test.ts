/**
 * Role definitions that cannot be read (issue 18): the assignments that use them are unknown —
 * nothing raised from them, nothing in their scope resolved, the run partial with the API's own
 * words — and failures are never cached: once ARM answers again, the next scan and the next event
 * give back exactly the previous findings.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { openKeys } from '../support/findings';
import { handleEvents, TransientEventError } from '../../shared/app/handle-events';
import type { Tables } from '../../shared/storage/tables';
import { contosoScope, reconcileContoso, tenantFor, useContosoEmulator } from '../support/emulator';
import { PROD_SUB, resourceEvent } from '../support/events';
import { runFunction, TIMER } from '../support/functions';
import { reconcileTimer } from '../../functions/reconcile';
import { tablesWithSampleBaseline } from '../support/tables';

describe('unreadable role definitions (emulator + Azurite)', () => {
  const env = useContosoEmulator();
  let tables: Tables;
  const scan = () => reconcileContoso(env.get(), tables);

  beforeEach(async () => {
    tables = await tablesWithSampleBaseline();
    env.get().clearFaults();
  });

  it('a scan is partial, says why in ARM’s words, raises nothing about roles from unknown definitions and resolves nothing', async () => {
    const before = await scan();
    expect(before.run.complete).toBe(true);
    const roleFindings = before.findings.filter(
      (f) => f.ruleId.startsWith('role.') && f.state !== 'resolved',
    );
    expect(roleFindings.length).toBeGreaterThan(3);

    env.get().addFault({ api: 'arm', path: 'roleDefinitions', status: 500, times: Infinity });
    const during = await scan();
    expect(during.run.complete).toBe(false);
    const partial = during.run.scopes.filter((s) => !s.complete);
    // Every ARM scope read returned assignments of some role: each is partial; the directory is not.
    const { subscriptions, managementGroups } = contosoScope(env.get());
    expect(partial.map((s) => s.scope.toLowerCase()).sort()).toEqual(
      [
        ...subscriptions.map((s) => `/subscriptions/${s}`),
        ...managementGroups.map((m) => `/providers/microsoft.management/managementgroups/${m}`),
      ]
        .map((s) => s.toLowerCase())
        .sort(),
    );
    for (const s of partial) expect(s.error).toMatch(/role definition [0-9a-f-]{36}: HTTP 500/);
    // Nothing resolved, nothing new: the same open findings as before.
    expect(during.sync.resolved).toEqual([]);
    expect(during.sync.opened).toEqual([]);
    expect(openKeys(during.findings)).toEqual(openKeys(before.findings));
    // No finding names a role by its GUID.
    for (const f of during.findings) expect(f.message).not.toMatch(/holds [0-9a-f]{8}-[0-9a-f]{4}-/);

    env.get().clearFaults();
    const after = await scan();
    expect(after.run.complete).toBe(true);
    expect(openKeys(after.findings)).toEqual(openKeys(before.findings));
    expect(after.sync.opened).toEqual([]);
    expect(after.sync.resolved).toEqual([]);
  });

  it('the reconcile function logs a partial run as a warning with its run id and each gap', async () => {
    env.get().addFault({ api: 'arm', path: 'roleDefinitions', status: 500, times: Infinity });
    const lines = await runFunction('reconcile', tables, env.get(), (context) =>
      reconcileTimer(TIMER, context),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^WARNING: reconcile \S+ PARTIAL: .*; not read: \/subscriptions\/[0-9a-f-]+ \(role definition [0-9a-f-]{36}: HTTP 500/,
    );
    env.get().clearFaults();
    const ok = await runFunction('reconcile', tables, env.get(), (context) => reconcileTimer(TIMER, context));
    expect(ok[0]).toMatch(/^reconcile \S+ complete: /);
  });

  it('an event whose role definition cannot be read is a transient error (Event Grid redelivers), then processed once ARM answers', async () => {
    await scan();
    const assignments = env
      .get()
      .fixture.get('arm', `subscriptions/${PROD_SUB}/providers/Microsoft.Authorization/roleAssignments`) as {
      value: Array<{ id: string }>;
    };
    const event = resourceEvent({
      operation: 'write',
      resourceUri: assignments.value[0]!.id,
      operationName: 'Microsoft.Authorization/roleAssignments/write',
      id: 'role-def-outage',
    });
    env.get().addFault({ api: 'arm', path: 'roleDefinitions', status: 503, times: Infinity });
    await expect(handleEvents(event, { tables, tenant: tenantFor(env.get()) })).rejects.toBeInstanceOf(
      TransientEventError,
    );
    env.get().clearFaults();
    const [outcome] = await handleEvents(event, { tables, tenant: tenantFor(env.get()) });
    expect(outcome!.status).toBe('processed');
    expect(outcome!.changes.resolved).toEqual([]);
  });
});
