/**
 * role.unexpected, role.missing, role.scope-broader, role.privileged-broad,
 * role.cross-environment, role.secret-manager-on-runtime. Pure: no clock, no I/O.
 *
 * One assignment yields at most one of unexpected / scope-broader, and a privileged role at a
 * broad scope is reported as role.privileged-broad only (the more severe finding says it all).
 */
import type { DeclaredIdentity, DeclaredRole } from '../baseline/schema';
import type { LiveRoleAssignment } from '../model/inventory';
import type { FindingCandidate, FindingIdentity } from '../model/finding';
import { isStrictAncestor, normalizeScope, scopeAndAncestors, scopeLevel } from '../model/arm-scope';
import { candidate, identityOf, label, type RuleContext } from './context';
import { readScopeFor } from './read-scope';

const lower = (s: string): string => s.toLowerCase();

/**
 * A role list (policy.privilegedRoles, secretManagerRoles) as a set of lower-cased names and
 * GUIDs, built once per list: the rules ask about every assignment of a large tenant.
 */
const roleSets = new WeakMap<readonly string[], Set<string>>();
function roleSet(roles: readonly string[]): Set<string> {
  let set = roleSets.get(roles);
  if (!set) roleSets.set(roles, (set = new Set(roles.map(lower))));
  return set;
}
function inRoleSet(set: Set<string>, a: LiveRoleAssignment): boolean {
  return set.has(a.roleDefinitionId) || set.has(lower(a.roleName));
}

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

const BROAD: ReadonlySet<string> = new Set(['root', 'managementGroup', 'subscription']);

export function isPrivilegedBroad(a: LiveRoleAssignment, privilegedRoles: readonly string[]): boolean {
  return inRoleSet(roleSet(privilegedRoles), a) && BROAD.has(scopeLevel(a.scope));
}

