import type { Baseline } from '../../shared/baseline/schema';

/** A large valid baseline with `count` distinct identities (deterministic). */
export function syntheticBaseline(count: number): Baseline {
  const hex = (n: number) => n.toString(16).padStart(12, '0');
  return {
    version: 1,
    policy: {
      securityContacts: ['secops@contoso.com'],
      dormantAfterDays: 90,
      expiryWarningDays: [30, 14, 7, 1],
      maxCredentialLifetimeDays: 180,
      maxExemptionDays: 90,
      maxAttestationDays: 90,
      maxReviewDays: 365,
      credentialUnusedDays: 30,
      privilegedRoles: ['Owner', 'Contributor'],
      privilegedAppRoles: ['Microsoft Graph/Directory.ReadWrite.All'],
      secretManagerRoles: ['Key Vault Secrets Officer'],
      trustedIssuers: ['https://token.actions.githubusercontent.com'],
      environments: { prod: ['/subscriptions/11111111-1111-4111-8111-111111111111'] },
    },
    identities: Array.from({ length: count }, (_, i) => ({
      name: `workload-${i}`,
      objectId: `10000000-0000-4000-8000-${hex(i)}`,
      appId: `20000000-0000-4000-8000-${hex(i)}`,
      type: i % 2 ? ('application' as const) : ('managedIdentity' as const),
      environment: 'prod',
      allowedEnvironments: [],
      purpose: 'runtime' as const,
      description: `Synthetic workload ${i} — ünïcödé 😀`,
      owners: [`owner${i % 97}@contoso.com`],
      reviewBy: '2027-06-30',
      status: 'active' as const,
      credentials: ['federated' as const],
      roles: [
        {
          role: 'Storage Blob Data Reader',
          scope: `/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-${i % 300}`,
        },
      ],
      federatedCredentials: [
        {
          issuer: 'https://token.actions.githubusercontent.com',
          subject: `repo:contoso/app-${i}:environment:prod`,
          audiences: ['api://AzureADTokenExchange'],
        },
      ],
      appRoles: [],
    })),
    keyVaultSecrets: [],
    exemptions: [],
  };
}
