/**
 * Every record a run writes carries its run id, kind and outcome as properties (shared/app/
 * telemetry.ts): read here from an in-memory OpenTelemetry exporter, the records Azure Monitor's
 * exporter would send. The handlers run in @azure/functions test mode against Azurite and the
 * emulator; after each kind of run the status function answers with that run.
 */
import { HttpRequest, InvocationContext } from '@azure/functions';
import { logs } from '@opentelemetry/api-logs';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { reconcileTimer } from '../../functions/reconcile';
import { dormancyTimer } from '../../functions/dormancy';
import { deltaSweepTimer } from '../../functions/deltaSweep';
import { eventsTrigger } from '../../functions/events';
import { notifyAlertsTimer } from '../../functions/notify';
import { status } from '../../functions/status';
import { notifyReport } from '../../shared/app/run-reports';
import type { MonitorStatus } from '../../shared/app/status';
import { TELEMETRY_EVENT } from '../../shared/app/telemetry';
import { RunStore } from '../../shared/findings/runs';
import type { Tables } from '../../shared/storage/tables';
import { useContosoEmulator } from '../support/emulator';
import { PROD_SUB, resourceEvent } from '../support/events';
import { runFunction, TIMER } from '../support/functions';
import { SAMPLE_NOW } from '../support/sample';
import { freshTables, tablesWithSampleBaseline } from '../support/tables';

const exporter = new InMemoryLogRecordExporter();

beforeAll(() => {
  logs.setGlobalLoggerProvider(
    new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] }),
  );
});
afterAll(() => logs.disable());

/** The records one invocation wrote (each carries the invocation's id). */
async function invoke(
  name: string,
  tables: Tables,
  emulator: Parameters<typeof runFunction>[2],
  handler: (context: InvocationContext) => Promise<unknown>,
): Promise<{ records: ReadableLogRecord[]; lines: string[]; invocationId: string }> {
  let invocationId = '';
  exporter.reset();
  const lines = await runFunction(name, tables, emulator, async (context) => {
    invocationId = context.invocationId;
    await handler(context);
  });
  const records = exporter.getFinishedLogRecords();
  for (const r of records) expect(r.attributes.invocationId).toBe(invocationId);
  return { records, lines, invocationId };
}

const ended = (records: ReadableLogRecord[]) =>
  records.filter((r) => r.attributes.event === TELEMETRY_EVENT.runEnded);

