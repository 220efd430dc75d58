import { beforeEach, describe, expect, it } from 'vitest';
import { notify, type NotifyInput } from '../../shared/app/notify';
import { reconcile } from '../../shared/app/reconcile';
import { emulatorCredential } from '../../shared/azure/clients';
import { FindingStore } from '../../shared/findings/store';
import type { FindingCandidate } from '../../shared/model/finding';
import { communicationServicesTransport, type EmailTransport } from '../../shared/notify/email-transport';
import { Outbox } from '../../shared/notify/outbox';
import type { Tables } from '../../shared/storage/tables';
import { tenantFor, useContosoEmulator } from '../support/emulator';
import { SAMPLE_NOW } from '../support/sample';
import { tablesWithSampleBaseline } from '../support/tables';

const DAY = 86_400_000;
const at = (days: number, minutes = 0) => new Date(SAMPLE_NOW.getTime() + days * DAY + minutes * 60_000);
const REPORTING_APP_CERTS = 'v1.0/applications';

describe('notices: owner digests, security operations alerts and digest, outbox (emulator + Azurite)', () => {
  const env = useContosoEmulator();
  let tables: Tables;
  const received = () => env.get().receivedEmails;
  const transport = (): EmailTransport =>
    communicationServicesTransport(env.get().endpoints.email, emulatorCredential, 'DoNotReply@wimon.test', {
      pollIntervalMs: 5,
      retryOptions: { maxRetries: 1, retryDelayInMs: 5, maxRetryDelayInMs: 10 },
    });
  const run = (now: Date, over: Partial<NotifyInput> = {}) =>
    notify({
      tables,
      now,
      digests: true,
      coalesceMinutes: 0,
      portal: 'https://portal.azure.com',
      email: { transport: transport(), perMinute: 100, perHour: 100 },
      ...over,
    });
  const reconcileAt = (when: Date) =>
    reconcile({ tables, tenant: tenantFor(env.get()), evaluateAt: when, clock: () => when });
  const to = (address: string) => received().filter((e) => e.to.includes(address));
  /** Removes reporting-app's expiring certificate in the tenant; returns the body to put back. */
  const removeReportingCert2026 = () => {
    const apps = env.get().fixture.get('graph', REPORTING_APP_CERTS) as {
      value: Array<Record<string, unknown>>;
    };
    env.get().fixture.set('graph', REPORTING_APP_CERTS, {
      ...apps,
      value: apps.value.map((a) =>
        a.displayName === 'reporting-app'
          ? {
              ...a,
              keyCredentials: (a.keyCredentials as Array<{ displayName: string }>).filter(
                (k) => k.displayName !== 'CN=reporting-cert-2026',
              ),
            }
          : a,
      ),
    });
    return apps;
  };

  beforeEach(async () => {
    tables = await tablesWithSampleBaseline();
    env.get().clearFaults();
    received().length = 0;
  });

  it('one digest per owner, grouped by identity, action first; nothing is repeated', async () => {
    await reconcileAt(SAMPLE_NOW);
    const first = await run(SAMPLE_NOW);
    const owners = first.planned.filter((n) => n.kind === 'owner-digest');
    expect(new Set(owners.map((n) => n.recipient)).size).toBe(owners.length);
    const dave = to('dave@contoso.com');
    expect(dave).toHaveLength(1);
    // reporting-app's three credential findings, under one identity heading, with the action first
    expect(dave[0]!.html.match(/<h2 /g)).toHaveLength(1);
    expect(dave[0]!.html).toContain('>reporting-app</h2>');
    expect(dave[0]!.text).toMatch(
      /- \[MEDIUM\] Certificate 'CN=reporting-cert-2026' on reporting-app expires in 9 days \(2026-12-01\)\.\n {2}Do this: Rotate or remove it\.\n {2}expires in 9 days/,
    );
    // each action once: the rule's generic fix is not printed beside the message's own action
    expect(dave[0]!.text).not.toContain('Rotate the credential before it expires');
    expect(dave[0]!.text).toContain('You get this as owner of reporting-app in the baseline.');
    // the subject counts the findings listed, worst severity first
    const listed = (sev: string) => dave[0]!.text.split(`- [${sev.toUpperCase()}] `).length - 1;
    const expected = ['critical', 'high', 'medium', 'low']
      .filter((sev) => listed(sev) > 0)
      .map((sev) => `${listed(sev)} ${sev}`);
    expect(expected.length).toBeGreaterThan(0);
    expect(dave[0]!.subject).toBe(`[wimon] ${expected.join(', ')}: workload identities you own`);
    // the unbaselined shadow-app has no owner anywhere: security operations get its findings
    expect(to('secops@contoso.com').some((e) => e.html.includes('>shadow-app</h2>'))).toBe(true);

    const count = received().length;
    const again = await run(SAMPLE_NOW);
    expect(again.planned).toEqual([]);
    // a day later nothing is new for any owner: only the security operations digest goes out
    const nextDay = await run(at(1));
    expect(nextDay.sent.map((n) => n.kind)).toEqual(['secops-digest']);
    expect(received()).toHaveLength(count + 1);
  });

  it('expiry cadence: once per window (30/14/7/1), and it stops when the credential is gone', async () => {
    await reconcileAt(SAMPLE_NOW);
    await run(SAMPLE_NOW); // 9 days left: the 14-day window
    const cadence = (when: Date) =>
      run(when).then(() =>
        to('dave@contoso.com').map((e) => /expires in (\d+) days?|expires tomorrow/.exec(e.text)?.[0]),
      );
    expect(await cadence(at(1))).toHaveLength(1); // 8 days left: still the 14-day window, no repeat
    const week = await cadence(at(3)); // 6 days left: the 7-day window
    expect(week).toHaveLength(2);
    expect(to('dave@contoso.com')[1]!.text).toContain('expires in 6 days');
    expect(to('dave@contoso.com')[1]!.text).not.toContain('legacy-export'); // told before

    // the certificate is removed in the tenant: the next reconcile resolves it, no 1-day reminder
    const apps = removeReportingCert2026();
    try {
      await reconcileAt(at(8));
      expect(await cadence(at(8, 60))).toHaveLength(2);
    } finally {
      env.get().fixture.set('graph', REPORTING_APP_CERTS, apps);
    }
  });

  it('after expiry: reminders on the day, a day later and a week later, then none once it is removed', async () => {
    const expiryOf = (when: Date) =>
      reconcileAt(when)
        .then(() => run(when))
        .then(() => to('dave@contoso.com').filter((e) => e.text.includes("'CN=reporting-cert-2026'")));
    // reporting-cert-2026 ends 2026-12-01T00:00Z
    expect((await expiryOf(at(9))).at(-1)!.text).toContain('expired today');
    expect(await expiryOf(at(9, 600))).toHaveLength(1); // same day: nothing new
    expect((await expiryOf(at(10))).at(-1)!.text).toContain('expired 1 day ago');
    expect(await expiryOf(at(12))).toHaveLength(2); // +3 days: nothing new
    expect((await expiryOf(at(16))).at(-1)!.text).toContain('expired 7 days ago');
    expect(await expiryOf(at(16))).toHaveLength(3);
    const apps = removeReportingCert2026();
    try {
      expect(await expiryOf(at(30))).toHaveLength(3); // removed: resolved, no further reminder
    } finally {
      env.get().fixture.set('graph', REPORTING_APP_CERTS, apps);
    }
  });

  it('escalation: an owner action left open for 7 days reaches security operations once', async () => {
    await reconcileAt(SAMPLE_NOW);
    await run(SAMPLE_NOW);
    const before = to('secops@contoso.com').length;
    await run(at(8));
    const digest = to('secops@contoso.com')
      .slice(before)
      .find((e) => e.subject.includes('Daily digest'))!;
    expect(digest.text).toContain('ESCALATED');
    expect(digest.html).toContain('>reporting-app</h2>'); // its expired secret
    expect(digest.html).toContain('>hr-sync</h2>'); // its overdue review
    await run(at(9));
    const next = to('secops@contoso.com')
      .slice(before)
      .filter((e) => e.subject.includes('Daily digest'));
    expect(next).toHaveLength(2);
    expect(next[1]!.text).not.toContain('ESCALATED');
  });

  it('a burst of new critical findings becomes one alert after the coalescing window', async () => {
    const store = new FindingStore(tables);
    const critical = (n: number): FindingCandidate => ({
      ruleId: 'role.privileged-broad',
      severity: 'critical',
      identity: {
        name: null,
        objectId: `ee000000-0000-4000-8000-00000000000${n}`,
        appId: null,
        displayName: `burst-${n}`,
      },
      target: '/subscriptions/11111111-1111-4111-8111-111111111111',
      message: `burst-${n} holds Owner at subscription scope.`,
      evidence: {},
      readScope: 'directory',
    });
    const t0 = at(0);
    await store.sync([critical(1), critical(2), critical(3)], t0, { readCompletely: () => false });
    const alertsOnly = { digests: false, coalesceMinutes: 5 };
    expect((await run(t0, alertsOnly)).sent).toEqual([]); // waiting for the rest of the burst
    await store.sync([critical(1), critical(2), critical(3), critical(4), critical(5)], at(0, 2), {
      readCompletely: () => false,
    });
    const merged = await run(at(0, 2), alertsOnly);
    expect(merged.planned.map((p) => p.merges)).toEqual([true]);
    expect(merged.sent).toEqual([]);
    await run(at(0, 6), alertsOnly);
    expect(received()).toHaveLength(1);
    expect(received()[0]!.subject).toBe('[wimon] ALERT 5 critical: new workload identity drift');
    expect(received()[0]!.html.match(/<h2 /g)).toHaveLength(5);
    await run(at(0, 20), alertsOnly);
    expect(received()).toHaveLength(1);
  });

  it('the outbox survives a failing provider and a crash between send and mark: each notice is delivered exactly once', async () => {
    await reconcileAt(SAMPLE_NOW);
    env.get().addFault({ api: 'email', path: 'emails:send', status: 503, times: Infinity });
    const failing = await run(SAMPLE_NOW);
    expect(failing.sent).toEqual([]);
    expect(failing.retrying.length).toBe(failing.planned.length);
    expect(received()).toHaveLength(0);
    const pending = await new Outbox(tables).notices({ state: 'pending' });
    expect(pending.every((n) => n.lastError?.includes('503'))).toBe(true);
    env.get().clearFaults();

    // The next run asks the provider about each notice tried before (404: never got it) and sends
    // each exactly once.
    const recovered = await run(at(0, 10));
    const all = await new Outbox(tables).notices();
    expect(all.every((n) => n.state === 'sent')).toBe(true);
    expect(received()).toHaveLength(all.length);
    expect(new Set(received().map((e) => e.operationId)).size).toBe(all.length);
    expect(recovered.sent.length).toBe(all.length);
    expect(env.get().requestsByRoute()['GET email /emails/operations/{id}']).toBeGreaterThanOrEqual(
      all.length,
    );
  });

  it('respects the sending limit: the rest waits in the outbox and the result says so', async () => {
    await reconcileAt(SAMPLE_NOW);
    const limits = { email: { transport: transport(), perMinute: 5, perHour: 10 } };
    const limited = await run(SAMPLE_NOW, limits);
    expect(limited.sent).toHaveLength(5);
    expect(limited.queued).toBe(limited.planned.length - 5);
    const sameMinute = await run(at(0, 0.5), {
      email: { transport: transport(), perMinute: 5, perHour: 10 },
    });
    expect(sameMinute.sent).toHaveLength(0);
    const nextMinute = await run(at(0, 2), limits);
    expect(nextMinute.sent).toHaveLength(5); // the hour's 10 are used up now
    const laterSameHour = await run(at(0, 4), {
      email: { transport: transport(), perMinute: 5, perHour: 10 },
    });
    expect(laterSameHour.sent).toHaveLength(0);
    expect(received()).toHaveLength(10);
  });
});
