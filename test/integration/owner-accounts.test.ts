/**
 * The owner chain against the emulator (Graph users and managers through $batch) and Azurite:
 * a disabled owner's notices go to their manager, a deleted owner's to the manager they had,
 * and the manager may use the attestation links those notices carry.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { reconcile } from '../../shared/app/reconcile';
import { actOnLink } from '../../shared/app/attestation';
import { FindingStore } from '../../shared/findings/store';
import { GraphReader } from '../../shared/inventory/graph-reader';
import { OwnerAccountStore } from '../../shared/notify/owner-accounts';
import type { Tables } from '../../shared/storage/tables';
import { notifyThroughEmulator } from '../support/notify';
import { clientsFor, tenantFor, useContosoEmulator } from '../support/emulator';
import { SAMPLE_NOW } from '../support/sample';
import { tablesWithSampleBaseline } from '../support/tables';

const KEY = 'k'.repeat(40);
const USERS = 'v1.0/users';

describe('owner accounts and the notice chain (emulator + Azurite)', () => {
  const env = useContosoEmulator();
  let tables: Tables;
  const graph = () => new GraphReader(clientsFor(env.get()).graph(), { sleep: async () => undefined });
  const send = (now: Date) =>
    notifyThroughEmulator(env.get(), tables, now, {
      directory: clientsFor(env.get()),
      links: { baseUrl: 'http://localhost:7071/api/attest', key: KEY },
    });

  beforeEach(async () => {
    tables = await tablesWithSampleBaseline();
    env.get().clearFaults();
    env.get().receivedEmails.length = 0;
  });

  it('looks owners up in $batches: enabled, disabled with a manager, and addresses that are not users', async () => {
    env.get().resetRequests();
    const addresses = ['alice@contoso.com', 'bob@contoso.com', 'frank@contoso.com', 'secops@contoso.com'];
    const { accounts, error } = await new OwnerAccountStore(tables).refresh(graph(), addresses, SAMPLE_NOW);
    expect(error).toBeUndefined();
    expect(accounts.get('alice@contoso.com')).toMatchObject({
      state: 'active',
      manager: { address: 'carol@contoso.com' },
    });
    expect(accounts.get('bob@contoso.com')).toMatchObject({
      state: 'disabled',
      manager: { address: 'carol@contoso.com' },
    });
    expect(accounts.get('frank@contoso.com')).toMatchObject({ state: 'active', manager: null }); // no manager: 404
    expect(accounts.get('secops@contoso.com')).toMatchObject({ state: 'unknown' });
    // one $batch for the four lookups, one for the three managers
    expect(env.get().requestCount('graph')).toBe(2);
    expect((await new OwnerAccountStore(tables).load()).size).toBe(3);
  });

  it('an owner deleted since the last run is "gone", with the manager recorded when last seen', async () => {
    const store = new OwnerAccountStore(tables);
    await store.refresh(graph(), ['erin@contoso.com'], SAMPLE_NOW);
    const users = env.get().fixture.get('graph', USERS) as { value: Array<{ mail: string }> };
    env.get().fixture.set('graph', USERS, {
      ...users,
      value: users.value.filter((u) => u.mail !== 'erin@contoso.com'),
    });
    try {
      const { accounts } = await store.refresh(
        graph(),
        ['erin@contoso.com'],
        new Date(SAMPLE_NOW.getTime() + 86_400_000),
      );
      expect(accounts.get('erin@contoso.com')).toMatchObject({
        state: 'gone',
        manager: { address: 'grace@contoso.com' },
        lastSeen: SAMPLE_NOW.toISOString(),
      });
    } finally {
      env.get().fixture.set('graph', USERS, users);
    }
  });

  it('a failed lookup (no User.Read.All) writes nothing and the notices go to the owners as declared', async () => {
    await reconcile({
      tables,
      tenant: tenantFor(env.get()),
      evaluateAt: SAMPLE_NOW,
      clock: () => SAMPLE_NOW,
    });
    env.get().addFault({ api: 'graph', path: '/users', status: 403, times: Infinity });
    const result = await send(SAMPLE_NOW);
    expect(result.owners.error).toMatch(/403/);
    expect(await new OwnerAccountStore(tables).load()).toEqual(new Map());
    expect(env.get().receivedEmails.some((e) => e.to.includes('bob@contoso.com'))).toBe(true);
    expect(
      env
        .get()
        .receivedEmails.some(
          (e) => e.to.includes('carol@contoso.com') && e.text.includes('legacy-scheduler'),
        ),
    ).toBe(false);
  });

  it("a disabled owner's findings reach their manager, who may use the digest's links", async () => {
    await reconcile({
      tables,
      tenant: tenantFor(env.get()),
      evaluateAt: SAMPLE_NOW,
      clock: () => SAMPLE_NOW,
    });
    const result = await send(SAMPLE_NOW);
    expect(result.owners).toMatchObject({ replaced: 1 });
    expect(result.owners.checked).toBeGreaterThan(5);
    expect(env.get().receivedEmails.some((e) => e.to.includes('bob@contoso.com'))).toBe(false);
    const carol = env.get().receivedEmails.find((e) => e.to.includes('carol@contoso.com'))!;
    expect(carol.text).toContain(
      'You get this as manager of bob@contoso.com, who is disabled in Entra (owner of legacy-scheduler in the baseline).',
    );
    // carol's snooze link for legacy-scheduler's finding is honoured: she stands in for bob
    const section = carol.text.slice(carol.text.indexOf('legacy-scheduler'));
    const snooze = /Snooze for 7 days: \S+\?t=(\S+)/.exec(section)!;
    const page = await actOnLink(snooze[1]!, { tables, key: KEY, now: SAMPLE_NOW });
    expect(page.status).toBe(200);
    const snoozed = (await new FindingStore(tables).list({ state: 'open' })).filter((f) => f.snooze);
    expect(snoozed).toHaveLength(1);
    expect(snoozed[0]!.identity.name).toBe('legacy-scheduler');
    expect(snoozed[0]!.snooze).toMatchObject({ by: 'carol@contoso.com' });
  });
});
