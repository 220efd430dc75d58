/** fic.unexpected, fic.missing, fic.issuer-untrusted, fic.broad-subject, fic.audience-nonstandard. */
import {
  STANDARD_FIC_AUDIENCE,
  type DeclaredFederatedCredential,
  type DeclaredIdentity,
} from '../baseline/schema';
import type { LiveFederatedCredential, LiveIdentity } from '../model/inventory';
import type { FindingCandidate, FindingIdentity } from '../model/finding';
import { candidate, identityOf, label, type RuleContext } from './context';
import { allOf, DIRECTORY, readScopeFor } from './read-scope';
import type { Evaluation, RuleDescriptor } from './rule';

export function normalizeIssuer(issuer: string): string {
  let n = issuers.get(issuer);
  // Stryker disable next-line ConditionalExpression: a memo; computing again gives the same value
  if (n === undefined) {
    n = issuer.trim().replace(/\/+$/, '').toLowerCase();
    // Stryker disable next-line ConditionalExpression,EqualityOperator: bounds the memo's size only
    if (issuers.size >= 10_000) issuers.clear();
    issuers.set(issuer, n);
  }
  return n;
}
// A tenant has a handful of issuers and tens of thousands of federated credentials.
const issuers = new Map<string, string>();

/** What a federated credential trusts, in one form for the live and the declared side. */
interface Trust {
  issuer: string;
  subject?: string | null;
  claimsMatchingExpression?: { value: string; languageVersion: number } | null;
}

/** A flexible credential's target names its expression, so it never collides with a subject's. */
export function ficTarget(f: Trust): string {
  const expression = f.claimsMatchingExpression;
  return expression
    ? `${normalizeIssuer(f.issuer)} claims v${expression.languageVersion}: ${expression.value}`
    : `${normalizeIssuer(f.issuer)} ${f.subject ?? ''}`;
}

/** "subject 'x'" or "claims matching <expression>", for messages. */
export function trustWords(f: Trust): string {
  return f.claimsMatchingExpression
    ? `claims matching ${f.claimsMatchingExpression.value}`
    : `subject '${f.subject ?? ''}'`;
}

function sameAudiences(a: readonly string[], b: readonly string[]): boolean {
  // Stryker disable next-line all: a shortcut for the usual single audience; the set comparison below gives the same answer
  if (a.length === 1 && b.length === 1) return a[0]!.toLowerCase() === b[0]!.toLowerCase();
  const x = new Set(a.map((s) => s.toLowerCase()));
  const y = new Set(b.map((s) => s.toLowerCase()));
  return x.size === y.size && [...x].every((v) => y.has(v));
}

export function ficMatches(d: DeclaredFederatedCredential, l: LiveFederatedCredential): boolean {
  return (
    normalizeIssuer(d.issuer) === normalizeIssuer(l.issuer) &&
    (d.subject ?? null) === (l.subject ?? null) &&
    (d.claimsMatchingExpression?.value ?? null) === (l.claimsMatchingExpression?.value ?? null) &&
    (d.claimsMatchingExpression?.languageVersion ?? null) ===
      (l.claimsMatchingExpression?.languageVersion ?? null) &&
    sameAudiences(d.audiences, l.audiences)
  );
}

const GITHUB = 'https://token.actions.githubusercontent.com';

/**
 * Why a credential is too broad, or undefined when it is pinned. A flexible credential's
 * expression matches a family of subjects by design, so it always is (DESIGN: "wildcard /
 * claims-matching expression"): declaring it in the baseline records the decision, an exemption
 * accepts the risk.
 */
export function broadTrustReason(f: Trust): string | undefined {
  if (f.claimsMatchingExpression)
    return `it matches claims with an expression (${f.claimsMatchingExpression.value}) instead of one pinned subject`;
  return broadSubjectReason(f.issuer, f.subject ?? '');
}

/** Why a subject is too broad, or undefined when it is pinned. */
export function broadSubjectReason(issuer: string, subject: string): string | undefined {
  if (/[*?]/.test(subject)) return 'it contains a wildcard';
  if (normalizeIssuer(issuer) === GITHUB) {
    if (/:pull_request$/.test(subject)) return 'pull-request tokens from any branch or fork can use it';
    if (!/:environment:[^:]+$|:ref:refs\/(heads|tags)\/[^*]+$/.test(subject))
      return 'it is not pinned to an environment or branch';
  }
  return undefined;
}

const trustedSets = new WeakMap<readonly string[], Set<string>>();
function trustedIssuers(list: readonly string[]): Set<string> {
  let set = trustedSets.get(list);
  // Stryker disable next-line ConditionalExpression: a memo; building the set again gives the same set
  if (!set) trustedSets.set(list, (set = new Set(list.map(normalizeIssuer))));
  return set;
}

