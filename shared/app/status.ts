/**
 * What `GET /api/status` reports, so an operator (or an alert's runbook) sees at a glance whether
 * the monitor is working: the baseline in force; the last run of each kind with its age and
 * completeness, and whether it is late for its schedule; open findings by severity (as of the
 * last reconcile); the outbox's backlog and failed notices. Counts and ids only: no tenant text.
 */
import { BaselineStore } from '../baseline/store';
import type { Settings } from '../config/settings';
import { gapsOf, RunStore, type RunRecord, type SweepRecord } from '../findings/runs';
import { Outbox } from '../notify/outbox';
import type { Tables } from '../storage/tables';

export interface RunStatus {
  id: string;
  endedAt: string;
  ageMinutes: number;
  complete: boolean;
  /** Scopes or objects it could not read. */
  gaps: number;
  /** No run has ended within twice the schedule's interval (null: the schedule is not one we can judge). */
  late: boolean | null;
}

export interface MonitorStatus {
  baseline: {
    sequence: number;
    contentHash: string;
    appliedAt: string;
    appliedBy: string;
    identities: number;
  } | null;
  /** The last run of each scheduled kind (a delta sweep is recorded only when it read the whole delta). */
  runs: { reconcile: RunStatus | null; dormancy: RunStatus | null; delta: RunStatus | null };
  openBySeverity: Record<string, number> | null;
  outbox: { waiting: number; sending: number; failed: number };
}

/**
 * The interval of an NCRONTAB schedule (`sec min hour day month weekday`) when it is a simple
 * repeat: every N minutes, every N hours, or once a day. Undefined for anything else.
 */
export function scheduleIntervalMs(schedule: string): number | undefined {
  const f = schedule.trim().split(/\s+/);
  if (f.length !== 6 || f.slice(3).some((x) => x !== '*')) return undefined;
  const [, minute, hour] = f as [string, string, string];
  const every = (field: string) => /^(?:\*|0)\/(\d+)$/.exec(field)?.[1];
  if (every(minute) && hour === '*') return Number(every(minute)) * 60_000;
  if (/^\d+$/.test(minute) && every(hour)) return Number(every(hour)) * 3_600_000;
  if (/^\d+$/.test(minute) && /^\d+$/.test(hour)) return 86_400_000;
  return undefined;
}

function runStatus(run: RunRecord | SweepRecord | undefined, schedule: string, now: Date): RunStatus | null {
  if (!run) return null;
  const age = now.getTime() - Date.parse(run.endedAt);
  const interval = scheduleIntervalMs(schedule);
  const gaps = run.kind === 'delta' ? 0 : gapsOf(run).length;
  return {
    id: run.id,
    endedAt: run.endedAt,
    ageMinutes: Math.floor(age / 60_000),
    complete: gaps === 0,
    gaps,
    late: interval === undefined ? null : age > 2 * interval,
  };
}

export async function monitorStatus(
  tables: Tables,
  settings: Pick<Settings, 'WIMON_RECONCILE_SCHEDULE' | 'WIMON_DORMANCY_SCHEDULE' | 'WIMON_DELTA_SCHEDULE'>,
  now: Date,
): Promise<MonitorStatus> {
  const runs = new RunStore(tables);
  const [current, [reconcile], [dormancy], [delta], backlog] = await Promise.all([
    new BaselineStore(tables).current(),
    runs.latest('reconcile', 1),
    runs.latest('dormancy', 1),
    runs.latestSweeps(1),
    new Outbox(tables).backlog(),
  ]);
  return {
    baseline: current
      ? {
          sequence: current.sequence,
          contentHash: current.contentHash,
          appliedAt: current.appliedAt,
          appliedBy: current.appliedBy,
          identities: current.baseline.identities.length,
        }
      : null,
    runs: {
      reconcile: runStatus(reconcile, settings.WIMON_RECONCILE_SCHEDULE, now),
      dormancy: runStatus(dormancy, settings.WIMON_DORMANCY_SCHEDULE, now),
      delta: runStatus(delta, settings.WIMON_DELTA_SCHEDULE, now),
    },
    openBySeverity: reconcile?.openBySeverity ?? null,
    outbox: { waiting: backlog.pending, sending: backlog.sending, failed: backlog.failed },
  };
}

/** One log line: counts and ids only. */
export function describeStatus(s: MonitorStatus): string {
  const last = s.runs.reconcile;
  return `status: baseline sequence ${s.baseline?.sequence ?? 'none'}; last reconcile ${last ? `${last.ageMinutes} min ago, ${last.complete ? 'complete' : 'PARTIAL'}${last.late ? ', LATE' : ''}` : 'none'}; outbox ${s.outbox.waiting} waiting, ${s.outbox.failed} failed`;
}
