/**
 * role.unexpected, role.missing, role.scope-broader, role.privileged-broad,
 * role.cross-environment, role.secret-manager-on-runtime. Pure: no clock, no I/O.
 *
 * One assignment yields at most one of unexpected / scope-broader. Rules stand alone: a privileged
 * role at a broad scope is role.privileged-broad whether or not it is also declared, unexpected or
 * broader, so an exemption of one rule never hides another.
 */
import type { DeclaredIdentity, DeclaredRole } from '../baseline/schema';
import type { LiveRoleAssignment } from '../model/inventory';
import type { FindingCandidate, FindingIdentity } from '../model/finding';
import { normalizeScope, scopeLevel } from '../model/arm-scope';
import { lowerShared as lower } from '../model/shared-strings';
import { candidate, declaredObjectId, identityOf, label, type RoleFacts, type RuleContext } from './context';
import { allOf, MANAGEMENT_GROUPS_SCOPE, readScopeFor } from './read-scope';
import type { Evaluation, RuleDescriptor } from './rule';

function levelWords(level: string): string {
  switch (level) {
    case 'root':
      return 'root';
    case 'managementGroup':
      return 'management group';
    case 'subscription':
      return 'subscription';
    default:
      // privileged-broad is only raised at the three levels above
      return level;
  }
}

/** A declared role (name or GUID) is this assignment's role: by GUID, or by name unless a custom role borrows a built-in's. */
export function roleMatches(declaredRole: string, a: LiveRoleAssignment, role: RoleFacts): boolean {
  const d = lower(declaredRole);
  return d === role.lower || d === a.roleDefinitionId;
}

function evidenceOf(a: LiveRoleAssignment): Record<string, unknown> {
  return {
    assignmentId: a.id,
    role: a.roleName,
    roleDefinitionId: a.roleDefinitionId,
    scope: a.scope,
    createdOn: a.createdOn,
    createdBy: a.createdBy,
    // Only when there is one, so findings about unconditioned assignments keep their content.
    ...(a.condition ? { condition: a.condition } : {}),
  };
}

/** " (under an ABAC condition)": the assignment is judged as granted, and the reader is told it is narrowed. */
const conditionWords = (a: LiveRoleAssignment) => (a.condition ? ' (under an ABAC condition)' : '');

/** Rules every workload identity is held to, declared or not. */
export function privilegedBroadRule(
  ctx: RuleContext,
  objectId: string,
  assignments: readonly LiveRoleAssignment[],
  /** Already known (the declared-identity loop works it out on the way). */
  known?: readonly LiveRoleAssignment[],
): FindingCandidate[] {
  const broad =
    known ?? assignments.filter((a) => ctx.roleFacts(a).privileged && ctx.scopeFacts(a.scope).broad);
  if (broad.length === 0) return [];
  const declared = ctx.declaredByObjectId.get(objectId);
  const identity = identityOf(declared, ctx.liveByObjectId.get(objectId), objectId);
  return broad.map((a) =>
    candidate('role.privileged-broad', {
      identity,
      target: a.scope,
      message: `${label(identity)} holds ${a.roleName} at ${levelWords(ctx.scopeFacts(a.scope).level)} scope ${a.scope}${conditionWords(a)}, and ${ctx.roleFacts(a).privilegedBecause}: narrow it to the resource group or resource the workload uses.`,
      evidence: { ...evidenceOf(a), privilegedBecause: ctx.roleFacts(a).privilegedBecause },
      readScope: readScopeFor(a.scope, ctx.inventory),
    }),
  );
}

