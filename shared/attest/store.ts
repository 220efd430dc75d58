/**
 * Attestations and snoozes, in table `<prefix>attestations`: PK = identity object id (a record
 * per action, newest first), and PK `nonce` for the links already used (single use).
 * Every record says who, when, how (link or CLI) and what; it is the audit trail.
 */
import type { TableClient } from '@azure/data-tables';
import { statusOf, type Tables } from '../storage/tables';

export interface AttestationRecord {
  objectId: string;
  action: 'attest' | 'snooze';
  by: string;
  at: string;
  source: 'link' | 'cli';
  /** attest: needed until (YYYY-MM-DD). */
  until: string | null;
  /** snooze: the finding and until when. */
  findingKey: string | null;
  snoozeUntil: string | null;
  reason: string | null;
}

const MAX_TIME = 9_999_999_999_999;

export class AttestationStore {
  constructor(private readonly tables: Tables) {}

  private table(): Promise<TableClient> {
    return this.tables.table('attestations');
  }

  /** True the first time a nonce is used, false on any replay. */
  async consumeNonce(nonce: string, now: Date): Promise<boolean> {
    try {
      await (
        await this.table()
      ).createEntity({ partitionKey: 'nonce', rowKey: nonce, usedAt: now.toISOString() });
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  async record(r: AttestationRecord): Promise<void> {
    await (
      await this.table()
    ).createEntity({
      partitionKey: r.objectId.toLowerCase(),
      rowKey: `${String(MAX_TIME - Date.parse(r.at)).padStart(13, '0')}-${Math.random().toString(36).slice(2, 10)}`,
      record: JSON.stringify(r),
    });
  }

  async list(objectId?: string): Promise<AttestationRecord[]> {
    const out: AttestationRecord[] = [];
    const filter = objectId
      ? `PartitionKey eq '${objectId.toLowerCase().replace(/'/g, "''")}'`
      : `PartitionKey ne 'nonce'`;
    for await (const e of (await this.table()).listEntities<{ record: string }>({ queryOptions: { filter } }))
      out.push(JSON.parse(e.record) as AttestationRecord);
    return out;
  }

  /** The latest "needed until" per identity: the review date attestations extend. */
  async attestedUntil(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const r of await this.list())
      if (r.action === 'attest' && r.until && (out.get(r.objectId) ?? '') < r.until)
        out.set(r.objectId, r.until);
    return out;
  }
}
