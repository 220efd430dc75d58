import { beforeEach, describe, expect, it } from 'vitest';
import { deltaSweep } from '../../shared/app/delta-sweep';
import { readInventory } from '../../shared/inventory/read-inventory';
import { FindingStore } from '../../shared/findings/store';
import { RunStore } from '../../shared/findings/runs';
import type { Tables } from '../../shared/storage/tables';
import { deltaSweepTimer } from '../../functions/deltaSweep';
import { clientsFor, contosoScope, tenantFor, useContosoEmulator } from '../support/emulator';
import { SAMPLE_NOW } from '../support/sample';
import { tablesWithSampleBaseline } from '../support/tables';
import { runFunction, TIMER } from '../support/functions';

const HR_SYNC = '10000000-0000-4000-8000-000000000012';
const HR_SYNC_APP = '30000000-0000-4000-8000-000000000012';

describe('Graph delta sweep (emulator + Azurite)', () => {
  const env = useContosoEmulator();
  let tables: Tables;
  const sweep = () => deltaSweep({ tables, tenant: tenantFor(env.get()), evaluateAt: SAMPLE_NOW });
  const apps = () =>
    env.get().fixture.get('graph', 'v1.0/applications') as { value: Array<Record<string, unknown>> };
  let pristine: { value: Array<Record<string, unknown>> };

  /** Someone adds a client secret to the hr-sync app registration (declared certificate-only). */
  const addSecretToHrSync = () =>
    env.get().fixture.set('graph', 'v1.0/applications', {
      ...pristine,
      value: pristine.value.map((a) =>
        a.id === HR_SYNC_APP
          ? {
              ...a,
              passwordCredentials: [
                {
                  customKeyIdentifier: null,
                  displayName: 'quick-fix',
                  endDateTime: '2027-05-01T00:00:00Z',
                  hint: 'Xy9',
                  keyId: '50000000-0000-4000-8000-00000000120f',
                  secretText: null,
                  startDateTime: '2026-11-22T08:30:00Z',
                },
              ],
            }
          : a,
      ),
    });

  beforeEach(async () => {
    tables = await tablesWithSampleBaseline();
    env.get().clearFaults();
    pristine ??= structuredClone(apps());
    env.get().fixture.set('graph', 'v1.0/applications', pristine);
  });

  it('the first sweep only establishes the delta links: no findings flood', async () => {
    const first = await sweep();
    expect(first.mode).toBe('initial');
    expect(first.recheckedIdentities).toEqual([]);
    expect(await new FindingStore(tables).list()).toEqual([]);
  });

  it('a credential added between two sweeps is found on the second with one delta request plus the reads for that identity', async () => {
    await sweep();
    addSecretToHrSync();
    env.get().resetRequests();
    const second = await sweep();
    expect(second.mode).toBe('incremental');
    expect(second.changedObjects).toBe(1);
    expect(second.recheckedIdentities).toEqual([HR_SYNC]);
    const open = await new FindingStore(tables).list({ objectId: HR_SYNC });
    const typeNotAllowed = open.find((f) => f.ruleId === 'credential.type-not-allowed');
    expect(typeNotAllowed?.target).toBe('50000000-0000-4000-8000-00000000120f');
    expect(typeNotAllowed?.evidence.event).toMatchObject({ source: 'graph delta' });

    const routes = env.get().requestsByRoute();
    // both collections' delta queries travelled in one HTTP request
    expect(routes['POST graph /v1.0/$batch']).toBeGreaterThanOrEqual(1);
    expect(routes['BATCH-ITEM graph /v1.0/applications/delta']).toBe(1);
    expect(routes['BATCH-ITEM graph /v1.0/servicePrincipals/delta']).toBe(1);
    // no full listing of applications or service principals
    expect(routes['GET graph /v1.0/applications']).toBe(1); // the app of hr-sync, by appId filter
    expect(routes['GET graph /v1.0/servicePrincipals']).toBe(1); // hr-sync's service principal, by appId
    const sweepRequests = env.get().requestCount();

    // compared with a full read of the same tenant
    env.get().resetRequests();
    await readInventory(clientsFor(env.get()), contosoScope(env.get()), SAMPLE_NOW);
    const fullRequests = env.get().requestCount();
    expect(sweepRequests).toBeLessThan(fullRequests / 2);
  });

  it('no change: one request, nothing re-checked', async () => {
    await sweep();
    env.get().resetRequests();
    const quiet = await sweep();
    expect(quiet).toMatchObject({ mode: 'incremental', changedObjects: 0, recheckedIdentities: [] });
    expect(env.get().requestCount()).toBe(1);
  });

  it('an expired delta token falls back to a full reconcile and new links', async () => {
    await sweep();
    addSecretToHrSync();
    env.get().expireDeltaTokens();
    const resync = await sweep();
    expect(resync.mode).toBe('resync');
    expect((await new RunStore(tables).latest('reconcile'))[0]!.complete).toBe(true);
    const open = await new FindingStore(tables).list({ state: 'open' });
    expect(
      open.some((f) => f.ruleId === 'credential.type-not-allowed' && f.identity.objectId === HR_SYNC),
    ).toBe(true);
    const after = await sweep();
    expect(after).toMatchObject({ mode: 'incremental', changedObjects: 0 });
  });

  it('a failed re-check leaves the links where they were, so the next sweep sees the change again', async () => {
    await sweep();
    addSecretToHrSync();
    env.get().addFault({ api: 'arm', path: 'roleAssignments', status: 503, times: Infinity });
    await expect(sweep()).rejects.toThrow(/links were not advanced/);
    env.get().clearFaults();
    const retried = await sweep();
    expect(retried.recheckedIdentities).toEqual([HR_SYNC]);
  });

  it('the timer function runs the sweep in @azure/functions test mode', async () => {
    const lines = await runFunction('deltaSweep', tables, env.get(), async (context) => {
      await deltaSweepTimer(TIMER, context);
      addSecretToHrSync();
      await deltaSweepTimer(TIMER, context);
    });
    expect(lines[0]).toMatch(/^delta sweep \(initial\)/);
    expect(lines[1]).toMatch(/^delta sweep \(incremental\): 1 changed objects, 1 identities re-checked/);
  });
});
