/**
 * Findings with a lifecycle, in table `<prefix>findings`:
 *   PK = the identity's object id (an event reads one identity's findings in one request), RK = key
 *   key = sha256(rule, identity object id, target): one finding however often it is seen.
 * Columns: ruleId, severity, state (open|exempted|resolved), objectId, identity (JSON), target,
 * message, evidence (JSON), assignmentId (from the evidence, for a deleted assignment whose
 * principal is not indexed), readScope, exemption (JSON), firstSeen, lastSeen, resolvedAt.
 *
 * `sync` never resolves a finding whose read scope the caller says was not read completely:
 * a partial view is not a clean one. It writes only findings whose state or content changed:
 * `lastSeen` is when a finding was last written; that an open finding is still there is what
 * each later run record says. Resolved findings older than the retention are deleted by the
 * full reconcile, which also moves rows of the earlier layout (PK = 2 characters of the key).
 */
import { createHash } from 'node:crypto';
import { mapLimit } from '../inventory/concurrency';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { findingKey, type Finding, type FindingCandidate, type FindingState } from '../model/finding';
import { assertEntityWithinLimits, planBatches } from '../storage/limits';
import { statusOf, type Tables } from '../storage/tables';

type FindingEntity = {
  partitionKey: string;
  rowKey: string;
  ruleId: string;
  severity: string;
  state: string;
  objectId: string;
  identity: string;
  target: string;
  message: string;
  evidence: string;
  assignmentId?: string;
  readScope: string;
  exemption: string;
  snooze?: string;
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string;
};

export interface SyncResult {
  opened: Finding[];
  reopened: Finding[];
  resolved: Finding[];
  /** Findings that became exempted in this sync. */
  exempted: Finding[];
  /** Still open or exempted, seen again. */
  unchanged: number;
  /** Finding rows written (only those whose state or content changed) and deleted (pruned, moved). */
  written: number;
  deleted: number;
  /** Open findings not seen this time whose scope was not read completely: kept as they were. */
  keptUnverified: number;
}

/** A sync that changed nothing (fresh lists each call: callers append to them). */
export function emptySyncResult(): SyncResult {
  return {
    opened: [],
    reopened: [],
    resolved: [],
    exempted: [],
    unchanged: 0,
    keptUnverified: 0,
    written: 0,
    deleted: 0,
  };
}

const EVIDENCE_LIMIT = 30_000;

function toEntity(f: Finding): FindingEntity {
  let evidence = JSON.stringify(f.evidence);
  if (evidence.length > EVIDENCE_LIMIT)
    evidence = JSON.stringify({ truncated: true, preview: evidence.slice(0, EVIDENCE_LIMIT - 100) });
  const entity: FindingEntity = {
    partitionKey: partitionOfIdentity(f.identity.objectId),
    rowKey: f.key,
    ruleId: f.ruleId,
    severity: f.severity,
    state: f.state,
    objectId: f.identity.objectId,
    identity: JSON.stringify(f.identity),
    target: f.target,
    message: f.message,
    evidence,
    assignmentId: typeof f.evidence.assignmentId === 'string' ? f.evidence.assignmentId.toLowerCase() : '',
    readScope: f.readScope,
    exemption: f.exemption ? JSON.stringify(f.exemption) : '',
    snooze: f.snooze ? JSON.stringify(f.snooze) : '',
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
    resolvedAt: f.resolvedAt ?? '',
  };
  assertEntityWithinLimits(entity);
  return entity;
}

/**
 * A finding's partition: its identity's object id, or for what is not a directory object (a Key
 * Vault secret's findings name the vault object's URL) a hash of it, as keys cannot hold '/'.
 */
