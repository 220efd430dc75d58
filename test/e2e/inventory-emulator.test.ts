import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { readInventory } from '../../shared/inventory/read-inventory';
import { readIdentities } from '../../shared/inventory/read-identities';
import { inventorySummary } from '../../shared/cli/inventory-commands';
import { clientsFor, contosoScope, useContosoEmulator } from '../support/emulator';
import { CONTOSO } from '../support/sample';

const NOW = new Date('2026-11-22T09:00:00Z');
const PROD = '11111111-1111-4111-8111-111111111111';
const DEV = '22222222-2222-4222-8222-222222222222';
const json = (rel: string) =>
  JSON.parse(readFileSync(path.join(CONTOSO, rel), 'utf8')) as { value: Array<Record<string, any>> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- raw fixture JSON;

describe('inventory through the real SDK clients against the emulator (HTTPS)', () => {
  const env = useContosoEmulator();
  beforeEach(() => {
    env.get().clearFaults();
    env.get().setLatency(0);
    env.get().resetRequests();
  });

  const read = () =>
    readInventory(clientsFor(env.get()), contosoScope(env.get()), NOW, {
      graph: { sleep: async () => undefined },
    });

  it('reads the contoso tenant completely, across several pages', async () => {
    const inv = await read();
    expect(inv.scopes.every((s) => s.complete)).toBe(true);
    expect(inventorySummary(inv)).toEqual({
      identities: 16,
      applications: 9,
      managedIdentities: 7,
      credentials: 11, // 8 client credentials and the SAML app's 3 token-signing keys
      federatedCredentials: 5,
      appRoleGrants: 7,
      roleAssignments: 30,
    });
    const routes = env.get().requestsByRoute();
    // page sizes in fixture.json are 3 (ARM) and 4 (Graph): these lists needed several pages
    const assignmentPages = (
      ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'] as const
    )
      .map(
        (s) =>
          json(`arm/subscriptions/${s}/providers/Microsoft.Authorization/roleAssignments.json`).value.length,
      )
      .reduce((n, items) => n + Math.ceil(items / 3), 0);
    expect(assignmentPages).toBeGreaterThan(2);
    expect(routes[`GET arm /subscriptions/{id}/providers/Microsoft.Authorization/roleAssignments`]).toBe(
      assignmentPages,
    );
    expect(routes['GET graph /v1.0/servicePrincipals']).toBe(
      Math.ceil(json('graph/v1.0/servicePrincipals.json').value.length / 4),
    );
    const crm = inv.identities.find((i) => i.displayName === 'crm-connector')!;
    expect(crm.appRoleGrants.map((g) => `${g.resourceDisplayName}/${g.permission}`).sort()).toEqual([
      'Microsoft Graph/Directory.ReadWrite.All',
      'Microsoft Graph/Mail.Send',
      'Microsoft Graph/User.Read.All',
    ]);
    const payments = inv.identities.find((i) => i.displayName === 'id-payments-api')!;
    expect(payments.kind).toBe('managedIdentity');
    expect(payments.federatedCredentials).toEqual([
      expect.objectContaining({
        on: 'managedIdentity',
        subject: 'system:serviceaccount:payments:payments-api',
      }),
    ]);
    const ci = inv.identities.find((i) => i.displayName === 'payments-ci')!;
    expect(ci.owners).toEqual([
      {
        objectId: '40000000-0000-4000-8000-000000000001',
        displayName: 'Alice Ng',
        mail: 'alice@contoso.com',
        type: 'user',
      },
    ]);
    expect(ci.credentials).toEqual([
      expect.objectContaining({ type: 'secret', displayName: 'old-deploy-secret', hint: 'Q~3' }),
    ]);
    const uaa = inv.roleAssignments.find((a) => a.roleName === 'User Access Administrator')!;
    expect(uaa.scope).toBe('/providers/Microsoft.Management/managementGroups/contoso');
    // listed by both subscriptions (inherited) and by the management group itself: kept once
    expect(inv.roleAssignments.filter((a) => a.id.toLowerCase() === uaa.id.toLowerCase())).toHaveLength(1);
    // never a secret value in what we keep
    expect(JSON.stringify(inv)).not.toMatch(/secretText/);
  });

  it('makes exactly the minimum number of requests for the fixture’s page sizes and batching', async () => {
    const unitsBefore = env.get().stats().graph?.resourceUnits ?? 0;
    const inv = await read();
    const manifest = JSON.parse(readFileSync(path.join(CONTOSO, 'fixture.json'), 'utf8'));
    const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));
    const arm = manifest.pageSize.arm as number;
    const graph = manifest.pageSize.graph as number;
    const uamis = [PROD, DEV].map(
      (s) =>
        json(`arm/subscriptions/${s}/providers/Microsoft.ManagedIdentity/userAssignedIdentities.json`).value,
    );
    const assignments = [PROD, DEV].map(
      (s) => json(`arm/subscriptions/${s}/providers/Microsoft.Authorization/roleAssignments.json`).value,
    );
    const mg = json(
      'arm/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/roleAssignments.json',
    ).value;
    const distinctRoles = new Set(
      [...assignments.flat(), ...mg].map((a) => String(a.properties.roleDefinitionId).split('/').pop()),
    );
    const usingIdentities = json('arm/providers/Microsoft.ResourceGraph/resources.json').value.filter(
      (r) =>
        Object.keys(r.identity?.userAssignedIdentities ?? {}).length > 0 ||
        r.properties?.identityProfile?.kubeletidentity?.resourceId,
    );
    const expectedArm =
      pages(usingIdentities.length, Math.min(arm, 1000)) + // one Resource Graph query, paged
      assignments.reduce((n, list) => n + pages(list.length, arm), 0) +
      pages(mg.length, arm) +
      uamis.reduce((n, list) => n + pages(list.length, arm), 0) +
      uamis.flat().length + // one federated-credential list per user-assigned identity (ARM has no batch for it)
      distinctRoles.size + // one GET per distinct role definition, cached for the run
      pages(json('arm/providers/Microsoft.Management/getEntities.json').value.length, arm); // the management-group hierarchy
    const apps = json('graph/v1.0/applications.json').value;
    const sps = json('graph/v1.0/servicePrincipals.json').value;
    // The grants come from the granting side: each service principal that defines an app role an
    // application can hold lists its appRoleAssignedTo (first pages 20 to a $batch, the rest GETs).
    const resources = sps.filter((sp) =>
      (sp.appRoles ?? []).some((r: { allowedMemberTypes?: string[] }) =>
        (r.allowedMemberTypes ?? ['Application']).includes('Application'),
      ),
    );
    const grants = env
      .get()
      .fixture.collections('graph', 'appRoleAssignments')
      .flatMap((c) => c.items as Array<{ resourceId: string }>);
    const grantPages = resources.map((r) => pages(grants.filter((g) => g.resourceId === r.id).length, graph));
    const expectedGraph =
      pages(apps.length, graph) +
      pages(sps.length, graph) +
      Math.ceil(apps.length / 20) + // owners of each app, 20 per $batch
      Math.ceil(apps.length / 20) + // federated credentials of each app
      Math.ceil(resources.length / 20) +
      grantPages.reduce((n, p) => n + p - 1, 0);
    // Resource units from Microsoft's table: every list here costs 1 with $select (applications 2 - 1),
    // and each $batch item counts on its own.
    const expectedUnits =
      pages(apps.length, graph) +
      pages(sps.length, graph) +
      2 * apps.length +
      grantPages.reduce((n, p) => n + p, 0);
    expect(inv.requests).toEqual({
      arm: expectedArm,
      graph: expectedGraph,
      graphResourceUnits: expectedUnits,
      total: expectedArm + expectedGraph,
    });
    expect((env.get().stats().graph?.resourceUnits ?? 0) - unitsBefore).toBe(expectedUnits);
    expect(env.get().requestCount('arm')).toBe(expectedArm);
    expect(env.get().requestCount('graph')).toBe(expectedGraph);
  });

  it('completes with the same result through 429s (Retry-After honoured), 5xx and latency', async () => {
    const clean = await read();
    env.get().resetRequests();
    env.get().setLatency(15);
    env.get().addFault({ api: 'arm', path: 'roleAssignments', status: 429, retryAfterSeconds: 1 });
    env.get().addFault({ api: 'arm', path: 'userAssignedIdentities', status: 503, times: 1 });
    env.get().addFault({ api: 'arm', path: 'roleAssignments', laterPagesOnly: true, status: 500, times: 1 });
    env.get().addFault({ api: 'graph', path: '/v1.0/applications?', status: 429, retryAfterSeconds: 1 });
    env.get().addFault({ api: 'graph', path: '/owners', status: 429, retryAfterSeconds: 1, times: 2 });
    const started = Date.now();
    const faulty = await read();
    const elapsed = Date.now() - started;
    expect(faulty.scopes).toEqual(clean.scopes);
    expect(faulty.identities).toEqual(clean.identities);
    expect(new Set(faulty.roleAssignments.map((a) => a.id))).toEqual(
      new Set(clean.roleAssignments.map((a) => a.id)),
    );
    const statuses = env.get().requests.map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBe(4);
    expect(statuses.filter((s) => s >= 500).length).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(1000); // the 1 s Retry-After was waited out, not ignored
  });

  it('reports a subscription answering 403 as incomplete and the others complete', async () => {
    env.get().addFault({ api: 'arm', path: `/subscriptions/${DEV}/`, status: 403, times: Infinity });
    const inv = await read();
    const byScope = Object.fromEntries(inv.scopes.map((s) => [s.scope, s]));
    expect(byScope[`/subscriptions/${DEV}`]).toMatchObject({
      complete: false,
      error: expect.stringMatching(/HTTP 403 AuthorizationFailed/),
    });
    expect(byScope[`/subscriptions/${PROD}`]?.complete).toBe(true);
    expect(byScope.directory?.complete).toBe(true);
    expect(byScope['/providers/Microsoft.Management/managementGroups/contoso']?.complete).toBe(true);
  });

  it('reports a listing whose later page keeps failing as incomplete, never as shorter', async () => {
    env.get().addFault({
      api: 'arm',
      path: `/subscriptions/${PROD}/providers/Microsoft.Authorization/roleAssignments`,
      laterPagesOnly: true,
      status: 500,
      times: Infinity,
    });
    const inv = await read();
    expect(inv.scopes.find((s) => s.scope === `/subscriptions/${PROD}`)).toMatchObject({
      complete: false,
      error: expect.stringMatching(/HTTP 500/),
    });
  });

  it("reads app role grants from the granting side, and they equal each principal's own appRoleAssignments", async () => {
    const inv = await read();
    const routes = env.get().requestsByRoute();
    // No lookup per service principal: only the resources that define app roles are asked.
    expect(Object.keys(routes).filter((r) => r.endsWith('/appRoleAssignments'))).toEqual([]);
    const resources = json('graph/v1.0/servicePrincipals.json').value.filter((sp) =>
      (sp.appRoles ?? []).some((r: { allowedMemberTypes?: string[] }) =>
        (r.allowedMemberTypes ?? ['Application']).includes('Application'),
      ),
    );
    expect(resources.length).toBeGreaterThan(0);
    expect(routes['BATCH-ITEM graph /v1.0/servicePrincipals/{id}/appRoleAssignedTo']).toBe(resources.length);
    const ids = inv.identities.map((i) => i.objectId);
    const perPrincipal = await readIdentities(clientsFor(env.get()), contosoScope(env.get()), ids, NOW);
    const grantsOf = (list: typeof inv.identities) =>
      Object.fromEntries(
        list.map((i) => [
          i.objectId,
          i.appRoleGrants.map((g) => `${g.id}|${g.resourceId}|${g.appRoleId}|${g.permission}`).sort(),
        ]),
      );
    expect(Object.values(grantsOf(inv.identities)).flat().length).toBeGreaterThan(0);
    expect(grantsOf(inv.identities)).toEqual(grantsOf(perPrincipal.identities));
  });

  it('marks the directory incomplete when Graph denies access', async () => {
    env.get().addFault({ api: 'graph', path: '/v1.0/servicePrincipals', status: 403, times: Infinity });
    const inv = await read();
    expect(inv.scopes.find((s) => s.scope === 'directory')).toMatchObject({
      complete: false,
      error: expect.stringMatching(/403/),
    });
    expect(inv.identities).toEqual([]);
  });

  it('marks the directory incomplete when a $batch item keeps failing', async () => {
    // The grants are read from the granting side ($batch items of appRoleAssignedTo).
    env.get().addFault({ api: 'graph', path: '/appRoleAssignedTo', status: 503, times: Infinity });
    const inv = await readInventory(clientsFor(env.get()), contosoScope(env.get()), NOW, {
      graph: { sleep: async () => undefined, maxItemAttempts: 2 },
    });
    expect(inv.scopes.find((s) => s.scope === 'directory')).toMatchObject({
      complete: false,
      error: expect.stringMatching(/HTTP 503/),
    });
  });
});
