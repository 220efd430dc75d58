/** All drift and lifecycle rules: baseline × live inventory × now → findings. Pure. */
import type { Baseline } from '../baseline/schema';
import type { Inventory, LiveIdentity } from '../model/inventory';
import { findingKey, type FindingCandidate } from '../model/finding';
import { appRoleRules } from './approle-rules';
import { buildContext, declaredObjectId } from './context';
import { credentialRules } from './credential-rules';
import { applyExemptions } from './exemptions';
import { ficRules } from './fic-rules';
import { retiredPresentRule, reviewOverdueRule, unbaselinedRules } from './identity-rules';
import { isScopeReadCompletely } from './read-scope';
import { declaredRoleRules, privilegedBroadRule } from './role-rules';
import {
  disabledWithAccessRule,
  orphanedAssignmentRule,
  unattachedManagedIdentityRule,
} from './orphan-rules';

/** Rules that assert something is absent: only trustworthy where the read was complete. */
const ABSENCE_RULES = new Set([
  'role.missing',
  'fic.missing',
  'role.orphaned-principal',
  'identity.unattached-managed-identity',
]);

export function evaluate(
  baseline: Baseline,
  inventory: Inventory,
  now: Date,
  attestedUntil?: ReadonlyMap<string, string>,
): FindingCandidate[] {
  const ctx = buildContext(baseline, inventory, now, attestedUntil);
  // Appended in place, not spread: a large tenant has tens of thousands of identities, most with
  // nothing to report.
  const out: FindingCandidate[] = [];
  for (const declared of baseline.identities) {
    if (declared.status === 'retired') {
      append(out, retiredPresentRule(ctx, declared));
      continue;
    }
    const live = ctx.liveByObjectId.get(declaredObjectId(declared));
    const first = out.length;
    append(out, declaredRoleRules(ctx, declared));
    append(out, reviewOverdueRule(ctx, declared));
    if (live) {
      append(out, credentialRules(ctx, declared, live));
      append(out, ficRules(ctx, declared, live));
      append(out, appRoleRules(ctx, live));
      // The Entra owners with a mailbox are the next step of the owner chain when every baseline
      // owner is disabled or gone (shared/notify/recipients.ts).
      if (out.length > first) withEntraOwners(out, first, live, false);
    }
  }
  for (const live of inventory.identities) {
    if (ctx.declaredByObjectId.has(live.objectId)) continue;
    const first = out.length;
    append(out, unbaselinedRules(ctx, live));
    append(out, privilegedBroadRule(ctx, live.objectId, ctx.assignmentsByPrincipal.get(live.objectId) ?? []));
    append(out, appRoleRules(ctx, live));
    // No baseline owner: the Entra owners with a mailbox are who notices fall back to.
    withEntraOwners(out, first, live, true);
  }
  append(out, orphanedAssignmentRule(ctx));
  for (const live of inventory.identities) {
    if (ctx.declaredByObjectId.get(live.objectId)?.status === 'retired') continue;
    append(out, disabledWithAccessRule(ctx, live));
    append(out, unattachedManagedIdentityRule(ctx, live));
  }
  const trustworthy = out.filter(
    (c) => !ABSENCE_RULES.has(c.ruleId) || isScopeReadCompletely(c.readScope, inventory),
  );
  return dedupe(applyExemptions(trustworthy, baseline, now));
}

function append(out: FindingCandidate[], found: readonly FindingCandidate[]): void {
  for (const c of found) out.push(c);
}

/** Adds the identity's Entra owners with a mailbox to the evidence of out[first..]. */
function withEntraOwners(out: FindingCandidate[], first: number, live: LiveIdentity, always: boolean): void {
  if (out.length === first) return;
  const entraOwners = live.owners.map((o) => o.mail).filter((m): m is string => Boolean(m));
  if (entraOwners.length === 0 && !always) return;
  for (let i = first; i < out.length; i++)
    out[i] = { ...out[i]!, evidence: { ...out[i]!.evidence, entraOwners } };
}

function dedupe(list: FindingCandidate[]): FindingCandidate[] {
  const seen = new Map<string, FindingCandidate>();
  for (const c of list) {
    const key = findingKey(c.ruleId, c.identity.objectId, c.target);
    if (!seen.has(key)) seen.set(key, c);
  }
  return [...seen.values()];
}
