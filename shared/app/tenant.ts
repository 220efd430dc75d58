/**
 * Where live state comes from: the real tenant (settings) or the local emulator serving a
 * fixture folder. Both give the same AzureClients and scope, so every use case runs unchanged.
 */
import type { Settings } from '../config/settings';
import { AzureClients, emulatorCredential } from '../azure/clients';
import { createCredential } from '../azure/credential';
import type { InventoryScope } from '../inventory/read-inventory';
import { ConfigurationError } from '../config/settings';
import { startEmulator, type RunningEmulator } from '../../emulator/server';

export interface TenantConnection {
  clients: AzureClients;
  scope: InventoryScope;
  /** Log Analytics workspace with the Entra sign-in logs (dormancy); undefined when not configured. */
  logAnalyticsWorkspaceId?: string;
  /** For a replayed fixture: the time it was recorded (used as "now" unless told otherwise). */
  recordedAt?: Date;
  close(): Promise<void>;
}

export function connectToAzure(settings: Settings): TenantConnection {
  if (settings.WIMON_SUBSCRIPTIONS.length === 0 && settings.WIMON_MANAGEMENT_GROUPS.length === 0) {
    throw new ConfigurationError(
      'nothing to monitor: set WIMON_SUBSCRIPTIONS (and/or WIMON_MANAGEMENT_GROUPS)',
    );
  }
  const credential = createCredential({
    AZURE_CLIENT_ID: settings.AZURE_CLIENT_ID,
    authorityHost: settings.WIMON_AUTHORITY_HOST,
  });
  return {
    clients: new AzureClients(credential, {
      arm: settings.WIMON_ARM_ENDPOINT,
      graph: settings.WIMON_GRAPH_ENDPOINT,
      authorityHost: settings.WIMON_AUTHORITY_HOST,
      logs: settings.WIMON_LOGS_ENDPOINT,
    }),
    logAnalyticsWorkspaceId: settings.WIMON_LOG_ANALYTICS_WORKSPACE_ID,
    scope: {
      subscriptions: settings.WIMON_SUBSCRIPTIONS,
      managementGroups: settings.WIMON_MANAGEMENT_GROUPS,
      managedIdentityAttachments: settings.WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS,
    },
    close: async () => undefined,
  };
}

/** Starts the local emulator on a fixture folder (development, demo and tests only). */
export async function connectToFixture(
  fixtureDir: string,
): Promise<TenantConnection & { emulator: RunningEmulator }> {
  const emulator = await startEmulator({ fixture: fixtureDir });
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