export function ficRules(
  ctx: RuleContext,
  declared: DeclaredIdentity,
  live: LiveIdentity,
): FindingCandidate[] {
  if (live.federatedCredentials.length === 0 && declared.federatedCredentials.length === 0) return [];
  const trusted = trustedIssuers(ctx.baseline.policy.trustedIssuers);
  // Worked out only for an identity with something to report: most have nothing.
  let who: FindingIdentity | undefined;
  let where: string | undefined;
  const identityFor = () => (who ??= identityOf(declared, live, live.objectId));
  // Application FICs come from Graph; a user-assigned identity's from its subscription in ARM.
  const readScopeOfFics = () =>
    (where ??=
      live.managedIdentityResourceId && live.kind === 'managedIdentity'
        ? allOf(DIRECTORY, readScopeFor(live.managedIdentityResourceId, ctx.inventory))
        : DIRECTORY);
  const out: FindingCandidate[] = [];
  for (const f of live.federatedCredentials) {
    const undeclared = !declared.federatedCredentials.some((d) => ficMatches(d, f));
    const untrusted = !trusted.has(normalizeIssuer(f.issuer));
    const reason = broadTrustReason(f);
    const nonstandard = !(f.audiences.length === 1 && f.audiences[0] === STANDARD_FIC_AUDIENCE);
    if (!undeclared && !untrusted && !reason && !nonstandard) continue;
    const identity = identityFor();
    const target = ficTarget(f);
    const evidence = {
      name: f.name,
      issuer: f.issuer,
      subject: f.subject,
      ...(f.claimsMatchingExpression ? { claimsMatchingExpression: f.claimsMatchingExpression } : {}),
      audiences: f.audiences,
      on: f.on,
      // Where a person edits it (the notice's deep link): the user-assigned identity's resource.
      ...(f.on === 'managedIdentity' && live.managedIdentityResourceId
        ? { managedIdentityResourceId: live.managedIdentityResourceId }
        : {}),
    };
    const base = { identity, target, evidence, readScope: readScopeOfFics() };
    if (undeclared) {
      out.push(
        candidate('fic.unexpected', {
          ...base,
          message: `${label(identity)} trusts tokens from ${f.issuer} for ${trustWords(f)}, which the baseline does not declare: remove it or declare it.`,
        }),
      );
    }
    if (untrusted) {
      out.push(
        candidate('fic.issuer-untrusted', {
          ...base,
          message: `${label(identity)} trusts tokens from ${f.issuer}, an issuer not in policy.trustedIssuers: remove the federated credential or review and trust the issuer.`,
        }),
      );
    }
    if (reason) {
      out.push(
        candidate('fic.broad-subject', {
          ...base,
          message: `Federated credential ${f.claimsMatchingExpression ? `'${f.name}'` : `'${f.subject}'`} on ${label(identity)} is too broad because ${reason}: pin it to one environment or branch.`,
          evidence: { ...evidence, reason },
        }),
      );
    }
    if (nonstandard) {
      out.push(
        candidate('fic.audience-nonstandard', {
          ...base,
          message: `Federated credential ${f.claimsMatchingExpression ? `'${f.name}'` : `'${f.subject}'`} on ${label(identity)} accepts audience ${f.audiences.join(', ')}: use ${STANDARD_FIC_AUDIENCE}.`,
        }),
      );
    }
  }
  for (const d of declared.federatedCredentials) {
    if (live.federatedCredentials.some((f) => ficMatches(d, f))) continue;
    const identity = identityFor();
    out.push(
      candidate('fic.missing', {
        identity,
        target: ficTarget(d),
        message: `${label(identity)} is declared to trust ${d.issuer} for ${trustWords(d)} but does not: create it if the workload needs it, or remove it from the baseline.`,
        evidence: {
          issuer: d.issuer,
          ...(d.claimsMatchingExpression
            ? { claimsMatchingExpression: d.claimsMatchingExpression }
            : { subject: d.subject }),
          audiences: d.audiences,
        },
        readScope: readScopeOfFics(),
      }),
    );
  }
  return out;
}

const declaredFederatedCredentials: Evaluation = {
  per: 'declaredIdentity',
  run: (ctx, declared, live) => (live ? ficRules(ctx, declared, live) : []),
};

export const FIC_RULES = [
  {
    id: 'fic.unexpected',
    severity: 'high',
    title: 'Federated credential not declared in the baseline',
    fix: 'Remove the federated credential, or declare it under the identity’s federatedCredentials.',
    source: 'tenant',
    inputs: ['baseline', 'federatedCredentials'],
    absence: false,
    rechecks: ['federatedCredentialEvent'],
    portal: 'federatedCredentials',
    evaluation: declaredFederatedCredentials,
  },
  {
    id: 'fic.missing',
    severity: 'low',
    title: 'Declared federated credential is absent',
    fix: 'Create the federated credential if the workload needs it, or remove it from the baseline.',
    source: 'tenant',
    inputs: ['baseline', 'federatedCredentials'],
    absence: true,
    rechecks: ['federatedCredentialEvent'],
    portal: 'federatedCredentials',
    evaluation: declaredFederatedCredentials,
  },
  {
    id: 'fic.issuer-untrusted',
    severity: 'high',
    title: 'Federated credential trusts an issuer outside the policy',
    fix: 'Remove the federated credential or add the issuer to policy.trustedIssuers after review.',
    source: 'tenant',
    inputs: ['baseline', 'federatedCredentials'],
    absence: false,
    rechecks: ['federatedCredentialEvent'],
    portal: 'federatedCredentials',
    evaluation: declaredFederatedCredentials,
  },
  {
    id: 'fic.broad-subject',
    severity: 'high',
    title: 'Federated credential subject is not pinned to an environment or branch',
    fix: 'Pin the subject to one environment or branch (e.g. repo:org/repo:environment:prod).',
    source: 'tenant',
    inputs: ['baseline', 'federatedCredentials'],
    absence: false,
    rechecks: ['federatedCredentialEvent'],
    portal: 'federatedCredentials',
    evaluation: declaredFederatedCredentials,
  },
  {
    id: 'fic.audience-nonstandard',
    severity: 'medium',
    title: 'Federated credential audience is not api://AzureADTokenExchange',
    fix: 'Use the audience api://AzureADTokenExchange.',
    source: 'tenant',
    inputs: ['baseline', 'federatedCredentials'],
    absence: false,
    rechecks: ['federatedCredentialEvent'],
    portal: 'federatedCredentials',
    evaluation: declaredFederatedCredentials,
  },
] as const satisfies readonly RuleDescriptor[];
