/**
 * Notices: plan what is due (owner digests, security operations alerts and digest), store each
 * in the outbox with its ledger rows, then deliver what the sending limits allow. What does not
 * fit stays queued for the next run and the result says so. Failed sends are retried with
 * backoff; after MAX_ATTEMPTS a notice is marked failed and stays visible (`wimon notices`).
 */
import { FindingStore } from '../findings/store';
import type { EmailTransport } from '../notify/email-transport';
import type { TeamsTransport } from '../notify/teams-transport';
import { Outbox, type StoredNotice } from '../notify/outbox';
import { planNotices, type PlannedNotice } from '../notify/plan-notices';
import type { Tables } from '../storage/tables';
import { baselineForRun } from './run-support';
import type { AzureClients } from '../azure/clients';
import type { Baseline } from '../baseline/schema';
import type { Finding } from '../model/finding';
import { GraphReader } from '../inventory/graph-reader';
import { resolveLinks, type LinkConfig } from '../attest/links';
import { OwnerAccountStore, type OwnerAccounts } from '../notify/owner-accounts';
import { normaliseAddress } from '../notify/recipients';

export const MAX_ATTEMPTS = 5;

/** One line for logs and the CLI: counts and ids, never recipients' addresses or tenant text. */
export function describeNotify(r: NotifyResult): string {
  const kinds = (k: string) => r.planned.filter((n) => n.kind === k).length;
  return (
    `notices: planned ${r.planned.length} (${kinds('owner-digest')} owner digests, ${kinds('secops-alert')} alerts, ${kinds('secops-digest')} security digests), ` +
    `stored ${r.stored}, sent ${r.sent.length}, queued ${r.queued}${r.queued ? ' (sending limit reached; they go out on the next runs)' : ''}, ` +
    `retrying ${r.retrying.length}, failed ${r.failed.length}` +
    (r.owners.error
      ? `; owner accounts not checked (${r.owners.error}): notices go to the owners as declared`
      : r.owners.checked
        ? `; ${r.owners.checked} owner accounts checked, ${r.owners.replaced} disabled or gone`
        : '')
  );
}

export interface NotifyInput {
  tables: Tables;
  now: Date;
  /** Make daily digests in this run (the alert timer does not). */
  digests: boolean;
  coalesceMinutes: number;
  portal: string;
  /** Where to send; without it notices are planned and stored but not sent. */
  email?: { transport: EmailTransport; perMinute: number; perHour: number };
  /**
   * A Teams Workflows webhook: security operations alerts and digests are also posted there as
   * Adaptive Cards (planned only when it is configured; sent through the same outbox).
   */
  teams?: TeamsTransport;
  /** Attestation links in owner digests, signed as each notice is sent. */
  links?: LinkConfig;
  /**
   * Microsoft Graph, to check the owners' Entra accounts (disabled or gone → their manager).
   * Without it the last known state of each account is used.
   */
  directory?: AzureClients;
  /** Plan only: store nothing, send nothing. */
  dryRun?: boolean;
  /** A baseline to judge by instead of the stored one (the CLI's --baseline FILE); the stored one is not changed. */
  baseline?: { baseline: Baseline; source: string };
  clock?: () => Date;
}

export interface NotifyResult {
  planned: PlannedNotice[];
  stored: number;
  sent: StoredNotice[];
  /** Due but held back by the sending limits. */
  queued: number;
  retrying: Array<{ id: string; error: string }>;
  failed: Array<{ id: string; error: string }>;
  /** Owner accounts looked up in Graph this run, how many of them are disabled or gone, or why not. */
  owners: { checked: number; replaced: number; error?: string };
}

