/**
 * identity.dormant and identity.never-signed-in: baseline × inventory × sign-in activity × now.
 * Pure. Only identities that still hold something (role assignments, application permissions,
 * unexpired credentials, federated credentials) are reported: a dormant identity that holds
 * nothing is harmless. Where the logs cannot tell (they cover less time than the threshold, or
 * hold no records at all) the identity is "undetermined", never reported dormant.
 */
import type { Baseline } from '../baseline/schema';
import type { FindingCandidate } from '../model/finding';
import { isClientCredential, type Inventory, type LiveIdentity } from '../model/inventory';
import type { SignInActivity } from '../model/sign-in-activity';
import { buildContext, candidate, DAY_MS, dateOf, identityOf, label, type RuleContext } from './context';
import { applyExemptions } from './exemptions';
import { ownerOf } from './finding-owner';
import { holdings } from './identity-rules';
import { ALL_ARM, allOf, DIRECTORY, SIGN_IN_LOGS } from './read-scope';
import type { Evaluation, RuleDescriptor } from './rule';

/** Findings the dormancy run owns: its two rules and the expiry of exemptions from them. */
export function isSignInFinding(f: { ruleId: string; target: string }): boolean {
  return ownerOf(f) === 'signIns';
}

/** Longest retention Log Analytics offers for interactive queries. */
const MAX_WINDOW_DAYS = 730;

/**
 * How far back to query: twice the largest threshold, so an identity created after the start of
 * the range and older than its threshold can be called "never signed in" rather than just dormant.
 */
export function signInWindowDays(baseline: Baseline): number {
  const largest = Math.max(
    baseline.policy.dormantAfterDays,
    ...baseline.identities.map((i) => i.dormantAfterDays ?? 0),
  );
  return Math.min(2 * largest, MAX_WINDOW_DAYS);
}

export interface Undetermined {
  objectId: string;
  name: string;
  reason: string;
}

export interface DormancyEvaluation {
  candidates: FindingCandidate[];
  /** Identities the logs cannot speak for (too short a coverage, no records). */
  undetermined: Undetermined[];
  /** Identities that hold something and were checked. */
  checked: number;
}

export function evaluateDormancy(
  baseline: Baseline,
  inventory: Inventory,
  activity: SignInActivity,
  now: Date,
): DormancyEvaluation {
  const ctx = buildContext(baseline, inventory, now);
  const out: FindingCandidate[] = [];
  const undetermined: Undetermined[] = [];
  let checked = 0;
  for (const live of inventory.identities) {
    const declared = ctx.declaredByObjectId.get(live.objectId);
    if (declared?.status === 'retired') continue; // identity.retired-present already says "remove it"
    const held = holdings(ctx, live.objectId, live, { unexpiredOnly: true });
    if (held.length === 0) continue;
    checked += 1;
    const threshold = declared?.dormantAfterDays ?? baseline.policy.dormantAfterDays;
    const verdict = judge(ctx, live, activity, threshold);
    const identity = identityOf(declared, live, live.objectId);
    if (verdict.kind === 'undetermined') {
      undetermined.push({ objectId: live.objectId, name: label(identity), reason: verdict.reason });
      continue;
    }
    if (verdict.kind === 'active') continue;
    const evidence = {
      lastSuccessfulSignIn: verdict.lastSuccess,
      signInLog: activity.byObjectId.get(live.objectId)?.table ?? null,
      onlyFailedSignIns: activity.byObjectId.has(live.objectId) && verdict.lastSuccess === null,
      logsCoverFrom: activity.coveredFrom,
      createdDateTime: live.createdDateTime,
      dormantAfterDays: threshold,
      holds: held,
      ...(declared ? {} : { entraOwners: live.owners.map((o) => o.mail).filter(Boolean) }),
    };
    const fix = 'remove its access and credentials, or retire the identity';
    out.push(
      candidate(verdict.kind === 'never' ? 'identity.never-signed-in' : 'identity.dormant', {
        identity,
        target: live.objectId,
        message: `${label(identity)} ${verdict.says}${verdict.kind === 'never' ? ', yet' : ' and'} still holds ${held.join(', ')}: ${verdict.kind === 'never' ? 'confirm the workload still exists, otherwise ' : ''}${fix}.`,
        evidence,
        readScope: allOf(SIGN_IN_LOGS, DIRECTORY, ALL_ARM),
      }),
    );
  }
  out.push(...unusedCredentialRule(ctx, activity));
  return { candidates: applyExemptions(out, baseline, now), undetermined, checked };
}

/**
 * credential.unused: an unexpired secret or certificate, older than policy.credentialUnusedDays,
 * with no successful sign-in in that time while its identity did sign in (with another key, or
 * federated): the one safe to remove after a rotation or a move to federation. Only judged when
 * the logs cover that many days. (Sign-in logs name a credential by key id; one logged only by
 * thumbprint counts as unused here.)
 */
