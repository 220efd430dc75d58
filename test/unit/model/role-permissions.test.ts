/** shared/model/role-permissions.ts and the role rules that use it: roles judged by what they allow. */
import { describe, expect, it } from 'vitest';
import {
  grantingPattern,
  privilegeOf,
  secretChangeOf,
  type RolePermission,
} from '../../../shared/model/role-permissions';
import { evaluate } from '../../../shared/rules/evaluate';
import { buildContext } from '../../../shared/rules/context';
import { assignment, baseline, inventory, live, NOW, PROD } from '../rules/builders';

const perm = (p: Partial<RolePermission>): RolePermission => ({
  actions: [],
  notActions: [],
  dataActions: [],
  notDataActions: [],
  ...p,
});

/** Microsoft's built-in definitions (Azure built-in roles reference), as ARM returns their permissions. */
const OWNER = [perm({ actions: ['*'] })];
const CONTRIBUTOR = [
  perm({
    actions: ['*'],
    notActions: [
      'Microsoft.Authorization/*/Delete',
      'Microsoft.Authorization/*/Write',
      'Microsoft.Authorization/elevateAccess/Action',
      'Microsoft.Blueprint/blueprintAssignments/write',
      'Microsoft.Blueprint/blueprintAssignments/delete',
      'Microsoft.Compute/galleries/share/action',
      'Microsoft.Purview/consents/write',
      'Microsoft.Purview/consents/delete',
      'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
      'Microsoft.Subscription/cancel/action',
      'Microsoft.Subscription/enable/action',
    ],
  }),
];
const READER = [perm({ actions: ['*/read'] })];
const USER_ACCESS_ADMIN = [perm({ actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'] })];
const SECRETS_OFFICER = [
  perm({
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.KeyVault/vaults/*/read'],
    dataActions: ['Microsoft.KeyVault/vaults/secrets/*'],
  }),
];
const SECRETS_USER = [
  perm({
    dataActions: [
      'Microsoft.KeyVault/vaults/secrets/getSecret/action',
      'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
    ],
  }),
];

describe('Azure RBAC matching', () => {
  it('wildcards match any run of characters, slashes included, in any case', () => {
    expect(grantingPattern(READER, 'Microsoft.Compute/virtualMachines/read', 'control')).toBe('*/read');
    expect(grantingPattern(READER, 'Microsoft.Compute/virtualMachines/write', 'control')).toBeNull();
    expect(
      grantingPattern(USER_ACCESS_ADMIN, 'microsoft.authorization/ROLEASSIGNMENTS/write', 'control'),
    ).toBe('Microsoft.Authorization/*');
  });
  it('notActions take away only within their own permission block; data actions are their own plane', () => {
    const two = [
      perm({ actions: ['*'], notActions: ['Microsoft.Authorization/*/Write'] }),
      perm({ actions: ['Microsoft.Authorization/roleAssignments/write'] }),
    ];
    expect(grantingPattern(two, 'Microsoft.Authorization/roleAssignments/write', 'control')).toBe(
      'Microsoft.Authorization/roleAssignments/write',
    );
    expect(grantingPattern(two, 'Microsoft.Authorization/roleAssignments/write', 'data')).toBeNull();
  });
});

describe('privileged: can hand out access or write any kind of resource', () => {
  it.each([
    ['Owner (*)', OWNER, 'assign roles', '*'],
    ['Contributor (* without Authorization writes)', CONTRIBUTOR, 'write any kind of resource', '*'],
    ['User Access Administrator', USER_ACCESS_ADMIN, 'assign roles', 'Microsoft.Authorization/*'],
    ['*/write', [perm({ actions: ['*/write'] })], 'assign roles', '*/write'],
  ])('%s is privileged', (_name, permissions, means, pattern) => {
    expect(privilegeOf(permissions)).toMatchObject({ means, pattern });
  });
  it.each([
    ['Reader', READER],
    ['Key Vault Secrets Officer', SECRETS_OFFICER],
    ['one resource provider', [perm({ actions: ['Microsoft.Compute/*'] })]],
    ['Owner minus everything', [perm({ actions: ['*'], notActions: ['*'] })]],
  ])('%s is not', (_name, permissions) => {
    expect(privilegeOf(permissions)).toBeNull();
  });
});

describe('can change secrets', () => {
  it.each([
    ['Key Vault Secrets Officer (secrets/* data actions)', SECRETS_OFFICER, 'set secret values'],
    ['*/write (ARM writes secrets)', [perm({ actions: ['*/write'] })], 'write secrets'],
    ['Contributor', CONTRIBUTOR, 'write secrets'],
    [
      'a custom role with only purge',
      [perm({ dataActions: ['Microsoft.KeyVault/vaults/secrets/purge/action'] })],
      'purge secrets',
    ],
  ])('%s can', (_name, permissions, means) => {
    expect(secretChangeOf(permissions)).toMatchObject({ means });
  });
  it.each([
    ['Key Vault Secrets User', SECRETS_USER],
    ['Reader', READER],
    [
      'Microsoft.KeyVault/* without the secret writes',
      [perm({ actions: ['Microsoft.KeyVault/*'], notActions: ['Microsoft.KeyVault/vaults/secrets/write'] })],
    ],
    [
      'secrets/* data actions without the changing ones',
      [
        perm({
          dataActions: ['Microsoft.KeyVault/vaults/secrets/*'],
          notDataActions: [
            'Microsoft.KeyVault/vaults/secrets/setSecret/action',
            'Microsoft.KeyVault/vaults/secrets/delete',
            'Microsoft.KeyVault/vaults/secrets/purge/action',
            'Microsoft.KeyVault/vaults/secrets/restore/action',
            'Microsoft.KeyVault/vaults/secrets/update/action',
          ],
        }),
      ],
    ],
  ])('%s cannot', (_name, permissions) => {
    expect(secretChangeOf(permissions)).toBeNull();
  });
});

describe('the rules judge roles by their permissions, and built-in names by GUID', () => {
  const custom = (name: string, permissions: RolePermission[], id: string) => ({
    ...assignment(name, PROD),
    roleDefinitionId: id,
    roleType: 'CustomRole',
    permissions,
  });

  it('a clone of Owner under another name is privileged, and the finding names the permission', () => {
    const clone = custom('Platform Superuser', OWNER, 'c10e0000-0000-4000-8000-000000000001');
    const [f] = evaluate(baseline({ roles: [] }), inventory([live()], [clone]), NOW).filter(
      (c) => c.ruleId === 'role.privileged-broad',
    );
    expect(f!.message).toContain(
      "Platform Superuser at subscription scope /subscriptions/11111111-1111-4111-8111-111111111111, and it can assign roles (Microsoft.Authorization/roleAssignments/write, granted by '*')",
    );
  });

  it('a read-only custom role named Contributor is not privileged, and a baseline naming Contributor does not declare it', () => {
    const impostor = custom('Contributor', READER, 'c10e0000-0000-4000-8000-000000000002');
    const ctx = buildContext(baseline(), inventory([live()], [impostor]), NOW);
    expect(ctx.roleFacts(impostor)).toMatchObject({ privileged: false, lower: impostor.roleDefinitionId });
    const declaredContributor = baseline({ roles: [{ role: 'Contributor', scope: PROD }] });
    const found = evaluate(declaredContributor, inventory([live()], [impostor]), NOW).map((c) => c.ruleId);
    expect(found.sort()).toEqual(['role.missing', 'role.unexpected']);
    // The built-in Contributor (its GUID) is what the name declares.
    expect(
      evaluate(declaredContributor, inventory([live()], [assignment('Contributor', PROD)]), NOW).map(
        (c) => c.ruleId,
      ),
    ).toEqual(['role.privileged-broad']);
  });

  it('a runtime identity holding a custom role that can set secrets is role.secret-manager-on-runtime', () => {
    const kv = `${PROD}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`;
    const secrets = {
      ...custom('Vault Helper', SECRETS_OFFICER, 'c10e0000-0000-4000-8000-000000000003'),
      scope: kv,
    };
    const runtime = baseline({ purpose: 'runtime', roles: [{ role: 'Vault Helper', scope: kv }] });
    const [f] = evaluate(runtime, inventory([live()], [secrets]), NOW);
    expect(f!.ruleId).toBe('role.secret-manager-on-runtime');
    expect(f!.message).toContain(
      "it can set secret values (Microsoft.KeyVault/vaults/secrets/setSecret/action, granted by 'Microsoft.KeyVault/vaults/secrets/*')",
    );
    expect(f!.evidence.secretManagerBecause).toMatch(/^it can set secret values/);
  });
});
