/** Indexes built once per evaluation so every rule looks things up in maps, not nested scans. */
import type { Baseline, DeclaredIdentity } from '../baseline/schema';
import type { Inventory, LiveIdentity, LiveRoleAssignment } from '../model/inventory';
import type { FindingCandidate, FindingIdentity } from '../model/finding';
import { ruleDefinition, type RuleId, type Severity } from './catalogue';

export interface RuleContext {
  baseline: Baseline;
  inventory: Inventory;
  now: Date;
  /** `now` as YYYY-MM-DD (UTC), worked out once. */
  today: string;
  declaredByObjectId: Map<string, DeclaredIdentity>;
  liveByObjectId: Map<string, LiveIdentity>;
  assignmentsByPrincipal: Map<string, LiveRoleAssignment[]>;
  completeScopes: Set<string>;
  /** Object id → date an owner attested the identity is still needed until (extends reviewBy). */
  attestedUntil: ReadonlyMap<string, string>;
}

export function buildContext(
  baseline: Baseline,
  inventory: Inventory,
  now: Date,
  attestedUntil: ReadonlyMap<string, string> = new Map(),
): RuleContext {
  const assignmentsByPrincipal = new Map<string, LiveRoleAssignment[]>();
  for (const a of inventory.roleAssignments) {
    const list = assignmentsByPrincipal.get(a.principalId);
    if (list) list.push(a);
    else assignmentsByPrincipal.set(a.principalId, [a]);
  }
  return {
    baseline,
    inventory,
    now,
    today: dateOf(now),
    declaredByObjectId: new Map(baseline.identities.map((i) => [i.objectId.toLowerCase(), i])),
    liveByObjectId: new Map(inventory.identities.map((i) => [i.objectId, i])),
    assignmentsByPrincipal,
    attestedUntil,
    completeScopes: new Set(inventory.scopes.filter((s) => s.complete).map((s) => s.scope.toLowerCase())),
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
  return { ruleId, severity: fields.severity ?? ruleDefinition(ruleId).severity, ...fields };
}

export function label(identity: FindingIdentity): string {
  return identity.name ?? identity.displayName ?? identity.objectId;
}

export const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" of a moment in UTC. */
export function dateOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}
