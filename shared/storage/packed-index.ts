/**
 * A key → value index kept in Table Storage as 256 packed partitions rather than one row per key:
 * what each reconcile leaves for the event path (which principal held a role assignment, what an
 * identity looked like), at a handful of transactions whatever the tenant's size. One row per key
 * would be a million rows at 200,000 identities, rewritten or re-read by every reconcile.
 *
 *   PK = 2 hex characters of the key's FNV-1a hash     (256 partitions)
 *   RK `manifest`   hash (sha256 of the partition's lines), rows, count
 *   RK `part-NNN`   d0…d14: the gzip of the partition's sorted `key\tJSON` lines, 60,000 bytes each
 *
 * `replaceAll` writes only the partitions whose content changed (a no-change reconcile reads the
 * 256 manifests and writes nothing). `get` reads one partition: one request. `update` changes one
 * key under the manifest's ETag (concurrent event handlers retry). A partition that does not
 * verify against its manifest (a torn write) reads as unknown: callers fall back to a live read.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { mapLimit } from '../inventory/concurrency';
import { MAX_BATCH_BYTES } from './limits';
import { statusOf, type TableName, type Tables } from './tables';

const SLICE_BYTES = 60_000;
const SLICES_PER_ROW = 15;
const MANIFEST = 'manifest';

/** FNV-1a over the lower-cased key: cheap enough for a million keys a run, and evenly spread. */
export function partitionOfKey(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    let c = key.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return ((h >>> 24) & 0xff).toString(16).padStart(2, '0');
}

interface Manifest {
  partitionKey: string;
  rowKey: string;
  hash: string;
  rows: number;
  count: number;
  etag?: string;
}

type Partition<V> = { entries: Map<string, V>; manifest: Manifest | undefined };

export class PackedIndex<V> {
  constructor(
    private readonly tables: Tables,
    private readonly name: TableName,
  ) {}

  private table(): Promise<TableClient> {
    return this.tables.table(this.name);
  }

  /** The value of one key; `undefined` when absent, `null` when its partition could not be verified. */
  async get(key: string): Promise<V | undefined | null> {
    const partition = await this.readPartition(partitionOfKey(key));
    if (!partition) return null;
    return partition.entries.get(key.toLowerCase());
  }

  /**
   * Makes the stored index exactly one entry per item (`keyOf`, compared without case → `valueOf`),
   * writing only the partitions whose content changed. Values are made a partition at a time, so
   * a million items never exist twice. Returns how many partitions were written.
   */
  async replaceAll<T>(
    items: readonly T[],
    keyOf: (item: T) => string,
    valueOf: (item: T) => V,
  ): Promise<{ partitionsWritten: number }> {
    const byPartition = new Map<string, T[]>();
    for (const item of items) {
      const pk = partitionOfKey(keyOf(item));
      const list = byPartition.get(pk);
      if (list) list.push(item);
      else byPartition.set(pk, [item]);
    }
    const table = await this.table();
    const stored = new Map<string, Manifest>();
    for await (const m of table.listEntities<Manifest>({
      queryOptions: { filter: `RowKey eq '${MANIFEST}'` },
    }))
      stored.set(m.partitionKey, m);
    const work: string[] = [];
    for (let i = 0; i < 256; i++) {
      const pk = i.toString(16).padStart(2, '0');
      if (byPartition.has(pk) || stored.has(pk)) work.push(pk);
    }
    let written = 0;
    await mapLimit(work, 8, async (pk) => {
      const lines = packLines(
        (byPartition.get(pk) ?? []).map((item) => [keyOf(item).toLowerCase(), valueOf(item)]),
      );
      // Only the lines of this partition are ever held serialised at once.
      byPartition.delete(pk);
      const hash = createHash('sha256').update(lines).digest('hex');
      const previous = stored.get(pk);
      if (previous?.hash === hash) return;
      await this.writePartition(table, pk, lines, hash, previous);
      written += 1;
    });
    return { partitionsWritten: written };
  }

