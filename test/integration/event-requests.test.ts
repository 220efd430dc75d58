/**
 * What one event costs after a reconcile (which leaves the assignment and identity indexes), pinned
 * per kind: the ARM and Graph requests by route, and that only the identity's own findings
 * partition is read. Also the two ways the index can be wrong — it does not know the assignment,
 * or the assignment now belongs to someone else — and that both still give the right findings.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { handleEvents } from '../../shared/app/handle-events';
import { reconcile } from '../../shared/app/reconcile';
import { assignmentIndex } from '../../shared/app/event-indexes';
import { FindingStore } from '../../shared/findings/store';
import type { Tables } from '../../shared/storage/tables';
import { tenantFor, useContosoEmulator } from '../support/emulator';
import { PROD_SUB, resourceEvent } from '../support/events';
import { SAMPLE_NOW } from '../support/sample';
import { tablesWithSampleBaseline } from '../support/tables';

const ASSIGNMENTS = `subscriptions/${PROD_SUB}/providers/Microsoft.Authorization/roleAssignments`;
const PAYMENTS_API = '10000000-0000-4000-8000-000000000001';
const ORDERS_WORKER = '10000000-0000-4000-8000-000000000003';
const OWNER_GUID = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const NEW_ASSIGNMENT = `/subscriptions/${PROD_SUB}/providers/Microsoft.Authorization/roleAssignments/6a000000-0000-4000-8000-0000000000cc`;
const WRITE = 'Microsoft.Authorization/roleAssignments/write';
const DELETE = 'Microsoft.Authorization/roleAssignments/delete';
const UAMI = `/subscriptions/${PROD_SUB}/resourceGroups/rg-pay/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-payments-api`;
const OWNER_ON_SUBSCRIPTION = ['role.privileged-broad', 'role.secret-manager-on-runtime', 'role.unexpected'];
const rules = (list: Array<{ ruleId: string }>) => list.map((f) => f.ruleId).sort();

type Assignment = {
  id: string;
  properties: { principalId: string; scope: string; roleDefinitionId: string };
};

describe('requests per event after a reconcile (emulator + Azurite)', () => {
  const env = useContosoEmulator();
  let tables: Tables;
  let pristine: { value: Assignment[] };
  const deliver = (body: unknown) => handleEvents(body, { tables, tenant: tenantFor(env.get()) });
  const setAssignments = (value: Assignment[]) =>
    env.get().fixture.set('arm', ASSIGNMENTS, { ...pristine, value });
  const ownerFor = (principalId: string, id = NEW_ASSIGNMENT): Assignment =>
    ({
      properties: {
        roleDefinitionId: `/subscriptions/${PROD_SUB}/providers/Microsoft.Authorization/roleDefinitions/${OWNER_GUID}`,
        principalId,
        principalType: 'ServicePrincipal',
        scope: `/subscriptions/${PROD_SUB}`,
        createdOn: '2026-11-22T08:59:00.0000000Z',
      },
      id,
      type: 'Microsoft.Authorization/roleAssignments',
      name: id.split('/').pop(),
    }) as Assignment;
  /** Requests of the last event, ARM and Graph by route (Graph $batch items included). */
  const routes = () => env.get().requestsByRoute();
  const openFindingsNaming = async (id: string) =>
    (await new FindingStore(tables).list({ state: 'open' })).filter(
      (f) => String(f.evidence.assignmentId ?? '').toLowerCase() === id.toLowerCase(),
    );

  beforeEach(async () => {
    pristine ??= structuredClone(env.get().fixture.get('arm', ASSIGNMENTS) as { value: Assignment[] });
    setAssignments(pristine.value);
    env.get().clearFaults();
    tables = await tablesWithSampleBaseline();
    await reconcile({ tables, tenant: tenantFor(env.get()), evaluateAt: SAMPLE_NOW });
    // A first event warms the process's caches (role definitions, management groups), as any
    // running instance has them after its first event.
    setAssignments([...pristine.value, ownerFor(PAYMENTS_API)]);
    await deliver(resourceEvent({ operation: 'write', resourceUri: NEW_ASSIGNMENT, operationName: WRITE }));
    setAssignments(pristine.value);
    await deliver(resourceEvent({ operation: 'delete', resourceUri: NEW_ASSIGNMENT, operationName: DELETE }));
    env.get().resetRequests();
  });

  it("a write: the assignment and the principal's assignments at its scope (2 ARM, no Graph), one findings partition read", async () => {
    setAssignments([...pristine.value, ownerFor(PAYMENTS_API)]);
    const before = { ...(tables.traffic.findings ?? { requests: 0, rowsWritten: 0 }) };
    const [outcome] = await deliver(
      resourceEvent({ operation: 'write', resourceUri: NEW_ASSIGNMENT, operationName: WRITE }),
    );
    expect(rules(outcome!.changes.reopened)).toEqual(OWNER_ON_SUBSCRIPTION);
    expect(routes()).toEqual({
      'GET arm /subscriptions/{id}/providers/Microsoft.Authorization/roleAssignments/{id}': 1,
      'GET arm /subscriptions/{id}/providers/Microsoft.Authorization/roleAssignments': 1,
    });
    // One query of the identity's partition, one transaction writing the three findings.
    expect(tables.traffic.findings!.requests - before.requests).toBe(2);
    expect(tables.traffic.findings!.rowsWritten - before.rowsWritten).toBe(3);
  });

  it('a delete: the principal from the index, its assignments at the scope (1 ARM, no Graph)', async () => {
    setAssignments([...pristine.value, ownerFor(PAYMENTS_API)]);
    await deliver(resourceEvent({ operation: 'write', resourceUri: NEW_ASSIGNMENT, operationName: WRITE }));
    setAssignments(pristine.value);
    env.get().resetRequests();
    const [outcome] = await deliver(
      resourceEvent({ operation: 'delete', resourceUri: NEW_ASSIGNMENT, operationName: DELETE }),
    );
    expect(outcome!.objectIds).toEqual([PAYMENTS_API]);
    expect(rules(outcome!.changes.resolved)).toEqual(OWNER_ON_SUBSCRIPTION);
    expect(routes()).toEqual({
      'GET arm /subscriptions/{id}/providers/Microsoft.Authorization/roleAssignments': 1,
    });
  });

  it('a federated credential: the managed identity and its credential list (2 ARM, no Graph)', async () => {
    const [outcome] = await deliver(
      resourceEvent({
        operation: 'write',
        resourceUri: `${UAMI}/federatedIdentityCredentials/aks`,
        operationName: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write',
      }),
    );
    expect(outcome!.objectIds).toEqual([PAYMENTS_API]);
    expect(routes()).toEqual({
      'GET arm /subscriptions/{id}/resourceGroups/rg-pay/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-payments-api': 1,
      'GET arm /subscriptions/{id}/resourceGroups/rg-pay/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-payments-api/federatedIdentityCredentials': 1,
    });
  });

  it('the index does not know a deleted assignment: the findings that name it find its principal', async () => {
    setAssignments([...pristine.value, ownerFor(PAYMENTS_API)]);
    await deliver(resourceEvent({ operation: 'write', resourceUri: NEW_ASSIGNMENT, operationName: WRITE }));
    await assignmentIndex(tables).update(NEW_ASSIGNMENT, undefined);
    expect(await assignmentIndex(tables).get(NEW_ASSIGNMENT)).toBeUndefined();
    setAssignments(pristine.value);
    const [outcome] = await deliver(
      resourceEvent({ operation: 'delete', resourceUri: NEW_ASSIGNMENT, operationName: DELETE }),
    );
    expect(outcome!.objectIds).toEqual([PAYMENTS_API]);
    expect(rules(outcome!.changes.resolved)).toEqual(OWNER_ON_SUBSCRIPTION);
    expect(await openFindingsNaming(NEW_ASSIGNMENT)).toEqual([]);
  });

  it('the index does not know a deleted declared assignment: one atScope() read of its scope finds who now misses it', async () => {
    // A declared assignment of payments-api (Storage Blob Data Reader on rg-pay), unknown to the index.
    const declared = pristine.value.find(
      (a) =>
        a.properties.principalId === PAYMENTS_API && /\/resourceGroups\/rg-pay$/i.test(a.properties.scope),
    )!;
    expect(declared).toBeDefined();
    await assignmentIndex(tables).update(declared.id, undefined);
    setAssignments(pristine.value.filter((a) => a !== declared));
    env.get().resetRequests();
    const [outcome] = await deliver(
      resourceEvent({ operation: 'delete', resourceUri: declared.id, operationName: DELETE }),
    );
    expect(outcome!.objectIds).toEqual([PAYMENTS_API]);
    expect(outcome!.changes.opened.map((f) => [f.ruleId, f.target])).toEqual([
      ['role.missing', declared.properties.scope],
    ]);
    // The fallback read of the scope (atScope(), in pages of the fixture's size) and the principal's own read at it.
    const queries = env
      .get()
      .requests.filter((r) => r.api === 'arm')
      .map((r) => decodeURIComponent(r.query ?? ''));
    expect(queries.slice(0, -1).length).toBeGreaterThan(0);
    for (const q of queries.slice(0, -1)) expect(q).toContain('$filter=atScope()');
    expect(queries.at(-1)).toContain(`$filter=principalId eq '${PAYMENTS_API}'`);
  });

  it('an index gone stale (the assignment re-created for someone else) still gives the right findings', async () => {
    setAssignments([...pristine.value, ownerFor(PAYMENTS_API)]);
    await deliver(resourceEvent({ operation: 'write', resourceUri: NEW_ASSIGNMENT, operationName: WRITE }));
    expect((await assignmentIndex(tables).get(NEW_ASSIGNMENT))?.principalId).toBe(PAYMENTS_API);
    // Deleted and re-created under the same id for orders-worker; the delete event never came.
    setAssignments([...pristine.value, ownerFor(ORDERS_WORKER)]);
    const [moved] = await deliver(
      resourceEvent({ operation: 'write', resourceUri: NEW_ASSIGNMENT, operationName: WRITE }),
    );
    expect([...moved!.objectIds].sort()).toEqual([PAYMENTS_API, ORDERS_WORKER].sort());
    expect(rules(moved!.changes.resolved.filter((f) => f.identity.objectId === PAYMENTS_API))).toEqual(
      OWNER_ON_SUBSCRIPTION,
    );
    expect(rules(moved!.changes.opened.filter((f) => f.identity.objectId === ORDERS_WORKER))).toEqual(
      OWNER_ON_SUBSCRIPTION,
    );
    expect((await assignmentIndex(tables).get(NEW_ASSIGNMENT))?.principalId).toBe(ORDERS_WORKER);
    // And its deletion now finds orders-worker.
    setAssignments(pristine.value);
    const [deleted] = await deliver(
      resourceEvent({ operation: 'delete', resourceUri: NEW_ASSIGNMENT, operationName: DELETE }),
    );
    expect(deleted!.objectIds).toEqual([ORDERS_WORKER]);
    expect(await openFindingsNaming(NEW_ASSIGNMENT)).toEqual([]);
  });

  it('after the events, a reconcile agrees with what they left (nothing to open, resolve or rewrite)', async () => {
    setAssignments([...pristine.value, ownerFor(PAYMENTS_API)]);
    await deliver(resourceEvent({ operation: 'write', resourceUri: NEW_ASSIGNMENT, operationName: WRITE }));
    const { sync } = await reconcile({ tables, tenant: tenantFor(env.get()), evaluateAt: SAMPLE_NOW });
    expect({
      opened: sync.opened.length,
      reopened: sync.reopened.length,
      resolved: sync.resolved.length,
    }).toEqual({
      opened: 0,
      reopened: 0,
      resolved: 0,
    });
    // Evidence aside (the event is kept on the findings it raised), the event wrote what the reconcile would.
    expect(sync.written).toBe(0);
  });
});
