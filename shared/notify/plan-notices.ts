/**
 * What should be sent now, and nothing that was sent before. Pure: open findings × baseline ×
 * the ledger of (recipient, finding, stage) already planned × now → notices.
 * - owner digests (daily): one per owner, only what is new for them (a new finding or a new
 *   expiry window), grouped by identity, action first;
 * - security operations alerts: new critical/high findings; a burst is coalesced by adding to
 *   the alert that is still waiting (its `notBefore` lies ahead);
 * - security operations digest (daily): counts of new, open and resolved, escalations, and the
 *   open critical/high list.
 */
import { createHash } from 'node:crypto';
import type { Baseline } from '../baseline/schema';
import type { Finding } from '../model/finding';
import { dateOf, DAY_MS } from '../rules/context';
import { escalationDue, ownerStage } from './cadence';
import { linkPlaceholder, newClaim, type LinkPlaceholder } from '../attest/links';
import { normaliseAddress, routeFinding } from './recipients';
import type { OwnerAccounts } from './owner-accounts';
import {
  renderOwnerDigest,
  renderSecopsAlert,
  renderSecopsDigest,
  type DigestLinks,
  type NoticeItem,
  type RenderedEmail,
} from './render';
import { teamsAlertCard, teamsDigestCard } from './teams-card';

export type NoticeKind = 'owner-digest' | 'secops-alert' | 'secops-digest';

/** The outbox recipient that stands for the Teams channel (WIMON_TEAMS_WEBHOOK_URL). */
export const TEAMS_RECIPIENT = 'teams:security-operations';

export interface PlannedNotice extends RenderedEmail {
  /** For the Teams recipient: the Adaptive Card (JSON) that is posted instead of an email. */
  card?: string;
  /** Stable for the same content slot, so planning twice cannot make two notices. */
  id: string;
  kind: NoticeKind;
  recipient: string;
  /** Ledger entries (`<finding key>|<stage>`, or `digest|<date>`) this notice covers. */
  entries: string[];
  /** Not sent before this time (alerts wait for the rest of a burst). */
  notBefore: string;
  /** Set when this replaces a waiting alert (same id) with more findings. */
  merges?: boolean;
}

export interface WaitingAlert {
  id: string;
  recipient: string;
  entries: string[];
  notBefore: string;
}

export interface PlanInput {
  /**
   * Which monitor this is (its table prefix): two monitors writing to the same mailbox on the
   * same day must not share notice ids, or Communication Services would drop the second as a
   * repeat of the first.
   */
  monitor: string;
  open: readonly Finding[];
  /** Resolved findings still kept (the security operations digest's counts and 14-day trend). */
  resolved: readonly Finding[];
  baseline: Baseline;
  /** What is known of the owners' Entra accounts (owner resolution chain); none: route as declared. */
  accounts?: OwnerAccounts;
  /** `<recipient>|<entry>` already planned. */
  ledger: ReadonlySet<string>;
  /** Security operations alerts stored but still waiting, by recipient. */
  waitingAlerts: ReadonlyMap<string, WaitingAlert>;
  now: Date;
  digests: boolean;
  coalesceMinutes: number;
  portal: string;
  /** Also post security operations alerts and digests to Teams. */
  teams?: boolean;
  /** Attestation links in owner digests (placeholders until sent, see `resolveLinks`); none without. */
  links?: boolean;
}

/** At most this many findings in one email (the ledger rows go in one Table Storage transaction). */
export const MAX_ITEMS = 90;

export function noticeId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\n')).digest('hex');
  // formatted as a GUID: Communication Services takes it as the idempotent operation id
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const SNOOZE_DAYS = 7;

/** Links as placeholders: they are signed only when the notice is sent (nothing usable at rest). */
function digestLinks(recipient: string, baseline: Baseline, now: Date): DigestLinks {
  const url = linkPlaceholder;
  const until = dateOf(new Date(now.getTime() + baseline.policy.maxAttestationDays * DAY_MS));
  const perIdentity = new Map<string, { url: LinkPlaceholder; until: string } | undefined>();
  return {
    stillNeeded: (f) => {
      if (!perIdentity.has(f.identity.objectId)) {
        // Only an identity declared active can be "still needed": a retired one is to be removed.
        const declared = baseline.identities.find((i) => i.objectId.toLowerCase() === f.identity.objectId);
        perIdentity.set(
          f.identity.objectId,
          declared && declared.status !== 'retired'
            ? {
                url: url(newClaim({ act: 'attest', oid: f.identity.objectId, rcpt: recipient, until }, now)),
                until,
              }
            : undefined,
        );
      }
      return perIdentity.get(f.identity.objectId);
    },
    snooze: (f) => ({
      url: url(
        newClaim(
          { act: 'snooze', oid: f.identity.objectId, key: f.key, rcpt: recipient, days: SNOOZE_DAYS },
          now,
        ),
      ),
      days: SNOOZE_DAYS,
    }),
  };
}

export const TREND_DAYS = 14;

/**
 * Findings open at the end of each of the last `days` days (today: at `now`), oldest first:
 * first seen by then and not resolved by then. Exempted findings are not counted.
 */
export function openTrend(
  findings: readonly Finding[],
  now: Date,
  days: number,
): Array<{ date: string; open: number }> {
  const out: Array<{ date: string; open: number }> = [];
  const today = Date.parse(`${dateOf(now)}T00:00:00Z`);
  for (let i = days - 1; i >= 0; i--) {
    const end = i === 0 ? now.getTime() : today - (i - 1) * DAY_MS;
    const open = findings.filter(
      (f) =>
        f.state !== 'exempted' &&
        Date.parse(f.firstSeen) <= end &&
        (f.resolvedAt === null || Date.parse(f.resolvedAt) > end),
    ).length;
    out.push({ date: dateOf(new Date(today - i * DAY_MS)), open });
  }
  return out;
}

