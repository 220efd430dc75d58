/**
 * The starter baseline a deployment writes (infra/hooks/postdeploy.mjs → `wimon baseline starter`):
 * the monitor's own identity with exactly the rights infra/ grants it, so the monitor is
 * monitored like every other identity from its first run. Platform teams add their identities.
 */
import { z } from 'zod';
import { booleanSetting } from '../config/settings';
import { parseBaseline } from './parse';
import type { Baseline } from './schema';
import { OWNER_PLACEHOLDER } from './schema';
import { baselineToYaml } from './serialize';

/** azd outputs of infra/main.bicep, as the hook's environment carries them. */
export const starterInputSchema = z.object({
  AZURE_ENV_NAME: z.string().min(1, { error: 'AZURE_ENV_NAME is required (run through azd)' }),
  WIMON_PRINCIPAL_ID: z.string().min(1, { error: 'WIMON_PRINCIPAL_ID is required (an azd output)' }),
  WIMON_SUBSCRIPTIONS: z.string().min(1),
  WIMON_STORAGE_ACCOUNT_ID: z.string().startsWith('/subscriptions/'),
  WIMON_APP_INSIGHTS_ID: z.string().startsWith('/subscriptions/'),
  WIMON_COMMUNICATION_ID: z.string().startsWith('/subscriptions/'),
  WIMON_ATTESTATION_SECRET_ID: z.string().startsWith('/subscriptions/'),
  WIMON_SIGNIN_WORKSPACE_RESOURCE_ID: z.string().default(''),
  WIMON_SECURITY_CONTACTS: z.string().default(''),
  /** 'true' when the deployment granted Reader for the unattached-identity check. */
  WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS: booleanSetting('WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS'),
});

/** The email sender role's name as infra/app/monitor.bicep creates it (its token is the storage account's suffix). */
export function emailSenderRoleName(storageAccountId: string): string {
  const token = (storageAccountId.split('/').pop() ?? '').replace(/^stwimon/, '');
  return `Workload Identity Monitor Email Sender (${token})`;
}

/** The custom role's name as infra/main.bicep creates it. */
export function readerRoleName(environmentName: string): string {
  return `Workload Identity Monitor Reader (${environmentName})`;
}

export function starterBaselineYaml(env: NodeJS.ProcessEnv, now: Date): string {
  const input = starterInputSchema.parse(env);
  const subscriptions = input.WIMON_SUBSCRIPTIONS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const contacts = input.WIMON_SECURITY_CONTACTS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const ownSubscription = input.WIMON_STORAGE_ACCOUNT_ID.split('/')[2]!;
  const environment = input.AZURE_ENV_NAME.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const reviewBy = new Date(now.getTime() + 180 * 86_400_000).toISOString().slice(0, 10);
  const doc = {
    version: 1,
    policy: {
      securityContacts: contacts.length ? contacts : [OWNER_PLACEHOLDER],
      environments: {
        [environment]: [...new Set([...subscriptions, ownSubscription])].map((s) => `/subscriptions/${s}`),
      },
    },
    identities: [
      {
        name: 'workload-identity-monitor',
        description:
          "This monitor's own managed identity: read-only on the monitored scope, its own storage and telemetry",
        objectId: input.WIMON_PRINCIPAL_ID,
        type: 'managedIdentity',
        environment,
        purpose: 'other',
        owners: contacts.length ? [...contacts] : [OWNER_PLACEHOLDER],
        reviewBy,
        credentials: ['managed'],
        roles: [
          ...subscriptions.map((s) => ({
            role: readerRoleName(input.AZURE_ENV_NAME),
            scope: `/subscriptions/${s}`,
          })),
          { role: 'Storage Blob Data Owner', scope: input.WIMON_STORAGE_ACCOUNT_ID },
          { role: 'Storage Table Data Contributor', scope: input.WIMON_STORAGE_ACCOUNT_ID },
          { role: 'Monitoring Metrics Publisher', scope: input.WIMON_APP_INSIGHTS_ID },
          { role: emailSenderRoleName(input.WIMON_STORAGE_ACCOUNT_ID), scope: input.WIMON_COMMUNICATION_ID },
          { role: 'Key Vault Secrets User', scope: input.WIMON_ATTESTATION_SECRET_ID },
          ...(input.WIMON_SIGNIN_WORKSPACE_RESOURCE_ID
            ? [{ role: 'Log Analytics Reader', scope: input.WIMON_SIGNIN_WORKSPACE_RESOURCE_ID }]
            : []),
          ...(input.WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS
            ? subscriptions.map((s) => ({ role: 'Reader', scope: `/subscriptions/${s}` }))
            : []),
        ],
        appRoles: ['Microsoft Graph/Application.Read.All', 'Microsoft Graph/User.Read.All'],
      },
    ],
  };
  // Round-trip through the validator so what is written is a valid baseline (or names its placeholder).
  const text = baselineToYaml(doc as unknown as Baseline);
  if (contacts.length) parseBaseline(text, 'starter-baseline.yaml', now);
  return text;
}
