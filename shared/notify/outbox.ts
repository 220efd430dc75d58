/**
 * The outbox and its ledger, in table `<prefix>outbox`, one partition per recipient
 * (PK = sha256 of the address):
 *   RK `n:<notice id>`   a notice: what is sent (subject, html, text), its state and attempts
 *   RK `l:<entry>`       a ledger row: this (recipient, finding, stage) is planned
 * A notice and its ledger rows are written in one transaction, so a crash cannot leave a
 * planned-but-unstored notice or a stored-but-unledgered one. A notice is marked sent only
 * after Communication Services accepted it. The notice id is the operation id: a notice tried
 * before (a crash between send and mark, a failed send) is looked up at the provider first and
 * resent only when the provider does not know it (app/notify.ts), so it is delivered once.
 * Stored bodies hold link placeholders, never a signed link (attest/links.ts `resolveLinks`).
 */
import { createHash } from 'node:crypto';
import type { TableClient, TableEntityResult, TransactionAction } from '@azure/data-tables';
import { statusOf, type Tables } from '../storage/tables';
import { TEAMS_RECIPIENT, type NoticeKind, type PlannedNotice, type WaitingAlert } from './plan-notices';

export type NoticeState = 'pending' | 'sending' | 'sent' | 'failed';

export interface StoredNotice {
  id: string;
  kind: NoticeKind;
  recipient: string;
  subject: string;
  html: string;
  text: string;
  /** The Adaptive Card (JSON) of a Teams notice; null for an email. */
  card: string | null;
  entries: string[];
  state: NoticeState;
  attempts: number;
  createdAt: string;
  notBefore: string;
  nextAttemptAt: string;
  claimedAt: string | null;
  sentAt: string | null;
  lastError: string | null;
  etag: string;
}

/** Table Storage caps a string property at 64 KiB (32K UTF-16 characters): long bodies span several. */
const PART = 30_000;
const PARTS = 8;

type NoticeEntity = Record<string, unknown> & { partitionKey: string; rowKey: string };

const partitionOf = (recipient: string) => createHash('sha256').update(recipient).digest('hex').slice(0, 32);
const ledgerKey = (entry: string) => `l:${encodeURIComponent(entry).replace(/%/g, '_')}`;

function split(name: string, value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < PARTS; i++) out[`${name}${i}`] = value.slice(i * PART, (i + 1) * PART);
  if (value.length > PART * PARTS)
    throw new Error(`notice ${name} is longer than ${PART * PARTS} characters`);
  return out;
}
function join(e: Record<string, unknown>, name: string): string {
  let s = '';
  for (let i = 0; i < PARTS; i++) s += String(e[`${name}${i}`] ?? '');
  return s;
}

function toStored(e: TableEntityResult<Record<string, unknown>>): StoredNotice {
  return {
    id: String(e.rowKey).slice(2),
    kind: e.kind as NoticeKind,
    recipient: String(e.recipient),
    subject: String(e.subject),
    html: join(e, 'html'),
    text: join(e, 'text'),
    card: join(e, 'card') || null,
    entries: JSON.parse(String(e.entries)) as string[],
    state: e.state as NoticeState,
    attempts: Number(e.attempts),
    createdAt: String(e.createdAt),
    notBefore: String(e.notBefore),
    nextAttemptAt: String(e.nextAttemptAt),
    claimedAt: (e.claimedAt as string) || null,
    sentAt: (e.sentAt as string) || null,
    lastError: (e.lastError as string) || null,
    etag: e.etag,
  };
}

export class Outbox {
  constructor(private readonly tables: Tables) {}

  private table(): Promise<TableClient> {
    return this.tables.table('outbox');
  }

  /** Every `<recipient>|<entry>` already planned. */
  async ledger(): Promise<Set<string>> {
    const out = new Set<string>();
    for await (const e of (await this.table()).listEntities<{ recipient: string; entry: string }>({
      queryOptions: { filter: `RowKey ge 'l:' and RowKey lt 'l;'`, select: ['recipient', 'entry'] },
    }))
      out.add(`${e.recipient}|${e.entry}`);
    return out;
  }

