/**
 * Every setting the app reads, validated once at start-up. The same list is documented in
 * docs/settings.md and `local.settings.sample.json` and set by `infra/`; tests keep them in step.
 */
import { z } from 'zod';
import { PUBLIC_CLOUD } from '../azure/endpoints';
import { ConfigurationError } from '../errors';

const GUID_LIST_ITEM = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function commaList(item: RegExp, error: string) {
  return z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((items) => items.every((i) => item.test(i)), { error });
}

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/**
 * A true/false setting, read without regard to case: ARM's string() of a bool writes 'True' and
 * 'False', PowerShell and .NET tools too; people write 'true'. Absent or empty: false.
 */
export function booleanSetting(name: string) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .transform((v) => (v === '' ? 'false' : v))
    .pipe(z.enum(['true', 'false'], { error: `${name} must be true or false` }))
    .default('false')
    .transform((v) => v === 'true');
}

export const settingsSchema = z.object({
  /** Connection string for Table Storage (local development and Azurite). Prefer WIMON_TABLE_ENDPOINT in Azure. */
  WIMON_STORAGE_CONNECTION_STRING: optionalText,
  /** Table service endpoint used with the managed identity, e.g. https://<account>.table.core.windows.net. */
  WIMON_TABLE_ENDPOINT: optionalText.pipe(z.url({ error: 'WIMON_TABLE_ENDPOINT must be a URL' }).optional()),
  /** Prefix of every table name, so several monitors (or tests) can share one storage account. */
  WIMON_TABLE_PREFIX: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,29}$/, {
      error: 'WIMON_TABLE_PREFIX must be letters and digits, starting with a letter',
    })
    .default('wimon'),
  /** Who is recorded in audit records for changes made by this process (CLI default: user@host). */
  WIMON_ACTOR: optionalText,
  /** Client id of a user-assigned managed identity; system-assigned or developer credentials otherwise. */
  AZURE_CLIENT_ID: optionalText,
  /** Subscriptions to monitor, comma-separated ids. */
  WIMON_SUBSCRIPTIONS: commaList(
    GUID_LIST_ITEM,
    'WIMON_SUBSCRIPTIONS must be comma-separated subscription ids',
  ),
  /** Management groups whose own role assignments are read (assignments at or below subscriptions come from the subscriptions). */
  WIMON_MANAGEMENT_GROUPS: commaList(
    /^[A-Za-z0-9._()-]{1,90}$/,
    'WIMON_MANAGEMENT_GROUPS must be comma-separated management group ids',
  ),
  /**
   * Read which resources use each user-assigned managed identity (Resource Graph) for
   * identity.unattached-managed-identity. Needs Reader on the monitored scope: Resource Graph
   * silently leaves out what the monitor may not read (infra parameter checkManagedIdentityAttachments).
   */
  WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS: booleanSetting('WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS'),
  /** Azure Resource Manager endpoint (sovereign clouds, local emulator). */
  WIMON_ARM_ENDPOINT: z.url().default(PUBLIC_CLOUD.arm),
  /** Microsoft Graph endpoint (sovereign clouds, local emulator). */
  WIMON_GRAPH_ENDPOINT: z.url().default(PUBLIC_CLOUD.graph),
  /** NCRONTAB schedule of the full reconcile (UTC; read by the Functions host). */
  WIMON_RECONCILE_SCHEDULE: z.string().default('0 0 */6 * * *'),
  /** Workspace (customer) id of the Log Analytics workspace that receives Entra sign-in logs; dormancy is off without it. */
  WIMON_LOG_ANALYTICS_WORKSPACE_ID: optionalText.pipe(
    z
      .string()
      .regex(GUID_LIST_ITEM, { error: 'WIMON_LOG_ANALYTICS_WORKSPACE_ID must be the workspace id (a GUID)' })
      .optional(),
  ),
  /** Log Analytics query endpoint (sovereign clouds, local emulator). */
  WIMON_LOGS_ENDPOINT: z.url().default(PUBLIC_CLOUD.logs),
  /** Event Grid topic endpoint (…/api/events) that receives finding changes as CloudEvents; off when empty. */
  WIMON_FINDINGS_TOPIC_ENDPOINT: optionalText.pipe(
    z.url({ error: 'WIMON_FINDINGS_TOPIC_ENDPOINT must be a URL' }).optional(),
  ),
  /** Azure Communication Services endpoint for notices (https://<resource>.communication.azure.com). */
  WIMON_EMAIL_ENDPOINT: optionalText.pipe(z.url({ error: 'WIMON_EMAIL_ENDPOINT must be a URL' }).optional()),
  /** Sender address of a domain linked to that resource (e.g. DoNotReply@<guid>.azurecomm.net). */
  WIMON_EMAIL_SENDER: optionalText.pipe(
    z.email({ error: 'WIMON_EMAIL_SENDER must be an email address' }).optional(),
  ),
  /**
   * Microsoft Teams Workflows webhook ("Post to a channel when a webhook request is received"):
   * security operations alerts and the daily digest also go there as Adaptive Cards. Its query
   * string carries a signature, so it is a secret: in Azure a Key Vault reference, never logged.
   */
  WIMON_TEAMS_WEBHOOK_URL: optionalText.pipe(
    z
      .url({ error: 'WIMON_TEAMS_WEBHOOK_URL must be the https URL of a Teams Workflows webhook' })
      .refine((u) => u.startsWith('https://'), {
        error: 'WIMON_TEAMS_WEBHOOK_URL must be the https URL of a Teams Workflows webhook',
      })
      .optional(),
  ),
  /** Sending limits: Azure-managed domains allow about 5 a minute and 10 an hour; custom domains about 30 and 100. */
  WIMON_EMAIL_PER_MINUTE: z.coerce.number().int().min(1).default(5),
  WIMON_EMAIL_PER_HOUR: z.coerce.number().int().min(1).default(10),
  /** How long a security operations alert waits for more findings before it goes out (a burst becomes one email). */
  WIMON_ALERT_COALESCE_MINUTES: z.coerce.number().int().min(0).max(60).default(5),
  /** Resolved findings are kept this many days after they were resolved, then deleted by the reconcile. */
  WIMON_RESOLVED_RETENTION_DAYS: z.coerce
    .number({ error: 'WIMON_RESOLVED_RETENTION_DAYS must be a whole number of days' })
    .int({ error: 'WIMON_RESOLVED_RETENTION_DAYS must be a whole number of days' })
    .min(1, { error: 'WIMON_RESOLVED_RETENTION_DAYS must be at least 1' })
    .default(90),
  /** NCRONTAB schedules (UTC): daily digests, and alerts plus outbox delivery. */
  WIMON_DIGEST_SCHEDULE: z.string().default('0 0 7 * * *'),
  WIMON_ALERT_SCHEDULE: z.string().default('0 */1 * * * *'),
  /**
   * DNS suffix of Key Vault in this cloud (Bicep's environment().suffixes.keyvaultDns): a Key Vault
   * event whose object id is not on a vault host under it is refused, never a finding target.
   */
  WIMON_VAULT_DNS_SUFFIX: z
    .string()
    .trim()
    .transform((v) => v.replace(/^\./, '').toLowerCase())
    .pipe(
      z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, {
        error: 'WIMON_VAULT_DNS_SUFFIX must be a DNS suffix such as vault.azure.net',
      }),
    )
    .default('vault.azure.net'),
  /** Azure portal for links in notices (sovereign clouds: https://portal.azure.us, …). */
  WIMON_PORTAL_ENDPOINT: z.url().default('https://portal.azure.com'),
  /** HMAC key for attestation links (at least 32 characters; in Azure a Key Vault reference). Links are off without it. */
  WIMON_ATTESTATION_KEY: optionalText.pipe(
    z.string().min(32, { error: 'WIMON_ATTESTATION_KEY must be at least 32 characters' }).optional(),
  ),
  /**
   * The attestation key before the last rotation: links it signed keep working until they expire
   * (14 days); remove it after that. Only one previous key is ever accepted.
   */
  WIMON_ATTESTATION_PREVIOUS_KEY: optionalText.pipe(
    z.string().min(32, { error: 'WIMON_ATTESTATION_PREVIOUS_KEY must be at least 32 characters' }).optional(),
  ),
  /** Public URL of the attest function (https://<app>.azurewebsites.net/api/attest). */
  WIMON_ATTESTATION_URL: optionalText.pipe(
    z.url({ error: 'WIMON_ATTESTATION_URL must be a URL' }).optional(),
  ),
  /** NCRONTAB schedule of the Graph delta sweep (UTC; read by the Functions host). */
  WIMON_DELTA_SCHEDULE: z.string().default('0 */5 * * * *'),
  /** NCRONTAB schedule of the dormancy check (UTC; read by the Functions host). */
  WIMON_DORMANCY_SCHEDULE: z.string().default('0 30 5 * * *'),
  /** Microsoft Entra authority host used to get tokens (sovereign clouds). */
  WIMON_AUTHORITY_HOST: z.url().default(PUBLIC_CLOUD.authorityHost),
});