export function planNotices(input: PlanInput): PlannedNotice[] {
  const { baseline, ledger, now } = input;
  const today = dateOf(now);
  const out: PlannedNotice[] = [];
  // A snoozed finding stays open and listed, but nobody is emailed about it until the snooze ends.
  const isSnoozed = (f: Finding) => Boolean(f.snooze && Date.parse(f.snooze.until) > now.getTime());
  const open = input.open.filter((f) => f.state === 'open' && !isSnoozed(f));
  const snoozedFor = new Map<string, number>();
  for (const f of input.open.filter(isSnoozed))
    for (const { address } of routeFinding(f, baseline, input.accounts).recipients)
      snoozedFor.set(normaliseAddress(address), (snoozedFor.get(normaliseAddress(address)) ?? 0) + 1);

  if (input.digests) {
    const perOwner = new Map<string, { fresh: Array<NoticeItem & { entry: string }>; known: number }>();
    for (const f of open) {
      const stage = ownerStage(f, baseline.policy, now);
      if (!stage) continue;
      for (const { address, via } of routeFinding(f, baseline, input.accounts).recipients) {
        const r = normaliseAddress(address);
        const slot = perOwner.get(r) ?? { fresh: [], known: 0 };
        const entry = `${f.key}|${stage}`;
        if (ledger.has(`${r}|${entry}`)) slot.known += 1;
        else slot.fresh.push({ finding: f, via, entry });
        perOwner.set(r, slot);
      }
    }
    for (const [recipient, slot] of perOwner) {
      if (slot.fresh.length === 0) continue;
      const items = slot.fresh.slice(0, MAX_ITEMS);
      out.push({
        id: noticeId(input.monitor, recipient, 'owner-digest', today),
        kind: 'owner-digest',
        recipient,
        entries: items.map((i) => i.entry),
        notBefore: now.toISOString(),
        ...renderOwnerDigest(
          items,
          slot.known + (slot.fresh.length - items.length),
          input.portal,
          now,
          input.links ? digestLinks(recipient, baseline, now) : undefined,
          snoozedFor.get(recipient) ?? 0,
        ),
      });
    }
  }

  const contacts = baseline.policy.securityContacts.map(normaliseAddress);
  const severe = open.filter((f) => f.severity === 'critical' || f.severity === 'high');
  // Teams is one more security operations recipient, with its own ledger: a card per alert and digest.
  for (const recipient of input.teams ? [...contacts, TEAMS_RECIPIENT] : contacts) {
    const teams = recipient === TEAMS_RECIPIENT;
    const fresh = severe.filter((f) => !ledger.has(`${recipient}|${f.key}|alert`));
    if (fresh.length) {
      const waiting = input.waitingAlerts.get(recipient);
      const merged = waiting ? severe.filter((f) => waiting.entries.includes(`${f.key}|alert`)) : [];
      const items = [...merged, ...fresh]
        .slice(0, MAX_ITEMS)
        .map((f) => ({ finding: f, via: 'security contact' }));
      out.push({
        id: waiting?.id ?? noticeId(input.monitor, recipient, 'secops-alert', now.toISOString()),
        kind: 'secops-alert',
        recipient,
        entries: items.map((i) => `${i.finding.key}|alert`),
        notBefore:
          waiting?.notBefore ?? new Date(now.getTime() + input.coalesceMinutes * 60_000).toISOString(),
        merges: Boolean(waiting),
        ...renderSecopsAlert(items, input.portal, now),
        ...(teams ? { card: teamsAlertCard(items, input.portal) } : {}),
      });
    }
    if (!input.digests || ledger.has(`${recipient}|digest|${today}`)) continue;
    const escalated = open
      .filter((f) => escalationDue(f, now) && !ledger.has(`${recipient}|${f.key}|escalated`))
      .slice(0, MAX_ITEMS - 1)
      .map((f) => ({
        finding: f,
        via: `security contact: ${routeFinding(f, baseline, input.accounts)
          .recipients.map((r) => r.via)
          .filter((v, i, all) => all.indexOf(v) === i)
          .join('; ')} has not acted`,
      }));
    const openBySeverity: Record<string, number> = {};
    for (const f of open) openBySeverity[f.severity] = (openBySeverity[f.severity] ?? 0) + 1;
    const dayAgo = now.getTime() - DAY_MS;
    const counts = {
      newLastDay: open.filter((f) => Date.parse(f.firstSeen) >= dayAgo).length,
      open: openBySeverity,
      resolvedLastDay: input.resolved.filter((f) => f.resolvedAt && Date.parse(f.resolvedAt) >= dayAgo)
        .length,
      trend: openTrend([...input.open, ...input.resolved], now, TREND_DAYS),
    };
    const openSevere = severe.slice(0, 50).map((f) => ({ finding: f, via: 'security contact' }));
    out.push({
      id: noticeId(input.monitor, recipient, 'secops-digest', today),
      kind: 'secops-digest',
      recipient,
      entries: [`digest|${today}`, ...escalated.map((i) => `${i.finding.key}|escalated`)],
      notBefore: now.toISOString(),
      ...renderSecopsDigest(counts, escalated, openSevere, input.portal, now),
      ...(teams ? { card: teamsDigestCard(counts, escalated, openSevere, input.portal, now) } : {}),
    });
  }
  return out;
}
