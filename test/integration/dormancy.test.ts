import { beforeEach, describe, expect, it, vi } from 'vitest';
import { checkDormancy } from '../../shared/app/dormancy';
import { reconcile } from '../../shared/app/reconcile';
import { FindingStore } from '../../shared/findings/store';
import { RunStore } from '../../shared/findings/runs';
import type { Tables } from '../../shared/storage/tables';
import { dormancyTimer } from '../../functions/dormancy';
import { tenantFor, useContosoEmulator } from '../support/emulator';
import { SAMPLE_NOW } from '../support/sample';
import { tablesWithSampleBaseline } from '../support/tables';
import { runFunction, TIMER } from '../support/functions';

const MI_LOG = 'AADManagedIdentitySignInLogs';
const EXPECTED = [
  'credential.unused payments-ci',
  'identity.dormant analytics-batch',
  'identity.dormant legacy-scheduler',
  'identity.dormant shadow-app',
  'identity.never-signed-in web-frontend',
];
const names = (
  findings: Array<{ ruleId: string; identity: { name: string | null; displayName: string | null } }>,
) => findings.map((f) => `${f.ruleId} ${f.identity.name ?? f.identity.displayName}`).sort();

describe('dormancy check (emulator: ARM, Graph, Log Analytics + Azurite)', () => {
  const env = useContosoEmulator();
  let tables: Tables;
  const run = () => checkDormancy({ tables, tenant: tenantFor(env.get()), evaluateAt: SAMPLE_NOW });

  beforeEach(async () => {
    tables = await tablesWithSampleBaseline();
    env.get().clearFaults();
  });

  it('finds the seeded dormant and never-signed-in identities with one Log Analytics query', async () => {
    const { run: record, findings } = await run();
    expect(names(findings)).toEqual(EXPECTED);
    expect(record.complete).toBe(true);
    expect(record.requests.logs).toBe(1);
    expect(record.dormancy).toMatchObject({ windowDays: 180, logsCoverFrom: '2026-06-01T00:05:00.000Z' });
    expect(record.dormancy.undetermined).toEqual([]);
    const byName = new Map(findings.map((f) => [f.identity.name ?? f.identity.displayName, f]));
    // an application from the service principal log, a managed identity from its own log
    expect(byName.get('legacy-scheduler')!.evidence).toMatchObject({
      lastSuccessfulSignIn: '2026-06-20T03:00:00.000Z',
      signInLog: 'AADServicePrincipalSignInLogs',
      dormantAfterDays: 90,
    });
    expect(byName.get('analytics-batch')!.evidence).toMatchObject({
      signInLog: MI_LOG,
      dormantAfterDays: 45,
    });
    // the record from April lies before the queried range: shadow-app counts as not signed in
    expect(byName.get('shadow-app')!.evidence).toMatchObject({ lastSuccessfulSignIn: null });
    expect(byName.get('web-frontend')!.message).toContain('was created on 2026-07-01');
    expect((await new RunStore(tables).latest('dormancy'))[0]!.id).toBe(record.id);
  });

  it('is idempotent, and the reconcile and the dormancy check never resolve each other’s findings', async () => {
    await run();
    const second = await run();
    expect(second.run.changes).toMatchObject({ opened: 0, resolved: 0, unchanged: 5 });
    const rec = await reconcile({ tables, tenant: tenantFor(env.get()), evaluateAt: SAMPLE_NOW });
    expect(rec.sync.resolved).toEqual([]);
    const third = await run();
    expect(third.sync.resolved).toEqual([]);
    const open = await new FindingStore(tables).list({ state: 'open' });
    expect(
      open.filter((f) => f.ruleId.startsWith('identity.dormant') || f.ruleId === 'identity.never-signed-in'),
    ).toHaveLength(4);
    expect(open).toHaveLength(36);
  });

  it('a new successful sign-in resolves the finding; the identity keeps its first-seen time if it lapses again', async () => {
    const first = await run();
    const original = env.get().fixture.get('logs', MI_LOG) as Array<Record<string, unknown>>;
    const batch = original.find((r) => r.ServicePrincipalName === 'id-analytics-batch')!;
    env.get().fixture.set('logs', MI_LOG, [...original, { ...batch, TimeGenerated: '2026-11-21T01:00:00Z' }]);
    try {
      const second = await run();
      expect(names(second.sync.resolved)).toEqual(['identity.dormant analytics-batch']);
    } finally {
      env.get().fixture.set('logs', MI_LOG, original);
    }
    const third = await run();
    expect(names(third.sync.reopened)).toEqual(['identity.dormant analytics-batch']);
    const key = first.findings.find((f) => f.identity.name === 'analytics-batch')!.key;
    expect(third.findings.find((f) => f.key === key)!.firstSeen).toBe(
      first.findings.find((f) => f.key === key)!.firstSeen,
    );
  });

  it('a partial result (HTTP 200 with PartialError) raises nothing, resolves nothing and marks the run partial', async () => {
    env.get().addFault({ api: 'logs', status: 200, partialResult: true });
    const partial = await run();
    expect(partial.findings).toEqual([]);
    expect(partial.run.complete).toBe(false);
    const scope = partial.run.scopes.find((s) => s.kind === 'signInLogs')!;
    expect(scope).toMatchObject({ complete: false });
    expect(scope.error).toMatch(/partial result from Log Analytics: PartialError/);

    await run(); // a complete run raises the four
    env.get().addFault({ api: 'logs', status: 200, partialResult: true });
    const again = await run();
    expect(again.sync.resolved).toEqual([]);
    expect(again.sync.keptUnverified).toBe(5);
    expect(names(again.findings)).toEqual(EXPECTED);
  });

  it('a failed query (a sign-in table missing from the workspace) is reported, not read as "nobody signed in"', async () => {
    await run();
    const original = env.get().fixture.get('logs', MI_LOG);
    env.get().fixture.set('logs', MI_LOG, undefined);
    try {
      const failed = await run();
      const scope = failed.run.scopes.find((s) => s.kind === 'signInLogs')!;
      expect(scope.complete).toBe(false);
      expect(scope.error).toMatch(/HTTP 400 .*AADManagedIdentitySignInLogs/);
      expect(failed.sync.resolved).toEqual([]);
      expect(failed.sync.opened).toEqual([]);
    } finally {
      env.get().fixture.set('logs', MI_LOG, original);
    }
  });

  it('throttling (429 with Retry-After) is retried by the SDK and the run completes', async () => {
    env.get().addFault({ api: 'logs', status: 429, retryAfterSeconds: 0 });
    const result = await run();
    expect(result.run.complete).toBe(true);
    expect(result.run.requests.logs).toBe(2);
    expect(names(result.findings)).toEqual(EXPECTED);
  });

  it('without a workspace it says which setting is missing', async () => {
    await expect(
      checkDormancy({
        tables,
        tenant: { ...tenantFor(env.get()), logAnalyticsWorkspaceId: undefined },
        evaluateAt: SAMPLE_NOW,
      }),
    ).rejects.toThrow(/set WIMON_LOG_ANALYTICS_WORKSPACE_ID/);
  });

  it('the daily timer function runs the same check in @azure/functions test mode', async () => {
    // The timer judges "now": pinned to the sample's date (only Date is faked; I/O timers run).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(SAMPLE_NOW);
    const lines = await runFunction('dormancy', tables, env.get(), (context) =>
      dormancyTimer(TIMER, context),
    ).finally(() => vi.useRealTimers());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^dormancy \S+ complete: 5 open from the sign-in logs \(\+5 new, 0 resolved\), 14 identities checked, 0 undetermined/,
    );
    expect(names(await new FindingStore(tables).list({ state: 'open' }))).toEqual(EXPECTED);
  });
});
