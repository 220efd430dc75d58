/**
 * Event ids already processed, in table `<prefix>events` (PK = first 2 hex of sha256(id), RK = id).
 * Event Grid delivers at least once and retries for up to 24 hours by default, so ids are kept
 * for RETENTION_DAYS and then purged (the delta sweep does it): the ledger stays bounded.
 * An id is recorded only after its event was fully processed, so a crash means a redelivery is
 * processed again, which is harmless: processing re-reads live state.
 */
import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { statusOf, type Tables } from '../storage/tables';

export const RETENTION_DAYS = 7;

// Keys are the id's SHA-256: Table keys may not hold / \\ # ? or control characters and are at
// most 1 KiB, and an id is whatever the sender chose (a lone surrogate made encodeURIComponent throw).
const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');
const partitionOf = (id: string) => hashOf(id).slice(0, 2);
const rowKeyOf = (id: string) => hashOf(id);

export class EventLedger {
  constructor(private readonly tables: Tables) {}

  private table(): Promise<TableClient> {
    return this.tables.table('events');
  }

  async seen(id: string, now: Date): Promise<boolean> {
    try {
      const e = await (await this.table()).getEntity<{ processedAt: string }>(partitionOf(id), rowKeyOf(id));
      return Date.parse(e.processedAt) > now.getTime() - RETENTION_DAYS * 86_400_000;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  async record(id: string, type: string, outcome: string, now: Date): Promise<void> {
    await (
      await this.table()
    ).upsertEntity(
      { partitionKey: partitionOf(id), rowKey: rowKeyOf(id), type, outcome, processedAt: now.toISOString() },
      'Replace',
    );
  }

  /** Deletes ids older than the retention; at most `limit` per call so a timer run stays short. */
  async purge(now: Date, limit = 1000): Promise<number> {
    const table = await this.table();
    const cutoff = new Date(now.getTime() - RETENTION_DAYS * 86_400_000).toISOString();
    let deleted = 0;
    for await (const e of table.listEntities<{ processedAt: string }>({
      queryOptions: { filter: `processedAt lt '${cutoff}'`, select: ['PartitionKey', 'RowKey'] },
    })) {
      await table.deleteEntity(e.partitionKey!, e.rowKey!);
      if (++deleted >= limit) break;
    }
    return deleted;
  }
}
