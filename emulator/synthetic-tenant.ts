/**
 * A synthetic tenant of any size for the scale benchmark and tests: deterministic (the same
 * options give byte-identical fixtures), in the wire shapes the real APIs return for the fields
 * the monitor selects, with a matching baseline and a known amount of drift.
 *
 * Identity i (0 ≤ i < identities): every fifth a user-assigned managed identity in subscription
 * i mod S, the others app registrations with their service principal, a secret and an owner;
 * every third app also federates with GitHub. Each holds `rolesPerIdentity` non-privileged role
 * assignments spread over the subscriptions, exactly as the baseline declares. The drift (one of
 * each kind per `driftEvery` identities) is what `expected` lists:
 *   role.unexpected      an extra Reader assignment the baseline does not declare
 *   role.missing         a declared assignment that does not exist
 *   credential.expired   an app whose secret expired five days ago
 *   identity.unbaselined an app the baseline does not list
 *   fic.unexpected       a managed identity with an undeclared federated credential
 * Sign-in records (one recent success per identity) are included for the logs endpoint.
 */
import type { FixtureManifest } from './fixture';
import type { BaselineInput } from '../shared/baseline/schema';

export interface SyntheticOptions {
  identities: number;
  subscriptions?: number;
  rolesPerIdentity?: number;
  driftEvery?: number;
  recordedAt?: string;
  /** Page sizes the emulator serves (real: ARM role assignments ~1000? Graph $top=999). */
  pageSize?: { arm: number; graph: number };
}

export interface SyntheticTenant {
  manifest: FixtureManifest;
  /** API path (as in a fixture folder, without `.json`) → body. */
  files: Map<string, unknown>;
  baseline: BaselineInput;
  /** `ruleId|objectId` of every finding the drift must produce, sorted. */
  expected: string[];
  counts: {
    identities: number;
    applications: number;
    managedIdentities: number;
    roleAssignments: number;
    /** Role assignments per subscription, in subscription order. */
    assignmentsPerSubscription: number[];
    managedIdentitiesPerSubscription: number[];
    distinctRoles: number;
    /** Entities the Management Groups API lists: the root group and the subscriptions. */
    managementGroupEntities: number;
    /** Users in the directory (the owners). */
    users: number;
    /** App role grants to workload service principals, and the service principals that grant them. */
    appRoleGrants: number;
    grantingResources: number;
  };
}

const TENANT = 'c0ffee00-0000-4000-8000-0000000000aa';
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const GRAPH_SP = '0f000000-0000-4000-8000-000000000001';
const USER_READ_ALL = 'df021288-bdef-4463-88db-98f22de89214';
const GITHUB = 'https://token.actions.githubusercontent.com';
const EXCHANGE = 'api://AzureADTokenExchange';

/** Non-privileged built-in roles (name, definition GUID). */
const ROLE_POOL: Array<[string, string]> = [
  ['Reader', 'acdd72a7-3385-48ef-bd42-f606fba81ae7'],
  ['Storage Blob Data Reader', '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'],
  ['Storage Queue Data Contributor', '974c5e8b-45b9-4653-ba55-5f855dd0fb88'],
  ['Monitoring Reader', '43d0d8ad-25c7-4714-9337-8ba259a9fe05'],
  ['Website Contributor', 'de139f84-1756-47ae-9be6-808fbbe84772'],
  ['Storage Table Data Reader', '76199698-9eea-4c19-bc75-cec21354c6b6'],
  ['Key Vault Secrets User', '4633458b-17de-408a-b874-0445c86b69e6'],
];

