import { InvocationContext, HttpRequest } from '@azure/functions';
import { describe, expect, inject, it } from 'vitest';
import { parseBaseline } from '../../shared/baseline/parse';
import { BaselineStore } from '../../shared/baseline/store';
import { status } from '../../functions/status';
import { reconcile } from '../../shared/app/reconcile';
import { monitorStatus, scheduleIntervalMs, type MonitorStatus } from '../../shared/app/status';
import { Tables } from '../../shared/storage/tables';
import { tenantFor, useContosoEmulator } from '../support/emulator';
import { runFunction } from '../support/functions';
import { planNotices } from '../support/notify';
import { sampleBaselineText, SAMPLE_NOW } from '../support/sample';
import { tablesWithSampleBaseline, testPrefix } from '../support/tables';

describe('status function (test mode, real Azurite)', () => {
  const env = useContosoEmulator();

  it('reports the baseline in force, and that nothing has run yet', async () => {
    const prefix = testPrefix();
    process.env.WIMON_STORAGE_CONNECTION_STRING = inject('azuriteConnectionString');
    process.env.WIMON_TABLE_PREFIX = prefix;
    const tables = new Tables({ connectionString: inject('azuriteConnectionString'), prefix });
    const applied = await new BaselineStore(tables).apply(
      parseBaseline(sampleBaselineText(), 'b.yaml', SAMPLE_NOW),
      { actor: 'ci', now: SAMPLE_NOW, summary: 's' },
    );
    const logs: string[] = [];
    const context = new InvocationContext({ logHandler: (_level, ...args) => logs.push(args.join(' ')) });
    const response = await status(
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/status' }),
      context,
    );
    expect(response.status).toBe(200);
    expect(response.jsonBody).toEqual({
      baseline: {
        sequence: 1,
        contentHash: applied.contentHash,
        appliedAt: SAMPLE_NOW.toISOString(),
        appliedBy: 'ci',
        identities: 16,
      },
      runs: { reconcile: null, dormancy: null, delta: null },
      openBySeverity: null,
      outbox: { waiting: 0, sending: 0, failed: 0 },
    });
    expect(logs).toEqual(['status: baseline sequence 1; last reconcile none; outbox 0 waiting, 0 failed']);
  });

  it('after a complete and then a partial reconcile, and notices waiting: the last run, its age, completeness, lateness and the backlog', async () => {
    const tables = await tablesWithSampleBaseline();
    const ask = async (settings: Record<string, string> = {}) => {
      let body: MonitorStatus | undefined;
      const lines = await runFunction(
        'status',
        tables,
        env.get(),
        async (context) => {
          body = (
            await status(new HttpRequest({ method: 'GET', url: 'http://localhost/api/status' }), context)
          ).jsonBody as MonitorStatus;
        },
        settings,
      );
      return { body: body!, lines };
    };
    const complete = await reconcile({ tables, tenant: tenantFor(env.get()), evaluateAt: SAMPLE_NOW });
    let { body } = await ask();
    expect(body.runs.reconcile).toMatchObject({ id: complete.run.id, complete: true, gaps: 0, late: false });
    expect(body.runs.reconcile!.ageMinutes).toBeLessThan(5);
    expect(body.openBySeverity).toEqual(complete.run.openBySeverity);

    env.get().addFault({ api: 'arm', path: 'getEntities', status: 500, times: Infinity });
    const partial = await reconcile({ tables, tenant: tenantFor(env.get()), evaluateAt: SAMPLE_NOW });
    env.get().clearFaults();
    expect(partial.run.complete).toBe(false);
    await planNotices(tables, SAMPLE_NOW);
    const asked = await ask({ WIMON_RECONCILE_SCHEDULE: '0 */1 * * * *' });
    body = asked.body;
    expect(body.runs.reconcile).toMatchObject({ id: partial.run.id, complete: false });
    expect(body.runs.reconcile!.gaps).toBeGreaterThan(0);
    expect(body.outbox.waiting).toBeGreaterThan(3);
    expect(asked.lines[0]).toMatch(/last reconcile \d+ min ago, PARTIAL; outbox \d+ waiting, 0 failed$/);

    // Late: the last run ended more than twice the schedule's interval ago (judged at a later "now").
    const later = new Date(Date.parse(partial.run.endedAt) + 3 * 60_000);
    const judged = await monitorStatus(
      tables,
      {
        WIMON_RECONCILE_SCHEDULE: '0 */1 * * * *',
        WIMON_DORMANCY_SCHEDULE: '0 30 5 * * *',
        WIMON_DELTA_SCHEDULE: '0 */5 * * * *',
      },
      later,
    );
    expect(judged.runs.reconcile!.late).toBe(true);
    const onTime = await monitorStatus(
      tables,
      {
        WIMON_RECONCILE_SCHEDULE: '0 0 */6 * * *',
        WIMON_DORMANCY_SCHEDULE: '0 30 5 * * *',
        WIMON_DELTA_SCHEDULE: '0 */5 * * * *',
      },
      later,
    );
    expect(onTime.runs.reconcile!.late).toBe(false);
  });

  it('schedule intervals: every N minutes, every N hours, daily; anything else is not judged', () => {
    expect(scheduleIntervalMs('0 */5 * * * *')).toBe(5 * 60_000);
    expect(scheduleIntervalMs('0 0 */6 * * *')).toBe(6 * 3_600_000);
    expect(scheduleIntervalMs('0 30 5 * * *')).toBe(86_400_000);
    expect(scheduleIntervalMs('0 0 7 * * 1-5')).toBeUndefined();
    expect(scheduleIntervalMs('nonsense')).toBeUndefined();
  });
});
