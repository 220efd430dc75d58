/**
 * Security operations cards to a Teams Workflows webhook, through the outbox, against the
 * emulator's webhook (shared-access signature in the URL, 202 Accepted), with Azurite.
 */
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { MAX_ATTEMPTS } from '../../shared/app/notify';
import { FindingStore } from '../../shared/findings/store';
import type { FindingCandidate } from '../../shared/model/finding';
import { Outbox } from '../../shared/notify/outbox';
import { TEAMS_RECIPIENT } from '../../shared/notify/plan-notices';
import { teamsWebhookTransport } from '../../shared/notify/teams-transport';
import type { Tables } from '../../shared/storage/tables';
import { adaptiveCardErrors } from '../support/adaptive-card-schema';
import { reconcileContoso, useContosoEmulator } from '../support/emulator';
import { notifyThroughEmulator } from '../support/notify';
import { SAMPLE_NOW } from '../support/sample';
import { secretsAtRest } from '../support/secrets-at-rest';
import { tablesWithSampleBaseline } from '../support/tables';

const at = (minutes: number) => new Date(SAMPLE_NOW.getTime() + minutes * 60_000);

describe('Teams: security operations alerts and digests as Adaptive Cards (emulator + Azurite)', () => {
  const env = useContosoEmulator();
  let tables: Tables;
  const posts = () => env.get().receivedTeamsPosts;
  const cards = () =>
    posts().map(
      (p) => (p.body as { attachments: Array<{ contentType: string; content: unknown }> }).attachments,
    );
  const run = (now: Date, teamsUrl = env.get().endpoints.teamsWebhook, digests = true) =>
    notifyThroughEmulator(env.get(), tables, now, {
      digests,
      teams: teamsWebhookTransport(teamsUrl, { retryOptions: { maxRetries: 0 } }),
    });

  beforeEach(async () => {
    tables = await tablesWithSampleBaseline();
    await reconcileContoso(env.get(), tables);
    posts().length = 0;
    env.get().receivedEmails.length = 0;
    env.get().clearFaults();
  });

  it('posts one alert card and one digest card, valid Adaptive Cards 1.5, each once; the next alert only has what is new', async () => {
    const first = await run(SAMPLE_NOW);
    expect(first.failed).toEqual([]);
    expect(cards()).toHaveLength(2);
    for (const attachments of cards()) {
      expect(attachments).toHaveLength(1);
      expect(attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(adaptiveCardErrors(attachments[0]!.content)).toEqual([]);
    }
    const bodies = cards().map((a) => JSON.stringify(a[0]!.content));
    const alert = bodies.find((b) => b.includes('New high-severity workload identity drift'));
    const digest = bodies.find((b) => b !== alert);
    expect(alert).toContain('New high-severity workload identity drift');
    expect(digest).toContain('Workload identity digest for 2026-11-22');
    // the same severe findings the email alert lists
    const emailAlert = env.get().receivedEmails.find((e) => e.subject.startsWith('[wimon] ALERT'))!;
    const severe = (emailAlert.text.match(/^- \[(CRITICAL|HIGH)\]/gm) ?? []).length;
    expect(severe).toBeGreaterThan(3);
    expect((alert!.match(/"Do this: "/g) ?? []).length).toBe(Math.min(severe, 20));

    // nothing new: nothing posted again (the ledger has the Teams recipient's entries too)
    await run(at(5), undefined, false);
    expect(cards()).toHaveLength(2);

    // one new critical finding: the next alert (card and email) lists only it
    const store = new FindingStore(tables);
    const current = (await store.list({ state: 'open' })).map(
      ({ ruleId, severity, identity, target, message, evidence, readScope }) => ({
        ruleId,
        severity,
        identity,
        target,
        message,
        evidence,
        readScope,
      }),
    ) as FindingCandidate[];
    const burst: FindingCandidate = {
      ruleId: 'role.privileged-broad',
      severity: 'critical',
      identity: {
        name: null,
        objectId: 'ee000000-0000-4000-8000-000000000009',
        appId: null,
        displayName: 'burst-9',
      },
      target: '/subscriptions/11111111-1111-4111-8111-111111111111',
      message:
        'burst-9 holds Owner at subscription scope /subscriptions/11111111-1111-4111-8111-111111111111: narrow it.',
      evidence: {},
      readScope: 'directory',
    };
    await store.sync([...current, burst], at(10), { readCompletely: () => false });
    env.get().receivedEmails.length = 0;
    await run(at(10), undefined, false);
    expect(cards()).toHaveLength(3);
    const second = JSON.stringify(cards()[2]![0]!.content);
    expect(second).toContain('burst-9');
    expect((second.match(/"Do this: "/g) ?? []).length).toBe(1);
    const secondEmail = env.get().receivedEmails.find((e) => e.subject.startsWith('[wimon] ALERT'))!;
    expect(secondEmail.subject).toBe('[wimon] ALERT 1 critical: new workload identity drift');
    expect(secondEmail.text.match(/^- \[/gm)).toHaveLength(1);
  });

  it('a failing webhook is retried with backoff and the card goes out once; a refused one (401) is failed at once', async () => {
    env.get().addFault({ api: 'workflows', status: 503, times: 2 });
    const failing = await run(SAMPLE_NOW);
    const teamsNotices = (await new Outbox(tables).notices()).filter((n) => n.recipient === TEAMS_RECIPIENT);
    expect(teamsNotices).toHaveLength(2);
    expect(failing.retrying.map((r) => r.id).sort()).toEqual(teamsNotices.map((n) => n.id).sort());
    expect(posts()).toHaveLength(0);
    await run(at(3));
    expect(posts()).toHaveLength(2);
    await run(at(60));
    expect(posts()).toHaveLength(2);

    // a wrong signature: 401, not worth retrying; the error names the host, never the signature
    const fresh = await tablesWithSampleBaseline();
    tables = fresh;
    await reconcileContoso(env.get(), tables);
    const wrong = env.get().endpoints.teamsWebhook.replace(/sig=[^&]+/, 'sig=not-the-signature');
    const refused = await run(SAMPLE_NOW, wrong);
    expect(refused.failed.length).toBe(2);
    for (const f of refused.failed) {
      expect(f.error).toMatch(/HTTP 401/);
      expect(f.error).toContain(new URL(wrong).host);
      expect(f.error).not.toContain('not-the-signature');
    }
  });

  it(`a webhook that keeps failing: each card is tried MAX_ATTEMPTS times with backoff, then failed (dead)`, async () => {
    env.get().addFault({ api: 'workflows', status: 503, times: Infinity });
    let minutes = 0;
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
      await run(at(minutes), undefined, i === 0);
      minutes += 2 ** (i + 1) + 1; // past each backoff (2, 4, 8… minutes)
    }
    const teamsNotices = (await new Outbox(tables).notices()).filter((n) => n.recipient === TEAMS_RECIPIENT);
    expect(teamsNotices.map((n) => [n.state, n.attempts])).toEqual(
      teamsNotices.map(() => ['failed', MAX_ATTEMPTS]),
    );
    expect(posts()).toHaveLength(0);
  });

  it('the webhook URL (its signature) is in no table', async () => {
    await run(SAMPLE_NOW);
    const sig = new URL(env.get().endpoints.teamsWebhook).searchParams.get('sig')!;
    const atRest = await secretsAtRest(inject('azuriteConnectionString'), tables.prefix, sig, SAMPLE_NOW);
    expect(atRest.rows).toBeGreaterThan(0);
    expect(atRest.keyFound).toEqual([]);
  });
});
