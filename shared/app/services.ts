/**
 * The composition root: the one place that turns Settings into the things every entry point
 * uses — the credential, Table Storage, the tenant connection, the email transport and the
 * findings publisher. The Functions runtime (runtime.ts) and every CLI command build their
 * services here, so a setting such as the sovereign-cloud authority host reaches all of them.
 *
 * The CLI and tests may attach a tenant (the local emulator) or tables (an in-memory Azurite)
 * instead of the configured ones; nothing here imports the emulator.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { Settings } from '../config/settings';
import { credentialFor } from '../azure/credential';
import { Tables } from '../storage/tables';
import { connectToAzure, type TenantConnection } from './tenant';
import { eventGridFindingPublisher, type PublishFindingChanges } from '../notify/finding-events';
import { communicationServicesTransport } from '../notify/email-transport';
import { teamsWebhookTransport } from '../notify/teams-transport';
import type { NotifyInput } from './notify';

export interface Services {
  readonly settings: Settings;
  /** The process's credential for these settings (built once, shared by every client). */
  readonly credential: TokenCredential;
  /** Table Storage: the attached tables, or the configured account (ConfigurationError when none). */
  readonly tables: Tables;
  /** A tenant connection for one run: fresh clients, so request counts are that run's own. */
  tenant(): TenantConnection;
  /** Sends finding changes to the configured Event Grid topic; undefined when none is configured. */
  readonly publish: PublishFindingChanges | undefined;
  /** Where notices go; undefined when no Communication Services endpoint and sender are configured. */
  readonly email: NotifyInput['email'];
  /** Attestation links in owner digests; undefined when not configured. */
  readonly links: NotifyInput['links'];
  /** The Teams Workflows webhook for security operations cards; undefined when not configured. */
  readonly teams: NotifyInput['teams'];
}

export interface Attachments {
  /** Instead of the configured tenant (the CLI's --fixture, tests). */
  tenant?: () => TenantConnection;
  /** Instead of the configured storage (the CLI's in-memory Azurite, tests). */
  tables?: Tables;
  /** Instead of the configured credential: the local emulator's, never used against Azure. */
  credential?: TokenCredential;
}

export function openServices(settings: Settings, attach: Attachments = {}): Services {
  const credential = attach.credential ?? credentialFor(settings);
  let tables = attach.tables;
  let publish: PublishFindingChanges | undefined | null = null;
  let email: NotifyInput['email'] | null = null;
  return {
    settings,
    credential,
    get tables() {
      return (tables ??= Tables.fromSettings(settings, credential));
    },
    tenant: attach.tenant ?? (() => connectToAzure(settings, credential)),
    get publish() {
      if (publish === null)
        publish = settings.WIMON_FINDINGS_TOPIC_ENDPOINT
          ? eventGridFindingPublisher(
              settings.WIMON_FINDINGS_TOPIC_ENDPOINT,
              credential,
              `/workload-identity-monitor/${settings.WIMON_TABLE_PREFIX}`,
            )
          : undefined;
      return publish;
    },
    get email() {
      if (email === null)
        email =
          settings.WIMON_EMAIL_ENDPOINT && settings.WIMON_EMAIL_SENDER
            ? {
                transport: communicationServicesTransport(
                  settings.WIMON_EMAIL_ENDPOINT,
                  credential,
                  settings.WIMON_EMAIL_SENDER,
                ),
                perMinute: settings.WIMON_EMAIL_PER_MINUTE,
                perHour: settings.WIMON_EMAIL_PER_HOUR,
              }
            : undefined;
      return email;
    },
    get teams() {
      return settings.WIMON_TEAMS_WEBHOOK_URL
        ? teamsWebhookTransport(settings.WIMON_TEAMS_WEBHOOK_URL)
        : undefined;
    },
    get links() {
      return settings.WIMON_ATTESTATION_KEY && settings.WIMON_ATTESTATION_URL
        ? { baseUrl: settings.WIMON_ATTESTATION_URL, key: settings.WIMON_ATTESTATION_KEY }
        : undefined;
    },
  };
}
