/** identity.unbaselined, identity.no-owner, identity.review-overdue, identity.retired-present. */
import type { DeclaredIdentity } from '../baseline/schema';
import { isClientCredential, type LiveIdentity } from '../model/inventory';
import type { FindingCandidate } from '../model/finding';
import { candidate, declaredObjectId, identityOf, label, type RuleContext } from './context';
import { DIRECTORY } from './read-scope';
import type { Evaluation, RuleDescriptor, RuleInput } from './rule';

/** What an identity still holds, in words. `unexpiredOnly` leaves out credentials that can no longer sign in. */
export function holdings(
  ctx: RuleContext,
  objectId: string,
  live: LiveIdentity | undefined,
  options: { unexpiredOnly?: boolean } = {},
): string[] {
  const out: string[] = [];
  const roles = ctx.assignmentsByPrincipal.get(objectId) ?? [];
  if (roles.length) out.push(`${roles.length} role assignment${roles.length === 1 ? '' : 's'}`);
  if (live?.appRoleGrants.length)
    out.push(
      `${live.appRoleGrants.length} application permission${live.appRoleGrants.length === 1 ? '' : 's'}`,
    );
  const creds =
    live?.credentials.filter(
      // SAML single-sign-on keys let users sign in to the app, not the app sign in: not a holding.
      (c) =>
        isClientCredential(c) &&
        (!options.unexpiredOnly || c.end === null || Date.parse(c.end) > ctx.now.getTime()),
    ).length ?? 0;
  if (creds) out.push(`${creds} secret/certificate credential${creds === 1 ? '' : 's'}`);
  const fics = live?.federatedCredentials.length ?? 0;
  if (fics) out.push(`${fics} federated credential${fics === 1 ? '' : 's'}`);
  return out;
}

export function unbaselinedRules(ctx: RuleContext, live: LiveIdentity): FindingCandidate[] {
  const held = holdings(ctx, live.objectId, live);
  if (held.length === 0) return [];
  const identity = identityOf(undefined, live, live.objectId);
  const out = [
    candidate('identity.unbaselined', {
      identity,
      target: live.objectId,
      message: `${live.kind === 'managedIdentity' ? 'Managed identity' : 'Application'} ${label(identity)} holds ${held.join(', ')} but is not in the baseline: declare it with an owner, or remove its access.`,
      evidence: {
        kind: live.kind,
        servicePrincipalType: live.servicePrincipalType,
        holds: held,
        managedIdentityResourceId: live.managedIdentityResourceId,
      },
      readScope: DIRECTORY,
    }),
  ];
  // A service principal can own an application, but it cannot answer for it: only people count.
  const people = live.owners.filter((o) => o.type !== 'servicePrincipal');
  if (people.length === 0) {
    const machines = live.owners.map((o) => o.displayName ?? o.objectId);
    out.push(
      candidate('identity.no-owner', {
        identity,
        target: live.objectId,
        message: machines.length
          ? `${label(identity)} is owned in Entra only by service principal${machines.length === 1 ? '' : 's'} ${machines.join(', ')} and is not in the baseline: name a person.`
          : `${label(identity)} has no owner in the baseline or in Entra: name one.`,
        evidence: machines.length ? { entraOwners: 0, servicePrincipalOwners: machines } : { entraOwners: 0 },
        readScope: DIRECTORY,
      }),
    );
  }
  return out;
}

export function reviewOverdueRule(ctx: RuleContext, declared: DeclaredIdentity): FindingCandidate[] {
  const today = ctx.today;
  const objectId = declaredObjectId(declared);
  const attested = ctx.attestedUntil.get(objectId);
  // An owner's attestation extends the review, never past policy.maxAttestationDays from its date.
  if (declared.reviewBy >= today || (attested !== undefined && attested >= today)) return [];
  const identity = identityOf(declared, ctx.liveByObjectId.get(objectId), objectId);
  return [
    candidate('identity.review-overdue', {
      identity,
      target: objectId,
      message: `The review of ${label(identity)} was due on ${declared.reviewBy}: review its access and credentials and move reviewBy forward.`,
      evidence: { reviewBy: declared.reviewBy, owners: declared.owners, attestedUntil: attested ?? null },
      readScope: DIRECTORY,
    }),
  ];
}

