/** Small builders for rule tests: a valid baseline and a live inventory, changed per case. */
import { BUILT_IN_ROLE_IDS } from '../../../shared/model/role-permissions';
import { parseBaseline } from '../../../shared/baseline/parse';
import type { Baseline, DeclaredIdentity } from '../../../shared/baseline/schema';
import type { Inventory, LiveIdentity, LiveRoleAssignment } from '../../../shared/model/inventory';

export const NOW = new Date('2026-11-22T12:00:00Z');
export const PROD = '/subscriptions/11111111-1111-4111-8111-111111111111';
export const DEV = '/subscriptions/22222222-2222-4222-8222-222222222222';
export const OID = 'aaaaaaaa-0000-4000-8000-000000000001';

export function baseline(
  identity: Partial<Record<keyof DeclaredIdentity, unknown>> = {},
  extra: Record<string, unknown> = {},
): Baseline {
  const doc = {
    version: 1,
    policy: { securityContacts: ['secops@contoso.com'], environments: { prod: [PROD], dev: [DEV] } },
    identities: [
      {
        name: 'app-one',
        objectId: OID,
        appId: 'bbbbbbbb-0000-4000-8000-000000000001',
        type: 'application',
        environment: 'prod',
        purpose: 'runtime',
        owners: ['o@contoso.com'],
        reviewBy: '2027-01-01',
        credentials: ['federated'],
        roles: [{ role: 'Reader', scope: `${PROD}/resourceGroups/rg` }],
        ...identity,
      },
    ],
    ...extra,
  };
  return parseBaseline(JSON.stringify(doc), 'test.yaml', NOW);
}

export function live(over: Partial<LiveIdentity> = {}): LiveIdentity {
  return {
    objectId: OID,
    appId: 'bbbbbbbb-0000-4000-8000-000000000001',
    displayName: 'app-one',
    kind: 'application',
    servicePrincipalType: 'Application',
    accountEnabled: true,
    applicationObjectId: 'cccccccc-0000-4000-8000-000000000001',
    managedIdentityResourceId: null,
    createdDateTime: '2025-01-01T00:00:00Z',
    credentials: [],
    federatedCredentials: [],
    owners: [
      {
        objectId: 'dddddddd-0000-4000-8000-000000000001',
        displayName: 'O',
        mail: 'o@contoso.com',
        type: 'user',
      },
    ],
    appRoleGrants: [],
    ...over,
  };
}

let n = 0;
export function assignment(role: string, scope: string, principalId = OID): LiveRoleAssignment {
  n += 1;
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${n}`,
    scope,
    principalId,
    principalType: 'ServicePrincipal',
    // A built-in role is known by its GUID (as ARM gives it); any other name gets a made-up one.
    roleDefinitionId:
      BUILT_IN_ROLE_IDS.get(role.toLowerCase()) ?? `guid-${role.toLowerCase().replace(/ /g, '-')}`,
    roleName: role,
    roleType: BUILT_IN_ROLE_IDS.has(role.toLowerCase()) ? 'BuiltInRole' : 'CustomRole',
    permissions: null,
    condition: null,
    createdOn: null,
    createdBy: null,
  };
}

export function inventory(
  identities: LiveIdentity[],
  roleAssignments: LiveRoleAssignment[],
  incomplete: string[] = [],
): Inventory {
  const scopes = [PROD, DEV].map((s) => ({
    scope: s,
    kind: 'subscription' as const,
    complete: !incomplete.includes(s),
  }));
  return {
    readAt: NOW.toISOString(),
    identities,
    roleAssignments,
    scopes: [
      ...scopes,
      { scope: 'directory', kind: 'directory', complete: !incomplete.includes('directory') },
    ],
    requests: { arm: 0, graph: 0, total: 0 },
  };
}
