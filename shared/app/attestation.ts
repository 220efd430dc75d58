/**
 * Acting on attestation links and `wimon attest`. A link's GET only shows what it would do (mail
 * scanners fetch links; they must not use them up); the POST from that page acts, once.
 * Order of checks on POST: signature and expiry → is the recipient still an owner of what the
 * link is about (a link sent to a former owner does nothing) → the nonce (single use) → effect
 * → audit record. Nothing changes unless every check passes.
 */
import { EXIT, MonitorError } from '../errors';
import { verifyToken, type AttestationClaim } from '../attest/links';
import { AttestationStore, type AttestationRecord } from '../attest/store';
import type { Baseline } from '../baseline/schema';
import { FindingStore } from '../findings/store';
import { normaliseAddress, reachOwners, routeFinding } from '../notify/recipients';
import { OwnerAccountStore } from '../notify/owner-accounts';
import { escapeHtml } from '../report/safe-text';
import { dateOf, DAY_MS } from '../rules/context';
import type { Tables } from '../storage/tables';
import { baselineForRun } from './run-support';

export interface AttestationPage {
  status: number;
  html: string;
}

export interface LinkDeps {
  tables: Tables;
  /** The key links are signed with now. */
  key: string;
  /** The key before the last rotation: its links still work until they expire. */
  previousKey?: string;
  now: Date;
}

const keysOf = (deps: LinkDeps) => (deps.previousKey ? [deps.key, deps.previousKey] : [deps.key]);

const REASONS: Record<string, [number, string, string]> = {
  malformed: [
    400,
    'This link is not valid',
    'It may have been cut off when it was copied. Use the link in the email.',
  ],
  tampered: [
    400,
    'This link is not valid',
    'It was changed after it was sent, so it was not used. Nothing was recorded.',
  ],
  expired: [410, 'This link has expired', 'Links work for 14 days. The next digest has a new one.'],
  replayed: [
    409,
    'This link has already been used',
    'Each link works once; what it recorded the first time stands.',
  ],
  notOwner: [
    403,
    'This link is not yours to use',
    'It was sent to someone who no longer owns this identity, so nothing was recorded.',
  ],
  notOpen: [409, 'Nothing to snooze', 'The finding is no longer open.'],
};

function page(status: number, title: string, message: string, form?: string): AttestationPage {
  return {
    status,
    html: `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;max-width:560px;margin:24px auto;padding:0 16px;line-height:1.45;overflow-wrap:anywhere">
<h1 style="font-size:20px">${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${form ?? ''}</body></html>`,
  };
}

const refused = (reason: keyof typeof REASONS) => page(...REASONS[reason]!);

/** What the link would do, as words, for the confirmation and result pages. */
function describe(claim: AttestationClaim, name: string, maxUntil: string): string {
  return claim.act === 'attest'
    ? `${name} is still needed until ${clampUntil(claim.until!, maxUntil)}; its review date moves there.`
    : `Snooze this finding on ${name} for ${claim.days} days: no emails about it until then. It stays open and listed.`;
}

const clampUntil = (until: string, max: string) => (until < max ? until : max);

function maxUntilFor(baseline: Baseline, now: Date): string {
  return dateOf(new Date(now.getTime() + baseline.policy.maxAttestationDays * DAY_MS));
}

/** The identity and, for a snooze, the finding the claim is about, if the recipient may act on them. */
async function authorise(
  claim: AttestationClaim,
  tables: Tables,
  baseline: Baseline,
): Promise<{ ok: true; name: string } | { ok: false; reason: keyof typeof REASONS }> {
  const recipient = normaliseAddress(claim.rcpt);
  const contacts = baseline.policy.securityContacts.map(normaliseAddress);
  if (claim.act === 'attest') {
    const declared = baseline.identities.find((i) => i.objectId.toLowerCase() === claim.oid.toLowerCase());
    if (!declared) return { ok: false, reason: 'notOwner' };
    const owners = reachOwners(declared.owners, '', await new OwnerAccountStore(tables).load()).map((r) =>
      normaliseAddress(r.address),
    );
    return owners.includes(recipient) || contacts.includes(recipient)
      ? { ok: true, name: declared.name }
      : { ok: false, reason: 'notOwner' };
  }
  const finding = (await new FindingStore(tables).list({ objectId: claim.oid })).find(
    (f) => f.key === claim.key,
  );
  if (!finding || finding.state !== 'open') return { ok: false, reason: 'notOpen' };
  // The chain as of the last notices: a manager who got the link in an owner's stead may use it.
  const accounts = await new OwnerAccountStore(tables).load();
  const routed = routeFinding(finding, baseline, accounts).recipients.map((r) => normaliseAddress(r.address));
  return routed.includes(recipient) || contacts.includes(recipient)
    ? { ok: true, name: finding.identity.name ?? finding.identity.displayName ?? finding.identity.objectId }
    : { ok: false, reason: 'notOwner' };
}