export function retiredPresentRule(ctx: RuleContext, declared: DeclaredIdentity): FindingCandidate[] {
  const objectId = declaredObjectId(declared);
  const live = ctx.liveByObjectId.get(objectId);
  const held = holdings(ctx, objectId, live);
  if (!live && held.length === 0) return [];
  const identity = identityOf(declared, live, objectId);
  return [
    candidate('identity.retired-present', {
      identity,
      target: objectId,
      message: `${label(identity)} is retired in the baseline but ${live ? 'still exists' : 'still has access'}${held.length ? ` (${held.join(', ')})` : ''}: delete it or remove what it holds.`,
      evidence: { exists: Boolean(live), holds: held },
      readScope: live ? DIRECTORY : 'arm',
    }),
  ];
}

/**
 * identity.not-found: an active identity of the baseline that a complete directory read does not
 * have. Its declared roles are reported missing one by one; this says why, and catches an
 * identity that declares no roles (deleted with its workload, or a typo in objectId).
 */
export function notFoundRule(
  ctx: RuleContext,
  declared: DeclaredIdentity,
  live?: LiveIdentity,
): FindingCandidate[] {
  if (live) return [];
  const objectId = declaredObjectId(declared);
  const identity = identityOf(declared, undefined, objectId);
  return [
    candidate('identity.not-found', {
      identity,
      target: objectId,
      message: `${label(identity)} is in the baseline but the tenant has no service principal ${objectId}: correct its objectId, or mark it retired (or remove it) if the workload is gone.`,
      evidence: { declaredObjectId: objectId, type: declared.type },
      readScope: DIRECTORY,
    }),
  ];
}

const unbaselined: Evaluation = { per: 'undeclaredIdentity', run: unbaselinedRules };
const notFound: Evaluation = { per: 'declaredIdentity', run: notFoundRule };
const reviewOverdue: Evaluation = {
  per: 'declaredIdentity',
  run: (ctx, declared) => reviewOverdueRule(ctx, declared),
};
const retiredPresent: Evaluation = { per: 'retiredIdentity', run: retiredPresentRule };

/** What `holdings()` reads: an identity and everything it can hold. */
const HOLDINGS: readonly RuleInput[] = [
  'baseline',
  'servicePrincipals',
  'roleAssignments',
  'appRoleGrants',
  'credentials',
  'federatedCredentials',
];

export const IDENTITY_RULES = [
  {
    id: 'identity.unbaselined',
    severity: 'high',
    title: 'Workload identity with access that the baseline does not know',
    fix: 'Add the identity to the baseline with an owner, or remove its access and credentials.',
    source: 'tenant',
    inputs: HOLDINGS,
    absence: false,
    evaluation: unbaselined,
  },
  {
    id: 'identity.no-owner',
    severity: 'medium',
    title: 'Identity has no owner',
    fix: 'Name an owner in the baseline or in Entra.',
    source: 'tenant',
    inputs: [...HOLDINGS, 'owners'],
    absence: false,
    evaluation: unbaselined,
  },
  {
    id: 'identity.not-found',
    severity: 'low',
    title: 'Declared identity does not exist in the tenant',
    fix: 'Correct the objectId in the baseline, or mark the identity retired if its workload is gone.',
    source: 'tenant',
    inputs: ['baseline', 'servicePrincipals'],
    absence: true,
    evaluation: notFound,
  },
  {
    id: 'identity.review-overdue',
    severity: 'medium',
    title: 'Identity review is overdue',
    fix: 'Review the identity’s access and credentials and move reviewBy forward.',
    source: 'tenant',
    inputs: ['baseline', 'attestations'],
    absence: false,
    escalates: true,
    evaluation: reviewOverdue,
  },
  {
    id: 'identity.retired-present',
    severity: 'high',
    title: 'Retired identity still exists or still has access',
    fix: 'Delete the identity or remove its remaining access and credentials.',
    source: 'tenant',
    inputs: HOLDINGS,
    absence: false,
    evaluation: retiredPresent,
  },
] as const satisfies readonly RuleDescriptor[];
