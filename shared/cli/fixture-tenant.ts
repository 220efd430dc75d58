/**
 * The local emulator as the tenant: development, the demo and tests only. Only the CLI imports
 * this (lint keeps the emulator out of everything the Functions load).
 */
import { AzureClients, emulatorCredential } from '../azure/clients';
import type { TenantConnection } from '../app/tenant';
import { startEmulator, type FaultRule, type RunningEmulator } from '../../emulator/server';

export type FixtureTenant = TenantConnection & { emulator: RunningEmulator };

/** Starts the local emulator on a fixture folder and connects to it. */
export async function connectToFixture(fixtureDir: string, faults: FaultRule[] = []): Promise<FixtureTenant> {
  const emulator = await startEmulator({ fixture: fixtureDir, faults });
  const manifest = emulator.fixture.manifest;
  return {
    emulator,
    clients: new AzureClients(emulatorCredential, {
      arm: emulator.endpoints.arm,
      graph: emulator.endpoints.graph,
      authorityHost: 'https://127.0.0.1',
      logs: emulator.endpoints.logs,
    }),
    logAnalyticsWorkspaceId: manifest.logAnalyticsWorkspaceId,
    scope: {
      subscriptions: manifest.subscriptions,
      managementGroups: manifest.managementGroups,
      managedIdentityAttachments: manifest.managedIdentityAttachments,
    },
    recordedAt: new Date(manifest.recordedAt),
    close: () => emulator.stop(),
  };
}