describe('run telemetry: structured properties on every record, and the status after each kind of run', () => {
  const env = useContosoEmulator();
  let tables: Tables;

  beforeEach(async () => {
    tables = await tablesWithSampleBaseline();
  });

  const askStatus = async () => {
    let body: MonitorStatus | undefined;
    await runFunction('status', tables, env.get(), async (context) => {
      body = (await status(new HttpRequest({ method: 'GET', url: 'http://localhost/api/status' }), context))
        .jsonBody as MonitorStatus;
    });
    return body!;
  };

  it('a complete reconcile, a partial one, an event, a dormancy run, a delta sweep and notices: each record says which run, what kind, how it ended', async () => {
    // 1. A complete reconcile: one run.ended record whose run id is the stored run's.
    const complete = await invoke('reconcile', tables, env.get(), (c) => reconcileTimer(TIMER, c));
    const [completeRun] = await new RunStore(tables).latest('reconcile', 1);
    expect(ended(complete.records)).toHaveLength(1);
    const [c] = ended(complete.records);
    expect(c!.attributes).toMatchObject({
      runId: completeRun!.id,
      runKind: 'reconcile',
      outcome: 'complete',
      gaps: 0,
      requests: completeRun!.requests.total,
    });
    expect(c!.severityText).toBe('INFO');
    expect(c!.body).toBe(complete.lines[0]);
    expect((await askStatus()).runs.reconcile).toMatchObject({
      id: completeRun!.id,
      complete: true,
      gaps: 0,
    });

    // 2. A partial reconcile (the management-group hierarchy unreadable): outcome partial, a warning.
    env.get().addFault({ api: 'arm', path: 'getEntities', status: 500, times: Infinity });
    const partial = await invoke('reconcile', tables, env.get(), (ctx) => reconcileTimer(TIMER, ctx)).finally(
      () => env.get().clearFaults(),
    );
    const [partialRun] = await new RunStore(tables).latest('reconcile', 1);
    const [p] = ended(partial.records);
    expect(p!.attributes).toMatchObject({ runId: partialRun!.id, runKind: 'reconcile', outcome: 'partial' });
    expect(p!.attributes.gaps).toBeGreaterThan(0);
    expect(p!.severityText).toBe('WARN');
    expect(String(p!.body)).toMatch(/PARTIAL.*not read: .*getEntities|PARTIAL.*not read/);
    const afterPartial = await askStatus();
    expect(afterPartial.runs.reconcile).toMatchObject({ id: partialRun!.id, complete: false });

    // 3. An event: one event.handled record per event, its id as the run id.
    const event = await invoke('events', tables, env.get(), (ctx) =>
      eventsTrigger(
        resourceEvent({
          operation: 'write',
          resourceUri: `/subscriptions/${PROD_SUB}/providers/Microsoft.Authorization/roleAssignments/6a000000-0000-4000-8000-0000000000ab`,
          operationName: 'Microsoft.Authorization/roleAssignments/write',
          id: 'telemetry-1',
        }),
        ctx,
      ),
    );
    expect(event.records).toHaveLength(1);
    expect(event.records[0]!.attributes).toMatchObject({
      event: TELEMETRY_EVENT.eventHandled,
      runId: 'telemetry-1',
      runKind: 'event',
      outcome: 'complete',
    });
    // The status still names the last reconcile (an event is not a run of the tenant).
    expect((await askStatus()).runs.reconcile!.id).toBe(partialRun!.id);

    // 4. The dormancy run (judged at the sample's date, like the dormancy tests).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(SAMPLE_NOW);
    const dormancy = await invoke('dormancy', tables, env.get(), (ctx) => dormancyTimer(TIMER, ctx)).finally(
      () => vi.useRealTimers(),
    );
    const [dormancyRun] = await new RunStore(tables).latest('dormancy', 1);
    expect(ended(dormancy.records)[0]!.attributes).toMatchObject({
      runId: dormancyRun!.id,
      runKind: 'dormancy',
      outcome: 'complete',
    });
    expect((await askStatus()).runs.dormancy).toMatchObject({ id: dormancyRun!.id, complete: true });

    // 5. A delta sweep.
    const delta = await invoke('deltaSweep', tables, env.get(), (ctx) => deltaSweepTimer(TIMER, ctx));
    const [sweep] = await new RunStore(tables).latestSweeps(1);
    expect(ended(delta.records)[0]!.attributes).toMatchObject({
      runId: sweep!.id,
      runKind: 'delta',
      outcome: 'complete',
      mode: 'initial',
    });
    expect((await askStatus()).runs.delta).toMatchObject({ id: sweep!.id, complete: true, gaps: 0 });

    // 6. Notices (no email configured: planned and stored, waiting in the outbox).
    const notices = await invoke('notifyAlerts', tables, env.get(), (ctx) => notifyAlertsTimer(TIMER, ctx));
    expect(ended(notices.records)[0]!.attributes).toMatchObject({
      runId: notices.invocationId,
      runKind: 'notify',
      outcome: 'complete',
      failed: 0,
    });
    // No email configured here: every notice stored waits in the outbox, and the status says so.
    const stored = ended(notices.records)[0]!.attributes.stored as number;
    expect(stored).toBeGreaterThan(0);
    expect((await askStatus()).outbox).toEqual({ waiting: stored, sending: 0, failed: 0 });
  });

  it('a run that throws is recorded as failed (with the invocation as its id) and the error reaches the host', async () => {
    const empty = freshTables();
    let seen = '';
    await expect(
      invoke('reconcile', empty, env.get(), (ctx) => {
        seen = ctx.invocationId;
        return reconcileTimer(TIMER, ctx);
      }),
    ).rejects.toThrow(/no baseline/);
    const records = exporter.getFinishedLogRecords();
    expect(records).toHaveLength(1);
    expect(records[0]!.attributes).toMatchObject({
      event: TELEMETRY_EVENT.runEnded,
      runId: seen,
      runKind: 'reconcile',
      outcome: 'failed',
    });
    expect(records[0]!.severityText).toBe('ERROR');
  });

  it('a notice that failed for good gets a record of its own, and makes the run partial', () => {
    const report = notifyReport(
      {
        planned: [],
        stored: 0,
        sent: [],
        queued: 0,
        retrying: [],
        failed: [{ id: 'n-1', error: 'Failed: 400 EmailDroppedAllRecipientsSuppressed' }],
        owners: { checked: 0, replaced: 0 },
      },
      'inv-1',
    );
    expect(report.outcome).toBe('partial');
    expect(report.lines.map((l) => [l.event, l.level, l.properties?.noticeId])).toEqual([
      [TELEMETRY_EVENT.runEnded, 'info', undefined],
      [TELEMETRY_EVENT.noticeFailed, 'warn', 'n-1'],
    ]);
  });
});
