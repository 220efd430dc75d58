/**
 * Stored baseline: immutable versions plus one pointer, so an apply is all-or-nothing.
 *
 * Table `<prefix>baseline`:
 *   PK `state`, RK `current`          pointer to the version in force: version, sequence, contentHash, appliedAt, appliedBy.
 *   PK `state`, RK `audit-<seq 12d>`  one audit record per apply: who, when, content hash, change summary.
 *   PK `v-<version>`, RK `meta`       chunk count and content hash of that version.
 *   PK `v-<version>`, RK `c-<n 6d>`   the version's canonical JSON, split into ≤30,000-character pieces.
 *
 * Apply writes the new version's chunks first (any number of ≤100-entity transactions in its own
 * partition), then flips the pointer and appends the audit record in ONE transaction guarded
 * by the pointer's ETag. A failure before the flip leaves the previous version in force and
 * complete; two concurrent applies cannot both flip (the loser gets BaselineConflictError).
 */
import { EXIT, MonitorError } from '../errors';
import type { TableClient, TableEntityResult, TransactionAction } from '@azure/data-tables';
import { baselineSchema, type Baseline } from './schema';
import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson, contentHash, parseJsonSharingStrings } from './canonical';
import { shareRepeatedValues } from './shared-values';
import { assertEntityWithinLimits, chunkText, planBatches } from '../storage/limits';
import { statusOf, type Tables } from '../storage/tables';
import { todayUtc } from './parse';

const STATE = 'state';
const POINTER = 'current';

export interface AppliedBaseline {
  baseline: Baseline;
  version: string;
  sequence: number;
  /** Versions left by interrupted applies that this apply removed. */
  pruned?: number;
  contentHash: string;
  appliedAt: string;
  appliedBy: string;
}

export interface AuditRecord {
  sequence: number;
  version: string;
  contentHash: string;
  appliedAt: string;
  appliedBy: string;
  summary: string;
}

export interface ApplyOptions {
  actor: string;
  now: Date;
  summary: string;
  /** Refuse unless the stored sequence is still this one (0 = nothing stored), e.g. the one `plan` showed. */
  expectedSequence?: number;
}

/** Another apply changed the stored baseline first; nothing was written. */
export class BaselineConflictError extends MonitorError {
  readonly exitCode = EXIT.conflict;
  readonly transient = false;
  constructor(message: string) {
    super(`conflict: ${message}`);
  }
}

/** The stored baseline does not match its recorded hash or cannot be parsed: stored state needs a person. */
export class StoredBaselineCorruptError extends MonitorError {
  readonly exitCode = EXIT.problems;
  readonly transient = false;
}

type PointerEntity = {
  partitionKey: string;
  rowKey: string;
  version: string;
  sequence: number;
  contentHash: string;
  appliedAt: string;
  appliedBy: string;
};

export interface BaselineStoreHooks {
  /** Called before each chunk transaction; tests use it to inject a failure half-way. */
  beforeChunkBatch?: (index: number) => void | Promise<void>;
}

export class BaselineStore {
  constructor(
    private readonly tables: Tables,
    private readonly hooks: BaselineStoreHooks = {},
  ) {}

  private table(): Promise<TableClient> {
    return this.tables.table('baseline');
  }