  /** Sets (or with `undefined` removes) one key, under the partition's ETag; retried on a concurrent change. */
  async update(key: string, value: V | undefined): Promise<void> {
    const pk = partitionOfKey(key);
    const lower = key.toLowerCase();
    const table = await this.table();
    for (let attempt = 1; ; attempt++) {
      const partition = (await this.readPartition(pk)) ?? {
        entries: new Map<string, V>(),
        manifest: undefined,
      };
      const current = partition.entries.get(lower);
      if (value === undefined ? current === undefined : JSON.stringify(current) === JSON.stringify(value))
        return;
      if (value === undefined) partition.entries.delete(lower);
      else partition.entries.set(lower, value);
      const lines = packLines([...partition.entries]);
      const hash = createHash('sha256').update(lines).digest('hex');
      try {
        await this.writePartition(table, pk, lines, hash, partition.manifest, true);
        return;
      } catch (error) {
        if ((statusOf(error) !== 412 && statusOf(error) !== 409) || attempt >= 5) throw error;
      }
    }
  }

  private async readPartition(pk: string): Promise<Partition<V> | undefined> {
    const table = await this.table();
    let manifest: Manifest | undefined;
    const parts: Array<Record<string, unknown>> = [];
    for await (const row of table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq '${pk}'` },
    })) {
      if (row.rowKey === MANIFEST) manifest = row as unknown as Manifest;
      else parts.push(row);
    }
    if (!manifest) return parts.length ? undefined : { entries: new Map(), manifest: undefined };
    parts.sort((a, b) => String(a.rowKey).localeCompare(String(b.rowKey)));
    const slices: Buffer[] = [];
    for (const row of parts.slice(0, Number(manifest.rows)))
      for (let i = 0; i < SLICES_PER_ROW; i++) {
        const d = row[`d${i}`];
        if (d instanceof Uint8Array) slices.push(Buffer.from(d));
      }
    let lines: string;
    try {
      lines = slices.length ? gunzipSync(Buffer.concat(slices)).toString('utf8') : '';
    } catch {
      return undefined;
    }
    if (createHash('sha256').update(lines).digest('hex') !== manifest.hash) return undefined;
    const entries = new Map<string, V>();
    for (const line of lines ? lines.split('\n') : []) {
      const tab = line.indexOf('\t');
      entries.set(line.slice(0, tab), JSON.parse(line.slice(tab + 1)) as V);
    }
    return { entries, manifest };
  }

  private async writePartition(
    table: TableClient,
    pk: string,
    lines: string,
    hash: string,
    previous: Manifest | undefined,
    guarded = false,
  ): Promise<void> {
    const packed = lines ? gzipSync(lines) : Buffer.alloc(0);
    const rows: Array<Record<string, unknown> & { partitionKey: string; rowKey: string }> = [];
    for (let offset = 0, r = 0; offset < packed.length; r++) {
      const row: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
        partitionKey: pk,
        rowKey: `part-${String(r).padStart(3, '0')}`,
      };
      for (let i = 0; i < SLICES_PER_ROW && offset < packed.length; i++, offset += SLICE_BYTES)
        row[`d${i}`] = new Uint8Array(packed.subarray(offset, offset + SLICE_BYTES));
      rows.push(row);
    }
    const manifest = {
      partitionKey: pk,
      rowKey: MANIFEST,
      hash,
      rows: rows.length,
      count: countLines(lines),
    };
    const stale: TransactionAction[] = [];
    for (let r = rows.length; r < Number(previous?.rows ?? 0); r++)
      stale.push(['delete', { partitionKey: pk, rowKey: `part-${String(r).padStart(3, '0')}` }]);
    const actions: TransactionAction[] = [
      ...rows.map((row): TransactionAction => ['upsert', row, 'Replace']),
      ...stale,
      previous && guarded
        ? ['update', manifest, 'Replace', { etag: previous.etag }]
        : guarded
          ? ['create', manifest]
          : ['upsert', manifest, 'Replace'],
    ];
    // One transaction when it fits (the usual case: a partition is tens of kilobytes); a larger
    // partition is written in pieces, manifest last, and reads as unknown until it is whole.
    if (packed.length <= MAX_BATCH_BYTES - 64 * 1024 && actions.length <= 100) {
      await table.submitTransaction(actions);
      return;
    }
    for (const action of actions) await table.submitTransaction([action]);
  }
}

function packLines<V>(entries: Array<[string, V]>): string {
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return entries.map(([k, v]) => `${k}\t${JSON.stringify(v)}`).join('\n');
}

function countLines(lines: string): number {
  if (!lines) return 0;
  let n = 1;
  for (let i = lines.indexOf('\n'); i >= 0; i = lines.indexOf('\n', i + 1)) n += 1;
  return n;
}
