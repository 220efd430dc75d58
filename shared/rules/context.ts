/** Indexes built once per evaluation so every rule looks things up in maps, not nested scans. */
import type { Baseline, DeclaredIdentity, Policy } from '../baseline/schema';
import type { Inventory, LiveIdentity, LiveRoleAssignment } from '../model/inventory';
import type { FindingCandidate, FindingIdentity } from '../model/finding';
import { normalizeScope, scopeLevel, type ScopeLevel } from '../model/arm-scope';
import { isStrictAncestorIn, scopeChain } from '../model/scope-hierarchy';
import { ruleDefinition, type RuleId, type Severity } from './catalogue';
import { BUILT_IN_ROLE_IDS, describeGrant, privilegeOf, secretChangeOf } from '../model/role-permissions';

/** What the rules need to know of a scope, worked out once per distinct scope. */
export interface ScopeFacts {
  /** Normalised (lower-case, no trailing slash): the form scopes are compared in. */
  key: string;
  level: ScopeLevel;
  /** Root, management group or subscription: where a privileged role is too broad. */
  broad: boolean;
  /** policy.environments the scope or an ancestor belongs to, in the policy's order. */
  environments: readonly string[];
  /** The scope and its ancestors through management groups, normalised, nearest first (shared/model/scope-hierarchy.ts). */
  chain: readonly string[];
  /**
   * False when a management-group link above it is not known: an ancestor (and with it an
   * environment) may be missing from `chain`.
   */
  chainKnown: boolean;
}

/** What the rules need to know of a role, worked out once per distinct role definition. */
export interface RoleFacts {
  /** False when the role definition could not be read: no rule may judge the assignment. */
  known: boolean;
  name: string;
  /**
   * How a baseline names it: the name lower-cased (any case matches), or, for a custom role that
   * borrows a built-in role's name, its definition GUID (the name would mean the built-in).
   */
  lower: string;
  privileged: boolean;
  /** Why it is privileged, for the finding: what it can do and the pattern that grants it, or the policy list. */
  privilegedBecause: string | null;
  secretManager: boolean;
  secretManagerBecause: string | null;
}

export interface RuleContext {
  baseline: Baseline;
  inventory: Inventory;
  now: Date;
  /** `now` as YYYY-MM-DD (UTC), worked out once. */
  today: string;
  declaredByObjectId: ReadonlyMap<string, DeclaredIdentity>;
  liveByObjectId: ReadonlyMap<string, LiveIdentity>;
  assignmentsByPrincipal: ReadonlyMap<string, readonly LiveRoleAssignment[]>;
  /** Assignments ARM reports with principalType Unknown (their principal was deleted). */
  unknownPrincipalAssignments: readonly LiveRoleAssignment[];
  completeScopes: Set<string>;
  /** Object id → date an owner attested the identity is still needed until (extends reviewBy). */
  attestedUntil: ReadonlyMap<string, string>;
  scopeFacts(scope: string): ScopeFacts;
  roleFacts(assignment: LiveRoleAssignment): RoleFacts;
  /** Whether `ancestor` is strictly above `scope`, through management groups; undefined when not known. */
  isStrictAncestor(ancestor: string, scope: string): boolean | undefined;
  /** policy.environments maps some environment to a management group (or the root): environments then need the hierarchy. */
  environmentsNeedHierarchy: boolean;
}

