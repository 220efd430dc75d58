/**
 * Every log record of a run carries the run's id, kind and outcome as properties, so an operator
 * can ask Application Insights which runs were partial, when the last complete reconcile ended, or
 * which notice failed (docs/operations.md), and alert on it (infra/app/monitor.bicep) without
 * parsing message text.
 *
 * Records go two ways: to the Functions host's log (the portal's log stream, `func start`), as
 * lines; and as OpenTelemetry log records with attributes, which in Azure the Azure Monitor
 * exporter sends to Application Insights as traces whose customDimensions hold them
 * (telemetry-setup.ts). Why OpenTelemetry and not the host's Application Insights integration: a
 * Node function's `context.log` carries only text (the host adds invocation fields, not ours), so
 * properties need a logger of our own; the OpenTelemetry logs API is the one Microsoft's exporter
 * reads, and tests read the same records from an in-memory exporter.
 */
import { logs, SeverityNumber, type AnyValueMap } from '@opentelemetry/api-logs';
import { flushTelemetry } from './telemetry-setup';

/** The `event` property of the records the alert rules and the documented queries look for. */
export const TELEMETRY_EVENT = {
  runEnded: 'run.ended',
  noticeFailed: 'notice.failed',
  eventHandled: 'event.handled',
  statusRead: 'status.read',
} as const;

export type RunKind = 'reconcile' | 'dormancy' | 'delta' | 'event' | 'notify' | 'status';
export type RunOutcome = 'complete' | 'partial' | 'failed';
type Level = 'info' | 'warn' | 'error';

/** The part of the Functions InvocationContext used here (shared/ does not depend on the host). */
export interface HostLog {
  invocationId: string;
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface RunLine {
  level: Level;
  event: (typeof TELEMETRY_EVENT)[keyof typeof TELEMETRY_EVENT];
  message: string;
  /** More properties of this record (counts, ids; never tenant text or secrets). */
  properties?: Record<string, string | number | boolean>;
}

export interface RunReport {
  runId: string;
  outcome: RunOutcome;
  lines: RunLine[];
}

const SEVERITY: Record<Level, SeverityNumber> = {
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
};

/** One record, to the host's log and as an OpenTelemetry log record. */
export function emit(
  host: HostLog,
  run: { runId: string; runKind: RunKind; outcome: RunOutcome },
  line: RunLine,
): void {
  const write = line.level === 'info' ? host.log : line.level === 'warn' ? host.warn : host.error;
  write.call(host, line.message);
  const attributes: AnyValueMap = {
    event: line.event,
    runId: run.runId,
    runKind: run.runKind,
    outcome: run.outcome,
    invocationId: host.invocationId,
    ...line.properties,
  };
  logs.getLogger('workload-identity-monitor').emit({
    severityNumber: SEVERITY[line.level],
    severityText: line.level.toUpperCase(),
    body: line.message,
    attributes,
  });
}

/**
 * Runs one invocation's work and reports it: each line the work returns carries the run's id,
 * kind and outcome; a run that throws is reported as failed (its id is the invocation's) and the
 * error is thrown on, for the host to count and retry. Records are flushed before the invocation
 * ends: an instance may be frozen or recycled right after, and a partial run must not be lost.
 */
export async function reportRun<T>(
  host: HostLog,
  runKind: RunKind,
  work: () => Promise<{ report: RunReport; value: T }>,
): Promise<T> {
  try {
    const { report, value } = await work();
    for (const line of report.lines)
      emit(host, { runId: report.runId, runKind, outcome: report.outcome }, line);
    return value;
  } catch (error) {
    emit(
      host,
      { runId: host.invocationId, runKind, outcome: 'failed' },
      {
        level: 'error',
        event: TELEMETRY_EVENT.runEnded,
        message: `${runKind} failed: ${error instanceof Error ? error.message : String(error)}`,
      },
    );
    throw error;
  } finally {
    await flushTelemetry();
  }
}
