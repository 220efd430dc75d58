/**
 * The targeted re-checks behind role-assignment and federated-credential events: a handful of
 * requests whatever the tenant's size.
 *
 * A role assignment event on assignment A at scope X:
 *   write   GET A → its principal P (a 404 means it is gone: handled as a delete);
 *   delete  P from the assignment index (event-indexes.ts); when the index does not know A,
 *           the principals whose findings name A and those declared at X whose role is no longer
 *           held there (one `atScope()` read of X).
 * For each such P: one read of P's assignments at, above and below X (ARM's principalId filter),
 * P as the last reconcile saw it (identity index; Graph only when unknown), the role definitions
 * from the process's cache, P's findings from its own partition. Every rule is evaluated for P,
 * and only P's role findings about X or below it are brought in line: everything they depend on
 * (the assignments at their scope and every scope above it) was just read, while nothing else was.
 * When the index said A belonged to another principal (A was deleted and re-created), that
 * principal is re-checked too, so a stale index never leaves a wrong finding behind.
 *
 * A federated-credential event: the managed identity's principal (one GET), its credentials (one
 * list), the rest of the identity from the index; only its fic.* findings are brought in line.
 */
import type { Baseline } from '../baseline/schema';
import { emptySyncResult, FindingStore, type SyncResult } from '../findings/store';
import {
  readAssignment,
  readAssignmentsAt,
  readManagedIdentityFederatedCredentials,
  RoleDefinitionCache,
  type ArmScopeRead,
} from '../inventory/arm-reader';
import { readManagementGroupHierarchy } from '../inventory/management-group-reader';
import { Quarantine } from '../inventory/quarantine';
import { GraphReader } from '../inventory/graph-reader';
import { armScopesOf, buildIdentities, resolveAssignments } from '../inventory/read-inventory';
import { normalizeScope } from '../model/arm-scope';
import type { Finding, FindingCandidate } from '../model/finding';
import type { Inventory, LiveIdentity, ScopeCompleteness } from '../model/inventory';
import { scopeChain } from '../model/scope-hierarchy';
import { AttestationStore } from '../attest/store';
import { evaluate } from '../rules/evaluate';
import { rechecks, ruleOf } from '../rules/catalogue';
import { isScopeReadCompletely } from '../rules/read-scope';
import type { Tables } from '../storage/tables';
import { assignmentIndex, identityIndex } from './event-indexes';
import type { TenantConnection } from './tenant';

export interface RecheckDeps {
  tables: Tables;
  tenant: Pick<TenantConnection, 'clients' | 'scope'>;
  baseline: Baseline;
  now: Date;
  /** Added to the evidence of the findings the event is about (`relatesTo`), and to those it resolved. */
  evidence: Record<string, unknown>;
  relatesTo: (c: FindingCandidate) => boolean;
}

export interface RecheckResult {
  objectIds: string[];
  sync: SyncResult;
  /** What could not be read (the event must be delivered again); empty when everything was. */
  gaps: string[];
  note?: string;
}

const empty = emptySyncResult;

/** The scope a role finding is about: its target, or for an orphaned assignment (target: its id) the assignment's scope. */
function scopeOfRoleFinding(f: Pick<Finding, 'ruleId' | 'target' | 'evidence'>): string {
  return ruleOf(f.ruleId)?.targetIsAssignment ? String(f.evidence.scope ?? '') : f.target;
}

