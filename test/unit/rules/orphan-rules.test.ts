import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/rules/evaluate';
import { assignment, baseline, inventory, live, NOW, OID, PROD } from './builders';

const RG = `${PROD}/resourceGroups/rg`;
const GONE = 'dddddddd-0000-4000-8000-0000000000ff';
const rulesOf = (list: ReturnType<typeof evaluate>, rule: string) => list.filter((c) => c.ruleId === rule);

describe('role.orphaned-principal', () => {
  const orphan = (principalType: string | null) => ({ ...assignment('Reader', RG, GONE), principalType });

  it.each([
    ['principalType Unknown (ARM: the principal was deleted)', 'Unknown', 1],
    ['a service principal the complete directory read does not have', 'ServicePrincipal', 1],
    ['a user (users are not read: not judged)', 'User', 0],
    ['a group (not read: not judged)', 'Group', 0],
    ['no principalType (older api-versions omit it): could be a user or group, not judged', null, 0],
  ] as const)('%s', (_name, principalType, expected) => {
    const gone = orphan(principalType);
    const found = rulesOf(
      evaluate(baseline(), inventory([live()], [assignment('Reader', RG), gone]), NOW),
      'role.orphaned-principal',
    );
    expect(found).toHaveLength(expected);
    if (expected) expect(found[0]).toMatchObject({ target: gone.id.toLowerCase(), severity: 'medium' });
  });

  it('an existing service principal is not orphaned', () => {
    expect(
      rulesOf(
        evaluate(baseline(), inventory([live()], [assignment('Reader', RG)]), NOW),
        'role.orphaned-principal',
      ),
    ).toEqual([]);
  });

  it('principalType Unknown is reported even when the directory still lists the object id (deleted since)', () => {
    const stale = { ...assignment('Reader', RG), principalType: 'Unknown' };
    const found = rulesOf(
      evaluate(baseline(), inventory([live()], [assignment('Reader', RG), stale]), NOW),
      'role.orphaned-principal',
    );
    expect(found.map((f) => f.target)).toEqual([stale.id.toLowerCase()]);
  });

  it('is not raised from a partial directory read (absence is only proven by a complete one)', () => {
    expect(
      rulesOf(
        evaluate(
          baseline(),
          inventory([live()], [assignment('Reader', RG), orphan('ServicePrincipal')], ['directory']),
          NOW,
        ),
        'role.orphaned-principal',
      ),
    ).toEqual([]);
  });
});

describe('identity.disabled-with-access', () => {
  it.each([
    ['disabled, holds a role assignment', false, true, [], 1],
    ['disabled, holds only an application permission', false, false, ['Microsoft Graph/User.Read.All'], 1],
    ['disabled, holds nothing', false, false, [], 0],
    ['enabled, holds a role assignment', true, true, [], 0],
  ] as const)('%s', (_name, enabled, withRole, grants, expected) => {
    const identity = live({
      accountEnabled: enabled,
      appRoleGrants: grants.map((g, i) => ({
        id: `g${i}`,
        resourceId: 'r',
        resourceDisplayName: 'Microsoft Graph',
        appRoleId: 'a',
        permission: g.split('/')[1]!,
        createdDateTime: null,
      })),
    });
    const found = rulesOf(
      evaluate(
        baseline({ roles: withRole ? [{ role: 'Reader', scope: RG }] : [], appRoles: [...grants] }),
        inventory([identity], withRole ? [assignment('Reader', RG)] : []),
        NOW,
      ),
      'identity.disabled-with-access',
    );
    expect(found).toHaveLength(expected);
    if (expected) expect(found[0]!.target).toBe(OID);
  });
});