export type Settings = z.output<typeof settingsSchema>;

export { ConfigurationError };

/** A valid value of each setting, for error messages ("for example …") and docs/settings.md. */
export const SETTING_EXAMPLES: Record<keyof Settings, string> = {
  WIMON_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
  WIMON_TABLE_ENDPOINT: 'https://stwimon.table.core.windows.net',
  WIMON_TABLE_PREFIX: 'wimon',
  WIMON_ACTOR: 'platform-pipeline',
  WIMON_SUBSCRIPTIONS: '11111111-1111-4111-8111-111111111111,22222222-2222-4222-8222-222222222222',
  WIMON_MANAGEMENT_GROUPS: 'contoso-prod,contoso-dev',
  WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS: 'true',
  WIMON_ARM_ENDPOINT: 'https://management.azure.com',
  WIMON_GRAPH_ENDPOINT: 'https://graph.microsoft.com',
  WIMON_RECONCILE_SCHEDULE: '0 0 */6 * * *',
  WIMON_LOG_ANALYTICS_WORKSPACE_ID: '33333333-3333-4333-8333-333333333333',
  WIMON_LOGS_ENDPOINT: 'https://api.loganalytics.io',
  WIMON_FINDINGS_TOPIC_ENDPOINT: 'https://evgt-wimon.westeurope-1.eventgrid.azure.net/api/events',
  WIMON_EMAIL_ENDPOINT: 'https://acs-wimon.europe.communication.azure.com',
  WIMON_EMAIL_SENDER: 'DoNotReply@contoso.com',
  WIMON_TEAMS_WEBHOOK_URL: 'https://<the URL the Teams workflow shows>',
  WIMON_EMAIL_PER_MINUTE: '5',
  WIMON_EMAIL_PER_HOUR: '10',
  WIMON_ALERT_COALESCE_MINUTES: '5',
  WIMON_RESOLVED_RETENTION_DAYS: '90',
  WIMON_DIGEST_SCHEDULE: '0 0 7 * * *',
  WIMON_ALERT_SCHEDULE: '0 */1 * * * *',
  WIMON_VAULT_DNS_SUFFIX: 'vault.azure.net',
  WIMON_PORTAL_ENDPOINT: 'https://portal.azure.com',
  WIMON_ATTESTATION_KEY: '<32 or more random characters, e.g. from openssl rand -base64 48>',
  WIMON_ATTESTATION_URL: 'https://func-wimon-abc.azurewebsites.net/api/attest',
  WIMON_ATTESTATION_PREVIOUS_KEY: '<the key before the last rotation>',
  WIMON_DELTA_SCHEDULE: '0 */5 * * * *',
  WIMON_DORMANCY_SCHEDULE: '0 30 5 * * *',
  WIMON_AUTHORITY_HOST: 'https://login.microsoftonline.com',
  AZURE_CLIENT_ID: '44444444-4444-4444-8444-444444444444',
};

/** Settings whose value is a secret: an error names them but never repeats the value. */
const SECRET_SETTING = /KEY|CONNECTION_STRING|WEBHOOK/;

/** zod's generic words for a type or format, in a person's words. */
function expected(message: string): string {
  if (/expected number/.test(message)) return 'must be a number';
  if (/expected int/.test(message)) return 'must be a whole number';
  if (/^Invalid URL$/.test(message)) return 'must be a URL';
  if (/expected boolean/.test(message)) return 'must be true or false';
  return message;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const result = settingsSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const name = String(i.path[0] ?? '');
      const value = env[name];
      const shown = value === undefined || SECRET_SETTING.test(name) ? '' : ` (it is '${value}')`;
      const example = SETTING_EXAMPLES[name as keyof Settings];
      const said = expected(i.message).replace(new RegExp(`^${name} `), '');
      return `${name} ${said}${shown}${example ? `; for example ${name}=${example}` : ''}`;
    });
    throw new ConfigurationError(`invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}
