import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/rules/evaluate';
import { assignment, baseline, inventory, live, NOW, OID, PROD } from './builders';

const RG = `${PROD}/resourceGroups/rg`;
const GONE = 'dddddddd-0000-4000-8000-0000000000ff';
const rulesOf = (list: ReturnType<typeof evaluate>, rule: string) => list.filter((c) => c.ruleId === rule);

describe('role.orphaned-principal', () => {
  const orphan = (principalType: string) => ({ ...assignment('Reader', RG, GONE), principalType });

  it.each([
    ['principalType Unknown (ARM: the principal was deleted)', 'Unknown', 1],
    ['a service principal the complete directory read does not have', 'ServicePrincipal', 1],
    ['a user (users are not read: not judged)', 'User', 0],
    ['a group (not read: not judged)', 'Group', 0],
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