describe('identity.unattached-managed-identity', () => {
  const UAMI = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-one`;
  const mi = (over: Partial<Parameters<typeof live>[0]> = {}) =>
    live({
      kind: 'managedIdentity',
      servicePrincipalType: 'ManagedIdentity',
      applicationObjectId: null,
      managedIdentityResourceId: UAMI,
      ...over,
    });
  const fic = {
    id: 'f1',
    name: 'github',
    issuer: 'https://token.actions.githubusercontent.com',
    subject: 'repo:contoso/app:environment:prod',
    audiences: ['api://AzureADTokenExchange'],
    claimsMatchingExpression: null,
    on: 'managedIdentity' as const,
  };
  const judge = (
    identity: ReturnType<typeof live>,
    usedBy: Array<[string, string[]]> | undefined,
    options: { withRole?: boolean; graphComplete?: boolean } = {},
  ) => {
    const inv = inventory([identity], options.withRole === false ? [] : [assignment('Reader', RG)]);
    const withUse = usedBy
      ? {
          ...inv,
          managedIdentityUse: new Map(usedBy),
          scopes: [
            ...inv.scopes,
            { scope: 'resources', kind: 'resourceGraph' as const, complete: options.graphComplete ?? true },
          ],
        }
      : inv;
    return rulesOf(
      evaluate(
        baseline({
          type: 'managedIdentity',
          roles: options.withRole === false ? [] : [{ role: 'Reader', scope: RG }],
        }),
        withUse,
        NOW,
      ),
      'identity.unattached-managed-identity',
    );
  };

  it('a user-assigned identity no resource uses, without federated credentials, holding a role', () => {
    const found = judge(mi(), []);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ target: OID, severity: 'low' });
    expect(found[0]!.evidence).toMatchObject({ managedIdentityResourceId: UAMI, roles: [`Reader on ${RG}`] });
  });

  it('used by a resource (ids compared without regard to case): no finding', () => {
    expect(judge(mi(), [[UAMI.toLowerCase(), [`${RG}/providers/Microsoft.Web/sites/app`]]])).toEqual([]);
  });

  it('used through a federated credential (workload identity, CI): no finding', () => {
    expect(judge(mi({ federatedCredentials: [fic] }), [])).toEqual([]);
  });

  it('holding nothing: no finding (an idle identity without access is harmless)', () => {
    expect(judge(mi(), [], { withRole: false })).toEqual([]);
  });

  it('a system-assigned identity is attached by definition: no finding', () => {
    expect(judge(mi({ managedIdentityResourceId: `${RG}/providers/Microsoft.Web/sites/app` }), [])).toEqual(
      [],
    );
  });

  it('an application service principal is never judged', () => {
    expect(judge(live({ managedIdentityResourceId: null }), [])).toEqual([]);
  });

  it('not judged when Resource Graph was not read (the check is off) or read only partly', () => {
    expect(judge(mi(), undefined)).toEqual([]);
    expect(judge(mi(), [], { graphComplete: false })).toEqual([]);
  });
});

describe('dead access paths: what each finding says', () => {
  const grant = (permission: string) => ({
    id: `g-${permission}`,
    resourceId: 'r',
    resourceDisplayName: 'Microsoft Graph',
    appRoleId: 'a',
    permission,
    createdDateTime: null,
  });

  it('role.orphaned-principal: message by principal type, evidence, and the reads it needs', () => {
    const unknown = {
      ...assignment('Reader', RG, GONE),
      principalType: 'Unknown',
      createdOn: '2024-01-02T00:00:00Z',
      createdBy: 'u1',
    };
    const sp = {
      ...assignment('Contributor', PROD, 'eeeeeeee-0000-4000-8000-0000000000fe'),
      principalType: 'ServicePrincipal',
    };
    const found = rulesOf(
      evaluate(baseline(), inventory([live()], [assignment('Reader', RG), unknown, sp]), NOW),
      'role.orphaned-principal',
    );
    const byTarget = new Map(found.map((f) => [f.target, f]));
    expect(found).toHaveLength(2);
    const u = byTarget.get(unknown.id.toLowerCase())!;
    expect(u.message).toBe(
      `Reader on ${RG} is assigned to ${GONE}, which no longer exists: delete the assignment.`,
    );
    expect(u.evidence).toEqual({
      assignmentId: unknown.id,
      role: 'Reader',
      scope: RG,
      principalType: 'Unknown',
      createdOn: '2024-01-02T00:00:00Z',
      createdBy: 'u1',
    });
    expect(u.readScope).toBe(`directory + ${PROD.toLowerCase()}`);
    expect(u.identity).toEqual({ name: null, objectId: GONE, appId: null, displayName: null });
    const s = byTarget.get(sp.id.toLowerCase())!;
    expect(s.message).toBe(
      `Contributor on ${PROD} is assigned to eeeeeeee-0000-4000-8000-0000000000fe, which no longer exists in the directory: delete the assignment.`,
    );
  });

  it('role.orphaned-principal: an assignment of a live principal with a known type is never orphaned', () => {
    const typed = { ...assignment('Reader', RG), principalType: 'ServicePrincipal' };
    expect(
      rulesOf(evaluate(baseline(), inventory([live()], [typed]), NOW), 'role.orphaned-principal'),
    ).toEqual([]);
  });

  it('identity.disabled-with-access: counts and names what it still holds', () => {
    const found = rulesOf(
      evaluate(
        baseline({
          roles: [{ role: 'Reader', scope: RG }],
          appRoles: ['Microsoft Graph/User.Read.All', 'Microsoft Graph/Mail.Send'],
        }),
        inventory(
          [live({ accountEnabled: false, appRoleGrants: [grant('User.Read.All'), grant('Mail.Send')] })],
          [assignment('Reader', RG)],
        ),
        NOW,
      ),
      'identity.disabled-with-access',
    );
    expect(found[0]!.message).toBe(
      'app-one is disabled in Entra but still holds 1 role assignment and 2 application permissions: remove them (enabling it again would restore them silently).',
    );
    expect(found[0]!.evidence).toEqual({
      accountEnabled: false,
      roles: [`Reader on ${RG}`],
      appPermissions: ['Microsoft Graph/User.Read.All', 'Microsoft Graph/Mail.Send'],
    });
    expect(found[0]!.readScope).toBe('directory + arm');
    const two = rulesOf(
      evaluate(
        baseline({
          roles: [
            { role: 'Reader', scope: RG },
            { role: 'Reader', scope: PROD },
          ],
          appRoles: ['Microsoft Graph/Mail.Send'],
        }),
        inventory(
          [live({ accountEnabled: false, appRoleGrants: [grant('Mail.Send')] })],
          [assignment('Reader', RG), assignment('Reader', PROD)],
        ),
        NOW,
      ),
      'identity.disabled-with-access',
    );
    expect(two[0]!.message).toMatch(
      /still holds 2 role assignments and 1 application permission: remove them/,
    );
  });

  it('identity.disabled-with-access is not raised for a retired identity (identity.retired-present says it)', () => {
    const found = evaluate(
      baseline({ status: 'retired' }),
      inventory([live({ accountEnabled: false })], [assignment('Reader', RG)]),
      NOW,
    );
    expect(found.map((c) => c.ruleId)).toEqual(['identity.retired-present']);
  });
});

describe('identity.unattached-managed-identity: what the finding says', () => {
  const UAMI = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-one`;
  const judge = (over: Partial<Parameters<typeof live>[0]>, roles: number, grants: string[] = []) => {
    const identity = live({
      kind: 'managedIdentity',
      servicePrincipalType: 'ManagedIdentity',
      applicationObjectId: null,
      managedIdentityResourceId: UAMI,
      appRoleGrants: grants.map((permission) => ({
        id: permission,
        resourceId: 'r',
        resourceDisplayName: 'Microsoft Graph',
        appRoleId: 'a',
        permission,
        createdDateTime: null,
      })),
      ...over,
    });
    const assignments = Array.from({ length: roles }, (_, i) => assignment('Reader', `${RG}${i}`));
    const inv = inventory([identity], assignments);
    return evaluate(
      baseline({
        type: 'managedIdentity',
        credentials: ['managed'],
        roles: assignments.map((a) => ({ role: 'Reader', scope: a.scope })),
        appRoles: grants.map((g) => `Microsoft Graph/${g}`),
      }),
      {
        ...inv,
        managedIdentityUse: new Map(),
        scopes: [...inv.scopes, { scope: 'resources', kind: 'resourceGraph' as const, complete: true }],
      },
      NOW,
    ).filter((c) => c.ruleId === 'identity.unattached-managed-identity');
  };

  it('message, evidence and the reads it needs', () => {
    const [f] = judge({}, 1);
    expect(f!.message).toBe(
      'app-one is a user-assigned managed identity that no resource in the monitored scope uses and that has no federated credential, yet it holds 1 role assignment and 0 application permissions: delete it or its access if nothing will use it again.',
    );
    expect(f!.evidence).toEqual({
      managedIdentityResourceId: UAMI,
      attachedResources: 0,
      federatedCredentials: 0,
      roles: [`Reader on ${RG}0`],
      appPermissions: [],
    });
    expect(f!.readScope).toBe(`resources + ${PROD.toLowerCase()} + directory`);
    expect(judge({}, 2, ['Mail.Send'])[0]!.message).toMatch(
      /holds 2 role assignments and 1 application permission: delete/,
    );
    expect(judge({}, 0, ['Mail.Send', 'User.Read.All'])[0]!.evidence.appPermissions).toEqual([
      'Microsoft Graph/Mail.Send',
      'Microsoft Graph/User.Read.All',
    ]);
  });

  it('only a user-assigned identity resource id at its end (a child resource is not the identity)', () => {
    expect(judge({ managedIdentityResourceId: `${UAMI}/federatedIdentityCredentials/x` }, 1)).toEqual([]);
    expect(judge({ managedIdentityResourceId: UAMI.toUpperCase() }, 1)).toHaveLength(1);
    expect(judge({ kind: 'application' }, 1)).toEqual([]);
  });
});