/** Rules every workload identity is held to, declared or not. */
export function privilegedBroadRule(
  ctx: RuleContext,
  objectId: string,
  assignments: readonly LiveRoleAssignment[],
  /** Already known (the declared-identity loop works it out on the way). */
  known?: readonly LiveRoleAssignment[],
): FindingCandidate[] {
  const broad = known ?? assignments.filter((a) => isPrivilegedBroad(a, ctx.baseline.policy.privilegedRoles));
  if (broad.length === 0) return [];
  const declared = ctx.declaredByObjectId.get(objectId);
  const identity = identityOf(declared, ctx.liveByObjectId.get(objectId), objectId);
  return broad.map((a) =>
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
  // Built only for an identity that has a finding: most have none.
  let who: FindingIdentity | undefined;
  const identityFor = () => (who ??= identityOf(declared, ctx.liveByObjectId.get(objectId), objectId));
  const { policy } = ctx.baseline;
  const out: FindingCandidate[] = [];
  const broad: LiveRoleAssignment[] = [];

  const declaredKeys = declaredRoleKeys(declared);
  const secretManagers = roleSet(policy.secretManagerRoles);
  const privileged = roleSet(policy.privilegedRoles);
  let exactHits = 0;
  for (const a of assignments) {
    const role = lowerRole(a.roleName);
    const scope = normalizeScope(a.scope);
    const privilegedBroad =
      (privileged.has(role) || privileged.has(a.roleDefinitionId)) && BROAD.has(scopeLevel(a.scope));
    if (privilegedBroad) broad.push(a);
    const declaredHere = declaredKeys.get(scope);
    const exact =
      declaredHere !== undefined && (declaredHere.has(role) || declaredHere.has(a.roleDefinitionId));
    if (exact) exactHits += 1;
    if (!exact && !privilegedBroad) {
      const narrower = declared.roles.find(
        (d) => roleMatches(d.role, a) && isStrictAncestor(a.scope, d.scope),
      );
      if (narrower) {
        out.push(
          candidate('role.scope-broader', {
            identity: identityFor(),
            target: a.scope,
            message: `${label(identityFor())} holds ${a.roleName} at ${a.scope}, broader than the declared ${narrower.scope}: re-create it at the declared scope and remove this one.`,
            evidence: { ...evidenceOf(a), declaredScope: narrower.scope },
            readScope: readScopeFor(a.scope, ctx.inventory),
          }),
        );
      } else {
        out.push(
          candidate('role.unexpected', {
            identity: identityFor(),
            target: a.scope,
            message: `${label(identityFor())} holds ${a.roleName} at ${a.scope}, which the baseline does not declare: remove it or declare it.`,
            evidence: evidenceOf(a),
            readScope: readScopeFor(a.scope, ctx.inventory),
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
          identity: identityFor(),
          target: a.scope,
          message: `${label(identityFor())} (${declared.environment}) holds ${a.roleName} on ${a.scope}, which belongs to ${foreign}: use a separate ${foreign} identity.`,
          evidence: {
            ...evidenceOf(a),
            identityEnvironment: declared.environment,
            scopeEnvironment: foreign,
          },
          readScope: readScopeFor(a.scope, ctx.inventory),
        }),
      );
    }
    if (
      declared.purpose === 'runtime' &&
      (secretManagers.has(role) || secretManagers.has(a.roleDefinitionId))
    ) {
      out.push(
        candidate('role.secret-manager-on-runtime', {
          identity: identityFor(),
          target: a.scope,
          message: `Runtime identity ${label(identityFor())} holds ${a.roleName} on ${a.scope} and can change secrets: give it Key Vault Secrets User and manage secrets from a deployment identity.`,
          evidence: evidenceOf(a),
          readScope: readScopeFor(a.scope, ctx.inventory),
        }),
      );
    }
  }

  // Each live assignment matches at most one declared role exactly: as many hits as declared
  // roles means none is missing, without looking further.
  const held = exactHits >= declared.roles.length ? undefined : heldRoles(assignments);
  for (const d of held ? declared.roles : []) {
    const role = lower(d.role);
    const satisfied = scopeAndAncestors(d.scope).some((scope) => held!.get(scope)?.has(role) === true);
    if (satisfied) continue;
    out.push(
      candidate('role.missing', {
        identity: identityFor(),
        target: d.scope,
        message: `${label(identityFor())} is declared to hold ${d.role} on ${d.scope} but does not: create it if the workload needs it, or remove it from the baseline.`,
        evidence: { declaredRole: d.role, declaredScope: d.scope },
        readScope: readScopeFor(d.scope, ctx.inventory),
      }),
    );
  }
  if (broad.length) out.unshift(...privilegedBroadRule(ctx, objectId, assignments, broad));
  return out.length > 1 ? mergeSameTarget(out) : out;
}

/** Scope → the roles held there (lower-case names and GUIDs), for the role.missing check. */
function heldRoles(assignments: readonly LiveRoleAssignment[]): Map<string, Set<string>> {
  const held = new Map<string, Set<string>>();
  for (const a of assignments) {
    const scope = normalizeScope(a.scope);
    const roles = held.get(scope) ?? new Set<string>();
    held.set(scope, roles.add(lowerRole(a.roleName)).add(a.roleDefinitionId));
  }
  return held;
}

/** Role names come from a few shared role definition strings: lower-case each once. */
const loweredRoles = new Map<string, string>();
function lowerRole(name: string): string {
  let l = loweredRoles.get(name);
  if (l === undefined) {
    if (loweredRoles.size >= 10_000) loweredRoles.clear();
    loweredRoles.set(name, (l = name.toLowerCase()));
  }
  return l;
}

/** The identity's declared roles by normalised scope (lower-case names or GUIDs), built once per baseline. */
const declaredKeysCache = new WeakMap<DeclaredIdentity, Map<string, Set<string>>>();
function declaredRoleKeys(declared: DeclaredIdentity): Map<string, Set<string>> {
  let keys = declaredKeysCache.get(declared);
  if (!keys) {
    keys = new Map();
    for (const d of declared.roles) {
      const scope = normalizeScope(d.scope);
      const roles = keys.get(scope);
      if (roles) roles.add(lower(d.role));
      else keys.set(scope, new Set([lower(d.role)]));
    }
    declaredKeysCache.set(declared, keys);
  }
  return keys;
}

/** The environment a scope belongs to when it is not the identity's own, else undefined. */
export function foreignEnvironment(
  scope: string,
  own: string,
  environments: Record<string, string[]>,
  allowed: readonly string[] = [],
): string | undefined {
  const envs = environmentsOf(scope, environments);
  if (envs.length === 0 || envs.includes(own) || allowed.some((e) => envs.includes(e))) return undefined;
  return envs[0];
}

/** Environment name by normalised scope, built once per policy (a large tenant asks per assignment). */
const environmentIndexes = new WeakMap<
  Record<string, string[]>,
  { order: string[]; byScope: Map<string, string[]>; answers: Map<string, string[]> }
>();

/** The environments whose scopes are `scope` or an ancestor of it, in the policy's order. */
function environmentsOf(scope: string, environments: Record<string, string[]>): string[] {
  let index = environmentIndexes.get(environments);
  if (!index) {
    index = { order: Object.keys(environments), byScope: new Map(), answers: new Map() };
    for (const [env, scopes] of Object.entries(environments))
      for (const s of scopes) {
        const key = normalizeScope(s);
        index.byScope.set(key, [...(index.byScope.get(key) ?? []), env]);
      }
    environmentIndexes.set(environments, index);
  }
  let answer = index.answers.get(scope);
  if (!answer) {
    const found = new Set<string>();
    for (const s of scopeAndAncestors(scope)) for (const env of index.byScope.get(s) ?? []) found.add(env);
    answer = index.order.filter((env) => found.has(env));
    index.answers.set(scope, answer);
  }
  return answer;
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