export async function recheckRoleAssignment(
  assignmentId: string,
  operation: 'write' | 'delete',
  deps: RecheckDeps,
): Promise<RecheckResult> {
  const { clients } = deps.tenant;
  const id = assignmentId.toLowerCase();
  const scope = assignmentId.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i, '');
  const index = assignmentIndex(deps.tables);
  const indexed = await index.get(id);
  const live = operation === 'write' ? await readAssignment(clients, assignmentId) : undefined;
  const principals = new Set<string>();
  if (live) principals.add(live.principalId);
  if (indexed) principals.add(indexed.principalId.toLowerCase());
  let note: string | undefined;
  const gaps: string[] = [];
  if (!live && !indexed) {
    // Gone, and the index never knew it (created and deleted since the last reconcile, or an
    // index that could not be read): whose findings name it, and who is declared where it was.
    for (const f of await new FindingStore(deps.tables).list({ assignmentId: id }))
      principals.add(f.identity.objectId.toLowerCase());
    const declaredHere = deps.baseline.identities.filter(
      (i) => i.status !== 'retired' && i.roles.some((r) => normalizeScope(r.scope) === normalizeScope(scope)),
    );
    if (declaredHere.length) {
      const atScope = await readAssignmentsAt(clients, scope, undefined);
      if (!atScope.completeness.complete) gaps.push(`${scope} (${atScope.completeness.error})`);
      const held = new Set(atScope.assignments.map((a) => a.principalId));
      // Declared there and holding nothing at or above it: their role.missing may have changed.
      for (const i of declaredHere)
        if (!held.has(i.objectId.toLowerCase())) principals.add(i.objectId.toLowerCase());
    }
    if (principals.size === 0)
      note =
        'the assignment is gone and neither the index, a finding nor the baseline names a principal for it';
  }
  const out = empty();
  for (const principal of principals) {
    const r = await recheckPrincipalAt(principal, scope, deps, gaps);
    merge(out, r);
  }
  if (gaps.length === 0) {
    if (live)
      await index.update(id, {
        principalId: live.principalId,
        roleDefinitionId: live.roleDefinitionId,
        scope: live.scope,
      });
    else if (indexed !== undefined) await index.update(id, undefined);
  }
  return { objectIds: [...principals], sync: out, gaps, ...(note ? { note } : {}) };
}

async function recheckPrincipalAt(
  principal: string,
  scope: string,
  deps: RecheckDeps,
  gaps: string[],
): Promise<SyncResult> {
  const { clients } = deps.tenant;
  const quarantine = new Quarantine();
  const read = await readAssignmentsAt(clients, scope, principal, quarantine);
  if (!read.completeness.complete) {
    gaps.push(`${scope} (${read.completeness.error})`);
    return empty();
  }
  const hierarchy = await readManagementGroupHierarchy(clients, { shared: true });
  const roleAssignments = await resolveAssignments(
    clients,
    [read],
    new RoleDefinitionCache(clients, { shared: true }),
  );
  if (!read.completeness.complete) {
    gaps.push(`${scope} (${read.completeness.error})`);
    return empty();
  }
  const identity = await identityOf(principal, deps, roleAssignments, gaps);
  if (identity === null) return empty();
  const inventory = partialInventory(deps, identity ? [identity] : [], roleAssignments, hierarchy);
  const x = normalizeScope(scope);
  const parents = hierarchy.parents;
  // X or below it: X is on the scope's chain. The principal's read covers X, what is above it and,
  // within a subscription, what is below it; at a management group or the tenant root it does not
  // cover the subscriptions below, so only findings about X itself are judged there (an absence
  // rule below X would be raised from assignments that were never read).
  const readsBelow = x.startsWith('/subscriptions/');
  const within = (s: string) =>
    readsBelow ? scopeChain(s, parents).scopes.includes(x) : normalizeScope(s) === x;
  const inView = (f: Pick<Finding, 'ruleId' | 'target' | 'evidence' | 'identity'>) =>
    f.identity.objectId.toLowerCase() === principal &&
    rechecks(f.ruleId, 'roleAssignmentEvent') &&
    within(scopeOfRoleFinding(f));
  return judge(principal, inventory, inView, deps, quarantine);
}