export async function viewLink(token: string, deps: LinkDeps): Promise<AttestationPage> {
  const v = verifyToken(token, keysOf(deps), deps.now);
  if (!v.ok) return refused(v.reason);
  const { baseline } = await baselineForRun(deps.tables, undefined);
  const auth = await authorise(v.claim, deps.tables, baseline);
  if (!auth.ok) return refused(auth.reason);
  const form = `<form method="post"><input type="hidden" name="t" value="${escapeHtml(token)}"><button type="submit" style="font-size:16px;padding:10px 16px">Confirm</button></form>`;
  return page(200, 'Confirm', describe(v.claim, auth.name, maxUntilFor(baseline, deps.now)), form);
}

export async function actOnLink(token: string, deps: LinkDeps): Promise<AttestationPage> {
  const v = verifyToken(token, keysOf(deps), deps.now);
  if (!v.ok) return refused(v.reason);
  const claim = v.claim;
  const { baseline } = await baselineForRun(deps.tables, undefined);
  const auth = await authorise(claim, deps.tables, baseline);
  if (!auth.ok) return refused(auth.reason);
  const store = new AttestationStore(deps.tables);
  if (!(await store.consumeNonce(claim.nonce, deps.now))) return refused('replayed');
  const at = deps.now.toISOString();
  const by = normaliseAddress(claim.rcpt);
  if (claim.act === 'attest') {
    const until = clampUntil(claim.until!, maxUntilFor(baseline, deps.now));
    await store.record({
      objectId: claim.oid,
      action: 'attest',
      by,
      at,
      source: 'link',
      until,
      findingKey: null,
      snoozeUntil: null,
      reason: null,
    });
    return page(
      200,
      'Recorded',
      `${auth.name} is still needed until ${until} (confirmed by ${by}). Its review date moves there.`,
    );
  }
  const snoozeUntil = new Date(deps.now.getTime() + claim.days! * DAY_MS).toISOString();
  const snoozed = await new FindingStore(deps.tables).snooze(claim.key!, claim.oid, {
    until: snoozeUntil,
    by,
    at,
  });
  if (!snoozed) return refused('notOpen');
  await store.record({
    objectId: claim.oid,
    action: 'snooze',
    by,
    at,
    source: 'link',
    until: null,
    findingKey: claim.key!,
    snoozeUntil,
    reason: null,
  });
  return page(
    200,
    'Snoozed',
    `No emails about this finding on ${auth.name} until ${snoozeUntil.slice(0, 10)} (snoozed by ${by}). It stays open and listed.`,
  );
}

/** `wimon attest`: an owner (or security contact) confirms an identity is still needed. */
export async function attestFromCli(input: {
  tables: Tables;
  identity: string;
  until: string;
  by: string;
  reason?: string;
  now: Date;
}): Promise<AttestationRecord> {
  const { baseline } = await baselineForRun(input.tables, undefined);
  const wanted = input.identity.toLowerCase();
  const declared = baseline.identities.find(
    (i) => i.name.toLowerCase() === wanted || i.objectId.toLowerCase() === wanted,
  );
  if (!declared) throw new AttestationError(`${input.identity} is not an identity in the stored baseline`);
  const by = normaliseAddress(input.by);
  if (![...declared.owners, ...baseline.policy.securityContacts].map(normaliseAddress).includes(by))
    throw new AttestationError(`${input.by} is neither an owner of ${declared.name} nor a security contact`);
  const max = maxUntilFor(baseline, input.now);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.until) || input.until < dateOf(input.now))
    throw new AttestationError('--until must be a date (YYYY-MM-DD) from today on');
  if (input.until > max)
    throw new AttestationError(
      `--until may be at most ${max} (policy.maxAttestationDays = ${baseline.policy.maxAttestationDays})`,
    );
  const record: AttestationRecord = {
    objectId: declared.objectId.toLowerCase(),
    action: 'attest',
    by,
    at: input.now.toISOString(),
    source: 'cli',
    until: input.until,
    findingKey: null,
    snoozeUntil: null,
    reason: input.reason ?? null,
  };
  await new AttestationStore(input.tables).record(record);
  return record;
}

/** An attestation that cannot be recorded as asked (unknown identity, not an owner, bad date). */
export class AttestationError extends MonitorError {
  readonly exitCode = EXIT.usage;
  readonly transient = false;
}
