/**
 * What each kind of run reports when it ends, as records with properties (telemetry.ts): one
 * `run.ended` record whose outcome is `complete`, `partial` (something was not read, an event was
 * not judged, a notice failed) or `failed` (the run threw), plus one `notice.failed` record per
 * notice that failed for good. The messages are the lines the host log shows; the properties are
 * what queries and alerts use. Counts and ids only: no tenant text beyond sanitised event ids.
 */
import { gapsOf, type RunRecord } from '../findings/runs';
import { isTransient } from '../errors';
import type { DeltaSweepResult } from './delta-sweep';
import { describeOutcome } from './event-summary';
import { handleEvents, type EventDeps, type EventOutcome } from './handle-events';
import { describeNotify, type NotifyResult } from './notify';
import { describeStatus, type MonitorStatus } from './status';
import { TELEMETRY_EVENT, type RunLine, type RunReport } from './telemetry';

const openCount = (run: RunRecord) => Object.values(run.openBySeverity).reduce((a, b) => a + b, 0);

function findingsRun(run: RunRecord, summary: string): RunReport {
  const gaps = gapsOf(run);
  const line = `${run.kind} ${run.id} ${gaps.length ? 'PARTIAL' : 'complete'}: ${summary}`;
  return {
    runId: run.id,
    outcome: gaps.length ? 'partial' : 'complete',
    lines: [
      {
        // A partial run is a warning, with what it could not read: it must not pass unnoticed.
        level: gaps.length ? 'warn' : 'info',
        event: TELEMETRY_EVENT.runEnded,
        message: gaps.length ? `${line}; not read: ${gaps.join('; ')}` : line,
        properties: {
          open: openCount(run),
          opened: run.changes.opened,
          resolved: run.changes.resolved,
          requests: run.requests.total,
          gaps: gaps.length,
        },
      },
    ],
  };
}

export function reconcileReport(run: RunRecord): RunReport {
  return findingsRun(
    run,
    `${openCount(run)} open (+${run.changes.opened} new, ${run.changes.resolved} resolved), ${run.requests.total} requests`,
  );
}

export function dormancyReport(run: RunRecord): RunReport {
  const d = run.dormancy;
  return findingsRun(
    run,
    `${openCount(run)} open from the sign-in logs (+${run.changes.opened} new, ${run.changes.resolved} resolved), ` +
      `${d?.checked ?? 0} identities checked, ${d?.undetermined.length ?? 0} undetermined, logs from ${d?.logsCoverFrom ?? 'nothing'}`,
  );
}

export function deltaReport(r: DeltaSweepResult): RunReport {
  return {
    runId: r.runId,
    outcome: 'complete',
    lines: [
      {
        level: 'info',
        event: TELEMETRY_EVENT.runEnded,
        message: `delta sweep (${r.mode}): ${r.changedObjects} changed objects, ${r.recheckedIdentities.length} identities re-checked, +${r.opened} -${r.resolved} findings, ${r.requests.total} requests`,
        properties: {
          mode: r.mode,
          changedObjects: r.changedObjects,
          rechecked: r.recheckedIdentities.length,
          opened: r.opened,
          resolved: r.resolved,
          requests: r.requests.total,
        },
      },
    ],
  };
}

function eventLine(o: EventOutcome): RunLine {
  return {
    level: o.status === 'skipped' ? 'warn' : 'info',
    event: TELEMETRY_EVENT.eventHandled,
    message: describeOutcome(o),
    properties: {
      eventStatus: o.status,
      rechecked: o.objectIds.length,
      opened: o.changes.opened.length + o.changes.reopened.length,
      resolved: o.changes.resolved.length,
    },
  };
}

/**
 * Handles one Event Grid delivery and reports it. A transient failure is thrown (Event Grid
 * redelivers; reportRun records it as failed); a permanent one (no baseline yet) is reported as
 * failed and acknowledged: the next reconcile covers it. A skipped event was not judged: partial.
 */
export async function handleEventsReported(
  event: unknown,
  deps: EventDeps,
  invocationId: string,
): Promise<{ report: RunReport; value: EventOutcome[] }> {
  try {
    const outcomes = await handleEvents(event, deps);
    return {
      report: {
        runId: outcomes[0]?.id ?? invocationId,
        outcome: outcomes.some((o) => o.status === 'skipped') ? 'partial' : 'complete',
        lines: outcomes.map(eventLine),
      },
      value: outcomes,
    };
  } catch (error) {
    if (isTransient(error)) throw error;
    return {
      report: {
        runId: invocationId,
        outcome: 'failed',
        lines: [
          {
            level: 'error',
            event: TELEMETRY_EVENT.eventHandled,
            message: `event not processed, not retried: ${error instanceof Error ? error.message : String(error)}`,
          },
        ],
      },
      value: [],
    };
  }
}

export function notifyReport(r: NotifyResult, runId: string): RunReport {
  return {
    runId,
    outcome: r.failed.length ? 'partial' : 'complete',
    lines: [
      {
        level: 'info',
        event: TELEMETRY_EVENT.runEnded,
        message: describeNotify(r),
        properties: {
          planned: r.planned.length,
          stored: r.stored,
          sent: r.sent.length,
          queued: r.queued,
          retrying: r.retrying.length,
          failed: r.failed.length,
        },
      },
      ...r.failed.map((f): RunLine => ({
        level: 'warn',
        event: TELEMETRY_EVENT.noticeFailed,
        message: `notice ${f.id} failed: ${f.error}`,
        properties: { noticeId: f.id },
      })),
    ],
  };
}

export function statusReport(s: MonitorStatus, runId: string): RunReport {
  return {
    runId,
    outcome: 'complete',
    lines: [
      {
        level: 'info',
        event: TELEMETRY_EVENT.statusRead,
        message: describeStatus(s),
        properties: {
          reconcileLate: s.runs.reconcile?.late ?? false,
          outboxFailed: s.outbox.failed,
        },
      },
    ],
  };
}
