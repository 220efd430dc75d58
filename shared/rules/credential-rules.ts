/**
 * credential.type-not-allowed, credential.lifetime-too-long, credential.expiring,
 * credential.expired: the client credentials a workload signs in with.
 * credential.sso-certificate-expiring: the SAML single-sign-on certificates (token signing in use,
 * token encryption), which users depend on instead; see shared/inventory/credential-purpose.ts.
 */
import type { DeclaredIdentity, Policy } from '../baseline/schema';
import { isClientCredential, type LiveCredential, type LiveIdentity } from '../model/inventory';
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
    if (!isClientCredential(c)) continue;
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
          message: `${credentialName(c)} on ${label(identity)} expires in ${days} day${days === 1 ? '' : 's'} (${c.end!.slice(0, 10)}): rotate or remove it.`,
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

/**
 * Microsoft Entra e-mails about an expiring SAML signing certificate 60, 30 and 7 days ahead:
 * the same windows, whatever the policy says for client credentials.
 */
export const SSO_WARNING_DAYS: readonly number[] = [60, 30, 7];

const SSO_WORDS = { samlSigning: 'SAML token-signing', tokenEncryption: 'SAML token-encryption' } as const;

/**
 * credential.sso-certificate-expiring: the SAML token-signing certificate in use (the service
 * principal's preferredTokenSigningKeyThumbprint; every signing certificate when none is set)
 * or a token-encryption certificate, within 60 days of its end or past it. One finding per
 * certificate (its Sign and Verify keys and the PFX password are one certificate).
 */
export function ssoCertificateRule(
  ctx: RuleContext,
  declared: DeclaredIdentity,
  live: LiveIdentity,
): FindingCandidate[] {
  const out: FindingCandidate[] = [];
  const seen = new Set<string>();
  const preferred = live.preferredTokenSigningKeyThumbprint ?? null;
  for (const c of live.credentials) {
    const purpose = c.purpose ?? 'client';
    if (purpose === 'client' || c.type !== 'certificate' || !c.end) continue;
    if (purpose === 'samlSigning' && preferred !== null && c.thumbprint !== preferred) continue;
    const certificate = c.thumbprint ?? c.keyId;
    if (seen.has(certificate)) continue;
    seen.add(certificate);
    const daysLeft = (Date.parse(c.end) - ctx.now.getTime()) / DAY_MS;
    if (!Number.isFinite(daysLeft)) continue;
    const stage = daysLeft > 0 ? expiryStage(daysLeft, SSO_WARNING_DAYS) : 0;
    if (stage === undefined) continue;
    const identity = identityOf(declared, live, live.objectId);
    const what = `${SSO_WORDS[purpose]} certificate '${c.displayName ?? c.keyId}' of ${label(identity)}`;
    const days = Math.ceil(daysLeft);
    out.push(
      candidate('credential.sso-certificate-expiring', {
        identity,
        target: certificate.toLowerCase(),
        severity: daysLeft <= 0 ? 'high' : severityForStage(stage),
        message:
          daysLeft <= 0
            ? `The ${what} expired on ${c.end.slice(0, 10)}: users cannot sign in to it with SAML until a new certificate is active and the application trusts it.`
            : `The ${what} expires in ${days} day${days === 1 ? '' : 's'} (${c.end.slice(0, 10)}): create a new one, make it active and give it to the application's administrators before then.`,
        evidence: {
          keyId: c.keyId,
          purpose,
          thumbprint: c.thumbprint ?? null,
          displayName: c.displayName,
          end: c.end,
          daysLeft: days,
          stage,
          attachedTo: c.on,
        },
        readScope: DIRECTORY,
      }),
    );
  }
  return out;
}

export const CREDENTIAL_RULES = [
  {
    id: 'credential.type-not-allowed',
    severity: 'high',
    title: 'Credential of a type the baseline does not allow',
    fix: 'Remove the credential; use the allowed credential type instead.',
    source: 'tenant',
    inputs: ['baseline', 'credentials'],
    absence: false,
    rechecks: ['deltaSweep'],
    portal: 'appCredentials',
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
    rechecks: ['deltaSweep'],
    portal: 'appCredentials',
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
    notice: 'expiry-windows',
    rechecks: ['deltaSweep'],
    portal: 'appCredentials',
    evaluation: declaredCredentials,
  },
  {
    id: 'credential.sso-certificate-expiring',
    severity: 'medium',
    title: 'SAML single-sign-on certificate expires soon or has expired',
    fix: 'Create a new SAML certificate, make it active and send it to the application’s administrators before the old one ends.',
    source: 'tenant',
    inputs: ['baseline', 'credentials'],
    absence: false,
    notice: 'sso-windows',
    rechecks: ['deltaSweep'],
    portal: 'appCredentials',
    evaluation: {
      per: 'declaredIdentity',
      run: (ctx, declared, live) => (live ? ssoCertificateRule(ctx, declared, live) : []),
    },
  },
  {
    id: 'credential.expired',
    severity: 'low',
    title: 'Expired credential still attached',
    fix: 'Remove the expired credential.',
    source: 'tenant',
    inputs: ['baseline', 'credentials'],
    absence: false,
    notice: 'expired',
    escalates: true,
    rechecks: ['deltaSweep'],
    portal: 'appCredentials',
    evaluation: declaredCredentials,
  },
] as const satisfies readonly RuleDescriptor[];