export function buildContext(
  baseline: Baseline,
  inventory: Inventory,
  now: Date,
  attestedUntil: ReadonlyMap<string, string> = new Map(),
): RuleContext {
  const assignments = assignmentIndex(inventory.roleAssignments);
  const liveByObjectId = liveIndex(inventory.identities);
  const declaredByObjectId = declaredIndex(baseline.identities);

  // A large tenant has hundreds of thousands of assignments over a few thousand scopes and a few
  // dozen roles: the rules ask about each assignment, these answer from a map.
  const scopes = new Map<string, ScopeFacts>();
  const environments = environmentIndex(baseline.policy.environments);
  const roles = new Map<string, RoleFacts>();
  const listedPrivileged = policyRoleList(baseline.policy.privilegedRoles);
  const listedSecretManager = policyRoleList(baseline.policy.secretManagerRoles);
  return {
    baseline,
    inventory,
    now,
    today: dateOf(now),
    declaredByObjectId,
    liveByObjectId,
    assignmentsByPrincipal: assignments.byPrincipal,
    unknownPrincipalAssignments: assignments.unknownPrincipal,
    attestedUntil,
    completeScopes: new Set(inventory.scopes.filter((s) => s.complete).map((s) => s.scope.toLowerCase())),
    scopeFacts(scope) {
      let facts = scopes.get(scope);
      // Stryker disable next-line ConditionalExpression: a memo; working the facts out again gives the same facts
      if (facts === undefined) {
        const level = scopeLevel(scope);
        const chain = scopeChain(scope, inventory.managementGroupParents);
        facts = {
          key: normalizeScope(scope),
          level,
          broad: level === 'root' || level === 'managementGroup' || level === 'subscription',
          environments: environments(chain.scopes),
          chain: chain.scopes,
          chainKnown: chain.complete,
        };
        scopes.set(scope, facts);
      }
      return facts;
    },
    isStrictAncestor(ancestor, scope) {
      return isStrictAncestorIn(ancestor, scope, inventory.managementGroupParents);
    },
    environmentsNeedHierarchy: Object.values(baseline.policy.environments).some((scopes) =>
      scopes.some((s) => {
        const level = scopeLevel(s);
        return level === 'managementGroup' || level === 'root';
      }),
    ),
    roleFacts(a) {
      // Its definition could not be read: known to be a role, not which one. Rules skip it.
      if (a.roleName === null) return UNKNOWN_ROLE;
      let facts = roles.get(a.roleDefinitionId);
      // One definition has one name; a differing name (never seen from ARM) is judged on its own.
      // Stryker disable next-line ConditionalExpression,EqualityOperator: a memo; computing again gives the same facts
      if (facts === undefined || facts.name !== a.roleName) {
        const name = a.roleName.toLowerCase();
        const builtIn = BUILT_IN_ROLE_IDS.get(name);
        // Judged by what it allows when that is known; the policy's lists add to it.
        const grant = a.permissions ? privilegeOf(a.permissions) : null;
        const secrets = a.permissions ? secretChangeOf(a.permissions) : null;
        const privilegedBecause = grant
          ? describeGrant(grant)
          : listedPrivileged(name, a.roleDefinitionId)
            ? 'policy.privilegedRoles lists it'
            : null;
        const secretManagerBecause = secrets
          ? describeGrant(secrets)
          : listedSecretManager(name, a.roleDefinitionId)
            ? 'policy.secretManagerRoles lists it'
            : null;
        const computed = {
          known: true,
          name: a.roleName,
          lower: builtIn !== undefined && builtIn !== a.roleDefinitionId ? a.roleDefinitionId : name,
          privileged: privilegedBecause !== null,
          privilegedBecause,
          secretManager: secretManagerBecause !== null,
          secretManagerBecause,
        };
        // Stryker disable next-line ConditionalExpression,EqualityOperator: which entry the memo keeps, not what it answers
        if (facts === undefined) roles.set(a.roleDefinitionId, computed);
        facts = computed;
      }
      return facts;
    },
  };
}

const lower = (s: string): string => s.toLowerCase();

const UNKNOWN_ROLE: RoleFacts = {
  known: false,
  name: '',
  lower: '',
  privileged: false,
  privilegedBecause: null,
  secretManager: false,
  secretManagerBecause: null,
};

/**
 * A policy role list as a test: an entry matches a role by definition GUID; an entry naming a
 * built-in role matches that built-in's definition only (a custom role may borrow the name); any
 * other entry matches a custom role by name, in any case.
 */
