/**
 * What an Azure role allows, worked out from its definition's permissions the way Azure RBAC
 * does: an operation is granted by a permission block when one of its actions (or data actions)
 * matches it and none of that block's notActions (notDataActions) does; `*` matches any run of
 * characters, `/` included, in any case. Pure.
 *
 * Roles are judged by what they allow, not by their names: a clone of Owner under another name
 * is privileged, a read-only custom role named "Contributor" is not.
 */

export interface RolePermission {
  actions: readonly string[];
  notActions: readonly string[];
  dataActions: readonly string[];
  notDataActions: readonly string[];
}

type Plane = 'control' | 'data';

/** One operation the rules ask about, and what it means to a person. */
interface Probe {
  operation: string;
  plane: Plane;
  means: string;
}

/** Why a role counts: what it can do, and the pattern of its definition that grants it. */
export interface Grant {
  means: string;
  operation: string;
  pattern: string;
}

const globCache = new Map<string, RegExp>();
function glob(pattern: string): RegExp {
  let re = globCache.get(pattern);
  if (!re) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^${body}$`, 'i');
    globCache.set(pattern, re);
  }
  return re;
}

/** The pattern that grants `operation`, or null: Azure's rule, one permission block at a time. */
export function grantingPattern(
  permissions: readonly RolePermission[],
  operation: string,
  plane: Plane,
): string | null {
  for (const p of permissions) {
    const [allow, deny] = plane === 'control' ? [p.actions, p.notActions] : [p.dataActions, p.notDataActions];
    const pattern = allow.find((a) => glob(a).test(operation));
    if (pattern !== undefined && !deny.some((n) => glob(n).test(operation))) return pattern;
  }
  return null;
}

function firstGrant(permissions: readonly RolePermission[], probes: readonly Probe[]): Grant | null {
  for (const probe of probes) {
    const pattern = grantingPattern(permissions, probe.operation, probe.plane);
    if (pattern !== null) return { means: probe.means, operation: probe.operation, pattern };
  }
  return null;
}

/**
 * Privileged: can hand out access (assign or define roles), or can write any kind of resource.
 * The last is asked with a resource provider no real role names, so only patterns like `*`
 * (on its own, or before /write) grant it.
 */
const PRIVILEGE_PROBES: readonly Probe[] = [
  { operation: 'Microsoft.Authorization/roleAssignments/write', plane: 'control', means: 'assign roles' },
  { operation: 'Microsoft.Authorization/roleDefinitions/write', plane: 'control', means: 'define roles' },
  {
    operation: 'Wimon.AnyProvider/anyResourceType/write',
    plane: 'control',
    means: 'write any kind of resource',
  },
];

/** Can change or remove Key Vault secrets, through ARM or the vault's data plane. */
const SECRET_CHANGE_PROBES: readonly Probe[] = [
  { operation: 'Microsoft.KeyVault/vaults/secrets/write', plane: 'control', means: 'write secrets' },
  {
    operation: 'Microsoft.KeyVault/vaults/secrets/setSecret/action',
    plane: 'data',
    means: 'set secret values',
  },
  { operation: 'Microsoft.KeyVault/vaults/secrets/delete', plane: 'data', means: 'delete secrets' },
  { operation: 'Microsoft.KeyVault/vaults/secrets/purge/action', plane: 'data', means: 'purge secrets' },
  { operation: 'Microsoft.KeyVault/vaults/secrets/restore/action', plane: 'data', means: 'restore secrets' },
  { operation: 'Microsoft.KeyVault/vaults/secrets/update/action', plane: 'data', means: 'update secrets' },
];

export const privilegeOf = (permissions: readonly RolePermission[]): Grant | null =>
  firstGrant(permissions, PRIVILEGE_PROBES);

export const secretChangeOf = (permissions: readonly RolePermission[]): Grant | null =>
  firstGrant(permissions, SECRET_CHANGE_PROBES);

/** "it can assign roles (Microsoft.Authorization/roleAssignments/write, granted by 'Microsoft.Authorization/*')" */
export function describeGrant(g: Grant): string {
  return `it can ${g.means} (${g.operation}, granted by '${g.pattern}')`;
}

/**
 * Built-in roles the policy lists name by default, by name → definition GUID (Microsoft's
 * "Azure built-in roles" reference). A policy entry naming one of these matches that definition
 * only: a custom role that borrows the name is not it.
 */
export const BUILT_IN_ROLE_IDS: ReadonlyMap<string, string> = new Map([
  ['owner', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635'],
  ['contributor', 'b24988ac-6180-42a0-ab88-20f7382dd24c'],
  ['reader', 'acdd72a7-3385-48ef-bd42-f606fba81ae7'],
  ['user access administrator', '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9'],
  ['role based access control administrator', 'f58310d9-a9f6-439a-9e8d-f62e7b41a168'],
  ['key vault administrator', '00482a5a-887f-4fb3-b363-3b7fe8e74483'],
  ['key vault secrets officer', 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'],
  ['key vault secrets user', '4633458b-17de-408a-b874-0445c86b69e6'],
  ['key vault contributor', 'f25e0fa2-a7c8-4377-a976-54943a77a395'],
  ['key vault data access administrator', '8b54135c-b56d-4d72-a534-26097cfdc8d8'],
  ['key vault certificates officer', 'a4417e6f-fecd-4de8-b567-7b0420556985'],
]);
