/**
 * Run records, in table `<prefix>runs`: PK = kind (reconcile, …), RK = inverted start time so the
 * newest run lists first; `record` holds the JSON below.
 */
import type { TableClient } from '@azure/data-tables';
import type { RequestCounts, ScopeCompleteness, UnreadableObject } from '../model/inventory';
import type { Tables } from '../storage/tables';
import { assertEntityWithinLimits } from '../storage/limits';

export interface RunRecord {
  id: string;
  /** reconcile: the full drift check; dormancy: the sign-in log check. */
  kind: 'reconcile' | 'dormancy';
  startedAt: string;
  endedAt: string;
  /** When the rules evaluated time-based conditions (differs from startedAt when replaying a recording). */
  evaluatedAt: string;
  /** Every scope was read completely (objects set aside as unreadable are counted below). */
  complete: boolean;
  scopes: ScopeCompleteness[];
  /** Objects the run could not read (the first UNREADABLE_KEPT of them), and how many there were. */
  unreadable?: UnreadableObject[];
  unreadableCount?: number;
  requests: RequestCounts;
  baseline: { sequence: number | null; contentHash: string; source: string };
  /** Open (not exempted) findings after the run, by rule and by severity. */
  openByRule: Record<string, number>;
  openBySeverity: Record<string, number>;
  exempted: number;
  changes: {
    opened: number;
    reopened: number;
    resolved: number;
    exempted: number;
    unchanged: number;
    keptUnverified: number;
  };
  /** Finding changes sent to the findings topic, when one is configured. */
  published?: { sent: number; error?: string };
  /** Dormancy runs: what the sign-in logs could and could not say. */
  dormancy?: {
    windowDays: number;
    logsCoverFrom: string | null;
    signInRows: number;
    checked: number;
    undetermined: Array<{ objectId: string; name: string; reason: string }>;
  };
}

/** A delta sweep's record: what changed and what was re-checked (no findings summary: it sees only a few identities). */
export interface SweepRecord {
  id: string;
  kind: 'delta';
  startedAt: string;
  endedAt: string;
  mode: 'initial' | 'incremental' | 'resync';
  changedObjects: number;
  rechecked: number;
  opened: number;
  resolved: number;
  requests: RequestCounts;
  purgedEvents: number;
}

/** How many unreadable objects a run record names (the findings name every one). */
export const UNREADABLE_KEPT = 20;

/**
 * What a run did not see, one entry per gap, in the API's or the validator's words: each scope
 * not read completely, then each object that could not be read.
 */
export function gapsOf(run: Pick<RunRecord, 'scopes' | 'unreadable' | 'unreadableCount'>): string[] {
  const unreadable = run.unreadable ?? [];
  const more = (run.unreadableCount ?? unreadable.length) - unreadable.length;
  return [
    ...run.scopes.filter((s) => !s.complete).map((s) => `${s.scope} (${s.error ?? 'not read'})`),
    ...unreadable.map((u) => `${u.source}${u.id ? ` object ${u.id}` : ''} unreadable (${u.problems})`),
    ...(more > 0 ? [`${more} more unreadable objects (see the inventory.unreadable-object findings)`] : []),
  ];
}

const MAX_TIME = 9_999_999_999_999;

export class RunStore {
  constructor(private readonly tables: Tables) {}

  private table(): Promise<TableClient> {
    return this.tables.table('runs');
  }

  async appendSweep(run: SweepRecord): Promise<void> {
    await this.write(run);
  }

  async append(run: RunRecord): Promise<void> {
    await this.write(run);
  }

  private async write(run: RunRecord | SweepRecord): Promise<void> {
    const entity = {
      partitionKey: run.kind,
      rowKey: `${String(MAX_TIME - Date.parse(run.startedAt)).padStart(13, '0')}-${run.id}`,
      record: JSON.stringify(run),
    };
    assertEntityWithinLimits(entity);
    await (await this.table()).createEntity(entity);
  }

  async latestSweeps(limit = 10): Promise<SweepRecord[]> {
    return (await this.latestRecords('delta', limit)) as SweepRecord[];
  }

  async latest(kind: RunRecord['kind'], limit = 10): Promise<RunRecord[]> {
    return (await this.latestRecords(kind, limit)) as RunRecord[];
  }

  private async latestRecords(kind: string, limit: number): Promise<unknown[]> {
    const out: unknown[] = [];
    for await (const e of (await this.table()).listEntities<{ record: string }>({
      queryOptions: { filter: `PartitionKey eq '${kind}'` },
    })) {
      out.push(JSON.parse(e.record) as unknown);
      if (out.length >= limit) break;
    }
    return out;
  }
}
