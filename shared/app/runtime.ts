/** Wiring shared by the function handlers: settings, storage and the tenant, built once per worker. */
import { loadSettings, type Settings } from '../config/settings';
import { Tables } from '../storage/tables';
import { createCredential } from '../azure/credential';
import { connectToAzure, type TenantConnection } from './tenant';
import { eventGridFindingPublisher, type PublishFindingChanges } from '../notify/finding-events';
import { communicationServicesTransport } from '../notify/email-transport';
import type { NotifyInput } from './notify';

export interface Runtime {
  settings: Settings;
  tables: Tables;
  tenant(): Pick<TenantConnection, 'clients' | 'scope' | 'logAnalyticsWorkspaceId'>;
  /** Sends finding changes to the configured Event Grid topic; undefined when none is configured. */
  publish?: PublishFindingChanges;
  /** Where notices go; undefined when no Communication Services endpoint and sender are configured. */
  email?: NotifyInput['email'];
}

let cached: Runtime | undefined;

export function runtime(): Runtime {
  if (!cached) {
    const settings = loadSettings();
    cached = {
      settings,
      tables: Tables.fromSettings(settings, () => createCredential(settings)),
      tenant: () => connectToAzure(settings),
      publish: settings.WIMON_FINDINGS_TOPIC_ENDPOINT
        ? eventGridFindingPublisher(
            settings.WIMON_FINDINGS_TOPIC_ENDPOINT,
            createCredential(settings),
            `/workload-identity-monitor/${settings.WIMON_TABLE_PREFIX}`,
          )
        : undefined,
      email:
        settings.WIMON_EMAIL_ENDPOINT && settings.WIMON_EMAIL_SENDER
          ? {
              transport: communicationServicesTransport(
                settings.WIMON_EMAIL_ENDPOINT,
                createCredential(settings),
                settings.WIMON_EMAIL_SENDER,
              ),
              perMinute: settings.WIMON_EMAIL_PER_MINUTE,
              perHour: settings.WIMON_EMAIL_PER_HOUR,
            }
          : undefined,
    };
  }
  return cached;
}

/**
 * Tests run the real handlers in @azure/functions test mode against Azurite and the local
 * emulator: they hand in those instead of the app settings. Never called by the app itself.
 */
export function useRuntimeForTests(replacement: Runtime | undefined): void {
  cached = replacement;
}
