/** The live state of a tenant as the rules see it: typed values, never raw API JSON. */
import type { RolePermission } from './role-permissions';
import type { ManagementGroupParents } from './scope-hierarchy';

export type IdentityKind = 'application' | 'managedIdentity';

/**
 * What a credential is for: `client` lets the workload sign in; the SAML single-sign-on keys
 * (token signing, and the password that opens its PFX; token encryption) do not.
 */
export type CredentialPurpose = 'client' | 'samlSigning' | 'tokenEncryption';

/** A credential the workload signs in with (what the credential and dormancy rules judge). */
export const isClientCredential = (c: Pick<LiveCredential, 'purpose'>): boolean =>
  (c.purpose ?? 'client') === 'client';

export interface LiveCredential {
  keyId: string;
  type: 'secret' | 'certificate';
  /** Absent: a client credential (what every credential was before SSO keys were told apart). */
  purpose?: CredentialPurpose;
  /** SHA-1 thumbprint (upper-case hex) of an SSO certificate, when its customKeyIdentifier carries it. */
  thumbprint?: string | null;
  displayName: string | null;
  /** The first characters Graph shows for a secret (never the secret itself). */
  hint: string | null;
  start: string | null;
  end: string | null;
  /** Where it is attached: the app registration or the service principal itself. */
  on: 'application' | 'servicePrincipal';
}

/** Microsoft Entra flexible federated identity credentials: an expression over the token's claims. */
export interface ClaimsMatchingExpression {
  value: string;
  languageVersion: number;
}

export interface LiveFederatedCredential {
  id: string;
  name: string;
  issuer: string;
  /** The one subject it trusts; null for a flexible credential (claimsMatchingExpression instead). */
  subject: string | null;
  /** A flexible federated identity credential: the claims it matches instead of one subject. */
  claimsMatchingExpression: ClaimsMatchingExpression | null;
  audiences: string[];
  /** App registration (Graph) or user-assigned managed identity (ARM). */
  on: 'application' | 'managedIdentity';
}

export interface LiveOwner {
  objectId: string;
  displayName: string | null;
  mail: string | null;
  type: 'user' | 'servicePrincipal' | 'other';
}

export interface AppRoleGrant {
  id: string;
  resourceId: string;
  resourceDisplayName: string;
  appRoleId: string;
  /** The permission's value (e.g. User.Read.All), or the app role id when the resource does not list it. */
  permission: string;
  createdDateTime: string | null;
}

export interface LiveIdentity {
  /** Service principal object id: the principalId of its role assignments. */
  objectId: string;
  appId: string;
  displayName: string;
  kind: IdentityKind;
  servicePrincipalType: string;
  accountEnabled: boolean;
  /** Object id of the app registration, for applications registered in this tenant. */
  applicationObjectId: string | null;
  /** ARM id of the user-assigned identity; null for system-assigned or applications. */
  managedIdentityResourceId: string | null;
  createdDateTime: string | null;
  credentials: LiveCredential[];
  /** The SAML token-signing certificate in use (servicePrincipal.preferredTokenSigningKeyThumbprint), upper-case hex. */
  preferredTokenSigningKeyThumbprint?: string | null;
  federatedCredentials: LiveFederatedCredential[];
  owners: LiveOwner[];
  appRoleGrants: AppRoleGrant[];
}

export interface LiveRoleAssignment {
  id: string;
  scope: string;
  principalId: string;
  /**
   * As ARM wrote it (User, Group, ServicePrincipal, ForeignGroup, Unknown, …); null when the
   * assignment does not say (older api-versions and assignments made without it): then nothing
   * is concluded from its type.
   */
  principalType: string | null;
  /** Role definition GUID, lower-case (ARM writes the id in two forms; the GUID is what identifies it). */
  roleDefinitionId: string;
  /**
   * The role's name; null when its definition could not be read (then the assignment is unknown:
   * no rule judges it, and the scope that returned it counts as not read completely).
   */
  roleName: string | null;
  roleType: string;
  /**
   * What the role allows (its definition's permissions; one array shared by every assignment of
   * the role); null when not known (then only the policy's role lists say what it is).
   */
  permissions: readonly RolePermission[] | null;
  /**
   * An ABAC condition that narrows the assignment (conditionVersion 2.0), as ARM wrote it; null
   * when there is none. Kept so people see it: the rules judge the role as granted.
   */
  condition: string | null;
  createdOn: string | null;
  createdBy: string | null;
}

/** How a person reads an assignment's role: its name, or its GUID said to be unreadable. */
export function roleLabel(a: Pick<LiveRoleAssignment, 'roleName' | 'roleDefinitionId'>): string {
  return a.roleName ?? `role ${a.roleDefinitionId} (its definition could not be read)`;
}

export type ScopeKind =
  'subscription' | 'managementGroup' | 'directory' | 'signInLogs' | 'resourceGraph' | 'managementGroups';

export function isArmScopeKind(kind: ScopeKind): boolean {
  return kind === 'subscription' || kind === 'managementGroup';
}

export interface ScopeCompleteness {
  /** ARM scope (`/subscriptions/<id>`, `/providers/Microsoft.Management/managementGroups/<id>`), `directory` for Graph, `signInLogs` for Log Analytics, `resources` for Resource Graph. */
  scope: string;
  kind: ScopeKind;
  complete: boolean;
  /** Why the scope could not be read completely (status and code, never a token). */
  error?: string;
}

export interface Inventory {
  readAt: string;
  identities: LiveIdentity[];
  roleAssignments: LiveRoleAssignment[];
  scopes: ScopeCompleteness[];
  requests: RequestCounts;
  /**
   * Lower-cased user-assigned identity resource id → resources that use it; present only when
   * the run read Resource Graph (see resource-graph-reader.ts).
   */
  managedIdentityUse?: ReadonlyMap<string, readonly string[]>;
  /** Objects a read returned that could not be read (quarantined): absent from the lists above. */
  unreadable?: UnreadableObject[];
  /**
   * The management-group hierarchy (shared/model/scope-hierarchy.ts); absent when it was not
   * read completely: comparisons through management groups are then unknown.
   */
  managementGroupParents?: ManagementGroupParents;
}

/**
 * An object a list returned that the monitor cannot read (a field the rules need is missing or
 * malformed). It blinds the monitor to that object only: the rest of its scope is read as usual,
 * and findings about it are neither raised from missing data nor resolved.
 */
export interface UnreadableObject {
  api: 'arm' | 'graph' | 'logs';
  /** The list it came from: the request path, without the query. */
  source: string;
  /** The scope whose read returned it (`/subscriptions/…`, `directory`). */
  scope: string;
  /** The object's own id, when that much could be read. */
  id: string | null;
  /** The service principal (principalId, object id) it is about, when known. */
  objectId: string | null;
  /** Its application (client) id, when known: an app registration maps to its service principal by it. */
  appId: string | null;
  /** What is wrong, field by field, in the validator's words. */
  problems: string;
}

export interface RequestCounts {
  arm: number;
  graph: number;
  /** Log Analytics queries (absent where none were sent). */
  logs?: number;
  /** Microsoft Graph resource units charged, where Graph reported them (x-ms-resource-unit). */
  graphResourceUnits?: number;
  total: number;
}

export function isComplete(inventory: Pick<Inventory, 'scopes'>): boolean {
  return inventory.scopes.every((s) => s.complete);
}
