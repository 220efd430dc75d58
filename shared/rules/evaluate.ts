/** All drift and lifecycle rules: baseline × live inventory × now → findings. Pure. */
import type { Baseline } from '../baseline/schema';
import type { Inventory } from '../model/inventory';
import { findingKey, type FindingCandidate } from '../model/finding';
import { appRoleRules } from './approle-rules';
import { buildContext } from './context';
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
  const out: FindingCandidate[] = [];
  for (const declared of baseline.identities) {
    if (declared.status === 'retired') {
      out.push(...retiredPresentRule(ctx, declared));
      continue;
    }
    const live = ctx.liveByObjectId.get(declared.objectId.toLowerCase());
    // The Entra owners with a mailbox are the next step of the owner chain when every baseline
    // owner is disabled or gone (shared/notify/recipients.ts).
    const found = [
      ...declaredRoleRules(ctx, declared),
      ...reviewOverdueRule(ctx, declared),
      ...(live
        ? [
            ...credentialRules(ctx, declared, live),
            ...ficRules(ctx, declared, live),
            ...appRoleRules(ctx, live),
          ]
        : []),
    ];
    if (found.length === 0) continue;
    const entraOwners = (live?.owners ?? []).map((o) => o.mail).filter((m): m is string => Boolean(m));
    out.push(
      ...found.map((c) => (entraOwners.length ? { ...c, evidence: { ...c.evidence, entraOwners } } : c)),
    );
  }
  for (const live of inventory.identities) {
    if (ctx.declaredByObjectId.has(live.objectId)) continue;
    // No baseline owner: the Entra owners with a mailbox are who notices fall back to.
    const entraOwners = live.owners.map((o) => o.mail).filter((m): m is string => Boolean(m));
    out.push(
      ...[
        ...unbaselinedRules(ctx, live),
        ...privilegedBroadRule(ctx, live.objectId, ctx.assignmentsByPrincipal.get(live.objectId) ?? []),
        ...appRoleRules(ctx, live),
      ].map((c) => ({ ...c, evidence: { ...c.evidence, entraOwners } })),
    );
  }
  out.push(...orphanedAssignmentRule(ctx));
  for (const live of inventory.identities) {
    if (ctx.declaredByObjectId.get(live.objectId)?.status === 'retired') continue;
    out.push(...disabledWithAccessRule(ctx, live), ...unattachedManagedIdentityRule(ctx, live));
  }
  const trustworthy = out.filter(
    (c) => !ABSENCE_RULES.has(c.ruleId) || isScopeReadCompletely(c.readScope, inventory),
  );
  return dedupe(applyExemptions(trustworthy, baseline, now));
}

function dedupe(list: FindingCandidate[]): FindingCandidate[] {
  const seen = new Map<string, FindingCandidate>();
  for (const c of list) {
    const key = findingKey(c.ruleId, c.identity.objectId, c.target);
    if (!seen.has(key)) seen.set(key, c);
  }
  return [...seen.values()];
}
