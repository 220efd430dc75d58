/**
 * Where live state comes from. In Azure: the tenant the settings name. The CLI and tests may
 * attach the local emulator instead (shared/cli/fixture-tenant.ts); both give the same
 * AzureClients and scope, so every use case runs unchanged. Nothing here loads the emulator.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { Settings } from '../config/settings';
import { AzureClients } from '../azure/clients';
import type { InventoryScope } from '../inventory/read-inventory';
import { ConfigurationError } from '../errors';

export interface TenantConnection {
  clients: AzureClients;
  scope: InventoryScope;
  /** Log Analytics workspace with the Entra sign-in logs (dormancy); undefined when not configured. */
  logAnalyticsWorkspaceId?: string;
  /** For a replayed fixture: the time it was recorded (used as "now" unless told otherwise). */
  recordedAt?: Date;
  close(): Promise<void>;
}

/** True when the settings name something to monitor. */
export function tenantConfigured(settings: Settings): boolean {
  return settings.WIMON_SUBSCRIPTIONS.length > 0 || settings.WIMON_MANAGEMENT_GROUPS.length > 0;
}

/** A connection for one run: fresh clients (so request counts are the run's own), the process's credential. */
export function connectToAzure(settings: Settings, credential: TokenCredential): TenantConnection {
  if (!tenantConfigured(settings)) {
    throw new ConfigurationError(
      'nothing to monitor: set WIMON_SUBSCRIPTIONS (and/or WIMON_MANAGEMENT_GROUPS), e.g. WIMON_SUBSCRIPTIONS=11111111-1111-4111-8111-111111111111',
    );
  }
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