function unusedCredentialRule(ctx: RuleContext, activity: SignInActivity): FindingCandidate[] {
  const days = ctx.baseline.policy.credentialUnusedDays;
  const since = ctx.now.getTime() - days * DAY_MS;
  if (!activity.coveredFrom || Date.parse(activity.coveredFrom) > since) return [];
  const out: FindingCandidate[] = [];
  for (const live of ctx.inventory.identities) {
    const declared = ctx.declaredByObjectId.get(live.objectId);
    if (declared?.status === 'retired') continue;
    if (activity.unreadable?.has(live.objectId)) continue; // its keys' use is unknown
    const last = activity.byObjectId.get(live.objectId)?.lastSuccess;
    if (!last || Date.parse(last) < since) continue; // not signing in at all: dormancy says it
    for (const c of live.credentials) {
      if (!isClientCredential(c)) continue; // SSO keys are not used to sign in
      if (c.end && Date.parse(c.end) <= ctx.now.getTime()) continue; // expired: credential.expired says it
      if (!c.start || Date.parse(c.start) > since) continue; // too new to judge
      const used = activity.byKeyId.get(c.keyId.toLowerCase());
      if (used && Date.parse(used) >= since) continue;
      const identity = identityOf(declared, live, live.objectId);
      out.push(
        candidate('credential.unused', {
          identity,
          target: c.keyId.toLowerCase(),
          message: `${c.type} '${c.displayName ?? c.keyId}' on ${label(identity)} has not been used to sign in for ${days}+ days${used ? ` (last ${dateOf(new Date(used))})` : ''}, while ${label(identity)} signed in on ${dateOf(new Date(last))}: remove it.`,
          evidence: {
            keyId: c.keyId,
            type: c.type,
            start: c.start,
            end: c.end,
            lastUsed: used ?? null,
            identityLastSignIn: last,
            days,
            logsCoverFrom: activity.coveredFrom,
          },
          readScope: allOf(SIGN_IN_LOGS, DIRECTORY),
        }),
      );
    }
  }
  return out;
}

type Verdict =
  | { kind: 'active' }
  | { kind: 'undetermined'; reason: string }
  | { kind: 'dormant' | 'never'; says: string; lastSuccess: string | null };

function judge(ctx: RuleContext, live: LiveIdentity, activity: SignInActivity, threshold: number): Verdict {
  const daysSince = (iso: string) => Math.floor((ctx.now.getTime() - Date.parse(iso)) / DAY_MS);
  const unreadable = activity.unreadable?.get(live.objectId);
  if (unreadable)
    return { kind: 'undetermined', reason: `a sign-in log row about it could not be read (${unreadable})` };
  const lastSuccess = activity.byObjectId.get(live.objectId)?.lastSuccess ?? null;
  if (lastSuccess) {
    const days = daysSince(lastSuccess);
    if (days < threshold) return { kind: 'active' };
    return {
      kind: 'dormant',
      lastSuccess,
      says: `last signed in successfully on ${dateOf(new Date(lastSuccess))} (${days} days ago; threshold ${threshold})`,
    };
  }
  if (!activity.coveredFrom)
    return {
      kind: 'undetermined',
      reason: `the sign-in logs hold no records since ${dateOf(new Date(activity.from))}: check that the Entra diagnostic setting sends ServicePrincipalSignInLogs and ManagedIdentitySignInLogs to the workspace`,
    };
  const created = live.createdDateTime;
  if (created && Date.parse(created) >= Date.parse(activity.coveredFrom)) {
    // The logs cover its whole life: "never" is a fact, not a guess.
    const age = daysSince(created);
    if (age < threshold) return { kind: 'active' };
    return {
      kind: 'never',
      lastSuccess: null,
      says: `was created on ${dateOf(new Date(created))} (${age} days ago; threshold ${threshold}) and has never signed in successfully`,
    };
  }
  const covered = daysSince(activity.coveredFrom);
  if (covered < threshold)
    return {
      kind: 'undetermined',
      reason: `the sign-in logs cover only ${covered} days (since ${dateOf(new Date(activity.coveredFrom))}), less than its ${threshold}-day threshold`,
    };
  return {
    kind: 'dormant',
    lastSuccess: null,
    says: `has not signed in successfully in the ${covered} days the sign-in logs cover (since ${dateOf(new Date(activity.coveredFrom))}; threshold ${threshold})`,
  };
}

const BY_DORMANCY: Evaluation = {
  per: 'elsewhere',
  by: 'evaluateDormancy (shared/app/dormancy.ts, the daily sign-in check)',
};

export const SIGN_IN_RULES = [
  {
    id: 'identity.dormant',
    severity: 'medium',
    title: 'Identity has not signed in for longer than its dormancy threshold',
    fix: 'Remove its access and credentials, or retire the identity.',
    source: 'signIns',
    inputs: ['baseline', 'signInLogs', 'roleAssignments', 'appRoleGrants', 'credentials'],
    absence: true,
    evaluation: BY_DORMANCY,
  },
  {
    id: 'identity.never-signed-in',
    severity: 'medium',
    title: 'Identity has never signed in within the retained logs',
    fix: 'Confirm the workload still exists; otherwise remove its access and credentials.',
    source: 'signIns',
    inputs: ['baseline', 'signInLogs', 'roleAssignments', 'appRoleGrants', 'credentials'],
    absence: true,
    evaluation: BY_DORMANCY,
  },
  {
    id: 'credential.unused',
    severity: 'low',
    title: 'Secret or certificate no longer used while the identity signs in otherwise',
    fix: 'Remove the unused credential: after a rotation or a move to federation it is only a way in for someone else.',
    source: 'signIns',
    inputs: ['baseline', 'signInLogs', 'credentials'],
    absence: true,
    portal: 'appCredentials',
    evaluation: BY_DORMANCY,
  },
] as const satisfies readonly RuleDescriptor[];
