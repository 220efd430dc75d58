import { HttpRequest } from '@azure/functions';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { actOnLink, attestFromCli } from '../../shared/app/attestation';
import { notify } from '../../shared/app/notify';
import { reconcile } from '../../shared/app/reconcile';
import { newClaim, signClaim, verifyToken } from '../../shared/attest/links';
import { Outbox } from '../../shared/notify/outbox';
import { secretsAtRest, workingTokens } from '../support/secrets-at-rest';
import { AttestationStore } from '../../shared/attest/store';
import { FindingStore } from '../../shared/findings/store';
import type { Tables } from '../../shared/storage/tables';
import { attestHttp } from '../../functions/attest';
import { notifyThroughEmulator } from '../support/notify';
import { tenantFor, useContosoEmulator } from '../support/emulator';
import { runFunction } from '../support/functions';
import { SAMPLE_NOW } from '../support/sample';
import { tablesWithSampleBaseline } from '../support/tables';

const KEY = 'test-attestation-key-0123456789-abcdefghijklmnop';
const HR_SYNC = '10000000-0000-4000-8000-000000000012';
const BASE = 'http://localhost/api/attest';

describe('one-click attestation links (digest → attest function → state), emulator + Azurite', () => {
  const env = useContosoEmulator();
  let tables: Tables;
  const runtimeSettings = { WIMON_ATTESTATION_KEY: KEY };

  /** GET or POST the link through the real function handler; returns status and page. */
  const follow = async (
    link: string,
    method: 'GET' | 'POST',
    settings: Record<string, string> = runtimeSettings,
  ) => {
    const token = new URL(link).searchParams.get('t')!;
    let response: { status?: number; body?: unknown } = {};
    await runFunction(
      'attest',
      tables,
      env.get(),
      async (context) => {
        response = await attestHttp(
          method === 'GET'
            ? new HttpRequest({ method, url: link })
            : new HttpRequest({
                method,
                url: BASE,
                body: { string: new URLSearchParams({ t: token }).toString() },
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
              }),
          context,
        );
      },
      settings,
    );
    return { status: response.status, html: String(response.body) };
  };

  /** hr-sync's review is overdue; its owner judy gets a digest with links. */
  const judysLinks = async () => {
    await reconcile({
      tables,
      tenant: tenantFor(env.get()),
      evaluateAt: SAMPLE_NOW,
      clock: () => SAMPLE_NOW,
    });
    env.get().receivedEmails.length = 0;
    // Sent at the wall clock's time: the links are followed through the attest function, which
    // (like Azure) judges them by the wall clock. Both move together under a shifted clock.
    await notifyThroughEmulator(env.get(), tables, new Date(), { links: { baseUrl: BASE, key: KEY } });
    const mail = env.get().receivedEmails.find((e) => e.to.includes('judy@contoso.com'))!;
    const stillNeeded = /Still needed until (\d{4}-\d{2}-\d{2}): (\S+)/.exec(mail.text)!;
    const snooze = /Snooze for 7 days: (\S+)/.exec(mail.text)!;
    return { until: stillNeeded[1]!, attest: stillNeeded[2]!, snooze: snooze[1]!, mail };
  };

  beforeEach(async () => {
    tables = await tablesWithSampleBaseline();
  });

  it('a valid link: GET only asks, POST records who and when, and the review is no longer overdue', async () => {
    const { attest, until, mail } = await judysLinks();
    expect(mail.html).toContain('Still needed until');
    const asked = await follow(attest, 'GET');
    expect(asked.status).toBe(200);
    expect(asked.html).toContain('hr-sync is still needed until');
    expect(asked.html).toContain('<form method="post">');
    expect(await new AttestationStore(tables).list()).toEqual([]); // a mail scanner's GET changes nothing

    const done = await follow(attest, 'POST');
    expect(done.status).toBe(200);
    expect(done.html).toContain(`hr-sync is still needed until ${until} (confirmed by judy@contoso.com)`);
    const [record] = await new AttestationStore(tables).list(HR_SYNC);
    expect(record).toMatchObject({ action: 'attest', by: 'judy@contoso.com', source: 'link', until });

    const after = await reconcile({
      tables,
      tenant: tenantFor(env.get()),
      evaluateAt: SAMPLE_NOW,
      clock: () => SAMPLE_NOW,
    });
    expect(after.sync.resolved.map((f) => `${f.ruleId} ${f.identity.name}`)).toEqual([
      'identity.review-overdue hr-sync',
    ]);
  });

  it('no table holds a working link or the key: links are signed only as the notice is sent', async () => {
    const { attest, snooze, mail } = await judysLinks();
    // The scanner finds the links where they belong (the sent email): it can find them.
    expect(workingTokens(mail.html + mail.text, KEY, new Date()).length).toBeGreaterThanOrEqual(2);
    expect(workingTokens(`${attest} ${snooze}`, KEY, new Date())).toHaveLength(2);
    const atRest = await secretsAtRest(inject('azuriteConnectionString'), tables.prefix, KEY, new Date());
    expect(atRest.tables).toEqual(expect.arrayContaining([`${tables.prefix}outbox`]));
    expect(atRest.rows).toBeGreaterThan(0);
    expect(atRest.tokens).toEqual([]);
    expect(atRest.keyFound).toEqual([]);
    // The stored notice still says where each link goes (a placeholder holding the unsigned claim).
    const [stored] = (await new Outbox(tables).notices()).filter((n) => n.recipient === 'judy@contoso.com');
    expect(stored!.text).toMatch(
      /Still needed until \d{4}-\d{2}-\d{2}: \ufdd0wimon-link:[A-Za-z0-9_-]+\ufdd1/,
    );
  });

  it('a retired identity is offered no "still needed" link (it is to be removed); an active one is', async () => {
    const { mail } = await judysLinks();
    expect(mail.text).toMatch(/hr-sync\n {2}Azure portal: \S+\n {2}Still needed until/);
    const erin = env.get().receivedEmails.find((e) => e.to.includes('erin@contoso.com'))!;
    const section = erin.text.slice(erin.text.indexOf('\nold-importer\n'));
    expect(section).toMatch(/^\nold-importer\n {2}Azure portal: /);
    expect(section.split('\n\n')[0]).not.toContain('Still needed');
    expect(erin.html).toContain('>old-importer</h2>');
    const oldImporterHtml = erin.html.slice(erin.html.indexOf('>old-importer</h2>'));
    expect(oldImporterHtml.slice(0, oldImporterHtml.indexOf('<h2', 10) >>> 0)).not.toContain('Still needed');
  });

  it('a link has one spelling: padded, base64 or re-bitted signatures are refused', async () => {
    const { attest } = await judysLinks();
    const token = new URL(attest).searchParams.get('t')!;
    const [payload, signature] = token.split('.') as [string, string];
    const raw = Buffer.from(signature, 'base64url');
    const last = signature.slice(-1);
    // 32 bytes: the last of 43 characters carries 4 bits, the other 2 are free; flip them.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const rebitted = alphabet[alphabet.indexOf(last) ^ 1]!;
    const variants = [
      `${payload}.${signature}=`,
      `${payload}.${raw.toString('base64')}`,
      `${payload}.${signature.slice(0, -1)}${rebitted}`,
      `${payload}=.${signature}`,
      ` ${payload}.${signature}`,
    ];
    expect(new Set(variants.map((v) => Buffer.from(v.split('.')[1]!, 'base64url').toString('hex')))).toEqual(
      new Set([raw.toString('hex')]),
    ); // each decodes to the same signature bytes
    for (const v of variants) expect(verifyToken(v, KEY, new Date()).ok, v).toBe(false);
    expect(verifyToken(token, KEY, new Date()).ok).toBe(true);
  });

  it('key rotation: a link signed with the previous key works within its lifetime; one signed two rotations ago does not', async () => {
    // Three keys in turn: KEY (two rotations ago), K2 (previous), K3 (current).
    const K2 = 'second-attestation-key-0123456789-abcdefghijklmnop';
    const K3 = 'third-attestation-key-0123456789-abcdefghijklmnopq';
    const { attest } = await judysLinks(); // signed with KEY
    const token = new URL(attest).searchParams.get('t')!;
    const claim = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Parameters<
      typeof signClaim
    >[0];
    const rotatedOnce = { WIMON_ATTESTATION_KEY: K2, WIMON_ATTESTATION_PREVIOUS_KEY: KEY };
    const rotatedTwice = { WIMON_ATTESTATION_KEY: K3, WIMON_ATTESTATION_PREVIOUS_KEY: K2 };
    // After one rotation the link (signed with what is now the previous key) still works…
    expect((await follow(attest, 'GET', rotatedOnce)).status).toBe(200);
    // …after two it does not, and a link signed with the then-previous key does.
    const refused = await follow(attest, 'POST', rotatedTwice);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('It was changed after it was sent');
    expect(await new AttestationStore(tables).list()).toEqual([]);
    const byK2 = `${BASE}?t=${signClaim(claim, K2)}`;
    const done = await follow(byK2, 'POST', rotatedTwice);
    expect(done.status).toBe(200);
    expect(await new AttestationStore(tables).list(HR_SYNC)).toHaveLength(1);
    // without a previous key, only the current key signs
    expect(
      (await follow(`${BASE}?t=${signClaim(claim, K2)}`, 'GET', { WIMON_ATTESTATION_KEY: K3 })).status,
    ).toBe(400);
  });

  it('a tampered link is refused and changes nothing', async () => {
    const { attest } = await judysLinks();
    const url = new URL(attest);
    const [payload, signature] = url.searchParams.get('t')!.split('.');
    const claim = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    claim.until = '2030-01-01';
    url.searchParams.set('t', `${Buffer.from(JSON.stringify(claim)).toString('base64url')}.${signature}`);
    for (const method of ['GET', 'POST'] as const) {
      const r = await follow(url.toString(), method);
      expect(r.status).toBe(400);
      expect(r.html).toContain('It was changed after it was sent');
    }
    expect(await new AttestationStore(tables).list()).toEqual([]);
  });

  it('an expired link is refused and changes nothing', async () => {
    const { attest } = await judysLinks();
    const token = new URL(attest).searchParams.get('t')!;
    const r = await actOnLink(token, { tables, key: KEY, now: new Date(Date.now() + 15 * 86_400_000) });
    expect(r.status).toBe(410);
    expect(await new AttestationStore(tables).list()).toEqual([]);
  });

  it('a replayed link is refused the second time; one record', async () => {
    const { attest } = await judysLinks();
    expect((await follow(attest, 'POST')).status).toBe(200);
    const again = await follow(attest, 'POST');
    expect(again.status).toBe(409);
    expect(again.html).toContain('already been used');
    expect(await new AttestationStore(tables).list()).toHaveLength(1);
  });

  it('a link for someone who does not own the identity is refused and changes nothing', async () => {
    await judysLinks();
    const forBob = newClaim(
      { act: 'attest', oid: HR_SYNC, rcpt: 'bob@contoso.com', until: '2027-01-15' },
      new Date(),
    );
    const r = await follow(`${BASE}?t=${signClaim(forBob, KEY)}`, 'POST');
    expect(r.status).toBe(403);
    expect(await new AttestationStore(tables).list()).toEqual([]);
    // a correctly signed link with another key is tampered, whoever it names
    const foreign = await follow(
      `${BASE}?t=${signClaim(forBob, 'another-key-0123456789-0123456789-0123')}`,
      'POST',
    );
    expect(foreign.status).toBe(400);
  });

  it('the snooze link keeps the finding open, listed and snoozed across reconciles, and out of digests', async () => {
    const { snooze } = await judysLinks();
    const r = await follow(snooze, 'POST');
    expect(r.status).toBe(200);
    const [finding] = await new FindingStore(tables).list({ objectId: HR_SYNC });
    expect(finding!.state).toBe('open');
    expect(finding!.snooze).toMatchObject({ by: 'judy@contoso.com' });
    // a later reconcile keeps the snooze
    await reconcile({
      tables,
      tenant: tenantFor(env.get()),
      evaluateAt: SAMPLE_NOW,
      clock: () => SAMPLE_NOW,
    });
    expect((await new FindingStore(tables).list({ objectId: HR_SYNC }))[0]!.snooze).toMatchObject({
      by: 'judy@contoso.com',
    });
    const [record] = await new AttestationStore(tables).list(HR_SYNC);
    expect(record).toMatchObject({ action: 'snooze', findingKey: finding!.key, source: 'link' });
    // in a monitor that has not mailed judy yet, the snoozed finding is left out of her digest
    const fresh = await tablesWithSampleBaseline();
    await reconcile({
      tables: fresh,
      tenant: tenantFor(env.get()),
      evaluateAt: SAMPLE_NOW,
      clock: () => SAMPLE_NOW,
    });
    const [hrFinding] = await new FindingStore(fresh).list({ objectId: HR_SYNC });
    await new FindingStore(fresh).snooze(hrFinding!.key, hrFinding!.identity.objectId, {
      until: '2026-12-30T00:00:00.000Z',
      by: 'judy@contoso.com',
      at: SAMPLE_NOW.toISOString(),
    });
    const plan = await notify({
      tables: fresh,
      now: SAMPLE_NOW,
      digests: true,
      coalesceMinutes: 0,
      portal: 'https://p',
      dryRun: true,
    });
    expect(plan.planned.some((n) => n.entries.some((e) => e.startsWith(hrFinding!.key)))).toBe(false);
    expect(plan.planned.some((n) => n.recipient === 'judy@contoso.com')).toBe(false);
  });

  it('an attestation never reaches past policy.maxAttestationDays; wimon attest checks who and how far', async () => {
    await judysLinks();
    const far = newClaim(
      { act: 'attest', oid: HR_SYNC, rcpt: 'judy@contoso.com', until: '2031-01-01' },
      SAMPLE_NOW,
    );
    // Signed and acted on as of the sample's date: the 90 days are counted from there.
    const r = await actOnLink(signClaim(far, KEY), {
      tables,
      key: KEY,
      now: new Date(SAMPLE_NOW.getTime() + 3_600_000),
    });
    expect(r.html).toContain('still needed until 2027-02-20'); // 90 days
    await expect(
      attestFromCli({
        tables,
        identity: 'hr-sync',
        until: '2027-01-10',
        by: 'bob@contoso.com',
        now: SAMPLE_NOW,
      }),
    ).rejects.toThrow(/neither an owner of hr-sync nor a security contact/);
    await expect(
      attestFromCli({
        tables,
        identity: 'hr-sync',
        until: '2027-06-01',
        by: 'judy@contoso.com',
        now: SAMPLE_NOW,
      }),
    ).rejects.toThrow(/at most 2027-02-20/);
    const ok = await attestFromCli({
      tables,
      identity: 'hr-sync',
      until: '2027-01-10',
      by: 'Judy@Contoso.com',
      reason: 'quarterly HR import still runs',
      now: SAMPLE_NOW,
    });
    expect(ok).toMatchObject({ by: 'judy@contoso.com', source: 'cli', until: '2027-01-10' });
  });
});
