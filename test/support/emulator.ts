import { afterAll, beforeAll } from 'vitest';
import { AzureClients, emulatorCredential } from '../../shared/azure/clients';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/server';
import { Fixture } from '../../emulator/fixture';
import { CONTOSO, SAMPLE_NOW, sampleClock } from './sample';
import { reconcile } from '../../shared/app/reconcile';
import type { Tables } from '../../shared/storage/tables';

export function clientsFor(emulator: RunningEmulator): AzureClients {
  return new AzureClients(
    emulatorCredential,
    {
      arm: emulator.endpoints.arm,
      graph: emulator.endpoints.graph,
      logs: emulator.endpoints.logs,
      authorityHost: 'https://127.0.0.1',
    },
    { retryDelayInMs: 20, maxRetryDelayInMs: 200 },
  );
}

/** What a use case needs of the tenant: fresh clients (so request counts are per run), scope, workspace. */
export function tenantFor(emulator: RunningEmulator) {
  return {
    clients: clientsFor(emulator),
    scope: contosoScope(emulator),
    logAnalyticsWorkspaceId: emulator.fixture.manifest.logAnalyticsWorkspaceId,
    close: async () => undefined,
  };
}

export function contosoScope(emulator: RunningEmulator) {
  const m = emulator.fixture.manifest;
  return {
    subscriptions: m.subscriptions,
    managementGroups: m.managementGroups,
    managedIdentityAttachments: m.managedIdentityAttachments,
  };
}

/** One full reconcile of the emulator's tenant as of the sample's date (what the integration tests repeat). */
export function reconcileContoso(emulator: RunningEmulator, tables: Tables) {
  return reconcile({
    tables,
    tenant: { clients: clientsFor(emulator), scope: contosoScope(emulator) },
    evaluateAt: SAMPLE_NOW,
    // The run's own clock too (first/last seen, resolved retention): as of the sample, never today.
    clock: sampleClock,
  });
}

/** A fresh emulator on a private copy of the contoso fixture for each test file. */
export function useContosoEmulator(options: Partial<EmulatorOptions> = {}): { get: () => RunningEmulator } {
  let emulator: RunningEmulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ fixture: Fixture.load(CONTOSO), ...options });
  });
  afterAll(async () => {
    await emulator?.stop();
  });
  return {
    get: () => {
      if (!emulator) throw new Error('emulator not started');
      return emulator;
    },
  };
}
