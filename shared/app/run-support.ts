/** What every evaluating run shares: which baseline it uses, and how its record sums up the store. */
import { EXIT, MonitorError } from '../errors';
import { randomUUID } from 'node:crypto';
import { contentHash } from '../baseline/canonical';
import type { Baseline } from '../baseline/schema';
import { BaselineStore, type AppliedBaseline } from '../baseline/store';
import { UNREADABLE_KEPT, type RunRecord } from '../findings/runs';
import type { SyncResult } from '../findings/store';
import type { Finding } from '../model/finding';
import type { RequestCounts, ScopeCompleteness, UnreadableObject } from '../model/inventory';
import type { Tables } from '../storage/tables';

export class NoBaselineError extends MonitorError {
  readonly exitCode = EXIT.usage;
  readonly transient = false;
  /** `alternative`: what else the command accepts instead, e.g. ' (or pass --baseline FILE)'. */
  constructor(alternative = '') {
    super(`no baseline has been applied yet: run \`wimon baseline apply FILE\` first${alternative}`);
  }
}

// The last baseline parsed, and the storage it came from. One only: a process serves one storage
// account, and a large baseline is hundreds of megabytes parsed; one kept per storage ever used (a
// test run, the benchmark's tenants) would hold each until the process ends.
let lastParsed: { key: string; stored: AppliedBaseline } | undefined;

/** The given baseline (the stored one is not changed), or the stored current one. */
export async function baselineForRun(
  tables: Tables,
  given: { baseline: Baseline; source: string } | undefined,
): Promise<{ baseline: Baseline; info: RunRecord['baseline'] }> {
  if (given)
    return {
      baseline: given.baseline,
      info: { sequence: null, contentHash: contentHash(given.baseline), source: given.source },
    };
  // Parsed once per process and storage, reused while the version in force is the same one.
  const key = `${tables.prefix}|${tables.target.endpoint ?? ''}`;
  const stored = await new BaselineStore(tables).current(
    lastParsed?.key === key ? lastParsed.stored : undefined,
  );
  if (!stored) throw new NoBaselineError();
  lastParsed = { key, stored };
  return {
    baseline: stored.baseline,
    info: { sequence: stored.sequence, contentHash: stored.contentHash, source: 'stored' },
  };
}

export function runRecord(fields: {
  kind: RunRecord['kind'];
  startedAt: Date;
  endedAt: Date;
  evaluatedAt: Date;
  scopes: ScopeCompleteness[];
  /** Objects set aside as unreadable (quarantined). */
  unreadable?: readonly UnreadableObject[];
  requests: RequestCounts;
  baseline: RunRecord['baseline'];
  /** Open and exempted findings after the run. */
  current: readonly Finding[];
  sync: SyncResult;
}): RunRecord {
  const openByRule: Record<string, number> = {};
  const openBySeverity: Record<string, number> = {};
  for (const f of fields.current.filter((x) => x.state === 'open')) {
    openByRule[f.ruleId] = (openByRule[f.ruleId] ?? 0) + 1;
    openBySeverity[f.severity] = (openBySeverity[f.severity] ?? 0) + 1;
  }
  const { sync } = fields;
  return {
    id: randomUUID(),
    kind: fields.kind,
    startedAt: fields.startedAt.toISOString(),
    endedAt: fields.endedAt.toISOString(),
    evaluatedAt: fields.evaluatedAt.toISOString(),
    complete: fields.scopes.every((s) => s.complete),
    scopes: fields.scopes,
    ...(fields.unreadable?.length
      ? { unreadable: fields.unreadable.slice(0, UNREADABLE_KEPT), unreadableCount: fields.unreadable.length }
      : {}),
    requests: fields.requests,
    baseline: fields.baseline,
    openByRule,
    openBySeverity,
    exempted: fields.current.filter((x) => x.state === 'exempted').length,
    changes: {
      opened: sync.opened.length,
      reopened: sync.reopened.length,
      resolved: sync.resolved.length,
      exempted: sync.exempted.length,
      unchanged: sync.unchanged,
      keptUnverified: sync.keptUnverified,
    },
  };
}

/**
 * When a finding is seen: the wall clock, or the evaluation time when that is earlier (a
 * recorded tenant replayed later), so "first seen" is never after "evaluated at".
 */
export function seenAt(clock: Date, evaluateAt: Date): Date {
  return evaluateAt.getTime() < clock.getTime() ? evaluateAt : clock;
}
