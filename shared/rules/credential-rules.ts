/** credential.type-not-allowed, credential.lifetime-too-long, credential.expiring, credential.expired. */
import type { DeclaredIdentity, Policy } from '../baseline/schema';
import type { LiveCredential, LiveIdentity } from '../model/inventory';
import type { FindingCandidate, FindingIdentity } from '../model/finding';
import type { Severity } from './catalogue';
import { candidate, DAY_MS, identityOf, label, type RuleContext } from './context';
import { DIRECTORY } from './read-scope';
import type { Evaluation, RuleDescriptor } from './rule';

export function credentialName(c: LiveCredential): string {
  return `${c.type} '${c.displayName ?? c.keyId}'`;
}

/** The warning window a credential is in (the smallest window that still contains it), or undefined. */
export function expiryStage(daysLeft: number, windows: readonly number[]): number | undefined {
  const containing = windows.filter((w) => daysLeft <= w);
  return containing.length ? Math.min(...containing) : undefined;
}

export function severityForStage(stage: number): Severity {
  if (stage <= 7) return 'high';
  if (stage <= 14) return 'medium';
  return 'low';
}

export function credentialRules(
  ctx: RuleContext,
  declared: DeclaredIdentity,
  live: LiveIdentity,
): FindingCandidate[] {
  // Built only when there is something to report: most credentials are fine.
  let who: FindingIdentity | undefined;
  const policy: Policy = ctx.baseline.policy;
  const out: FindingCandidate[] = [];
  for (const c of live.credentials) {
    const start = c.start ? Date.parse(c.start) : NaN;
    const end = c.end ? Date.parse(c.end) : NaN;
    const lifetimeDays = (end - start) / DAY_MS;
    const daysLeft = (end - ctx.now.getTime()) / DAY_MS;
    const allowed = declared.credentials.includes(c.type);
    const tooLong = Number.isFinite(lifetimeDays) && lifetimeDays > policy.maxCredentialLifetimeDays;
    const stage =
      Number.isFinite(daysLeft) && daysLeft > 0 ? expiryStage(daysLeft, policy.expiryWarningDays) : undefined;
    const expired = Number.isFinite(daysLeft) && daysLeft <= 0;
    if (allowed && !tooLong && !expired && stage === undefined) continue;
    const identity = (who ??= identityOf(declared, live, live.objectId));
    const base = { identity, target: c.keyId, readScope: DIRECTORY };
    const evidence = {
      keyId: c.keyId,
      type: c.type,
      displayName: c.displayName,
      hint: c.hint,
      start: c.start,
      end: c.end,
      attachedTo: c.on,
    };
    if (!allowed) {
      out.push(
        candidate('credential.type-not-allowed', {
          ...base,
          message: `${label(identity)} has a ${credentialName(c)}, but only ${declared.credentials.join(', ') || 'no'} credentials are allowed: remove it.`,
          evidence: { ...evidence, allowed: declared.credentials },
        }),
      );
    }
    if (tooLong) {
      out.push(
        candidate('credential.lifetime-too-long', {
          ...base,
          message: `${credentialName(c)} on ${label(identity)} is valid for ${Math.round(lifetimeDays)} days, more than the ${policy.maxCredentialLifetimeDays} allowed: replace it with a shorter-lived one.`,
          evidence: {
            ...evidence,
            lifetimeDays: Math.round(lifetimeDays),
            maxDays: policy.maxCredentialLifetimeDays,
          },
        }),
      );
    }
    if (expired) {
      out.push(
        candidate('credential.expired', {
          ...base,
          message: `${credentialName(c)} on ${label(identity)} expired on ${c.end!.slice(0, 10)} and is still attached: remove it.`,
          evidence,
        }),
      );
    } else if (stage !== undefined) {
      const days = Math.ceil(daysLeft);
      out.push(
        candidate('credential.expiring', {
          ...base,
          severity: severityForStage(stage),
          message: `Rotate or remove ${credentialName(c)} on ${label(identity)}: it expires in ${days} day${days === 1 ? '' : 's'} (${c.end!.slice(0, 10)}).`,
          evidence: { ...evidence, daysLeft: days, stage },
        }),
      );
    }
  }
  return out;
}

const declaredCredentials: Evaluation = {
  per: 'declaredIdentity',
  run: (ctx, declared, live) => (live ? credentialRules(ctx, declared, live) : []),
};

export const CREDENTIAL_RULES = [
  {
    id: 'credential.type-not-allowed',
    severity: 'high',
    title: 'Credential of a type the baseline does not allow',
    fix: 'Remove the credential; use the allowed credential type instead.',
    source: 'tenant',
    inputs: ['baseline', 'credentials'],
    absence: false,
    evaluation: declaredCredentials,
  },
  {
    id: 'credential.lifetime-too-long',
    severity: 'medium',
    title: 'Credential lifetime exceeds the policy maximum',
    fix: 'Replace the credential with one whose lifetime is within the policy maximum.',
    source: 'tenant',
    inputs: ['baseline', 'credentials'],
    absence: false,
    evaluation: declaredCredentials,
  },
  {
    id: 'credential.expiring',
    severity: 'low',
    title: 'Credential expires soon',
    fix: 'Rotate the credential before it expires, or move the workload to federation.',
    source: 'tenant',
    inputs: ['baseline', 'credentials'],
    absence: false,
    evaluation: declaredCredentials,
  },
  {
    id: 'credential.expired',
    severity: 'low',
    title: 'Expired credential still attached',
    fix: 'Remove the expired credential.',
    source: 'tenant',
    inputs: ['baseline', 'credentials'],
    absence: false,
    evaluation: declaredCredentials,
  },
] as const satisfies readonly RuleDescriptor[];
