/**
 * Every setting the app reads, validated once at start-up. The same list is documented in the
 * README, `local.settings.sample.json` and (later) set by `infra/`; a test keeps them in step.
 */
import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

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
});

export type Settings = z.output<typeof settingsSchema>;

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const result = settingsSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigurationError(
      `invalid configuration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}