export function declaredRoleRules(ctx: RuleContext, declared: DeclaredIdentity): FindingCandidate[] {
  const objectId = declaredObjectId(declared);
  const assignments = ctx.assignmentsByPrincipal.get(objectId) ?? [];
  // Built only for an identity that has a finding: most have none.
  let who: FindingIdentity | undefined;
  const identityFor = () => (who ??= identityOf(declared, ctx.liveByObjectId.get(objectId), objectId));
  const out: FindingCandidate[] = [];
  let broad: LiveRoleAssignment[] | undefined;

  const declaredKeys = declaredRoleKeys(declared);
  // Read once: baseline identities come in several shapes (optional fields), and this loop runs
  // for every assignment of a large tenant.
  const { environment, allowedEnvironments } = declared;
  const runtime = declared.purpose === 'runtime';
  // Which declared roles an assignment matched exactly (by index), and how many distinct ones:
  // counting assignments instead would let one role held twice stand in for another declared role.
  let hit: boolean[] | undefined;
  let exactHits = 0;
  for (const a of assignments) {
    const role = ctx.roleFacts(a);
    // Unknown (its definition could not be read): neither raised nor, the scope being partial, resolved.
    if (!role.known) continue;
    const scope = ctx.scopeFacts(a.scope);
    const privilegedBroad = role.privileged && scope.broad;
    if (privilegedBroad) (broad ??= []).push(a);
    let exact = false;
    // Stryker disable next-line EqualityOperator: one step past the end reads undefined, which matches nothing
    for (let i = 0; i < declaredKeys.length; i += 2)
      if (declaredKeys[i] === scope.key) {
        const declaredRole = declaredKeys[i + 1];
        if (declaredRole === role.lower || declaredRole === a.roleDefinitionId) {
          exact = true;
          // Stryker disable next-line all: the count only lets the role.missing check be skipped; a wrong count takes the full check
          hit ??= [];
          // Stryker disable next-line all: as above
          if (!hit[i]) {
            hit[i] = true;
            // Stryker disable next-line AssignmentOperator: as above
            exactHits += 1;
          }
          break;
        }
      }
    // Rules stand alone: an undeclared privileged role at a broad scope is role.unexpected as
    // well as role.privileged-broad, so exempting one of them does not hide the other.
    if (!exact) {
      // Held above a declared scope (through management groups too): broader, not unexpected. When
      // the hierarchy cannot say, neither is raised (and the finding is not resolved either).
      let unknown = false;
      const narrower = declared.roles.find((d) => {
        if (!roleMatches(d.role, a, role)) return false;
        const above = ctx.isStrictAncestor(a.scope, d.scope);
        if (above === undefined) unknown = true;
        return above === true;
      });
      if (unknown && !narrower) {
        // not judged
      } else if (narrower) {
        out.push(
          candidate('role.scope-broader', {
            identity: identityFor(),
            target: a.scope,
            message: `${label(identityFor())} holds ${a.roleName} at ${a.scope}, broader than the declared ${narrower.scope}: re-create it at the declared scope and remove this one.`,
            evidence: { ...evidenceOf(a), declaredScope: narrower.scope },
            readScope: withHierarchy(ctx, a.scope, readScopeFor(a.scope, ctx.inventory)),
          }),
        );
      } else {
        out.push(
          candidate('role.unexpected', {
            identity: identityFor(),
            target: a.scope,
            message: `${label(identityFor())} holds ${a.roleName} at ${a.scope}${conditionWords(a)}, which the baseline does not declare: remove it or declare it.`,
            evidence: evidenceOf(a),
            readScope: withHierarchy(ctx, a.scope, readScopeFor(a.scope, ctx.inventory)),
          }),
        );
      }
    }
    // An environment mapped to a management group covers what is under it: without the hierarchy, unknown.
    const environmentsKnown = scope.chainKnown || !ctx.environmentsNeedHierarchy;
    const foreign =
      // Stryker disable next-line ConditionalExpression: a shortcut; foreignEnvironment() answers the same for no environments
      !environmentsKnown || scope.environments.length === 0
        ? undefined
        : foreignEnvironment(scope.environments, environment, allowedEnvironments);
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
          readScope: ctx.environmentsNeedHierarchy
            ? allOf(readScopeFor(a.scope, ctx.inventory), MANAGEMENT_GROUPS_SCOPE)
            : readScopeFor(a.scope, ctx.inventory),
        }),
      );
    }
    if (runtime && role.secretManager) {
      out.push(
        candidate('role.secret-manager-on-runtime', {
          identity: identityFor(),
          target: a.scope,
          message: `Runtime identity ${label(identityFor())} holds ${a.roleName} on ${a.scope}, and ${role.secretManagerBecause}: give it Key Vault Secrets User and manage secrets from a deployment identity.`,
          evidence: { ...evidenceOf(a), secretManagerBecause: role.secretManagerBecause },
          readScope: readScopeFor(a.scope, ctx.inventory),
        }),
      );
    }
  }

  // Every declared role matched exactly by some assignment: none is missing, without looking further.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut; heldRoles() gives the same answer
  const held = exactHits >= declared.roles.length ? undefined : heldRoles(ctx, assignments);
  for (const d of held ? declared.roles : []) {
    const role = lower(d.role);
    const facts = ctx.scopeFacts(d.scope);
    const satisfied = facts.chain.some((scope) => held!.get(scope)?.has(role) === true);
    if (satisfied) continue;
    // Held at a management group whose place above the declared scope is not known: unknown.
    if (!facts.chainKnown && heldAtManagementGroup(held!, role)) continue;
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
  if (broad) out.unshift(...privilegedBroadRule(ctx, objectId, assignments, broad));
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut; merging one finding changes nothing
  return out.length > 1 ? mergeSameTarget(out) : out;
}

/** Scope → the roles held there (lower-case names and GUIDs), for the role.missing check. */
function heldAtManagementGroup(held: Map<string, Set<string>>, role: string): boolean {
  for (const [scope, roles] of held)
    if (scopeLevel(scope) === 'managementGroup' && roles.has(role)) return true;
  return false;
}

/** A finding decided through management-group ancestry is resolved only once the hierarchy was read. */
function withHierarchy(ctx: RuleContext, scope: string, readScope: string): string {
  const level = ctx.scopeFacts(scope).level;
  return level === 'managementGroup' || level === 'root'
    ? allOf(readScope, MANAGEMENT_GROUPS_SCOPE)
    : readScope;
}