const hex12 = (n: number) => n.toString(16).padStart(12, '0');
const guid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${hex12(n)}`;
export const syntheticSubscription = (s: number) => guid('5b000000', s + 1);
/** Identity i's service principal object id; every fifth identity (i mod 5 = 4) is a user-assigned managed identity. */
export const syntheticObjectId = (i: number) => guid('10000000', i);
const objectId = syntheticObjectId;
const appIdOf = (i: number) => guid('20000000', i);
const appObjectId = (i: number) => guid('30000000', i);
const userId = (u: number) => guid('40000000', u);
const DAY = 86_400_000;

export function generateSyntheticTenant(options: SyntheticOptions): SyntheticTenant {
  const n = options.identities;
  const S = options.subscriptions ?? 50;
  const R = Math.min(options.rolesPerIdentity ?? 5, ROLE_POOL.length);
  const every = options.driftEvery ?? 500;
  const recordedAt = options.recordedAt ?? '2026-11-22T09:00:00Z';
  const now = Date.parse(recordedAt);
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const subs = Array.from({ length: S }, (_, s) => syntheticSubscription(s));
  const users = Math.max(1, Math.ceil(n / 25));
  const mail = (u: number) => `owner-${u}@contoso.example`;

  const isMi = (i: number) => i % 5 === 4;
  const drift = (i: number, k: number) => i % every === k;
  const rg = (s: number, name: string) => `/subscriptions/${subs[s]}/resourceGroups/${name}`;
  const uamiId = (i: number) =>
    `/subscriptions/${subs[i % S]}/resourcegroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-${i}`;

  const files = new Map<string, unknown>();
  let grants = 0;
  const expected: string[] = [];
  const assignmentsBySub: unknown[][] = subs.map(() => []);
  const uamisBySub: unknown[][] = subs.map(() => []);
  const applications: unknown[] = [];
  const servicePrincipals: unknown[] = [];
  const declared: NonNullable<BaselineInput['identities']> = [];
  const spSignIns: unknown[] = [];
  const miSignIns: unknown[] = [];
  let assignmentSeq = 0;

  const addAssignment = (i: number, roleIndex: number, scope: string) => {
    const s = subs.indexOf(scope.split('/')[2]!);
    const [, roleGuid] = ROLE_POOL[roleIndex]!;
    const name = guid('60000000', ++assignmentSeq);
    assignmentsBySub[s]!.push({
      properties: {
        roleDefinitionId: `/subscriptions/${subs[s]}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
        principalId: objectId(i),
        principalType: 'ServicePrincipal',
        scope,
        condition: null,
        conditionVersion: null,
        createdOn: '2026-03-14T10:21:05.0000000Z',
        updatedOn: '2026-03-14T10:21:05.0000000Z',
        createdBy: userId(0),
        updatedBy: userId(0),
        delegatedManagedIdentityResourceId: null,
        description: null,
      },
      id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      type: 'Microsoft.Authorization/roleAssignments',
      name,
    });
  };

  for (let i = 0; i < n; i++) {
    const mi = isMi(i);
    const roles = Array.from({ length: R }, (_, k) => {
      const roleIndex = (i + k) % ROLE_POOL.length;
      return { roleIndex, scope: rg((i + k) % S, `rg-${(i * 7 + k) % 40}`) };
    });
    for (const r of roles) addAssignment(i, r.roleIndex, r.scope);
    if (drift(i, 7)) {
      const scope = rg(i % S, 'rg-extra');
      addAssignment(i, 0, scope);
      expected.push(`role.unexpected|${objectId(i)}`);
    }
    const declaredRoles = roles.map((r) => ({ role: ROLE_POOL[r.roleIndex]![0], scope: r.scope }));
    if (drift(i, 13)) {
      declaredRoles.push({ role: 'Monitoring Reader', scope: rg(i % S, 'rg-missing') });
      expected.push(`role.missing|${objectId(i)}`);
    }
    const owner = mail(i % users);
    const githubFic = !mi && i % 3 === 0;
    const ficSubject = `repo:contoso/app-${i}:environment:prod`;
    const sp = {
      id: objectId(i),
      appId: appIdOf(i),
      displayName: mi ? `id-${i}` : `app-${i}`,
      servicePrincipalType: mi ? 'ManagedIdentity' : 'Application',
      accountEnabled: true,
      alternativeNames: mi ? ['isExplicit=True', uamiId(i)] : [],
      createdDateTime: iso(now - 400 * DAY),
      passwordCredentials: [],
      keyCredentials: [],
    };
    servicePrincipals.push(sp);
    if (mi) {
      uamisBySub[i % S]!.push({
        id: uamiId(i),
        location: 'westeurope',
        name: `id-${i}`,
        properties: {
          clientId: appIdOf(i),
          principalId: objectId(i),
          tenantId: TENANT,
          isolationScope: 'None',
        },
        tags: {},
        type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
      });
      const undeclaredFic = drift(i, 39);
      if (undeclaredFic) expected.push(`fic.unexpected|${objectId(i)}`);
      files.set(
        `arm/subscriptions/${subs[i % S]}/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-${i}/federatedIdentityCredentials`,
        {
          value: undeclaredFic
            ? [
                {
                  id: `${uamiId(i)}/federatedIdentityCredentials/github`,
                  name: 'github',
                  type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
                  properties: { issuer: GITHUB, subject: ficSubject, audiences: [EXCHANGE] },
                },
              ]
            : [],
        },
      );
      miSignIns.push(signIn(i, `id-${i}`, now - (i % 7) * DAY, null));
    } else {
      const expired = drift(i, 21);
      if (expired) expected.push(`credential.expired|${objectId(i)}`);
      const end = expired ? now - 5 * DAY : now + 120 * DAY;
      const keyId = guid('50000000', i);
      applications.push({
        id: appObjectId(i),
        appId: appIdOf(i),
        displayName: `app-${i}`,
        createdDateTime: iso(now - 400 * DAY),
        passwordCredentials: [
          {
            customKeyIdentifier: null,
            displayName: 'deploy',
            endDateTime: iso(end),
            hint: 'Ab1',
            keyId,
            secretText: null,
            startDateTime: iso(end - 150 * DAY),
          },
        ],
        keyCredentials: [],
      });
      files.set(`graph/v1.0/applications/${appObjectId(i)}/owners`, {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects',
        value: [
          {
            '@odata.type': '#microsoft.graph.user',
            id: userId(i % users),
            displayName: `Owner ${i % users}`,
            mail: owner,
            userPrincipalName: owner,
          },
        ],
      });
      if (githubFic)
        files.set(`graph/v1.0/applications/${appObjectId(i)}/federatedIdentityCredentials`, {
          '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#applications('${appObjectId(i)}')/federatedIdentityCredentials`,
          value: [
            {
              id: guid('70000000', i),
              name: 'github-prod',
              issuer: GITHUB,
              subject: ficSubject,
              description: null,
              audiences: [EXCHANGE],
            },
          ],
        });
      if (i % 100 === 0) grants += 1;
      if (i % 100 === 0)
        files.set(`graph/v1.0/servicePrincipals/${objectId(i)}/appRoleAssignments`, {
          '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#servicePrincipals('${objectId(i)}')/appRoleAssignments`,
          value: [
            {
              id: `grant-${i}`,
              deletedDateTime: null,
              appRoleId: USER_READ_ALL,
              createdDateTime: '2026-03-14T10:21:05Z',
              principalDisplayName: `app-${i}`,
              principalId: objectId(i),
              principalType: 'ServicePrincipal',
              resourceDisplayName: 'Microsoft Graph',
              resourceId: GRAPH_SP,
            },
          ],
        });
      spSignIns.push(signIn(i, `app-${i}`, now - (i % 7) * DAY, keyId));
    }
    if (drift(i, 28)) {
      expected.push(`identity.unbaselined|${objectId(i)}`);
      continue;
    }
    declared.push({
      name: mi ? `id-${i}` : `app-${i}`,
      objectId: objectId(i),
      appId: appIdOf(i),
      type: mi ? 'managedIdentity' : 'application',
      environment: 'prod',
      purpose: mi ? 'runtime' : 'deployment',
      owners: [owner],
      reviewBy: iso(now + 200 * DAY).slice(0, 10),
      credentials: mi ? ['managed'] : githubFic ? ['secret', 'federated'] : ['secret'],
      roles: declaredRoles,
      federatedCredentials: githubFic ? [{ issuer: GITHUB, subject: ficSubject }] : [],
      appRoles: !mi && i % 100 === 0 ? ['Microsoft Graph/User.Read.All'] : [],
    });
  }

  servicePrincipals.push({
    id: GRAPH_SP,
    appId: GRAPH_APP_ID,
    displayName: 'Microsoft Graph',
    servicePrincipalType: 'Application',
    accountEnabled: true,
    alternativeNames: [],
    createdDateTime: '2020-01-01T00:00:00Z',
    passwordCredentials: [],
    keyCredentials: [],
    appRoles: [
      {
        allowedMemberTypes: ['Application'],
        description: 'Allows the app to read user profiles.',
        displayName: 'Read all users',
        id: USER_READ_ALL,
        isEnabled: true,
        origin: 'Application',
        value: 'User.Read.All',
      },
    ],
  });

  const GRAPH = 'https://graph.microsoft.com/v1.0/$metadata#';
  files.set('graph/v1.0/applications', { '@odata.context': `${GRAPH}applications`, value: applications });
  files.set('graph/v1.0/servicePrincipals', {
    '@odata.context': `${GRAPH}servicePrincipals`,
    value: servicePrincipals,
  });
  // The owners, as the directory's users: their number sizes Graph's throttling quota (throttling.ts).
  files.set('graph/v1.0/users', {
    '@odata.context': `${GRAPH}users`,
    value: Array.from({ length: users }, (_, u) => ({
      id: userId(u),
      displayName: `Owner ${u}`,
      mail: mail(u),
      userPrincipalName: mail(u),
      accountEnabled: true,
    })),
  });
  files.set('arm/providers/Microsoft.Authorization/roleDefinitions', {
    value: ROLE_POOL.map(([roleName, roleGuid]) => ({
      properties: {
        roleName,
        type: 'BuiltInRole',
        description: roleName,
        assignableScopes: ['/'],
        permissions: [{ actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] }],
      },
      id: `/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
      type: 'Microsoft.Authorization/roleDefinitions',
      name: roleGuid,
    })).concat([
      // Not held by anyone here; events in the benchmark grant it (every tenant defines it).
      {
        properties: {
          roleName: 'Owner',
          type: 'BuiltInRole',
          description:
            'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.',
          assignableScopes: ['/'],
          permissions: [{ actions: ['*'], notActions: [], dataActions: [], notDataActions: [] }],
        },
        id: '/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
        type: 'Microsoft.Authorization/roleDefinitions',
        name: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
      },
    ]),
  });
  subs.forEach((s, k) => {
    files.set(`arm/subscriptions/${s}/providers/Microsoft.Authorization/roleAssignments`, {
      value: assignmentsBySub[k],
    });
    files.set(`arm/subscriptions/${s}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`, {
      value: uamisBySub[k],
    });
  });
  files.set('logs/AADServicePrincipalSignInLogs', spSignIns);
  files.set('logs/AADManagedIdentitySignInLogs', miSignIns);

  const roleAssignments = assignmentsBySub.reduce((t, list) => t + list.length, 0);
  return {
    manifest: {
      description: `synthetic tenant: ${n} identities over ${S} subscriptions`,
      recordedAt,
      tenantId: TENANT,
      subscriptions: subs,
      managementGroups: [],
      managedIdentityAttachments: false,
      logAnalyticsWorkspaceId: guid('9a000000', 1),
      pageSize: options.pageSize ?? { arm: 1000, graph: 999 },
    },
    files,
    baseline: {
      version: 1,
      policy: {
        securityContacts: ['secops@contoso.example'],
        trustedIssuers: [GITHUB],
        environments: { prod: subs.map((s) => `/subscriptions/${s}`) },
      },
      identities: declared,
    },
    expected: expected.sort(),
    counts: {
      identities: n,
      applications: applications.length,
      managedIdentities: uamisBySub.reduce((t, l) => t + l.length, 0),
      roleAssignments,
      assignmentsPerSubscription: assignmentsBySub.map((l) => l.length),
      managedIdentitiesPerSubscription: uamisBySub.map((l) => l.length),
      distinctRoles: ROLE_POOL.length,
      // getEntities: the tenant root group and every subscription (emulator/management-groups.ts).
      managementGroupEntities: 1 + subs.length,
      users,
      appRoleGrants: grants,
      grantingResources: 1, // Microsoft Graph
    },
  };

  function signIn(i: number, name: string, at: number, keyId: string | null) {
    return {
      TenantId: guid('9a000000', 1),
      TimeGenerated: iso(at),
      ResultType: '0',
      ServicePrincipalId: objectId(i),
      ServicePrincipalName: name,
      AppId: appIdOf(i),
      ServicePrincipalCredentialKeyId: keyId ?? '',
      Type: keyId ? 'AADServicePrincipalSignInLogs' : 'AADManagedIdentitySignInLogs',
    };
  }
}
