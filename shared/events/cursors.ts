/**
 * Small pieces of state that must survive between invocations, in table `<prefix>cursors`:
 * Graph delta links (PK `delta`) and, for Key Vault objects, the time of the newest event
 * applied (PK `keyvault`), so an older event delivered late cannot undo a newer one.
 * Values are never secrets: a delta link is an opaque paging token, not a credential.
 */
import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { statusOf, type Tables } from '../storage/tables';

export class CursorStore {
  constructor(private readonly tables: Tables) {}

  private table(): Promise<TableClient> {
    return this.tables.table('cursors');
  }

  private static rowKey(key: string): string {
    return createHash('sha256').update(key.toLowerCase()).digest('hex');
  }

  async get(kind: string, key: string): Promise<string | undefined> {
    try {
      const e = await (await this.table()).getEntity<{ value: string }>(kind, CursorStore.rowKey(key));
      return e.value;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async put(kind: string, key: string, value: string, now: Date): Promise<void> {
    await (
      await this.table()
    ).upsertEntity(
      { partitionKey: kind, rowKey: CursorStore.rowKey(key), key, value, updatedAt: now.toISOString() },
      'Replace',
    );
  }

  async delete(kind: string, key: string): Promise<void> {
    try {
      await (await this.table()).deleteEntity(kind, CursorStore.rowKey(key));
    } catch (error) {
      if (!(statusOf(error) === 404)) throw error;
    }
  }
}