function policyRoleList(entries: readonly string[]): (lowerName: string, definitionId: string) => boolean {
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const entry of entries.map(lower)) {
    const builtIn = BUILT_IN_ROLE_IDS.get(entry);
    if (builtIn !== undefined) ids.add(builtIn);
    else {
      ids.add(entry);
      names.add(entry);
    }
  }
  return (lowerName, definitionId) =>
    ids.has(definitionId) || (names.has(lowerName) && !BUILT_IN_ROLE_IDS.has(lowerName));
}

/**
 * An inventory is read once and never changed, nor is a loaded baseline: their indexes are built
 * on first use and shared by later evaluations (the drift and the dormancy rules of a run).
 * Grouping 250,000 assignments by principal is a tenth of an evaluation of a large tenant. Keyed
 * by the arrays themselves, so an inventory or baseline given new lists gets new indexes.
 */
function memoised<K extends object, V>(build: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    let value = cache.get(key);
    // Stryker disable next-line ConditionalExpression: a memo; building again gives an equal index
    if (value === undefined) cache.set(key, (value = build(key)));
    return value;
  };
}

const assignmentIndex = memoised((assignments: readonly LiveRoleAssignment[]) => {
  const byPrincipal = new Map<string, LiveRoleAssignment[]>();
  const unknownPrincipal: LiveRoleAssignment[] = [];
  for (const a of assignments) {
    const list = byPrincipal.get(a.principalId);
    if (list) list.push(a);
    else byPrincipal.set(a.principalId, [a]);
    if (a.principalType === 'Unknown') unknownPrincipal.push(a);
  }
  return { byPrincipal, unknownPrincipal };
});

const liveIndex = memoised((identities: readonly LiveIdentity[]) => {
  const byObjectId = new Map<string, LiveIdentity>();
  for (const i of identities) byObjectId.set(i.objectId, i);
  return byObjectId;
});

const declaredIndex = memoised((identities: readonly DeclaredIdentity[]) => {
  const byObjectId = new Map<string, DeclaredIdentity>();
  for (const i of identities) byObjectId.set(declaredObjectId(i), i);
  return byObjectId;
});

/**
 * A declared identity's object id, lower-cased (the form live ids are kept in), once per identity:
 * toLowerCase makes a new string each time, and the rules ask for it several times per identity.
 */
export const declaredObjectId = memoised((declared: DeclaredIdentity) => declared.objectId.toLowerCase());

/** Scope → the policy.environments it lies in (the scope itself or an ancestor listed), in the policy's order. */
function environmentIndex(environments: Policy['environments']): (chain: readonly string[]) => string[] {
  const order = Object.keys(environments);
  const byScope = new Map<string, string[]>();
  for (const [env, scopes] of Object.entries(environments))
    for (const s of scopes) {
      const key = normalizeScope(s);
      byScope.set(key, [...(byScope.get(key) ?? []), env]);
    }
  return (chain) => {
    const found = new Set<string>();
    for (const s of chain) for (const env of byScope.get(s) ?? []) found.add(env);
    return order.filter((env) => found.has(env));
  };
}

export function identityOf(
  declared: DeclaredIdentity | undefined,
  live: LiveIdentity | undefined,
  objectId: string,
): FindingIdentity {
  return {
    name: declared?.name ?? null,
    objectId: objectId.toLowerCase(),
    appId: (live?.appId ?? declared?.appId ?? null)?.toLowerCase() ?? null,
    displayName: live?.displayName ?? null,
  };
}

export function candidate(
  ruleId: RuleId,
  fields: Omit<FindingCandidate, 'ruleId' | 'severity'> & { severity?: Severity },
): FindingCandidate {
  // The default applies when a rule passes no severity or `undefined` (spread last, an explicit
  // undefined would erase it: Key Vault findings outside every warning window had no severity).
  return { ruleId, ...fields, severity: fields.severity ?? ruleDefinition(ruleId).severity };
}

export function label(identity: FindingIdentity): string {
  return identity.name ?? identity.displayName ?? identity.objectId;
}

export const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" of a moment in UTC. */
export function dateOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}
