/**
 * Findings with a lifecycle, in table `<prefix>findings`:
 *   PK = first 2 hex characters of the key (spreads load over 256 partitions), RK = key
 *   key = sha256(rule, identity object id, target): one finding however often it is seen.
 * Columns: ruleId, severity, state (open|exempted|resolved), objectId, identity (JSON), target,
 * message, evidence (JSON), readScope, exemption (JSON), firstSeen, lastSeen, resolvedAt.
 *
 * `sync` never resolves a finding whose read scope the caller says was not read completely:
 * a partial view is not a clean one.
 */
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
  /** Open findings not seen this time whose scope was not read completely: kept as they were. */
  keptUnverified: number;
}

const EVIDENCE_LIMIT = 30_000;

function toEntity(f: Finding): FindingEntity {
  let evidence = JSON.stringify(f.evidence);
  if (evidence.length > EVIDENCE_LIMIT)
    evidence = JSON.stringify({ truncated: true, preview: evidence.slice(0, EVIDENCE_LIMIT - 100) });
  const entity: FindingEntity = {
    partitionKey: f.key.slice(0, 2),
    rowKey: f.key,
    ruleId: f.ruleId,
    severity: f.severity,
    state: f.state,
    objectId: f.identity.objectId,
    identity: JSON.stringify(f.identity),
    target: f.target,
    message: f.message,
    evidence,
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

  async list(filter: { state?: FindingState; objectId?: string } = {}): Promise<Finding[]> {
    const table = await this.table();
    const clauses: string[] = [];
    if (filter.state) clauses.push(`state eq '${filter.state}'`);
    if (filter.objectId) clauses.push(`objectId eq '${filter.objectId.toLowerCase().replace(/'/g, "''")}'`);
    const out: Finding[] = [];
    for await (const e of table.listEntities<FindingEntity>({
      queryOptions: clauses.length ? { filter: clauses.join(' and ') } : {},
    })) {
      out.push(fromEntity(e));
    }
    return out;
  }

  /** Snoozes one open finding (an owner's attestation link or `wimon attest`); false when it is not open. */
  async snooze(key: string, snooze: NonNullable<Finding['snooze']>): Promise<Finding | undefined> {
    const table = await this.table();
    try {
      const e = await table.getEntity<FindingEntity>(key.slice(0, 2), key);
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
    },
  ): Promise<SyncResult> {
    const stamp = now.toISOString();
    const stored = new Map<string, Finding>();
    for (const f of options.inView ? (await this.list()).filter(options.inView) : await this.list())
      stored.set(f.key, f);
    const result: SyncResult = {
      opened: [],
      reopened: [],
      resolved: [],
      exempted: [],
      unchanged: 0,
      keptUnverified: 0,
    };
    const writes: Finding[] = [];
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
      else result.unchanged += 1;
      writes.push(next);
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
        writes.push(resolved);
      } else {
        result.keptUnverified += 1;
      }
    }
    await this.write(writes);
    return result;
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
