/**
 * All drift and lifecycle rules of a tenant read: baseline × live inventory × now → findings.
 * Pure. Which rules run, in which loop, and which are only trusted on a complete read all come
 * from the rule descriptors (catalogue.ts); nothing here names a rule.
 */
import type { Baseline } from '../baseline/schema';
import type { Inventory, LiveIdentity } from '../model/inventory';
import { findingKey, type FindingCandidate } from '../model/finding';
import { allRules } from './catalogue';
import { buildContext, declaredObjectId } from './context';
import { applyExemptions } from './exemptions';
import { isScopeReadCompletely } from './read-scope';
import { quarantinedObjectIds } from './inventory-rules';
import type { Evaluation } from './rule';

type Per<P extends Evaluation['per']> = Extract<Evaluation, { per: P }>;
interface Plan {
  declaredIdentity: Per<'declaredIdentity'>[];
  retiredIdentity: Per<'retiredIdentity'>[];
  undeclaredIdentity: Per<'undeclaredIdentity'>[];
  liveIdentity: Per<'liveIdentity'>[];
  tenant: Per<'tenant'>[];
  absence: ReadonlySet<string>;
}

/** Each evaluation once (several rules share one), in catalogue order: a few dozen descriptors, worked out per call. */
function evaluationPlan(): Plan {
  const seen = new Set<Evaluation>();
  const p: Plan = {
    declaredIdentity: [],
    retiredIdentity: [],
    undeclaredIdentity: [],
    liveIdentity: [],
    tenant: [],
    absence: new Set(
      allRules()
        .filter((r) => r.absence)
        .map((r) => r.id),
    ),
  };
  for (const rule of allRules())
    for (const e of ([] as Evaluation[]).concat(rule.evaluation)) {
      if (seen.has(e) || e.per === 'elsewhere') continue;
      seen.add(e);
      (p[e.per] as Evaluation[]).push(e);
    }
  return p;
}

export function evaluate(
  baseline: Baseline,
  inventory: Inventory,
  now: Date,
  attestedUntil?: ReadonlyMap<string, string>,
): FindingCandidate[] {
  const ctx = buildContext(baseline, inventory, now, attestedUntil);
  const rules = evaluationPlan();
  // Appended in place, not spread: a large tenant has tens of thousands of identities, most with
  // nothing to report.
  const out: FindingCandidate[] = [];
  for (const declared of baseline.identities) {
    if (declared.status === 'retired') {
      for (const e of rules.retiredIdentity) append(out, e.run(ctx, declared));
      continue;
    }
    const live = ctx.liveByObjectId.get(declaredObjectId(declared));
    const first = out.length;
    for (const e of rules.declaredIdentity) append(out, e.run(ctx, declared, live));
    // The Entra owners with a mailbox are the next step of the owner chain when every baseline
    // owner is disabled or gone (shared/notify/recipients.ts).
    if (live) withEntraOwners(out, first, live, false);
  }
  for (const live of inventory.identities) {
    if (ctx.declaredByObjectId.has(live.objectId)) continue;
    const first = out.length;
    for (const e of rules.undeclaredIdentity) append(out, e.run(ctx, live));
    // No baseline owner: the Entra owners with a mailbox are who notices fall back to.
    withEntraOwners(out, first, live, true);
  }
  for (const e of rules.tenant) append(out, e.run(ctx));
  for (const live of inventory.identities) {
    if (ctx.declaredByObjectId.get(live.objectId)?.status === 'retired') continue;
    for (const e of rules.liveIdentity) append(out, e.run(ctx, live));
  }
  // Absence is only proven by a complete read, and never about an object that could not be read.
  const quarantined = quarantinedObjectIds(inventory);
  const trustworthy = out.filter(
    (c) =>
      !rules.absence.has(c.ruleId) ||
      (isScopeReadCompletely(c.readScope, inventory) && !quarantined.has(c.identity.objectId)),
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
