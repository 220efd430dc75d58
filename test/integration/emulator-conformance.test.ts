/**
 * The emulator refuses what it does not implement, with the real API's error, instead of a
 * plausible 200 (issue 20): a missing api-version, Graph query options it would ignore, and
 * segments Graph does not have. The monitor's own traffic passes (every other test runs on it).
 */
import { describe, expect, it } from 'vitest';
import { clientsFor, useContosoEmulator } from '../support/emulator';

describe('what the emulator refuses', () => {
  const env = useContosoEmulator();
  const get = async (base: string, path: string) => {
    const r = await fetch(`${base}${path}`, { headers: { authorization: 'Bearer test' } });
    return { status: r.status, body: (await r.json()) as { error: { code: string; message: string } } };
  };
  const APP = '30000000-0000-4000-8000-000000000002';

  it('ARM without an api-version: 400 MissingApiVersionParameter, as ARM answers', async () => {
    const sub = env.get().fixture.manifest.subscriptions[0];
    const r = await get(
      env.get().endpoints.arm,
      `/subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments`,
    );
    expect(r).toEqual({
      status: 400,
      body: {
        error: {
          code: 'MissingApiVersionParameter',
          message: 'The api-version query parameter (?api-version=) is required for all requests.',
        },
      },
    });
    const ok = await get(
      env.get().endpoints.arm,
      `/subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`,
    );
    expect(ok.status).toBe(200);
  });

  it.each(['$expand=owners', '$orderby=displayName', '$count=true', '$search="displayName:x"'])(
    'Graph %s is refused (it would be silently ignored), in Graph’s error format',
    async (option) => {
      const r = await get(env.get().endpoints.graph, `/v1.0/applications?${option}`);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('BadRequest');
      expect(r.body.error.message).toContain(
        `'${option.split('=')[0]}' is not implemented by the local emulator`,
      );
      expect(r.body.error).toHaveProperty('innerError');
    },
  );

  it('a segment Graph does not have under an object: 400 "Resource not found for the segment"', async () => {
    const r = await get(env.get().endpoints.graph, `/v1.0/applications/${APP}/ownerz`);
    expect(r).toMatchObject({
      status: 400,
      body: { error: { code: 'BadRequest', message: "Resource not found for the segment 'ownerz'." } },
    });
    // A relation it serves, without a file (reporting-app has no federated credentials), is an empty list as Graph gives it.
    const none = await get(
      env.get().endpoints.graph,
      `/v1.0/applications/30000000-0000-4000-8000-000000000004/federatedIdentityCredentials`,
    );
    expect(none).toMatchObject({ status: 200, body: { value: [] } });
  });

  it('through the real Microsoft Graph client: $expand fails loudly instead of returning unexpanded objects', async () => {
    const graph = clientsFor(env.get()).graph();
    await expect(graph.api('/applications').expand('owners').get()).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  it('the request log keeps the query string', async () => {
    await get(env.get().endpoints.graph, `/v1.0/applications?$select=id&$top=2`);
    const last = env.get().requests.at(-1)!;
    expect(last).toMatchObject({ api: 'graph', route: '/v1.0/applications', query: '?$select=id&$top=2' });
  });
});

describe('atScope() as ARM computes it (at the scope or above, through management groups; never below)', () => {
  const env = useContosoEmulator();
  const PROD = '11111111-1111-4111-8111-111111111111';
  const scopesOf = async (scope: string, filter = true) => {
    const url = `${env.get().endpoints.arm}${scope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01${filter ? '&$filter=atScope()' : ''}&$top=1000`;
    const all: string[] = [];
    for (let next: string | undefined = url; next;) {
      const r = await fetch(next, { headers: { authorization: 'Bearer test' } });
      expect(r.status).toBe(200);
      const body = (await r.json()) as { value: Array<{ properties: { scope: string } }>; nextLink?: string };
      all.push(...body.value.map((a) => a.properties.scope.toLowerCase()));
      next = body.nextLink;
    }
    return [...new Set(all)].sort();
  };
  const mg = (name: string) => `/providers/microsoft.management/managementgroups/${name}`;

  /** The scope and what is above it in contoso: the resource group, its subscription, contoso-prod, contoso, the root. */
  const aboveRgPay = (rg: string) => [
    rg.toLowerCase(),
    `/subscriptions/${PROD}`,
    mg('contoso-prod'),
    mg('contoso'),
    '/',
  ];

  it('at a resource group: the group, its subscription and the management groups above — nothing below or beside', async () => {
    const rg = `/subscriptions/${PROD}/resourceGroups/rg-pay`;
    const scopes = await scopesOf(rg);
    expect(scopes.filter((s) => !aboveRgPay(rg).includes(s))).toEqual([]);
    expect(scopes).toEqual(
      expect.arrayContaining([rg.toLowerCase(), `/subscriptions/${PROD}`, mg('contoso')]),
    );
    // Without the filter ARM also lists what is below it (the vault in rg-pay).
    expect((await scopesOf(rg, false)).some((s) => s.includes('/providers/microsoft.keyvault/'))).toBe(true);
  });

  it('at a subscription: the subscription and both management groups above it, not its resource groups', async () => {
    const DEV = '22222222-2222-4222-8222-222222222222';
    const scopes = await scopesOf(`/subscriptions/${DEV}`);
    // github-deployer-dev's Website Contributor sits at contoso-dev, payments-ci's at contoso: two levels up.
    expect(scopes).toEqual([mg('contoso'), mg('contoso-dev'), `/subscriptions/${DEV}`].sort());
    // Its own list without the filter has more (its resource groups and resources).
    expect((await scopesOf(`/subscriptions/${DEV}`, false)).length).toBeGreaterThan(scopes.length);
  });

  it('at the root: an assignment at / applies everywhere, so every atScope() below lists it', async () => {
    const file = `subscriptions/${PROD}/providers/Microsoft.Authorization/roleAssignments`;
    const list = env.get().fixture.get('arm', file) as { value: Array<Record<string, unknown>> };
    const atRoot = {
      ...list.value[0],
      id: '/providers/Microsoft.Authorization/roleAssignments/70000000-0000-4000-8000-000000000001',
      name: '70000000-0000-4000-8000-000000000001',
      properties: { ...(list.value[0]!.properties as object), scope: '/' },
    };
    env.get().fixture.set('arm', file, { ...list, value: [...list.value, atRoot] });
    try {
      expect(await scopesOf(`/subscriptions/${PROD}/resourceGroups/rg-pay`)).toContain('/');
      expect(await scopesOf(`/subscriptions/${PROD}`)).toContain('/');
    } finally {
      env.get().fixture.set('arm', file, list);
    }
  });

  it('at a management group: that group and above only (contoso-prod is below contoso)', async () => {
    const scopes = await scopesOf('/providers/Microsoft.Management/managementGroups/contoso');
    expect(scopes).toEqual([mg('contoso')]);
  });
});

describe('what a foreign client calls first, answered as Azure does', () => {
  const env = useContosoEmulator();
  const call = async (base: string, path: string, init: RequestInit = {}) => {
    const r = await fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: 'Bearer test', 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    return {
      status: r.status,
      body: (await r.json()) as Record<string, unknown> & { value?: Array<Record<string, unknown>> },
    };
  };
  const arm = () => env.get().endpoints.arm;
  const graph = () => env.get().endpoints.graph;
  const manifest = () => env.get().fixture.manifest;

  it('GET /subscriptions, /subscriptions/{id}, /tenants; /metadata/endpoints without a token', async () => {
    const subs = await call(arm(), '/subscriptions?api-version=2022-12-01');
    expect(subs.body.value!.map((s) => s.subscriptionId)).toEqual(manifest().subscriptions);
    expect(subs.body.value!.every((s) => s.tenantId === manifest().tenantId && s.state === 'Enabled')).toBe(
      true,
    );
    expect(
      (await call(arm(), `/subscriptions/${manifest().subscriptions[0]}?api-version=2022-12-01`)).status,
    ).toBe(200);
    expect(
      await call(arm(), '/subscriptions/99999999-9999-4999-8999-999999999999?api-version=2022-12-01'),
    ).toMatchObject({ status: 404, body: { error: { code: 'SubscriptionNotFound' } } });
    const tenants = await call(arm(), '/tenants?api-version=2022-12-01');
    expect(tenants.body.value!.map((t) => t.tenantId)).toEqual([manifest().tenantId]);
    const meta = await fetch(`${arm()}/metadata/endpoints?api-version=2022-09-01`);
    expect(meta.status).toBe(200);
    expect(((await meta.json()) as { resourceManager: string }).resourceManager).toBe(`${arm()}/`);
  });

  it("Graph servicePrincipalNames/any(c:c eq '…') and startswith(), as `az ad sp show` and `az ad app list` filter", async () => {
    const sps = env.get().fixture.get('graph', 'v1.0/servicePrincipals') as {
      value: Array<{ id: string; appId: string; servicePrincipalNames: string[]; displayName: string }>;
    };
    const target = sps.value.find((s) => s.displayName === 'crm-connector')!;
    const byName = await call(
      graph(),
      `/v1.0/servicePrincipals?$filter=${encodeURIComponent(`servicePrincipalNames/any(c:c eq '${target.appId}')`)}`,
    );
    expect(byName.body.value!.map((s) => s.id)).toEqual([target.id]);
    const prefix = await call(
      graph(),
      `/v1.0/servicePrincipals?$filter=${encodeURIComponent("startswith(displayName,'payments')")}&$top=999`,
    );
    const expected = sps.value
      .filter((s) => s.displayName.toLowerCase().startsWith('payments'))
      .map((s) => s.id)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(prefix.body.value!.map((s) => s.id as string).sort()).toEqual(expected);
  });

  it('appRoleAssignedTo of Microsoft Graph lists every grant that names it; getByIds returns typed objects', async () => {
    const graphSp = 'a0000000-0000-4000-8000-00000000a001';
    const granted = env
      .get()
      .fixture.collections('graph', 'appRoleAssignments')
      .flatMap((c) => c.items as Array<{ id: string; resourceId: string }>)
      .filter((a) => a.resourceId === graphSp)
      .map((a) => a.id)
      .sort();
    expect(granted.length).toBeGreaterThan(1);
    // Paged like every Graph list (contoso pages Graph by 4): follow @odata.nextLink.
    const ids_: string[] = [];
    for (
      let next: string | undefined = `${graph()}/v1.0/servicePrincipals/${graphSp}/appRoleAssignedTo`;
      next;
    ) {
      const r = await fetch(next, { headers: { authorization: 'Bearer test' } });
      const body = (await r.json()) as { value: Array<{ id: string }>; '@odata.nextLink'?: string };
      ids_.push(...body.value.map((a) => a.id));
      next = body['@odata.nextLink'];
    }
    expect(ids_.sort()).toEqual(granted);
    const ids = [
      'a0000000-0000-4000-8000-00000000a001',
      '30000000-0000-4000-8000-000000000004',
      '40000000-0000-4000-8000-000000000001',
    ];
    const got = await call(graph(), '/v1.0/directoryObjects/getByIds', {
      method: 'POST',
      body: JSON.stringify({ ids }),
    });
    expect(got.body.value!.map((o) => [o.id, o['@odata.type']]).sort()).toEqual(
      [
        [ids[0], '#microsoft.graph.servicePrincipal'],
        [ids[1], '#microsoft.graph.application'],
        [ids[2], '#microsoft.graph.user'],
      ].sort(),
    );
    const onlySps = await call(graph(), '/v1.0/directoryObjects/getByIds', {
      method: 'POST',
      body: JSON.stringify({ ids, types: ['servicePrincipal'] }),
    });
    expect(onlySps.body.value!.map((o) => o.id)).toEqual([ids[0]]);
  });

  it('role definitions at any scope (and by roleName); identities of one resource group', async () => {
    const sub = manifest().subscriptions[0];
    const defs = await call(
      arm(),
      `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$top=1000`,
    );
    expect(defs.status).toBe(200);
    const owner = await call(
      arm(),
      `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$filter=${encodeURIComponent("roleName eq 'Owner'")}`,
    );
    expect(owner.body.value!.map((d) => d.name)).toEqual(['8e3af657-a8ff-443c-a75c-2fe8c4bcb635']);
    const inGroup = await call(
      arm(),
      `/subscriptions/${sub}/resourceGroups/rg-pay/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2023-01-31`,
    );
    expect(inGroup.body.value!.map((i) => i.name)).toEqual(['id-payments-api']);
  });
});

describe('api-versions', () => {
  const env = useContosoEmulator();
  it('an api-version the service does not publish is refused with ARM’s InvalidApiVersionParameter, naming the supported ones', async () => {
    const sub = env.get().fixture.manifest.subscriptions[0];
    const path = `/subscriptions/${sub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`;
    const bad = await fetch(`${env.get().endpoints.arm}${path}?api-version=2099-01-01`, {
      headers: { authorization: 'Bearer test' },
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('InvalidApiVersionParameter');
    expect(body.error.message).toMatch(
      /^The api-version '2099-01-01' is invalid\. The supported versions are '.*2024-11-30.*'\.$/,
    );
    // Federated credentials did not exist before 2022-01-31-preview.
    const fics = `/subscriptions/${sub}/resourceGroups/rg-pay/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-payments-api/federatedIdentityCredentials`;
    const old = await fetch(`${env.get().endpoints.arm}${fics}?api-version=2018-11-30`, {
      headers: { authorization: 'Bearer test' },
    });
    expect(old.status).toBe(400);
    const ok = await fetch(`${env.get().endpoints.arm}${fics}?api-version=2024-11-30`, {
      headers: { authorization: 'Bearer test' },
    });
    expect(ok.status).toBe(200);
  });
});
