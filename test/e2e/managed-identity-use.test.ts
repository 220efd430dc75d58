/**
 * identity.unattached-managed-identity end to end: Resource Graph through the real SDK client
 * against the emulator, then the reconcile into Azurite.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { readManagedIdentityUse, RESOURCE_GRAPH_SCOPE } from '../../shared/inventory/resource-graph-reader';
import { reconcile } from '../../shared/app/reconcile';
import { clientsFor, contosoScope, tenantFor, useContosoEmulator } from '../support/emulator';
import { tablesWithSampleBaseline } from '../support/tables';

const NOW = new Date('2026-11-22T09:00:00Z');
const PROD = '11111111-1111-4111-8111-111111111111';
const uami = (sub: string, rg: string, name: string) =>
  `/subscriptions/${sub}/resourcegroups/${rg}/providers/microsoft.managedidentity/userassignedidentities/${name}`;

describe('which resources use each user-assigned identity (Resource Graph)', () => {
  const env = useContosoEmulator();
  beforeEach(() => {
    env.get().clearFaults();
    env.get().resetRequests();
  });

  it('reads identity blocks and AKS kubelet identities across pages, scoped to the monitored subscriptions', async () => {
    const use = await readManagedIdentityUse(clientsFor(env.get()), contosoScope(env.get()));
    expect(use.completeness).toEqual({ scope: RESOURCE_GRAPH_SCOPE, kind: 'resourceGraph', complete: true });
    expect(use.usedBy.get(uami(PROD, 'rg-orders', 'id-orders-worker'))).toEqual([
      `/subscriptions/${PROD}/resourceGroups/rg-orders/providers/Microsoft.Web/sites/func-orders-prod`,
    ]);
    expect(use.usedBy.get(uami(PROD, 'rg-analytics', 'id-analytics-batch'))?.[0]).toMatch(
      /managedClusters\/aks-analytics$/,
    );
    expect(use.usedBy.has(uami(PROD, 'rg-inventory', 'id-inventory-api'))).toBe(false);
    expect(use.usedBy.size).toBe(5);
    // 5 matching rows at the fixture's page size of 3: two POSTs
    expect(env.get().requestsByRoute()['POST arm /providers/Microsoft.ResourceGraph/resources']).toBe(2);

    const prodOnly = await readManagedIdentityUse(clientsFor(env.get()), {
      subscriptions: [PROD],
      managementGroups: [],
    });
    expect([...prodOnly.usedBy.keys()].every((k) => k.startsWith(`/subscriptions/${PROD}/`))).toBe(true);
    expect(prodOnly.usedBy.size).toBe(3);
  });

  it('a page that fails after the first makes the read incomplete, never a shorter answer', async () => {
    env.get().addFault({
      api: 'arm',
      path: 'Microsoft.ResourceGraph',
      laterPagesOnly: true,
      status: 403,
      times: Infinity,
    });
    const use = await readManagedIdentityUse(clientsFor(env.get()), contosoScope(env.get()));
    expect(use.completeness.complete).toBe(false);
    expect(use.completeness.error).toMatch(/403/);
  });

  it('the reconcile raises it for the unattached identity only, and a failed Resource Graph read neither raises nor resolves', async () => {
    const tables = await tablesWithSampleBaseline();
    const first = await reconcile({ tables, tenant: tenantFor(env.get()), evaluateAt: NOW });
    const unattached = first.findings.filter((f) => f.ruleId === 'identity.unattached-managed-identity');
    expect(unattached.map((f) => f.identity.name)).toEqual(['inventory-api']);
    expect(unattached[0]!.message).toMatch(/no resource in the monitored scope uses/);

    env.get().addFault({ api: 'arm', path: 'Microsoft.ResourceGraph', status: 500, times: Infinity });
    const second = await reconcile({ tables, tenant: tenantFor(env.get()), evaluateAt: NOW });
    expect(second.run.complete).toBe(false);
    expect(second.run.scopes.find((s) => s.scope === RESOURCE_GRAPH_SCOPE)?.complete).toBe(false);
    expect(
      second.findings.filter(
        (f) => f.ruleId === 'identity.unattached-managed-identity' && f.state === 'open',
      ),
    ).toHaveLength(1);
  });
});