  async notices(filter?: { state?: NoticeState; kind?: NoticeKind }): Promise<StoredNotice[]> {
    const clauses = [`RowKey ge 'n:' and RowKey lt 'n;'`];
    if (filter?.state) clauses.push(`state eq '${filter.state}'`);
    if (filter?.kind) clauses.push(`kind eq '${filter.kind}'`);
    const out: StoredNotice[] = [];
    for await (const e of (await this.table()).listEntities<Record<string, unknown>>({
      queryOptions: { filter: clauses.join(' and ') },
    }))
      out.push(toStored(e));
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** How many notices are in each state other than sent (one narrow query: states only). */
  async backlog(): Promise<Record<Exclude<NoticeState, 'sent'>, number>> {
    const out = { pending: 0, sending: 0, failed: 0 };
    for await (const e of (await this.table()).listEntities<{ state: NoticeState }>({
      queryOptions: { filter: `RowKey ge 'n:' and RowKey lt 'n;' and state ne 'sent'`, select: ['state'] },
    }))
      if (e.state !== 'sent') out[e.state] += 1;
    return out;
  }

  /** Alerts stored and still waiting for the rest of a burst. */
  async waitingAlerts(now: Date): Promise<Map<string, WaitingAlert>> {
    const out = new Map<string, WaitingAlert>();
    for (const n of await this.notices({ state: 'pending', kind: 'secops-alert' }))
      if (Date.parse(n.notBefore) > now.getTime()) out.set(n.recipient, n);
    return out;
  }

  /** Stores a notice with its ledger rows, atomically; false when it was already there. */
  async store(notice: PlannedNotice, now: Date): Promise<boolean> {
    const table = await this.table();
    const pk = partitionOf(notice.recipient);
    const row: NoticeEntity = {
      partitionKey: pk,
      rowKey: `n:${notice.id}`,
      kind: notice.kind,
      recipient: notice.recipient,
      subject: notice.subject,
      ...split('html', notice.html),
      ...split('text', notice.text),
      ...(notice.card ? split('card', notice.card) : {}),
      entries: JSON.stringify(notice.entries),
      state: 'pending',
      attempts: 0,
      createdAt: now.toISOString(),
      notBefore: notice.notBefore,
      nextAttemptAt: notice.notBefore,
      claimedAt: '',
      sentAt: '',
      lastError: '',
    };
    const actions: TransactionAction[] = [notice.merges ? ['upsert', row, 'Replace'] : ['create', row]];
    for (const entry of notice.entries) {
      // A merged alert re-lists the entries it already had: only the new ones need rows.
      actions.push([
        'upsert',
        {
          partitionKey: pk,
          rowKey: ledgerKey(entry),
          recipient: notice.recipient,
          entry,
          noticeId: notice.id,
        },
        'Replace',
      ]);
    }
    try {
      await table.submitTransaction(actions);
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false; // planned by an earlier or concurrent run
      throw error;
    }
  }

  /**
   * Notices to send now: pending and due, or claimed by a run that did not finish (it may have
   * crashed between sending and marking: the sender asks the provider before any resend).
   */
  async due(now: Date, staleClaimMs = 120_000): Promise<StoredNotice[]> {
    return (await this.notices()).filter(
      (n) =>
        (n.state === 'pending' &&
          Date.parse(n.nextAttemptAt) <= now.getTime() &&
          Date.parse(n.notBefore) <= now.getTime()) ||
        (n.state === 'sending' &&
          n.claimedAt !== null &&
          now.getTime() - Date.parse(n.claimedAt) >= staleClaimMs),
    );
  }

  /** Emails sent since then (what the email sending limits count; Teams posts are not emails). */
  async sentSince(since: Date): Promise<number> {
    let count = 0;
    for await (const e of (await this.table()).listEntities<{ recipient: string }>({
      queryOptions: {
        filter: `state eq 'sent' and sentAt ge '${since.toISOString()}'`,
        select: ['RowKey', 'recipient'],
      },
    }))
      if (e.recipient !== TEAMS_RECIPIENT) count += 1;
    return count;
  }

  /** Marks a notice as being sent; false when another run changed it first. */
  async claim(n: StoredNotice, now: Date): Promise<StoredNotice | undefined> {
    return this.update(n, { state: 'sending', claimedAt: now.toISOString(), attempts: n.attempts + 1 });
  }

  async markSent(n: StoredNotice, now: Date): Promise<void> {
    await this.update(n, { state: 'sent', sentAt: now.toISOString(), lastError: '' });
  }

  async markRetry(n: StoredNotice, error: string, next: Date): Promise<void> {
    await this.update(n, {
      state: 'pending',
      nextAttemptAt: next.toISOString(),
      lastError: error.slice(0, 1000),
    });
  }

  async markFailed(n: StoredNotice, error: string): Promise<void> {
    await this.update(n, { state: 'failed', lastError: error.slice(0, 1000) });
  }

  private async update(n: StoredNotice, fields: Record<string, unknown>): Promise<StoredNotice | undefined> {
    const table = await this.table();
    try {
      const r = await table.updateEntity(
        { partitionKey: partitionOf(n.recipient), rowKey: `n:${n.id}`, ...fields },
        'Merge',
        {
          etag: n.etag,
        },
      );
      return { ...n, ...(fields as Partial<StoredNotice>), etag: r.etag ?? n.etag };
    } catch (error) {
      if (statusOf(error) === 412) return undefined;
      throw error;
    }
  }
}
