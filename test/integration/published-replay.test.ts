/**
 * The published payloads whose reader takes them from an SDK client (role definitions, Log
 * Analytics, Resource Graph) replayed through the emulator, the real SDK client and the reader
 * (issue 18's corpus; sources in test/fixtures/published/SOURCES.md). Also the sign-in reader's
 * per-row tolerance: a row it cannot read blinds it to that row's service principal only.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { RoleDefinitionCache } from '../../shared/inventory/arm-reader';
import { GraphReader } from '../../shared/inventory/graph-reader';
import { readManagedIdentityUse } from '../../shared/inventory/resource-graph-reader';
import { readSignInActivity } from '../../shared/inventory/sign-in-reader';
import { clientsFor, useContosoEmulator } from '../support/emulator';
import { published, REPLAYED_THROUGH_SDK } from '../support/published';

const RANGE = { from: new Date('2026-08-01T00:00:00Z'), to: new Date('2026-11-30T00:00:00Z') };
const SIGN_IN_COLUMNS = [
  { name: 'ServicePrincipalId', type: 'string' },
  { name: 'SignInTable', type: 'string' },
  { name: 'ServicePrincipalCredentialKeyId', type: 'string' },
  { name: 'LastSuccess', type: 'datetime' },
  { name: 'FirstRecord', type: 'datetime' },
];

describe('published payloads replayed through the SDK clients and readers (emulator)', () => {
  const env = useContosoEmulator();
  const clients = () => clientsFor(env.get());
  const workspace = () => env.get().fixture.manifest.logAnalyticsWorkspaceId!;
  const replay = (api: 'arm' | 'logs', path: string, status: number, file: string) =>
    env.get().addFault({ api, path, status, body: published(file), times: Infinity });

  beforeEach(() => env.get().clearFaults());

  const CASES: Record<(typeof REPLAYED_THROUGH_SDK)[number], () => Promise<void>> = {
    'arm-roledefinition-get-by-id-2022-04-01-response.json': async () => {
      replay('arm', 'roleDefinitions', 200, 'arm-roledefinition-get-by-id-2022-04-01-response.json');
      const role = await new RoleDefinitionCache(clients()).resolve(
        '/subscriptions/subID/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
      );
      // `properties.type` on the wire is the role type.
      expect(role).toEqual({
        roleName: 'Role name',
        roleType: 'roletype',
        permissions: [
          { actions: ['action'], notActions: [], dataActions: ['dataAction'], notDataActions: [] },
        ],
      });
    },
    'loganalytics-query-response-v1-spec.json': async () => {
      // The envelope reads; its rows are another query's, and the reader says which column is missing.
      replay('logs', '/query', 200, 'loganalytics-query-response-v1-spec.json');
      const read = await readSignInActivity(clients(), workspace(), RANGE);
      expect(read).toEqual({
        complete: false,
        error: expect.stringMatching(/^unexpected sign-in row 0: ServicePrincipalId: /),
      });
    },
    'loganalytics-query-partialerror-assembled.json': async () => {
      replay('logs', '/query', 200, 'loganalytics-query-partialerror-assembled.json');
      const read = await readSignInActivity(clients(), workspace(), RANGE);
      expect(read.complete).toBe(false);
      expect(!read.complete && read.error).toMatch(/^partial result from Log Analytics: PartialError /);
    },
    'loganalytics-query-400-syntax-error-doc.json': async () => {
      replay('logs', '/query', 400, 'loganalytics-query-400-syntax-error-doc.json');
      const read = await readSignInActivity(clients(), workspace(), RANGE);
      expect(read.complete).toBe(false);
      expect(!read.complete && read.error).toMatch(
        /^HTTP 400 BadArgumentError The request had some invalid properties/,
      );
    },
    'resourcegraph-resources-basic-query-2021-03-01-response.json': async () => {
      replay(
        'arm',
        'Microsoft.ResourceGraph',
        200,
        'resourcegraph-resources-basic-query-2021-03-01-response.json',
      );
      const use = await readManagedIdentityUse(clients(), {
        subscriptions: ['cfbbd179-59d2-4052-aa06-9270a38aa9d6'],
        managementGroups: [],
      });
      expect(use.completeness).toMatchObject({ complete: true });
      expect([...use.usedBy]).toEqual([]);
    },
  };

  it('every replayed file has a case here', () => {
    expect(Object.keys(CASES).sort()).toEqual([...REPLAYED_THROUGH_SDK].sort());
  });
  it.each(Object.keys(CASES))('%s', async (file) => {
    await CASES[file as keyof typeof CASES]();
  });

  describe('sign-in rows are read one by one', () => {
    const rows = (...r: unknown[][]) => ({
      tables: [{ name: 'PrimaryResult', columns: SIGN_IN_COLUMNS, rows: r }],
    });
    const answer = (body: unknown) =>
      env.get().addFault({ api: 'logs', path: '/query', status: 200, body, times: Infinity });
    const A = '8e881353-1735-45af-af21-ee1344582a4d';
    const B = '7a2797c9-9920-4679-a5fe-5c82c989a73d';

    it('a row that names its service principal but cannot be read blinds the read to that one', async () => {
      answer(
        rows(
          [A, 'AADServicePrincipalSignInLogs', '', '2026-11-20T08:15:02Z', '2026-09-01T00:00:00Z'],
          [B.toUpperCase(), 'SomeNewSignInTable', '', '2026-11-21T08:15:02Z', '2026-09-02T00:00:00Z'],
        ),
      );
      const read = await readSignInActivity(clients(), workspace(), RANGE);
      if (!read.complete) throw new Error(read.error);
      expect(read.activity.byObjectId.get(A)?.lastSuccess).toBe('2026-11-20T08:15:02.000Z');
      expect(read.activity.byObjectId.has(B)).toBe(false);
      expect([...(read.activity.unreadable ?? [])]).toEqual([
        [B, expect.stringMatching(/^sign-in row 1: SignInTable: /)],
      ]);
    });

    it('a row without a readable service principal id makes the whole read incomplete', async () => {
      answer(
        rows(
          [A, 'AADServicePrincipalSignInLogs', '', '2026-11-20T08:15:02Z', '2026-09-01T00:00:00Z'],
          [null, 'AADServicePrincipalSignInLogs', '', '2026-11-21T08:15:02Z', '2026-09-02T00:00:00Z'],
        ),
      );
      const read = await readSignInActivity(clients(), workspace(), RANGE);
      expect(read).toEqual({
        complete: false,
        error: expect.stringMatching(/^unexpected sign-in row 1: ServicePrincipalId: /),
      });
    });
  });
});

describe('Resource Graph rows are read for what the rule needs', () => {
  const env = useContosoEmulator();
  const answer = (data: unknown[]) =>
    env.get().addFault({
      api: 'arm',
      path: 'Microsoft.ResourceGraph',
      status: 200,
      body: { totalRecords: data.length, count: data.length, resultTruncated: 'false', facets: [], data },
      times: Infinity,
    });
  const UAMI =
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a';
  const read = () =>
    readManagedIdentityUse(clientsFor(env.get()), { subscriptions: ['s'], managementGroups: [] });
  beforeEach(() => env.get().clearFaults());

  it('a row without an id still says which identity is in use', async () => {
    answer([{ userAssignedIdentities: [UAMI], kubeletIdentity: '' }]);
    const use = await read();
    expect(use.completeness).toMatchObject({ complete: true });
    expect(use.usedBy.get(UAMI.toLowerCase())).toEqual(['(resource in row 0, no id)']);
  });

  it('a row whose identities cannot be read makes the source partial, naming the row and field', async () => {
    answer([
      { id: '/subscriptions/s/x', userAssignedIdentities: [UAMI] },
      { id: '/subscriptions/s/y', userAssignedIdentities: 42 },
    ]);
    const use = await read();
    expect(use.completeness).toMatchObject({
      complete: false,
      error: expect.stringMatching(/^unexpected Resource Graph row 1: userAssignedIdentities: /),
    });
  });
});

describe('a Graph delta page with an item that has no id', () => {
  const env = useContosoEmulator();
  it('fails that round with what was wrong (not a validation dump), as a non-transient read error', async () => {
    env.get().addFault({
      api: 'graph',
      path: 'applications/delta',
      status: 200,
      body: { value: [{ appId: 'x' }] },
      times: Infinity,
    });
    const graph = new GraphReader(clientsFor(env.get()).graph());
    await expect(graph.delta([{ collection: 'applications', link: undefined }])).rejects.toMatchObject({
      message: expect.stringMatching(/^unexpected applications delta page: value\.0\.id: /),
      transient: false,
    });
  });
});