export async function recheckFederatedCredentials(
  resourceId: string,
  deps: RecheckDeps,
): Promise<RecheckResult | undefined> {
  const { clients } = deps.tenant;
  const m =
    /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.managedidentity\/userassignedidentities\/([^/]+)$/i.exec(
      resourceId,
    );
  if (!m) return undefined;
  let principal: string | undefined;
  try {
    const uami = await clients.managedIdentitiesFor(m[1]!).userAssignedIdentities.get(m[2]!, m[3]!);
    principal = uami.principalId?.toLowerCase();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
  if (!principal) return undefined;
  const gaps: string[] = [];
  const quarantine = new Quarantine();
  const credentials = await readManagedIdentityFederatedCredentials(
    clients,
    resourceId,
    quarantine,
    principal,
  );
  const known = await identityOf(principal, deps, [], gaps);
  if (!known) return { objectIds: [principal], sync: empty(), gaps };
  const identity: LiveIdentity = { ...known, federatedCredentials: credentials };
  const inventory = partialInventory(deps, [identity], [], undefined);
  const sync = await judge(
    principal,
    inventory,
    (f) => f.identity.objectId.toLowerCase() === principal && rechecks(f.ruleId, 'federatedCredentialEvent'),
    deps,
    quarantine,
  );
  if (quarantine.objects.length === 0) await identityIndex(deps.tables).update(principal, identity);
  return { objectIds: [principal], sync, gaps };
}

/**
 * The identity as the last complete reconcile saw it; read from Graph when the index does not
 * know it. `undefined`: it does not exist in the directory; `null`: it could not be read (a gap).
 */
async function identityOf(
  principal: string,
  deps: RecheckDeps,
  roleAssignments: Inventory['roleAssignments'],
  gaps: string[],
): Promise<LiveIdentity | undefined | null> {
  const indexed = await identityIndex(deps.tables).get(principal);
  if (indexed) return indexed;
  const { clients } = deps.tenant;
  try {
    const graph = new GraphReader(clients.graph(), { counter: clients.counter });
    const [sp] = await graph.servicePrincipalsById([principal]);
    if (!sp) return undefined;
    const apps =
      sp.servicePrincipalType === 'ManagedIdentity' ? [] : await graph.applicationsByAppId([sp.appId]);
    const [identity] = await buildIdentities(graph, apps, [sp], roleAssignments, new Map());
    return identity;
  } catch (error) {
    gaps.push(`directory (${error instanceof Error ? error.message : String(error)})`);
    return null;
  }
}

function partialInventory(
  deps: RecheckDeps,
  identities: LiveIdentity[],
  roleAssignments: Inventory['roleAssignments'],
  hierarchy: { parents?: Inventory['managementGroupParents']; completeness: ScopeCompleteness } | undefined,
): Inventory {
  // The same scopes a reconcile reads, so each finding names the same read scope (and content)
  // as the reconcile would give it; only what is in view is judged.
  const scopes: ScopeCompleteness[] = [
    ...armScopesOf(deps.tenant.scope).map((s) => ({ scope: armScopeOf(s), kind: s.kind, complete: true })),
    { scope: 'directory', kind: 'directory', complete: true },
    ...(hierarchy ? [hierarchy.completeness] : []),
  ];
  return {
    readAt: deps.now.toISOString(),
    identities,
    roleAssignments,
    scopes,
    requests: deps.tenant.clients.counter.snapshot(),
    unreadable: [],
    ...(hierarchy?.parents ? { managementGroupParents: hierarchy.parents } : {}),
  };
}

const armScopeOf = (s: { kind: 'subscription' | 'managementGroup'; id: string }) =>
  s.kind === 'subscription'
    ? `/subscriptions/${s.id}`
    : `/providers/Microsoft.Management/managementGroups/${s.id}`;

async function judge(
  principal: string,
  inventory: Inventory,
  inView: (f: Pick<Finding, 'ruleId' | 'target' | 'evidence' | 'identity'>) => boolean,
  deps: RecheckDeps,
  quarantine: Quarantine,
): Promise<SyncResult> {
  const scoped: Baseline = {
    ...deps.baseline,
    identities: deps.baseline.identities.filter((i) => i.objectId.toLowerCase() === principal),
  };
  const attested = await new AttestationStore(deps.tables).attestedUntil();
  const candidates: FindingCandidate[] = evaluate(scoped, inventory, deps.now, attested)
    .filter(inView)
    .map((c) => (deps.relatesTo(c) ? { ...c, evidence: { ...c.evidence, event: deps.evidence } } : c));
  const store = new FindingStore(deps.tables);
  const stored = await store.list({ objectId: principal });
  return store.sync(candidates, deps.now, {
    stored,
    inView: (f) => inView(f),
    readCompletely: (readScope) => isScopeReadCompletely(readScope, inventory),
    // Something about this principal could not be read: nothing of it is resolved.
    keep: () => quarantine.objects.length > 0,
    resolvedBy: deps.evidence,
  });
}

function merge(into: SyncResult, more: SyncResult): void {
  into.opened.push(...more.opened);
  into.reopened.push(...more.reopened);
  into.resolved.push(...more.resolved);
  into.exempted.push(...more.exempted);
  into.unchanged += more.unchanged;
  into.keptUnverified += more.keptUnverified;
  into.written += more.written;
  into.deleted += more.deleted;
}

export type { ArmScopeRead };