function heldRoles(ctx: RuleContext, assignments: readonly LiveRoleAssignment[]): Map<string, Set<string>> {
  const held = new Map<string, Set<string>>();
  for (const a of assignments) {
    const scope = ctx.scopeFacts(a.scope).key;
    const roles = held.get(scope) ?? new Set<string>();
    held.set(scope, roles.add(ctx.roleFacts(a).lower).add(a.roleDefinitionId));
  }
  return held;
}

/**
 * The identity's declared roles as [scope, role, scope, role, ...]: normalised scope, lower-case
 * name or GUID. An index of the baseline, built on its first evaluation and kept with it (a loaded
 * baseline does not change). A flat list because an identity declares a handful: one list is
 * fewer memory reads per assignment than a map of sets.
 */
const declaredKeysCache = new WeakMap<DeclaredIdentity, readonly string[]>();
function declaredRoleKeys(declared: DeclaredIdentity): readonly string[] {
  let keys = declaredKeysCache.get(declared);
  // Stryker disable next-line ConditionalExpression: a memo; building the keys again gives the same keys
  if (!keys) {
    const list: string[] = [];
    for (const d of declared.roles) list.push(normalizeScope(d.scope), lower(d.role));
    declaredKeysCache.set(declared, (keys = list));
  }
  return keys;
}

/** The environment of a scope (see ScopeFacts.environments) when it is not the identity's own, else undefined. */
function foreignEnvironment(
  environments: readonly string[],
  own: string,
  allowed: readonly string[] = [],
): string | undefined {
  if (environments.length === 0 || environments.includes(own)) return undefined;
  if (allowed.some((e) => environments.includes(e))) return undefined;
  return environments[0];
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

const declaredRoles: Evaluation = {
  per: 'declaredIdentity',
  run: (ctx, declared) => declaredRoleRules(ctx, declared),
};
const undeclaredPrivileged: Evaluation = {
  per: 'undeclaredIdentity',
  // Two privileged roles at one scope are one finding naming both, as for a declared identity.
  run: (ctx, live) =>
    mergeSameTarget(
      privilegedBroadRule(ctx, live.objectId, ctx.assignmentsByPrincipal.get(live.objectId) ?? []),
    ),
};

export const ROLE_RULES = [
  {
    id: 'role.unexpected',
    severity: 'high',
    title: 'Role assignment not declared in the baseline',
    fix: 'Remove the assignment, or declare it under the identity’s roles.',
    source: 'tenant',
    inputs: ['baseline', 'roleAssignments', 'roleDefinitions'],
    absence: false,
    rechecks: ['roleAssignmentEvent'],
    portal: 'accessControl',
    evaluation: declaredRoles,
  },
  {
    id: 'role.missing',
    severity: 'low',
    title: 'Declared role assignment is absent',
    fix: 'Create the assignment if the workload needs it, or remove it from the baseline.',
    source: 'tenant',
    inputs: ['baseline', 'roleAssignments', 'roleDefinitions'],
    absence: true,
    rechecks: ['roleAssignmentEvent'],
    portal: 'accessControl',
    evaluation: declaredRoles,
  },
  {
    id: 'role.scope-broader',
    severity: 'high',
    title: 'Declared role held at a broader scope than declared',
    fix: 'Re-create the assignment at the declared scope and remove the broader one.',
    source: 'tenant',
    inputs: ['baseline', 'roleAssignments', 'roleDefinitions'],
    absence: false,
    rechecks: ['roleAssignmentEvent'],
    portal: 'accessControl',
    evaluation: declaredRoles,
  },
  {
    id: 'role.privileged-broad',
    severity: 'critical',
    title: 'Privileged role at management-group, subscription or root scope',
    fix: 'Narrow the assignment to the resource group or resource the workload uses; only an exemption silences this.',
    source: 'tenant',
    inputs: ['baseline', 'roleAssignments', 'roleDefinitions', 'servicePrincipals'],
    absence: false,
    rechecks: ['roleAssignmentEvent'],
    portal: 'accessControl',
    evaluation: [declaredRoles, undeclaredPrivileged],
  },
  {
    id: 'role.cross-environment',
    severity: 'high',
    title: 'Access on a scope that belongs to another environment',
    fix: 'Use a separate identity per environment and remove this assignment.',
    source: 'tenant',
    inputs: ['baseline', 'roleAssignments', 'roleDefinitions'],
    absence: false,
    rechecks: ['roleAssignmentEvent'],
    portal: 'accessControl',
    evaluation: declaredRoles,
  },
  {
    id: 'role.secret-manager-on-runtime',
    severity: 'high',
    title: 'Runtime identity can write or administer Key Vault secrets',
    fix: 'Give the runtime identity a read-only role (Key Vault Secrets User) and move secret management to a deployment identity.',
    source: 'tenant',
    inputs: ['baseline', 'roleAssignments', 'roleDefinitions'],
    absence: false,
    rechecks: ['roleAssignmentEvent'],
    portal: 'accessControl',
    evaluation: declaredRoles,
  },
] as const satisfies readonly RuleDescriptor[];