  private async pointer(table: TableClient): Promise<TableEntityResult<PointerEntity> | undefined> {
    try {
      return await table.getEntity<PointerEntity>(STATE, POINTER);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /**
   * The baseline in force, or undefined when none was ever applied. With `known` (a baseline this
   * process already parsed), one small read of the pointer: `known` is returned as it is while the
   * version in force is still that one, and the new version is read only when it changed.
   */
  async current(known?: AppliedBaseline): Promise<AppliedBaseline | undefined> {
    const table = await this.table();
    const pointer = await this.pointer(table);
    if (!pointer) return undefined;
    if (known && known.version === pointer.version && known.contentHash === pointer.contentHash) return known;
    const baseline = await this.readVersion(table, pointer.version, pointer.contentHash);
    return {
      baseline,
      version: pointer.version,
      sequence: pointer.sequence,
      contentHash: pointer.contentHash,
      appliedAt: pointer.appliedAt,
      appliedBy: pointer.appliedBy,
    };
  }

  private async readVersion(table: TableClient, version: string, expectedHash: string): Promise<Baseline> {
    const partition = `v-${version}`;
    const chunks: string[] = [];
    let meta: { chunks: number; contentHash: string } | undefined;
    const rows = table.listEntities<{ data?: string; chunks?: number; contentHash?: string }>({
      queryOptions: { filter: `PartitionKey eq '${partition}'` },
    });
    for await (const row of rows) {
      const rowKey = row.rowKey ?? '';
      if (rowKey === 'meta') meta = { chunks: Number(row.chunks), contentHash: String(row.contentHash) };
      else if (rowKey.startsWith('c-')) chunks[Number(rowKey.slice(2))] = row.data ?? '';
    }
    const complete = meta && chunks.length === meta.chunks && chunks.every((c) => typeof c === 'string');
    if (!meta || !complete) {
      throw new StoredBaselineCorruptError(
        `stored baseline version ${version} is incomplete (${chunks.length} of ${meta?.chunks ?? '?'} pieces)`,
      );
    }
    const text = chunks.join('');
    chunks.length = 0;
    // The stored text is the canonical JSON the hash was taken of: hashing it needs no second copy.
    const textHash = createHash('sha256').update(text).digest('hex');
    const value = parseJsonSharingStrings(text);
    if (
      (textHash !== expectedHash && contentHash(value) !== expectedHash) ||
      meta.contentHash !== expectedHash
    ) {
      throw new StoredBaselineCorruptError(
        `stored baseline version ${version} does not match its content hash`,
      );
    }
    // Stored content was valid when applied; re-checking keeps the "validate at the boundary" rule
    // for anything edited in the table by hand. Exemption lengths and review horizons (bounds
    // relative to the day of applying) were checked at apply time.
    const result = baselineSchema('0001-01-01').safeParse(value);
    if (!result.success) {
      const problems = result.error.issues.filter(
        (i) =>
          !(i.path[0] === 'exemptions' && i.path[2] === 'expires') &&
          !(i.path[0] === 'identities' && i.path[2] === 'reviewBy' && i.code === 'custom'),
      );
      if (problems.length)
        throw new StoredBaselineCorruptError(
          `stored baseline version ${version} is not a valid baseline: ${problems[0]!.message}`,
        );
    }
    return result.success ? shareRepeatedValues(result.data) : (value as Baseline);
  }

  async apply(baseline: Baseline, options: ApplyOptions): Promise<AppliedBaseline> {
    const table = await this.table();
    const pointer = await this.pointer(table);
    const storedSequence = pointer?.sequence ?? 0;
    if (options.expectedSequence !== undefined && options.expectedSequence !== storedSequence) {
      throw new BaselineConflictError(
        `the stored baseline changed since it was planned (expected sequence ${options.expectedSequence}, stored ${storedSequence}` +
          `${pointer ? ` applied by ${pointer.appliedBy} at ${pointer.appliedAt}` : ''}); run plan again`,
      );
    }
    const sequence = storedSequence + 1;
    const version = `${String(sequence).padStart(12, '0')}-${randomBytes(4).toString('hex')}`;
    const hash = contentHash(baseline);
    const appliedAt = options.now.toISOString();

    await this.writeVersion(table, version, canonicalJson(baseline), hash);

    const newPointer: PointerEntity = {
      partitionKey: STATE,
      rowKey: POINTER,
      version,
      sequence,
      contentHash: hash,
      appliedAt,
      appliedBy: options.actor,
    };
    const audit = {
      partitionKey: STATE,
      rowKey: `audit-${String(sequence).padStart(12, '0')}`,
      sequence,
      version,
      contentHash: hash,
      appliedAt,
      appliedBy: options.actor,
      summary: options.summary.slice(0, 30_000),
    };
    assertEntityWithinLimits(audit);
    const flip: TransactionAction[] = pointer
      ? [
          ['update', newPointer, 'Replace', { etag: pointer.etag }],
          ['create', audit],
        ]
      : [
          ['create', newPointer],
          ['create', audit],
        ];
    try {
      await table.submitTransaction(flip);
    } catch (error) {
      await this.deleteVersion(table, version).catch(() => undefined);
      const status = statusOf(error);
      if (status === 409 || status === 412) {
        const now = await this.pointer(table).catch(() => undefined);
        throw new BaselineConflictError(
          `another apply changed the stored baseline while this one ran` +
            `${now ? ` (now sequence ${now.sequence}, applied by ${now.appliedBy} at ${now.appliedAt})` : ''}; ` +
            'nothing was changed by this apply: run plan again and re-apply',
        );
      }
      throw error;
    }
    // An apply that died while writing its version (no cleanup ran) left chunks nothing points
    // at; this one prunes them. Best effort: the new baseline is in force either way.
    const pruned = await this.pruneOrphans(table, sequence).catch(() => 0);
    return { baseline, version, sequence, contentHash: hash, appliedAt, appliedBy: options.actor, pruned };
  }

  /**
   * Deletes versions no audit record names, up to `sequence`: a version with a later sequence may
   * belong to an apply still writing; one with this sequence or lower can never be flipped to
   * (its apply would find the pointer moved). Returns how many versions were removed.
   */
  private async pruneOrphans(table: TableClient, sequence: number): Promise<number> {
    const referenced = new Set<string>();
    for await (const row of table.listEntities<{ version: string }>({
      queryOptions: {
        filter: `PartitionKey eq '${STATE}' and RowKey ge 'audit-' and RowKey lt 'audit.'`,
        select: ['version'],
      },
    }))
      referenced.add(row.version);
    const orphans = new Set<string>();
    // Every version writes its first chunk in its first transaction and its meta row last.
    for await (const row of table.listEntities({
      queryOptions: { filter: `RowKey eq 'c-000000' or RowKey eq 'meta'`, select: ['PartitionKey'] },
    })) {
      const version = row.partitionKey!.slice(2);
      if (!row.partitionKey!.startsWith('v-') || referenced.has(version)) continue;
      if (Number(version.slice(0, 12)) <= sequence) orphans.add(version);
    }
    for (const version of orphans) await this.deleteVersion(table, version);
    return orphans.size;
  }

  private async writeVersion(table: TableClient, version: string, json: string, hash: string): Promise<void> {
    const partitionKey = `v-${version}`;
    const pieces = chunkText(json);
    const entities: Array<Record<string, unknown> & { partitionKey: string; rowKey: string }> = pieces.map(
      (data, i) => ({
        partitionKey,
        rowKey: `c-${String(i).padStart(6, '0')}`,
        data,
      }),
    );
    entities.push({ partitionKey, rowKey: 'meta', chunks: pieces.length, contentHash: hash });
    entities.forEach(assertEntityWithinLimits);
    const batches = planBatches(entities);
    try {
      for (const [index, batch] of batches.entries()) {
        await this.hooks.beforeChunkBatch?.(index);
        await table.submitTransaction(batch.map((e): TransactionAction => ['create', e]));
      }
    } catch (error) {
      await this.deleteVersion(table, version).catch(() => undefined);
      throw error;
    }
  }

  /** Removes an unreferenced version (after a failed or lost apply). */
  private async deleteVersion(table: TableClient, version: string): Promise<void> {
    const partitionKey = `v-${version}`;
    const keys: Array<{ partitionKey: string; rowKey: string }> = [];
    for await (const row of table.listEntities({
      queryOptions: { filter: `PartitionKey eq '${partitionKey}'`, select: ['RowKey'] },
    })) {
      keys.push({ partitionKey, rowKey: row.rowKey! });
    }
    for (const batch of planBatches(keys)) {
      await table.submitTransaction(batch.map((k): TransactionAction => ['delete', k]));
    }
  }

  async history(limit = 20): Promise<AuditRecord[]> {
    const table = await this.table();
    const records: AuditRecord[] = [];
    const rows = table.listEntities<AuditRecord>({
      queryOptions: { filter: `PartitionKey eq '${STATE}' and RowKey ge 'audit-' and RowKey lt 'audit.'` },
    });
    for await (const row of rows) {
      records.push({
        sequence: row.sequence,
        version: row.version,
        contentHash: row.contentHash,
        appliedAt: row.appliedAt,
        appliedBy: row.appliedBy,
        summary: row.summary,
      });
    }
    return records.sort((a, b) => b.sequence - a.sequence).slice(0, limit);
  }
}

export { todayUtc };
