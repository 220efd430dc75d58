/**
 * role.unexpected, role.missing, role.scope-broader, role.privileged-broad,
 * role.cross-environment, role.secret-manager-on-runtime. Pure: no clock, no I/O.
 *
 * One assignment yields at most one of unexpected / scope-broader, and a privileged role at a
 * broad scope is reported as role.privileged-broad only (the more severe finding says it all).
 */
import type { DeclaredIdentity, DeclaredRole } from '../baseline/schema';
import type { LiveRoleAssignment } from '../model/inventory';
import type { FindingCandidate } from '../model/finding';
import {
  isSameOrAncestor,
  isStrictAncestor,
  normalizeScope,
  sameScope,
  scopeLevel,
} from '../model/arm-scope';
import { candidate, identityOf, label, type RuleContext } from './context';
import { readScopeFor } from './read-scope';

const lower = (s: string) => s.toLowerCase();
const LEVEL_WORDS: Record<string, string> = {
  root: 'root',
  managementGroup: 'management group',
  subscription: 'subscription',
  resourceGroup: 'resource group',
  resource: 'resource',
  other: 'tenant',
};

export function roleMatches(declaredRole: string, a: LiveRoleAssignment): boolean {
  const d = lower(declaredRole);
  return d === lower(a.roleName) || d === a.roleDefinitionId;
}

function evidenceOf(a: LiveRoleAssignment): Record<string, unknown> {
  return {
    assignmentId: a.id,
    role: a.roleName,
    roleDefinitionId: a.roleDefinitionId,
    scope: a.scope,
    createdOn: a.createdOn,
    createdBy: a.createdBy,
  };
}

export function isPrivilegedBroad(a: LiveRoleAssignment, privilegedRoles: readonly string[]): boolean {
  const level = scopeLevel(a.scope);
  const broad = level === 'root' || level === 'managementGroup' || level === 'subscription';
  return (
    broad && privilegedRoles.some((r) => lower(r) === lower(a.roleName) || lower(r) === a.roleDefinitionId)
  );
}

/** Rules every workload identity is held to, declared or not. */
export function privilegedBroadRule(
  ctx: RuleContext,
  objectId: string,
  assignments: readonly LiveRoleAssignment[],
): FindingCandidate[] {
  const declared = ctx.declaredByObjectId.get(objectId);
  const identity = identityOf(declared, ctx.liveByObjectId.get(objectId), objectId);
  return assignments
    .filter((a) => isPrivilegedBroad(a, ctx.baseline.policy.privilegedRoles))
    .map((a) =>
      candidate('role.privileged-broad', {
        identity,
        target: a.scope,
        message: `${label(identity)} holds ${a.roleName} at ${LEVEL_WORDS[scopeLevel(a.scope)]} scope ${a.scope}: narrow it to the resource group or resource the workload uses.`,
        evidence: evidenceOf(a),
        readScope: readScopeFor(a.scope, ctx.inventory),
      }),
    );
}