export function partitionOfIdentity(objectId: string): string {
  const id = objectId.toLowerCase();
  return /^[0-9a-f-]{1,64}$/.test(id)
    ? id
    : `h-${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
}

/** Everything stored but `lastSeen` is the same: rewriting the row would change nothing. */
function sameContent(a: Finding, b: Finding): boolean {
  const x = toEntity({ ...a, lastSeen: '' });
  const y = toEntity({ ...b, lastSeen: '' });
  for (const k of Object.keys(x) as Array<keyof FindingEntity>) if (x[k] !== y[k]) return false;
  return true;
}

function fromEntity(e: FindingEntity): Finding {
  return {
    key: e.rowKey,
    ruleId: e.ruleId as Finding['ruleId'],
    severity: e.severity as Finding['severity'],
    state: e.state as FindingState,
    identity: JSON.parse(e.identity) as Finding['identity'],
    target: e.target,
    message: e.message,
    evidence: JSON.parse(e.evidence) as Record<string, unknown>,
    readScope: e.readScope,
    exemption: e.exemption ? (JSON.parse(e.exemption) as Finding['exemption']) : null,
    snooze: e.snooze ? (JSON.parse(e.snooze) as Finding['snooze']) : null,
    firstSeen: e.firstSeen,
    lastSeen: e.lastSeen,
    resolvedAt: e.resolvedAt || null,
  };
}

export class FindingStore {
  constructor(private readonly tables: Tables) {}

  private table(): Promise<TableClient> {
    return this.tables.table('findings');
  }

  async list(
    filter: { state?: FindingState; objectId?: string; assignmentId?: string } = {},
  ): Promise<Finding[]> {
    const table = await this.table();
    const clauses: string[] = [];
    const quoted = (v: string) => `'${v.toLowerCase().replace(/'/g, "''")}'`;
    if (filter.state) clauses.push(`state eq '${filter.state}'`);
    // One partition: a single request however many findings the store holds.
    if (filter.objectId) clauses.push(`PartitionKey eq '${partitionOfIdentity(filter.objectId)}'`);
    if (filter.assignmentId) clauses.push(`assignmentId eq ${quoted(filter.assignmentId)}`);
    const out: Finding[] = [];
    for await (const e of table.listEntities<FindingEntity>({
      queryOptions: clauses.length ? { filter: clauses.join(' and ') } : {},
    })) {
      out.push(fromEntity(e));
    }
    return out;
  }

  /** Snoozes one open finding (an owner's attestation link or `wimon attest`); false when it is not open. */
  async snooze(
    key: string,
    objectId: string,
    snooze: NonNullable<Finding['snooze']>,
  ): Promise<Finding | undefined> {
    const table = await this.table();
    try {
      const e = await table.getEntity<FindingEntity>(partitionOfIdentity(objectId), key);
      if (e.state !== 'open') return undefined;
      await table.updateEntity(
        { partitionKey: e.partitionKey, rowKey: e.rowKey, snooze: JSON.stringify(snooze) },
        'Merge',
        { etag: e.etag },
      );
      return { ...fromEntity(e), snooze };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Open and exempted findings. */
  async current(): Promise<Finding[]> {
    return [...(await this.list({ state: 'open' })), ...(await this.list({ state: 'exempted' }))];
  }

  /**
   * Brings the store in line with one evaluation. `inView(f)` says whether a stored finding was
   * within what this evaluation looked at (all findings for a reconcile, one identity's for an
   * event); `readCompletely(scope)` whether that scope's read was complete, so absence means resolved.
   */
  async sync(
    candidates: readonly FindingCandidate[],
    now: Date,
    options: {
      inView?: (f: Finding) => boolean;
      readCompletely: (readScope: string) => boolean;
      /** Findings about objects that could not be read this time: kept as they were, never resolved. */
      keep?: (f: Finding) => boolean;
      /** Evidence of what resolved findings in this sync (the event that removed an assignment). */
      resolvedBy?: Record<string, unknown>;
      /** The stored findings to compare with (e.g. one identity's partition); default: every finding. */
      stored?: readonly Finding[];
      /** Resolved findings resolved before this are deleted (the full reconcile's retention). */
      pruneResolvedBefore?: Date;
    },
  ): Promise<SyncResult> {
    const stamp = now.toISOString();
    const rows = options.stored
      ? options.stored.map((finding) => ({ partitionKey: undefined, finding }))
      : await this.listRows();
    const deletes: Array<{ partitionKey: string; rowKey: string }> = [];
    // Rows of the earlier layout (PK = 2 characters of the key) move to their identity's partition:
    // the old row is deleted and, unless the new layout already holds that finding, written anew.
    const partitionOf = (f: Finding) => partitionOfIdentity(f.identity.objectId);
    const inNewLayout = new Set<string>();
    for (const r of rows)
      if (r.partitionKey === undefined || r.partitionKey === partitionOf(r.finding))
        inNewLayout.add(r.finding.key);
    const moved = new Map<string, Finding>();
    const stored = new Map<string, Finding>();
    for (const { partitionKey, finding: f } of rows) {
      if (partitionKey !== undefined && partitionKey !== partitionOf(f)) {
        deletes.push({ partitionKey, rowKey: f.key });
        if (inNewLayout.has(f.key)) continue;
        moved.set(f.key, f);
      }
      if (options.inView && !options.inView(f)) continue;
      if (
        options.pruneResolvedBefore &&
        f.state === 'resolved' &&
        f.resolvedAt &&
        Date.parse(f.resolvedAt) < options.pruneResolvedBefore.getTime()
      ) {
        if (moved.delete(f.key)) continue; // its old row is deleted above
        deletes.push({ partitionKey: partitionOf(f), rowKey: f.key });
        continue;
      }
      stored.set(f.key, f);
    }
    const result = emptySyncResult();
    const writes = new Map<string, Finding>();
    const seen = new Set<string>();
    for (const c of candidates) {
      const key = findingKey(c.ruleId, c.identity.objectId, c.target);
      seen.add(key);
      const previous = stored.get(key);
      const state: FindingState = c.exemption ? 'exempted' : 'open';
      const next: Finding = {
        key,
        ruleId: c.ruleId,
        severity: c.severity,
        state,
        identity: c.identity,
        target: c.target,
        message: c.message,
        // The event that raised a finding (who did it, when) outlives later sweeps that see it too.
        evidence:
          c.evidence.event || !previous?.evidence.event
            ? c.evidence
            : { ...c.evidence, event: previous.evidence.event },
        readScope: c.readScope,
        exemption: c.exemption ?? null,
        snooze: previous?.snooze ?? null,
        firstSeen: previous?.firstSeen ?? stamp,
        lastSeen: stamp,
        resolvedAt: null,
      };
      if (!previous) (state === 'exempted' ? result.exempted : result.opened).push(next);
      else if (previous.state === 'resolved') result.reopened.push(next);
      else if (previous.state !== state && state === 'exempted') result.exempted.push(next);
      else {
        result.unchanged += 1;
        // Seen again as it was: nothing to write (the run record says it was seen).
        if (previous.state === state && sameContent(previous, next)) continue;
      }
      writes.set(key, next);
    }
    for (const f of stored.values()) {
      if (seen.has(f.key) || f.state === 'resolved') continue;
      if (options.readCompletely(f.readScope) && !options.keep?.(f)) {
        const resolved: Finding = {
          ...f,
          state: 'resolved',
          resolvedAt: stamp,
          evidence: options.resolvedBy ? { ...f.evidence, resolvedBy: options.resolvedBy } : f.evidence,
        };
        result.resolved.push(resolved);
        writes.set(f.key, resolved);
      } else {
        result.keptUnverified += 1;
      }
    }
    // A moved row nothing above rewrote (unchanged, kept, or outside this view) moves as it is.
    for (const [key, f] of moved) if (!writes.has(key)) writes.set(key, f);
    await this.write([...writes.values()]);
    await this.delete(deletes);
    result.written = writes.size;
    result.deleted = deletes.length;
    return result;
  }

  /** Every row, with the partition it is in (to find rows of the earlier layout). */
  private async listRows(): Promise<Array<{ partitionKey: string; finding: Finding }>> {
    const table = await this.table();
    const out: Array<{ partitionKey: string; finding: Finding }> = [];
    for await (const e of table.listEntities<FindingEntity>())
      out.push({ partitionKey: e.partitionKey, finding: fromEntity(e) });
    return out;
  }

  private async delete(keys: ReadonlyArray<{ partitionKey: string; rowKey: string }>): Promise<void> {
    if (keys.length === 0) return;
    const table = await this.table();
    const byPartition = new Map<string, Array<{ partitionKey: string; rowKey: string }>>();
    for (const k of keys) {
      const list = byPartition.get(k.partitionKey);
      if (list) list.push(k);
      else byPartition.set(k.partitionKey, [k]);
    }
    await mapLimit([...byPartition.values()], 8, async (list) => {
      for (let i = 0; i < list.length; i += 100)
        await table.submitTransaction(list.slice(i, i + 100).map((k): TransactionAction => ['delete', k]));
    });
  }

  private async write(findings: readonly Finding[]): Promise<void> {
    const table = await this.table();
    const byPartition = new Map<string, FindingEntity[]>();
    for (const f of findings) {
      const e = toEntity(f);
      const list = byPartition.get(e.partitionKey);
      if (list) list.push(e);
      else byPartition.set(e.partitionKey, [e]);
    }
    // A transaction holds one partition; different partitions are written side by side (a large
    // tenant's first run writes a few hundred of them).
    await mapLimit([...byPartition.values()], 8, async (entities) => {
      for (const batch of planBatches(entities))
        await table.submitTransaction(batch.map((e): TransactionAction => ['upsert', e, 'Replace']));
    });
  }
}
