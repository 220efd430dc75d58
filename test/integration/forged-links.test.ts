/**
 * Tenant text that spells an attestation link placeholder must never be signed (a forged
 * attestation): only placeholders the monitor inserted are. The contoso tenant with a forged
 * placeholder planted, in every spelling one has had, into every tenant-chosen text the monitor
 * reads (display names and descriptions of applications, service principals, credentials and
 * managed identities, federated credential subjects and names), reconciled, checked for
 * dormancy and notified through the emulator's Communication Services: every working link in
 * every email sent must be one the monitor made, for that email's recipient.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fixture } from '../../emulator/fixture';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { reconcile } from '../../shared/app/reconcile';
import { checkDormancy } from '../../shared/app/dormancy';
import { linkPlaceholder, newClaim, type AttestationClaim } from '../../shared/attest/links';
import { notifyThroughEmulator } from '../support/notify';
import { tenantFor } from '../support/emulator';
import { CONTOSO, SAMPLE_NOW } from '../support/sample';
import { tablesWithSampleBaseline } from '../support/tables';
import { workingTokens } from '../support/secrets-at-rest';

const KEY = 'forged-link-test-key-0123456789-abcdefghij';
const TEXT_KEYS = new Set(['displayName', 'description', 'subject', 'customKeyIdentifier', 'notes']);

/** Every string under a tenant-text key, anywhere in the body, gets `planted` appended. */
function plant(value: unknown, planted: string, key?: string): number {
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + plant(v, planted), 0);
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' && TEXT_KEYS.has(k)) {
      (value as Record<string, unknown>)[k] = `${v} ${planted}`;
      n += 1;
    } else n += plant(v, planted, k ?? key);
  }
  return n;
}

describe('a link placeholder planted in tenant text (emulator + Azurite)', () => {
  let emulator: RunningEmulator;
  // Acting for a real owner (judy owns hr-sync) on an identity she does not own, and for secops.
  const forged: AttestationClaim[] = [
    newClaim(
      {
        act: 'attest',
        oid: '10000000-0000-4000-8000-000000000001',
        rcpt: 'judy@contoso.com',
        until: '2030-01-01',
      },
      SAMPLE_NOW,
    ),
    newClaim(
      {
        act: 'attest',
        oid: '10000000-0000-4000-8000-000000000001',
        rcpt: 'secops@contoso.com',
        until: '2030-01-01',
      },
      SAMPLE_NOW,
    ),
  ];
  const encoded = forged.map((c) => Buffer.from(JSON.stringify(c)).toString('base64url'));
  const planted = [
    ...forged.map((c) => linkPlaceholder(c) as string),
    ...encoded.map((e) => `{{wimon-link:${e}}}`),
  ].join(' ');
  let plantedSlots = 0;

  beforeAll(async () => {
    const fixture = Fixture.load(CONTOSO);
    for (const api of ['graph', 'arm'] as const)
      for (const { items } of fixture.collections(api, '')) plantedSlots += plant(items, planted);
    emulator = await startEmulator({ fixture });
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it('no email carries a working link the monitor did not make', async () => {
    expect(plantedSlots).toBeGreaterThan(20);
    const tables = await tablesWithSampleBaseline();
    const tenant = tenantFor(emulator);
    await reconcile({ tables, tenant, evaluateAt: SAMPLE_NOW, clock: () => SAMPLE_NOW });
    await checkDormancy({ tables, tenant: tenantFor(emulator), evaluateAt: SAMPLE_NOW });
    await notifyThroughEmulator(emulator, tables, SAMPLE_NOW, {
      links: { baseUrl: 'https://wimon.test/api/attest', key: KEY },
    });
    const mails = emulator.receivedEmails;
    expect(mails.length).toBeGreaterThan(3);
    // The planted text reached the notices (as inert text): the test looks where it matters.
    expect(
      mails.filter((m) => encoded.some((e) => m.html.includes(e) || m.text.includes(e))).length,
    ).toBeGreaterThan(0);
    let signed = 0;
    for (const mail of mails) {
      for (const token of workingTokens(`${mail.html}\n${mail.text}`, KEY, SAMPLE_NOW)) {
        const claim = JSON.parse(
          Buffer.from(token.split('.')[0]!, 'base64url').toString(),
        ) as AttestationClaim;
        expect(
          forged.map((c) => c.nonce),
          `${mail.to.join()} ${mail.subject}`,
        ).not.toContain(claim.nonce);
        expect(mail.to.map((t) => t.toLowerCase())).toContain(claim.rcpt);
        signed += 1;
      }
    }
    // The monitor's own links still go out (owner digests carry them).
    expect(signed).toBeGreaterThan(0);
  });
});