export function declaredRoleRules(ctx: RuleContext, declared: DeclaredIdentity): FindingCandidate[] {
  const objectId = lower(declared.objectId);
  const assignments = ctx.assignmentsByPrincipal.get(objectId) ?? [];
  const identity = identityOf(declared, ctx.liveByObjectId.get(objectId), objectId);
  const { policy } = ctx.baseline;
  const out: FindingCandidate[] = [...privilegedBroadRule(ctx, objectId, assignments)];

  for (const a of assignments) {
    const readScope = readScopeFor(a.scope, ctx.inventory);
    const privilegedBroad = isPrivilegedBroad(a, policy.privilegedRoles);
    const exact = declared.roles.find((d) => roleMatches(d.role, a) && sameScope(d.scope, a.scope));
    if (!exact && !privilegedBroad) {
      const narrower = declared.roles.find(
        (d) => roleMatches(d.role, a) && isStrictAncestor(a.scope, d.scope),
      );
      if (narrower) {
        out.push(
          candidate('role.scope-broader', {
            identity,
            target: a.scope,
            message: `${label(identity)} holds ${a.roleName} at ${a.scope}, broader than the declared ${narrower.scope}: re-create it at the declared scope and remove this one.`,
            evidence: { ...evidenceOf(a), declaredScope: narrower.scope },
            readScope,
          }),
        );
      } else {
        out.push(
          candidate('role.unexpected', {
            identity,
            target: a.scope,
            message: `${label(identity)} holds ${a.roleName} at ${a.scope}, which the baseline does not declare: remove it or declare it.`,
            evidence: evidenceOf(a),
            readScope,
          }),
        );
      }
    }
    const foreign = foreignEnvironment(
      a.scope,
      declared.environment,
      policy.environments,
      declared.allowedEnvironments,
    );
    if (foreign) {
      out.push(
        candidate('role.cross-environment', {
          identity,
          target: a.scope,
          message: `${label(identity)} (${declared.environment}) holds ${a.roleName} on ${a.scope}, which belongs to ${foreign}: use a separate ${foreign} identity.`,
          evidence: {
            ...evidenceOf(a),
            identityEnvironment: declared.environment,
            scopeEnvironment: foreign,
          },
          readScope,
        }),
      );
    }
    if (
      declared.purpose === 'runtime' &&
      policy.secretManagerRoles.some((r) => lower(r) === lower(a.roleName) || lower(r) === a.roleDefinitionId)
    ) {
      out.push(
        candidate('role.secret-manager-on-runtime', {
          identity,
          target: a.scope,
          message: `Runtime identity ${label(identity)} holds ${a.roleName} on ${a.scope} and can change secrets: give it Key Vault Secrets User and manage secrets from a deployment identity.`,
          evidence: evidenceOf(a),
          readScope,
        }),
      );
    }
  }

  for (const d of declared.roles) {
    const satisfied = assignments.some((a) => roleMatches(d.role, a) && isSameOrAncestor(a.scope, d.scope));
    if (satisfied) continue;
    out.push(
      candidate('role.missing', {
        identity,
        target: d.scope,
        message: `${label(identity)} is declared to hold ${d.role} on ${d.scope} but does not: create it if the workload needs it, or remove it from the baseline.`,
        evidence: { declaredRole: d.role, declaredScope: d.scope },
        readScope: readScopeFor(d.scope, ctx.inventory),
      }),
    );
  }
  return mergeSameTarget(out);
}

/** The environment a scope belongs to when it is not the identity's own, else undefined. */
export function foreignEnvironment(
  scope: string,
  own: string,
  environments: Record<string, string[]>,
  allowed: readonly string[] = [],
): string | undefined {
  const mine = [own, ...allowed];
  if (mine.some((env) => (environments[env] ?? []).some((s) => isSameOrAncestor(s, scope)))) return undefined;
  for (const [env, scopes] of Object.entries(environments)) {
    if (!mine.includes(env) && scopes.some((s) => isSameOrAncestor(s, scope))) return env;
  }
  return undefined;
}

/** Two assignments of different roles at one scope are one finding per rule, listing both roles. */
export function mergeSameTarget(list: FindingCandidate[]): FindingCandidate[] {
  const byKey = new Map<string, FindingCandidate>();
  for (const c of list) {
    const key = `${c.ruleId}|${normalizeScope(c.target)}`;
    const existing = byKey.get(key);
    if (!existing) {
      byKey.set(key, c);
      continue;
    }
    const roles = new Set([
      ...((existing.evidence.roles as string[] | undefined) ?? [
        String(existing.evidence.role ?? existing.evidence.declaredRole),
      ]),
      String(c.evidence.role ?? c.evidence.declaredRole),
    ]);
    existing.evidence = { ...existing.evidence, roles: [...roles] };
  }
  return [...byKey.values()];
}

export type { DeclaredRole };
