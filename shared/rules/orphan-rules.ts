/**
 * Dead and dormant access paths. Pure.
 * - role.orphaned-principal: a role assignment whose principal is gone: ARM says `Unknown`, or it
 *   names a service principal that a complete directory read does not have. (Users and groups
 *   are not read, so their assignments are not judged.)
 * - identity.disabled-with-access: a service principal with accountEnabled false that still holds
 *   role assignments or application permissions (re-enabling it restores them silently).
 * - identity.unattached-managed-identity: a user-assigned identity that no resource in the
 *   monitored scope names in its identity block (nor as an AKS kubelet identity) and that has no
 *   federated credential (the other way it is used), yet holds access. Only judged when Resource
 *   Graph was read completely.
 */
import { roleLabel, type LiveIdentity, type LiveRoleAssignment } from '../model/inventory';
import type { FindingCandidate } from '../model/finding';
import { candidate, identityOf, label, type RuleContext } from './context';
import { ALL_ARM, allOf, DIRECTORY, readScopeFor, RESOURCE_GRAPH_SCOPE } from './read-scope';
import type { Evaluation, RuleDescriptor } from './rule';

export function orphanedAssignmentRule(ctx: RuleContext): FindingCandidate[] {
  // Found from the principals (one directory look-up each), not by visiting every assignment again.
  const gone: LiveRoleAssignment[] = [];
  for (const [principalId, assignments] of ctx.assignmentsByPrincipal) {
    if (ctx.liveByObjectId.has(principalId)) continue;
    for (const a of assignments)
      if (a.principalType === 'ServicePrincipal' || a.principalType === 'Unknown') gone.push(a);
  }
  for (const a of ctx.unknownPrincipalAssignments) if (ctx.liveByObjectId.has(a.principalId)) gone.push(a);
  return gone.map((a) => {
    const identity = identityOf(ctx.declaredByObjectId.get(a.principalId), undefined, a.principalId);
    return candidate('role.orphaned-principal', {
      identity,
      target: a.id.toLowerCase(),
      message: `${roleLabel(a)} on ${a.scope} is assigned to ${label(identity)}, which no longer exists${a.principalType === 'Unknown' ? '' : ' in the directory'}: delete the assignment.`,
      evidence: orphanEvidence(a),
      // absence of the principal: only a complete directory read (and of the scope) may say so
      readScope: allOf(DIRECTORY, readScopeFor(a.scope, ctx.inventory)),
    });
  });
}

function orphanEvidence(a: LiveRoleAssignment): Record<string, unknown> {
  return {
    assignmentId: a.id,
    role: a.roleName,
    scope: a.scope,
    principalType: a.principalType,
    createdOn: a.createdOn,
    createdBy: a.createdBy,
  };
}

export function disabledWithAccessRule(ctx: RuleContext, live: LiveIdentity): FindingCandidate[] {
  if (live.accountEnabled) return [];
  const roles = ctx.assignmentsByPrincipal.get(live.objectId) ?? [];
  if (roles.length === 0 && live.appRoleGrants.length === 0) return [];
  const identity = identityOf(ctx.declaredByObjectId.get(live.objectId), live, live.objectId);
  return [
    candidate('identity.disabled-with-access', {
      identity,
      target: live.objectId,
      message: `${label(identity)} is disabled in Entra but still holds ${roles.length} role assignment${roles.length === 1 ? '' : 's'} and ${live.appRoleGrants.length} application permission${live.appRoleGrants.length === 1 ? '' : 's'}: remove them (enabling it again would restore them silently).`,
      evidence: {
        accountEnabled: false,
        roles: roles.map((r) => `${roleLabel(r)} on ${r.scope}`),
        appPermissions: live.appRoleGrants.map((g) => `${g.resourceDisplayName}/${g.permission}`),
      },
      readScope: allOf(DIRECTORY, ALL_ARM),
    }),
  ];
}

const USER_ASSIGNED = /\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;

export function unattachedManagedIdentityRule(ctx: RuleContext, live: LiveIdentity): FindingCandidate[] {
  const use = ctx.inventory.managedIdentityUse;
  const resourceId = live.managedIdentityResourceId;
  if (!use || !ctx.completeScopes.has(RESOURCE_GRAPH_SCOPE)) return [];
  if (live.kind !== 'managedIdentity' || !resourceId || !USER_ASSIGNED.test(resourceId)) return [];
  if ((use.get(resourceId.toLowerCase()) ?? []).length > 0 || live.federatedCredentials.length > 0) return [];
  const roles = ctx.assignmentsByPrincipal.get(live.objectId) ?? [];
  if (roles.length === 0 && live.appRoleGrants.length === 0) return [];
  const identity = identityOf(ctx.declaredByObjectId.get(live.objectId), live, live.objectId);
  return [
    candidate('identity.unattached-managed-identity', {
      identity,
      target: live.objectId,
      message: `${label(identity)} is a user-assigned managed identity that no resource in the monitored scope uses and that has no federated credential, yet it holds ${roles.length} role assignment${roles.length === 1 ? '' : 's'} and ${live.appRoleGrants.length} application permission${live.appRoleGrants.length === 1 ? '' : 's'}: delete it or its access if nothing will use it again.`,
      evidence: {
        managedIdentityResourceId: resourceId,
        attachedResources: 0,
        federatedCredentials: 0,
        roles: roles.map((r) => `${roleLabel(r)} on ${r.scope}`),
        appPermissions: live.appRoleGrants.map((g) => `${g.resourceDisplayName}/${g.permission}`),
      },
      readScope: allOf(RESOURCE_GRAPH_SCOPE, readScopeFor(resourceId, ctx.inventory), DIRECTORY),
    }),
  ];
}

const orphanedAssignments: Evaluation = { per: 'tenant', run: orphanedAssignmentRule };
const disabledWithAccess: Evaluation = { per: 'liveIdentity', run: disabledWithAccessRule };
const unattachedManagedIdentity: Evaluation = { per: 'liveIdentity', run: unattachedManagedIdentityRule };

export const ORPHAN_RULES = [
  {
    id: 'identity.disabled-with-access',
    severity: 'medium',
    title: 'Disabled service principal still holds access',
    fix: 'Remove its role assignments and application permissions, or delete the identity if it is no longer needed.',
    source: 'tenant',
    inputs: ['servicePrincipals', 'roleAssignments', 'appRoleGrants'],
    absence: false,
    evaluation: disabledWithAccess,
  },
  {
    id: 'role.orphaned-principal',
    severity: 'medium',
    title: 'Role assignment whose principal no longer exists',
    fix: 'Delete the role assignment: it is a dead access path nobody reviews.',
    source: 'tenant',
    inputs: ['roleAssignments', 'roleDefinitions'],
    absence: true,
    rechecks: ['roleAssignmentEvent'],
    portal: 'accessControl',
    targetIsAssignment: true,
    evaluation: orphanedAssignments,
  },
  {
    id: 'identity.unattached-managed-identity',
    severity: 'low',
    title: 'User-assigned managed identity that no resource uses still holds access',
    fix: 'Delete the identity (or at least its role assignments) if nothing is going to use it again.',
    source: 'tenant',
    inputs: [
      'managedIdentities',
      'resourceGraph',
      'federatedCredentials',
      'roleAssignments',
      'appRoleGrants',
    ],
    absence: true,
    evaluation: unattachedManagedIdentity,
  },
] as const satisfies readonly RuleDescriptor[];