export async function notify(input: NotifyInput): Promise<NotifyResult> {
  const clock = input.clock ?? (() => input.now);
  const { baseline } = await baselineForRun(input.tables, input.baseline);
  const store = new FindingStore(input.tables);
  const outbox = new Outbox(input.tables);
  const [open, resolved, ledger, waitingAlerts] = await Promise.all([
    store.list({ state: 'open' }),
    store.list({ state: 'resolved' }),
    outbox.ledger(),
    outbox.waitingAlerts(input.now),
  ]);
  const ownerStore = new OwnerAccountStore(input.tables);
  const owners: NotifyResult['owners'] = { checked: 0, replaced: 0 };
  let accounts: OwnerAccounts;
  if (input.directory) {
    const addresses = ownerAddresses(baseline, open);
    const checked = await ownerStore.refresh(new GraphReader(input.directory.graph()), addresses, input.now, {
      write: !input.dryRun,
    });
    accounts = checked.accounts;
    if (checked.error) owners.error = checked.error;
    else {
      owners.checked = addresses.length;
      owners.replaced = addresses.filter((a) => {
        const state = accounts.get(normaliseAddress(a))?.state;
        return state === 'disabled' || state === 'gone';
      }).length;
    }
  } else accounts = await ownerStore.load();
  const planned = planNotices({
    accounts,
    monitor: input.tables.prefix,
    open,
    resolved,
    baseline,
    ledger,
    waitingAlerts,
    now: input.now,
    digests: input.digests,
    coalesceMinutes: input.coalesceMinutes,
    portal: input.portal,
    links: Boolean(input.links),
    teams: Boolean(input.teams),
  });
  const result: NotifyResult = { planned, stored: 0, sent: [], queued: 0, retrying: [], failed: [], owners };
  if (input.dryRun) return result;
  for (const notice of planned) if (await outbox.store(notice, input.now)) result.stored += 1;
  const all = await outbox.due(input.now);
  // Teams cards go out whenever the webhook is configured; they do not use the email limits.
  const cards = input.teams ? all.filter((n) => n.card !== null) : [];
  for (const notice of cards) {
    const claimed = await outbox.claim(notice, clock());
    if (!claimed) continue;
    const outcome = await input.teams!(claimed.card!);
    if (outcome.ok) {
      await outbox.markSent(claimed, clock());
      result.sent.push(claimed);
    } else await retryOrFail(outbox, claimed, outcome.error, outcome.transient, clock(), result);
  }
  const due = all.filter((n) => n.card === null);
  if (!input.email) {
    result.queued = due.length + (input.teams ? 0 : all.length - due.length);
    return result;
  }
  const { transport, perMinute, perHour } = input.email;
  let minuteBudget = perMinute - (await outbox.sentSince(new Date(input.now.getTime() - 60_000)));
  let hourBudget = perHour - (await outbox.sentSince(new Date(input.now.getTime() - 3_600_000)));
  for (const [i, notice] of due.entries()) {
    if (minuteBudget <= 0 || hourBudget <= 0) {
      result.queued = due.length - i;
      break;
    }
    const claimed = await outbox.claim(notice, clock());
    if (!claimed) continue; // another run has it
    // Tried before (a crash between send and mark, or a send that failed): the provider may have
    // it already. Ask; resend with the same id only when it does not know the operation.
    if (notice.attempts > 0) {
      const known = await transport.status(claimed.id);
      if (known.state === 'succeeded') {
        await outbox.markSent(claimed, clock());
        result.sent.push(claimed);
        continue;
      }
      if (known.state === 'failed') {
        await outbox.markFailed(claimed, known.error);
        result.failed.push({ id: claimed.id, error: known.error });
        continue;
      }
      if (known.state === 'running' || known.state === 'error') {
        const why =
          known.state === 'error'
            ? `its state at Communication Services could not be read: ${known.error}`
            : 'Communication Services is still sending it';
        await retryOrFail(outbox, claimed, why, true, clock(), result);
        continue;
      }
    }
    // Links are signed now, for this send only: the stored notice holds placeholders.
    const outcome = await transport.send({
      ...claimed,
      html: resolveLinks(claimed.html, input.links, true, claimed.recipient),
      text: resolveLinks(claimed.text, input.links, false, claimed.recipient),
    });
    if (outcome.ok) {
      await outbox.markSent(claimed, clock());
      result.sent.push(claimed);
      minuteBudget -= 1;
      hourBudget -= 1;
    } else await retryOrFail(outbox, claimed, outcome.error, outcome.transient, clock(), result);
  }
  return result;
}

/** A transient failure is retried with backoff (2, 4, 8… minutes) until MAX_ATTEMPTS; then, or at once, failed. */
async function retryOrFail(
  outbox: Outbox,
  claimed: StoredNotice,
  error: string,
  transient: boolean,
  now: Date,
  result: NotifyResult,
): Promise<void> {
  if (transient && claimed.attempts < MAX_ATTEMPTS) {
    await outbox.markRetry(claimed, error, new Date(now.getTime() + 2 ** claimed.attempts * 60_000));
    result.retrying.push({ id: claimed.id, error });
  } else {
    await outbox.markFailed(claimed, error);
    result.failed.push({ id: claimed.id, error });
  }
}

/** Every address the chain may start from: baseline owners, Entra owners and Key Vault owners named in open findings. */
function ownerAddresses(baseline: Baseline, open: readonly Finding[]): string[] {
  const out = new Set<string>();
  for (const i of baseline.identities) for (const o of i.owners) out.add(normaliseAddress(o));
  for (const f of open)
    for (const key of ['entraOwners', 'owners'] as const) {
      const list = f.evidence[key];
      if (Array.isArray(list))
        for (const a of list) if (typeof a === 'string' && a.includes('@')) out.add(normaliseAddress(a));
    }
  return [...out].sort();
}
