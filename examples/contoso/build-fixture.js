#!/usr/bin/env node
'use strict';
/**
 * Writes the contoso sample tenant as API-shaped JSON files (the emulator fixture) next to this
 * script. The files are what is committed and served; this script only keeps them consistent.
 * Shapes follow Microsoft's published examples and recorded responses (see README.md here).
 * Run: node examples/contoso/build-fixture.js
 */
const fs = require('node:fs');
const path = require('node:path');

const OUT = __dirname;
const TENANT = 'c0ffee00-0000-4000-8000-000000000001';
const MICROSOFT_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
const PROD = '11111111-1111-4111-8111-111111111111';
const DEV = '22222222-2222-4222-8222-222222222222';
const MG = 'contoso';
const GRAPH_SP = 'a0000000-0000-4000-8000-00000000a001';
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const WORKSPACE = '9d6f3c52-7a41-4e0b-8c2d-5f1e0a7b3c64';
const RECORDED_AT = '2026-11-22T09:00:00Z';
const AKS_ISSUER = `https://oidc.prod-aks.azure.com/${TENANT}/5e1d3f0a-7c2b-4e8d-9a6f-0b1c2d3e4f50/`;

const ROLES = {
  Owner: [
    '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.',
  ],
  Contributor: [
    'b24988ac-6180-42a0-ab88-20f7382dd24c',
    'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.',
  ],
  Reader: [
    'acdd72a7-3385-48ef-bd42-f606fba81ae7',
    'View all resources, but does not allow you to make any changes.',
  ],
  'User Access Administrator': [
    '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
    'Lets you manage user access to Azure resources.',
  ],
  'Key Vault Secrets User': ['4633458b-17de-408a-b874-0445c86b69e6', 'Read secret contents.'],
  'Key Vault Secrets Officer': [
    'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
    'Perform any action on the secrets of a key vault, except manage permissions.',
  ],
  'Storage Blob Data Reader': [
    '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
    'Read and list Azure Storage containers and blobs.',
  ],
  'Storage Blob Data Contributor': [
    'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    'Read, write, and delete Azure Storage containers and blobs.',
  ],
  'Storage Queue Data Message Processor': [
    '8a0f0c08-91a1-4084-bc3d-661d67233fed',
    'Peek, retrieve, and delete a message from an Azure Storage queue.',
  ],
  'Storage Queue Data Contributor': [
    '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    'Read, write, and delete Azure Storage queues and queue messages.',
  ],
  'Storage Table Data Reader': [
    '76199698-9eea-4c19-bc75-cec21354c6b6',
    'Allows for read access to Azure Storage tables and entities.',
  ],
  'Storage Table Data Contributor': [
    '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    'Allows for read, write and delete access to Azure Storage tables and entities.',
  ],
  'Storage Blob Data Owner': [
    'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
    'Allows for full access to Azure Storage blob containers and data, including assigning POSIX access control.',
  ],
  'Log Analytics Reader': [
    '73c42c96-874c-492b-b04d-ab87d138a893',
    'Log Analytics Reader can view and search all monitoring data as well as and view monitoring settings.',
  ],
  'Monitoring Metrics Publisher': [
    '3913510d-42f4-4e42-8a64-420c390055eb',
    'Enables publishing metrics against Azure resources.',
  ],
  'Workload Identity Monitor Email Sender': [
    '0c0de000-0000-4000-8000-00000000e3a1',
    'Send email through Azure Communication Services (workload-identity-monitor).',
    'CustomRole',
  ],
  'Website Contributor': [
    'de139f84-1756-47ae-9be6-808fbbe84772',
    'Lets you manage websites (not web plans), but not access to them.',
  ],
  'Workload Identity Monitor Reader': [
    '0c0de000-0000-4000-8000-00000000c0de',
    'Read role assignments, role definitions, managed identities and their federated credentials (workload-identity-monitor).',
    'CustomRole',
  ],
};
/**
 * What each role allows, as Microsoft's "Azure built-in roles" reference lists it (long lists
 * shortened to what matters here) — the rules judge roles by these, not by their names.
 */
const P = (actions, notActions = [], dataActions = [], notDataActions = []) => [
  { actions, notActions, dataActions, notDataActions },
];
const PERMISSIONS = {
  Owner: P(['*']),
  Contributor: P(
    ['*'],
    [
      'Microsoft.Authorization/*/Delete',
      'Microsoft.Authorization/*/Write',
      'Microsoft.Authorization/elevateAccess/Action',
      'Microsoft.Blueprint/blueprintAssignments/write',
      'Microsoft.Blueprint/blueprintAssignments/delete',
      'Microsoft.Compute/galleries/share/action',
      'Microsoft.Purview/consents/write',
      'Microsoft.Purview/consents/delete',
      'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
      'Microsoft.Subscription/cancel/action',
      'Microsoft.Subscription/enable/action',
    ],
  ),
  Reader: P(['*/read']),
  'User Access Administrator': P(['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*']),
  'Key Vault Secrets User': P(
    [],
    [],
    [
      'Microsoft.KeyVault/vaults/secrets/getSecret/action',
      'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
    ],
  ),
  'Key Vault Secrets Officer': P(
    [
      'Microsoft.Authorization/*/read',
      'Microsoft.Insights/alertRules/*',
      'Microsoft.Resources/deployments/*',
      'Microsoft.Resources/subscriptions/resourceGroups/read',
      'Microsoft.Support/*',
      'Microsoft.KeyVault/checkNameAvailability/read',
      'Microsoft.KeyVault/deletedVaults/read',
      'Microsoft.KeyVault/locations/*/read',
      'Microsoft.KeyVault/vaults/*/read',
      'Microsoft.KeyVault/operations/read',
    ],
    [],
    ['Microsoft.KeyVault/vaults/secrets/*'],
  ),
  'Storage Blob Data Reader': P(
    [
      'Microsoft.Storage/storageAccounts/blobServices/containers/read',
      'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action',
    ],
    [],
    ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'],
  ),
  'Storage Blob Data Contributor': P(
    [
      'Microsoft.Storage/storageAccounts/blobServices/containers/delete',
      'Microsoft.Storage/storageAccounts/blobServices/containers/read',
      'Microsoft.Storage/storageAccounts/blobServices/containers/write',
      'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action',
    ],
    [],
    [
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete',
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read',
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write',
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action',
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action',
    ],
  ),
  'Storage Queue Data Message Processor': P(
    [],
    [],
    [
      'Microsoft.Storage/storageAccounts/queueServices/queues/messages/read',
      'Microsoft.Storage/storageAccounts/queueServices/queues/messages/process/action',
    ],
  ),
  'Storage Queue Data Contributor': P(
    [
      'Microsoft.Storage/storageAccounts/queueServices/queues/delete',
      'Microsoft.Storage/storageAccounts/queueServices/queues/read',
      'Microsoft.Storage/storageAccounts/queueServices/queues/write',
    ],
    [],
    [
      'Microsoft.Storage/storageAccounts/queueServices/queues/messages/delete',
      'Microsoft.Storage/storageAccounts/queueServices/queues/messages/read',
      'Microsoft.Storage/storageAccounts/queueServices/queues/messages/write',
      'Microsoft.Storage/storageAccounts/queueServices/queues/messages/process/action',
    ],
  ),
  'Storage Table Data Reader': P(
    ['Microsoft.Storage/storageAccounts/tableServices/tables/read'],
    [],
    ['Microsoft.Storage/storageAccounts/tableServices/tables/entities/read'],
  ),
  'Storage Table Data Contributor': P(
    [
      'Microsoft.Storage/storageAccounts/tableServices/tables/read',
      'Microsoft.Storage/storageAccounts/tableServices/tables/write',
      'Microsoft.Storage/storageAccounts/tableServices/tables/delete',
    ],
    [],
    [
      'Microsoft.Storage/storageAccounts/tableServices/tables/entities/read',
      'Microsoft.Storage/storageAccounts/tableServices/tables/entities/write',
      'Microsoft.Storage/storageAccounts/tableServices/tables/entities/delete',
      'Microsoft.Storage/storageAccounts/tableServices/tables/entities/add/action',
      'Microsoft.Storage/storageAccounts/tableServices/tables/entities/update/action',
    ],
  ),
  'Storage Blob Data Owner': P(
    [
      'Microsoft.Storage/storageAccounts/blobServices/containers/*',
      'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action',
    ],
    [],
    ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*'],
  ),
  'Log Analytics Reader': P(
    [
      '*/read',
      'Microsoft.OperationalInsights/workspaces/analytics/query/action',
      'Microsoft.OperationalInsights/workspaces/search/action',
      'Microsoft.Support/*',
    ],
    ['Microsoft.OperationalInsights/workspaces/sharedKeys/read'],
  ),
  'Monitoring Metrics Publisher': P(
    [
      'Microsoft.Insights/Register/Action',
      'Microsoft.Support/*',
      'Microsoft.Resources/subscriptions/resourceGroups/read',
    ],
    [],
    ['Microsoft.Insights/Metrics/Write', 'Microsoft.Insights/Telemetry/Write'],
  ),
  'Workload Identity Monitor Email Sender': P([
    'Microsoft.Communication/CommunicationServices/Read',
    'Microsoft.Communication/EmailServices/write',
  ]),
  'Website Contributor': P([
    'Microsoft.Authorization/*/read',
    'Microsoft.Insights/alertRules/*',
    'Microsoft.Insights/components/*',
    'Microsoft.ResourceHealth/availabilityStatuses/read',
    'Microsoft.Resources/deployments/*',
    'Microsoft.Resources/subscriptions/resourceGroups/read',
    'Microsoft.Support/*',
    'Microsoft.Web/certificates/*',
    'Microsoft.Web/listSitesAssignedToHostName/read',
    'Microsoft.Web/serverFarms/join/action',
    'Microsoft.Web/serverFarms/read',
    'Microsoft.Web/sites/*',
  ]),
  'Workload Identity Monitor Reader': P([
    'Microsoft.Authorization/roleAssignments/read',
    'Microsoft.Authorization/roleDefinitions/read',
    'Microsoft.ManagedIdentity/userAssignedIdentities/read',
    'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read',
  ]),
  // A custom clone of Key Vault Secrets Officer's data plane under another name: it can change secrets.
  'Vault Secret Rotator': P(['Microsoft.KeyVault/vaults/read'], [], ['Microsoft.KeyVault/vaults/secrets/*']),
  // A custom read-only role someone named "Contributor": not the built-in, not privileged.
  'Contributor (custom)': P(['*/read']),
};
/** Custom roles whose name is not their key here (the key must be unique; the name need not be). */
const ROLE_NAMES = { 'Contributor (custom)': 'Contributor' };
ROLES['Vault Secret Rotator'] = [
  '0c0de000-0000-4000-8000-00000000d00d',
  'Rotate the secrets of a key vault (custom).',
  'CustomRole',
];
ROLES['Contributor (custom)'] = [
  '0c0de000-0000-4000-8000-00000000c047',
  'Read everything (a custom role that borrows a built-in name).',
  'CustomRole',
];

const GRAPH_ROLES = {
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214',
  'Directory.ReadWrite.All': '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
  'Mail.Send': 'b633e1c5-b582-4048-a93e-9f11b44c7e96',
  'Application.Read.All': '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
  'AuditLog.Read.All': 'b0afded3-3588-46d8-8b3d-9842eff778da',
};

const oid = (n) => `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const appId = (n) => `20000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const appObj = (n) => `30000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const sub = (s) => `/subscriptions/${s}`;
const rg = (s, name) => `${sub(s)}/resourceGroups/${name}`;
const kv = (s, group, name) => `${rg(s, group)}/providers/Microsoft.KeyVault/vaults/${name}`;
const mg = (name) => `/providers/Microsoft.Management/managementGroups/${name}`;
/**
 * The management-group hierarchy: Tenant Root Group ⊃ contoso ⊃ contoso-prod ⊃ prod and
 * contoso ⊃ contoso-dev ⊃ dev. baseline.yaml maps the environments to the two groups.
 */
const SUBSCRIPTIONS_UNDER = { 'contoso-prod': [PROD], 'contoso-dev': [DEV] };
const user = (id, name, mail) => ({
  '@odata.type': '#microsoft.graph.user',
  id,
  businessPhones: [],
  displayName: name,
  givenName: null,
  jobTitle: null,
  mail,
  mobilePhone: null,
  officeLocation: null,
  preferredLanguage: null,
  surname: null,
  userPrincipalName: mail,
});
const USERS = {
  alice: user('40000000-0000-4000-8000-000000000001', 'Alice Ng', 'alice@contoso.com'),
  bob: user('40000000-0000-4000-8000-000000000002', 'Bob Ortiz', 'bob@contoso.com'),
  dave: user('40000000-0000-4000-8000-000000000004', 'Dave Kim', 'dave@contoso.com'),
  heidi: user('40000000-0000-4000-8000-000000000008', 'Heidi Park', 'heidi@contoso.com'),
  ivan: user('40000000-0000-4000-8000-000000000009', 'Ivan Petrov', 'ivan@contoso.com'),
  judy: user('40000000-0000-4000-8000-000000000010', 'Judy Lee', 'judy@contoso.com'),
  erin: user('40000000-0000-4000-8000-000000000005', 'Erin Walsh', 'erin@contoso.com'),
};

// name, n, kind, subscription/rg (managed identities), owners (apps), credentials, fics, roles, appRoles
const identities = [
  {
    n: 1,
    name: 'payments-api',
    kind: 'mi',
    sub: PROD,
    rg: 'rg-pay',
    uami: 'id-payments-api',
    fics: [
      {
        name: 'aks-payments',
        issuer: AKS_ISSUER,
        subject: 'system:serviceaccount:payments:payments-api',
        audiences: ['api://AzureADTokenExchange'],
      },
    ],
    roles: [
      ['Key Vault Secrets User', kv(PROD, 'rg-pay', 'kv-pay-prod')],
      ['Storage Blob Data Reader', rg(PROD, 'rg-pay')],
    ],
  },
  {
    n: 2,
    name: 'payments-ci',
    kind: 'app',
    owners: ['alice'],
    passwords: [
      {
        displayName: 'old-deploy-secret',
        hint: 'Q~3',
        keyId: '50000000-0000-4000-8000-000000000201',
        start: '2026-09-10T08:00:00Z',
        end: '2027-03-01T08:00:00Z',
      },
    ],
    fics: [
      {
        name: 'github-prod',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:contoso/payments:environment:prod',
        audiences: ['api://AzureADTokenExchange'],
      },
    ],
    roles: [
      ['Contributor', rg(PROD, 'rg-pay')],
      ['User Access Administrator', `/providers/Microsoft.Management/managementGroups/${MG}`],
    ],
  },
  {
    n: 3,
    name: 'orders-worker',
    kind: 'mi',
    sub: PROD,
    rg: 'rg-orders',
    uami: 'id-orders-worker',
    roles: [
      ['Storage Queue Data Message Processor', rg(PROD, 'rg-orders')],
      ['Storage Queue Data Contributor', rg(PROD, 'rg-orders')],
      ['Key Vault Secrets Officer', kv(PROD, 'rg-orders', 'kv-orders')],
    ],
  },
  {
    n: 4,
    name: 'reporting-app',
    kind: 'app',
    owners: ['dave'],
    certs: [
      {
        displayName: 'CN=reporting-cert-2026',
        keyId: '50000000-0000-4000-8000-000000000401',
        start: '2026-06-05T00:00:00Z',
        end: '2026-12-01T00:00:00Z',
        thumb: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
      },
      {
        displayName: 'CN=reporting-cert-2028',
        keyId: '50000000-0000-4000-8000-000000000402',
        start: '2026-11-01T00:00:00Z',
        end: '2028-11-01T00:00:00Z',
        thumb: 'B1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
      },
    ],
    passwords: [
      {
        displayName: 'legacy-export',
        hint: 'x7K',
        keyId: '50000000-0000-4000-8000-000000000403',
        start: '2026-04-05T00:00:00Z',
        end: '2026-10-01T00:00:00Z',
      },
    ],
    roles: [['Reader', rg(PROD, 'rg-reporting')]],
    appRoles: ['User.Read.All'],
  },
  {
    n: 5,
    name: 'legacy-scheduler',
    kind: 'app',
    disabled: true, // switched off in Entra ahead of its retirement, access left in place
    owners: ['bob'],
    certs: [
      {
        displayName: 'CN=legacy-scheduler',
        keyId: '50000000-0000-4000-8000-000000000501',
        start: '2026-08-01T00:00:00Z',
        end: '2027-01-25T00:00:00Z',
        thumb: 'C1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
      },
    ],
    roles: [['Contributor', sub(PROD)]],
  },
  {
    n: 6,
    name: 'data-sync',
    kind: 'mi',
    sub: DEV,
    rg: 'rg-data-dev',
    uami: 'id-data-sync',
    roles: [
      ['Storage Blob Data Contributor', rg(DEV, 'rg-data-dev')],
      ['Storage Blob Data Reader', rg(PROD, 'rg-data')],
      // Declared, but a custom role that can change secrets: role.secret-manager-on-runtime.
      ['Vault Secret Rotator', kv(DEV, 'rg-data-dev', 'kv-data-dev'), { late: true }],
    ],
  },
  {
    n: 7,
    name: 'analytics-batch',
    kind: 'mi',
    sub: PROD,
    rg: 'rg-analytics',
    uami: 'id-analytics-batch',
    roles: [['Storage Blob Data Reader', sub(PROD)]],
  },
  {
    n: 8,
    name: 'inventory-api',
    kind: 'mi',
    sub: PROD,
    rg: 'rg-inventory',
    uami: 'id-inventory-api',
    roles: [['Storage Table Data Reader', rg(PROD, 'rg-inventory')]],
  },
  { n: 9, name: 'old-importer', kind: 'app', owners: ['erin'], roles: [['Reader', rg(PROD, 'rg-data')]] },
  {
    n: 10,
    name: 'github-deployer-dev',
    kind: 'app',
    owners: ['heidi'],
    fics: [
      {
        name: 'github-dev',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:contoso/web:environment:dev',
        audiences: ['api://AzureADTokenExchange'],
      },
      {
        name: 'github-pr',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:contoso/web:pull_request',
        audiences: ['api://AzureADTokenExchange'],
      },
    ],
    // Also at contoso-dev, the group above rg-web-dev's subscription: role.scope-broader.
    roles: [
      ['Website Contributor', rg(DEV, 'rg-web-dev')],
      ['Website Contributor', mg('contoso-dev'), { late: true }],
    ],
  },
  {
    n: 11,
    name: 'crm-connector',
    kind: 'app',
    owners: ['ivan'],
    certs: [
      {
        displayName: 'CN=crm-connector',
        keyId: '50000000-0000-4000-8000-000000001101',
        start: '2026-10-01T00:00:00Z',
        end: '2027-03-30T00:00:00Z',
        thumb: 'D1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
      },
    ],
    appRoles: ['User.Read.All', 'Directory.ReadWrite.All', 'Mail.Send'],
  },
  {
    n: 12,
    name: 'hr-sync',
    kind: 'app',
    owners: ['judy'],
    certs: [
      {
        displayName: 'CN=hr-sync',
        keyId: '50000000-0000-4000-8000-000000001201',
        start: '2026-09-01T00:00:00Z',
        end: '2027-02-27T00:00:00Z',
        thumb: 'E1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
      },
    ],
    appRoles: ['User.Read.All'],
  },
  {
    n: 13,
    name: 'web-frontend',
    kind: 'mi',
    created: '2026-07-01T10:00:00Z',
    sub: DEV,
    rg: 'rg-web-dev',
    uami: 'id-web-frontend',
    fics: [
      {
        name: 'gitlab-main',
        issuer: 'https://gitlab.example.com',
        subject: 'project_path:contoso/web:ref_type:branch:ref:main',
        audiences: ['https://gitlab.example.com'],
      },
    ],
    roles: [['Key Vault Secrets User', kv(DEV, 'rg-web-dev', 'kv-web-dev')]],
  },
  {
    n: 14,
    name: 'wimon-monitor',
    kind: 'mi',
    sub: PROD,
    rg: 'rg-wimon',
    uami: 'id-wimon-monitor',
    // exactly what infra/ grants the monitor (see infra/app/monitor.bicep and infra/main.bicep)
    roles: [
      ['Workload Identity Monitor Reader', sub(PROD)],
      ['Workload Identity Monitor Reader', sub(DEV)],
      [
        'Log Analytics Reader',
        `${rg(PROD, 'rg-monitoring')}/providers/Microsoft.OperationalInsights/workspaces/law-entra-signins`,
      ],
      [
        'Storage Blob Data Owner',
        `${rg(PROD, 'rg-wimon')}/providers/Microsoft.Storage/storageAccounts/stwimonprod`,
      ],
      [
        'Storage Table Data Contributor',
        `${rg(PROD, 'rg-wimon')}/providers/Microsoft.Storage/storageAccounts/stwimonprod`,
      ],
      [
        'Monitoring Metrics Publisher',
        `${rg(PROD, 'rg-wimon')}/providers/Microsoft.Insights/components/appi-wimon-prod`,
      ],
      [
        'Key Vault Secrets User',
        `${rg(PROD, 'rg-wimon')}/providers/Microsoft.KeyVault/vaults/kv-wimon-prod/secrets/attestation-key`,
      ],
      [
        'Workload Identity Monitor Email Sender',
        `${rg(PROD, 'rg-wimon')}/providers/Microsoft.Communication/communicationServices/acs-wimon-prod`,
      ],
    ],
    appRoles: ['Application.Read.All', 'User.Read.All'],
  },
  {
    n: 99,
    name: 'shadow-app',
    kind: 'app',
    owners: [],
    passwords: [
      {
        displayName: 'automation',
        hint: 'Zq8',
        keyId: '50000000-0000-4000-8000-000000009901',
        start: '2026-10-01T00:00:00Z',
        end: '2027-03-01T00:00:00Z',
      },
    ],
    // A read-only custom role named "Contributor" on the subscription: not privileged, nothing new.
    roles: [
      ['Reader', rg(PROD, 'rg-reporting')],
      ['Contributor (custom)', sub(PROD), { late: true }],
    ],
  },
  {
    // A SAML gallery app (users sign in to it; it never signs in itself): its token-signing keys
    // as Graph's addTokenSigningCertificate leaves them (Sign + Verify + the PFX password, one
    // customKeyIdentifier) expire in 49 days: credential.sso-certificate-expiring, nothing else.
    n: 21,
    name: 'hr-portal-sso',
    kind: 'app',
    owners: ['heidi'],
    saml: {
      displayName: 'CN=Microsoft Azure Federated SSO Certificate',
      signKeyId: '50000000-0000-4000-8000-000000002101',
      verifyKeyId: '50000000-0000-4000-8000-000000002102',
      customKeyIdentifier: 'q1Ms8FWd3nUpQ7cR2xE6tY0vZ9A=',
      start: '2024-01-10T08:00:00Z',
      end: '2027-01-10T08:00:00Z',
    },
  },
];

const files = new Map();
const put = (p, body) => files.set(p, body);
const list = (context, value) => (context ? { '@odata.context': context, value } : { value });
const GRAPH_CTX = 'https://graph.microsoft.com/v1.0/$metadata#';

// ---- ARM: role definitions (tenant-wide list), role assignments per subscription, UAMIs and their FICs
put(
  'arm/providers/Microsoft.Authorization/roleDefinitions',
  list(
    null,
    Object.entries(ROLES).map(([key, [guid, description, type]]) => ({
      properties: {
        roleName: ROLE_NAMES[key] ?? key,
        type: type ?? 'BuiltInRole',
        description,
        assignableScopes: type ? [sub(PROD), sub(DEV)] : ['/'],
        permissions: PERMISSIONS[key],
        createdOn: '2015-02-02T21:55:09.8806423Z',
        updatedOn: '2024-04-18T19:13:48.1582106Z',
        createdBy: null,
        updatedBy: null,
      },
      id: `/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
      type: 'Microsoft.Authorization/roleDefinitions',
      name: guid,
    })),
  ),
);

let assignmentSeq = 0;
const assignment = (subscriptionForDefinition, scope, principalId, principalType, roleName, createdOn) => {
  assignmentSeq += 1;
  const name = `60000000-0000-4000-8000-${String(assignmentSeq).padStart(12, '0')}`;
  return {
    properties: {
      roleDefinitionId: `${sub(subscriptionForDefinition)}/providers/Microsoft.Authorization/roleDefinitions/${ROLES[roleName][0]}`,
      principalId,
      principalType,
      scope,
      condition: null,
      conditionVersion: null,
      createdOn,
      updatedOn: createdOn,
      createdBy: '40000000-0000-4000-8000-000000000001',
      updatedBy: '40000000-0000-4000-8000-000000000001',
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
    id: `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    type: 'Microsoft.Authorization/roleAssignments',
    name,
  };
};
const bySub = { [PROD]: [], [DEV]: [] };
const mgAssignments = [];
/** Role assignments of an identity; `late` ones (added with issue 19) are numbered after all others so earlier ids stay. */
function addAssignments(identity, late) {
  for (const [roleName, scope, options] of identity.roles ?? []) {
    if (Boolean(options?.late) !== late) continue;
    const principalType = 'ServicePrincipal';
    if (scope.startsWith('/providers/Microsoft.Management')) {
      const a = assignment(
        PROD,
        scope,
        oid(identity.n),
        principalType,
        roleName,
        '2026-11-20T16:02:11.0000000Z',
      );
      // Listing a subscription returns the assignments inherited from its management groups too.
      a.properties.roleDefinitionId = `/providers/Microsoft.Authorization/roleDefinitions/${ROLES[roleName][0]}`;
      const group = scope.split('/').pop();
      // A group below the monitored one: only the subscriptions under it list it (atScope() at
      // the monitored group lists what is at or above it).
      if (group !== MG) for (const s of SUBSCRIPTIONS_UNDER[group]) bySub[s].push(a);
      else mgAssignments.push(a);
      continue;
    }
    const s = scope.split('/')[2];
    bySub[s].push(
      assignment(s, scope, oid(identity.n), principalType, roleName, '2026-03-14T10:21:05.0000000Z'),
    );
  }
}
for (const identity of identities) addAssignments(identity, false);
// People are not workload identities: an Owner user assignment the monitor must ignore.
bySub[PROD].push(
  assignment(PROD, sub(PROD), USERS.alice.id, 'User', 'Owner', '2025-01-09T12:00:00.0000000Z'),
);
// A service principal deleted long ago: ARM still lists its assignment, as principalType Unknown.
bySub[PROD].push(
  assignment(
    PROD,
    rg(PROD, 'rg-reporting'),
    '10000000-0000-4000-8000-000000000077',
    'Unknown',
    'Reader',
    '2024-05-06T10:00:00.0000000Z',
  ),
);
// ---- Management groups (getEntities, as the API's published example shapes it)
const entity = (kind, name, chain) => ({
  id: kind === 'group' ? mg(name) : sub(name),
  type: kind === 'group' ? 'Microsoft.Management/managementGroups' : '/subscriptions',
  name,
  properties: {
    tenantId: TENANT,
    displayName: name === TENANT ? 'Tenant Root Group' : name,
    parent: chain.length ? { id: mg(chain[chain.length - 1]) } : null,
    permissions: 'view',
    inheritedPermissions: 'view',
    parentDisplayNameChain: chain.map((c) => (c === TENANT ? 'Tenant Root Group' : c)),
    parentNameChain: chain,
  },
});
put(
  'arm/providers/Microsoft.Management/getEntities',
  list(null, [
    entity('group', TENANT, []),
    entity('group', MG, [TENANT]),
    entity('group', 'contoso-prod', [TENANT, MG]),
    entity('group', 'contoso-dev', [TENANT, MG]),
    entity('subscription', PROD, [TENANT, MG, 'contoso-prod']),
    entity('subscription', DEV, [TENANT, MG, 'contoso-dev']),
  ]),
);

for (const identity of identities) addAssignments(identity, true);

for (const s of [PROD, DEV])
  put(
    `arm/subscriptions/${s}/providers/Microsoft.Authorization/roleAssignments`,
    list(null, [...bySub[s], ...mgAssignments]),
  );
put(
  `arm/providers/Microsoft.Management/managementGroups/${MG}/providers/Microsoft.Authorization/roleAssignments`,
  list(null, mgAssignments),
);

for (const s of [PROD, DEV]) {
  const uamis = identities
    .filter((i) => i.kind === 'mi' && i.sub === s)
    .map((i) => ({
      id: `/subscriptions/${s}/resourcegroups/${i.rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${i.uami}`,
      location: 'westeurope',
      name: i.uami,
      properties: {
        clientId: appId(i.n),
        principalId: oid(i.n),
        tenantId: TENANT,
        isolationScope: 'None',
        assignmentRestrictions: { providers: [] },
      },
      tags: { workload: i.name },
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    }));
  put(`arm/subscriptions/${s}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`, list(null, uamis));
}
// ---- Resource Graph: the resources that use the user-assigned identities (Resources table rows).
// id-inventory-api is used by nothing any more (its app was decommissioned): the unattached one.
// id-payments-api is used through its federated credential (AKS workload identity), not an identity block.
const uamiId = (i) =>
  `/subscriptions/${i.sub}/resourceGroups/${i.rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${i.uami}`;
const byName = (name) => identities.find((i) => i.name === name);
const withIdentity = (name, rg, type, sub_, users, extra = {}) => ({
  id: `/subscriptions/${sub_}/resourceGroups/${rg}/providers/${type}/${name}`,
  name,
  type: type.toLowerCase(),
  tenantId: TENANT,
  kind: '',
  location: 'westeurope',
  resourceGroup: rg,
  subscriptionId: sub_,
  identity: {
    type: 'UserAssigned',
    userAssignedIdentities: Object.fromEntries(
      users.map((u) => [uamiId(byName(u)), { principalId: oid(byName(u).n), clientId: appId(byName(u).n) }]),
    ),
  },
  ...extra,
});
put(
  'arm/providers/Microsoft.ResourceGraph/resources',
  list(null, [
    withIdentity('func-orders-prod', 'rg-orders', 'Microsoft.Web/sites', PROD, ['orders-worker']),
    withIdentity('caj-data-sync', 'rg-data-dev', 'Microsoft.App/jobs', DEV, ['data-sync']),
    withIdentity('app-web-frontend-dev', 'rg-web-dev', 'Microsoft.Web/sites', DEV, ['web-frontend']),
    withIdentity('func-wimon-prod', 'rg-wimon', 'Microsoft.Web/sites', PROD, ['wimon-monitor']),
    {
      // AKS: the kubelet identity lives in the cluster's properties, not its identity block
      id: `/subscriptions/${PROD}/resourceGroups/rg-analytics/providers/Microsoft.ContainerService/managedClusters/aks-analytics`,
      name: 'aks-analytics',
      type: 'microsoft.containerservice/managedclusters',
      tenantId: TENANT,
      location: 'westeurope',
      resourceGroup: 'rg-analytics',
      subscriptionId: PROD,
      identity: {
        type: 'SystemAssigned',
        principalId: '60000000-0000-4000-8000-000000000071',
        tenantId: TENANT,
      },
      properties: {
        identityProfile: {
          kubeletidentity: {
            resourceId: uamiId(byName('analytics-batch')),
            clientId: appId(byName('analytics-batch').n),
            objectId: oid(byName('analytics-batch').n),
          },
        },
      },
    },
    {
      // a resource with only a system-assigned identity: not a user of any user-assigned one
      id: `/subscriptions/${PROD}/resourceGroups/rg-pay/providers/Microsoft.KeyVault/vaults/kv-pay-prod`,
      name: 'kv-pay-prod',
      type: 'microsoft.keyvault/vaults',
      tenantId: TENANT,
      location: 'westeurope',
      resourceGroup: 'rg-pay',
      subscriptionId: PROD,
      properties: {},
    },
  ]),
);

for (const i of identities.filter((x) => x.kind === 'mi')) {
  const base = `/subscriptions/${i.sub}/resourcegroups/${i.rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${i.uami}`;
  put(
    `arm/subscriptions/${i.sub}/resourceGroups/${i.rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${i.uami}/federatedIdentityCredentials`,
    list(
      null,
      (i.fics ?? []).map((f) => ({
        id: `${base}/federatedIdentityCredentials/${f.name}`,
        name: f.name,
        properties: { issuer: f.issuer, subject: f.subject, audiences: f.audiences },
        type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
      })),
    ),
  );
}

// ---- Graph: applications, service principals, relations
const password = (p) => ({
  customKeyIdentifier: null,
  displayName: p.displayName,
  endDateTime: p.end,
  hint: p.hint,
  keyId: p.keyId,
  secretText: null,
  startDateTime: p.start,
});
const certificate = (c) => ({
  customKeyIdentifier: c.thumb,
  displayName: c.displayName,
  endDateTime: c.end,
  key: null,
  keyId: c.keyId,
  startDateTime: c.start,
  type: 'AsymmetricX509Cert',
  usage: 'Verify',
});
const apps = identities.filter((i) => i.kind === 'app');
put(
  'graph/v1.0/applications',
  list(
    `${GRAPH_CTX}applications`,
    apps.map((i) => ({
      id: appObj(i.n),
      deletedDateTime: null,
      appId: appId(i.n),
      applicationTemplateId: null,
      disabledByMicrosoftStatus: null,
      createdDateTime: '2025-06-02T09:14:27Z',
      displayName: i.name,
      description: null,
      groupMembershipClaims: null,
      identifierUris: [],
      isDeviceOnlyAuthSupported: null,
      isFallbackPublicClient: null,
      notes: null,
      publisherDomain: 'contoso.onmicrosoft.com',
      serviceManagementReference: null,
      signInAudience: 'AzureADMyOrg',
      tags: [],
      tokenEncryptionKeyId: null,
      defaultRedirectUri: null,
      certification: null,
      optionalClaims: null,
      addIns: [],
      api: {
        acceptMappedClaims: null,
        knownClientApplications: [],
        requestedAccessTokenVersion: 2,
        oauth2PermissionScopes: [],
        preAuthorizedApplications: [],
      },
      appRoles: [],
      parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: 'Allow' },
      info: {
        logoUrl: null,
        marketingUrl: null,
        privacyStatementUrl: null,
        supportUrl: null,
        termsOfServiceUrl: null,
      },
      keyCredentials: (i.certs ?? []).map(certificate),
      passwordCredentials: (i.passwords ?? []).map(password),
      publicClient: { redirectUris: [] },
      requiredResourceAccess: [],
      verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
      web: {
        homePageUrl: null,
        logoutUrl: null,
        redirectUris: [],
        implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
      },
      spa: { redirectUris: [] },
    })),
  ),
);
const sp = (i) => {
  const mi = i.kind === 'mi';
  return {
    id: oid(i.n),
    deletedDateTime: null,
    accountEnabled: !i.disabled,
    alternativeNames: mi
      ? [
          'isExplicit=True',
          `/subscriptions/${i.sub}/resourcegroups/${i.rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${i.uami}`,
        ]
      : [],
    appDisplayName: mi ? null : i.name,
    appDescription: null,
    appId: appId(i.n),
    applicationTemplateId: null,
    appOwnerOrganizationId: mi ? MICROSOFT_TENANT : TENANT,
    appRoleAssignmentRequired: false,
    createdDateTime: i.created ?? '2025-06-02T09:14:30Z',
    description: null,
    disabledByMicrosoftStatus: null,
    displayName: mi ? i.uami : i.name,
    homepage: null,
    loginUrl: null,
    logoutUrl: null,
    notes: null,
    notificationEmailAddresses: [],
    preferredSingleSignOnMode: i.saml ? 'saml' : null,
    preferredTokenSigningKeyThumbprint: i.saml
      ? Buffer.from(i.saml.customKeyIdentifier, 'base64').toString('hex').toUpperCase()
      : null,
    replyUrls: [],
    servicePrincipalNames: mi
      ? [appId(i.n), `https://identity.azure.net/${Buffer.from(i.uami).toString('base64')}`]
      : [appId(i.n)],
    servicePrincipalType: mi ? 'ManagedIdentity' : 'Application',
    signInAudience: mi ? null : 'AzureADMyOrg',
    tags: [],
    tokenEncryptionKeyId: null,
    samlSingleSignOnSettings: null,
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    addIns: [],
    appRoles: [],
    info: {
      logoUrl: null,
      marketingUrl: null,
      privacyStatementUrl: null,
      supportUrl: null,
      termsOfServiceUrl: null,
    },
    keyCredentials: i.saml
      ? ['Sign', 'Verify'].map((usage) => ({
          customKeyIdentifier: i.saml.customKeyIdentifier,
          displayName: i.saml.displayName,
          endDateTime: i.saml.end,
          key: null,
          keyId: usage === 'Sign' ? i.saml.signKeyId : i.saml.verifyKeyId,
          startDateTime: i.saml.start,
          type: usage === 'Sign' ? 'X509CertAndPassword' : 'AsymmetricX509Cert',
          usage,
        }))
      : [],
    oauth2PermissionScopes: [],
    passwordCredentials: i.saml
      ? [
          {
            customKeyIdentifier: i.saml.customKeyIdentifier,
            displayName: null,
            endDateTime: i.saml.end,
            hint: null,
            keyId: i.saml.signKeyId,
            secretText: null,
            startDateTime: i.saml.start,
          },
        ]
      : [],
    resourceSpecificApplicationPermissions: [],
  };
};
const graphSp = {
  ...sp({ n: 0, name: 'Microsoft Graph', kind: 'app' }),
  id: GRAPH_SP,
  appId: GRAPH_APP_ID,
  appDisplayName: 'Microsoft Graph',
  displayName: 'Microsoft Graph',
  appOwnerOrganizationId: MICROSOFT_TENANT,
  servicePrincipalNames: [GRAPH_APP_ID, 'https://graph.microsoft.com'],
  signInAudience: 'AzureADMultipleOrgs',
  appRoles: Object.entries(GRAPH_ROLES).map(([value, id]) => ({
    allowedMemberTypes: ['Application'],
    description: `Allows the app to ${value}.`,
    displayName: value,
    id,
    isEnabled: true,
    origin: 'Application',
    value,
  })),
};
put('graph/v1.0/servicePrincipals', list(`${GRAPH_CTX}servicePrincipals`, [graphSp, ...identities.map(sp)]));

// ---- Users, for the owner resolution chain (read with $select=…,accountEnabled and /manager).
// Bob left Contoso: his account is disabled, so what he owned (legacy-scheduler) goes to his
// manager Carol. secops@ and payments-team@ are shared mailboxes, not users.
const DIRECTORY_USERS = {
  ...USERS,
  carol: user('40000000-0000-4000-8000-000000000003', 'Carol Diaz', 'carol@contoso.com'),
  frank: user('40000000-0000-4000-8000-000000000006', 'Frank Meyer', 'frank@contoso.com'),
  grace: user('40000000-0000-4000-8000-000000000007', 'Grace Hall', 'grace@contoso.com'),
};
const DISABLED_USERS = new Set(['bob']);
const MANAGERS = {
  alice: 'carol',
  bob: 'carol',
  dave: 'carol',
  erin: 'grace',
  heidi: 'grace',
  ivan: 'grace',
  judy: 'grace',
};
put(
  'graph/v1.0/users',
  list(
    `${GRAPH_CTX}users`,
    Object.entries(DIRECTORY_USERS).map(([key, u]) => ({ ...u, accountEnabled: !DISABLED_USERS.has(key) })),
  ),
);
for (const [key, manager] of Object.entries(MANAGERS))
  put(`graph/v1.0/users/${DIRECTORY_USERS[key].id}/manager`, {
    '@odata.context': `${GRAPH_CTX}directoryObjects/$entity`,
    ...DIRECTORY_USERS[manager],
    accountEnabled: true,
  });
for (const i of apps) {
  put(
    `graph/v1.0/applications/${appObj(i.n)}/owners`,
    list(
      `${GRAPH_CTX}directoryObjects`,
      (i.owners ?? []).map((o) => USERS[o]),
    ),
  );
  if (i.fics) {
    put(
      `graph/v1.0/applications/${appObj(i.n)}/federatedIdentityCredentials`,
      list(
        `${GRAPH_CTX}applications('${appObj(i.n)}')/federatedIdentityCredentials`,
        i.fics.map((f, k) => ({
          id: `70000000-0000-4000-8000-${String(i.n * 100 + k).padStart(12, '0')}`,
          name: f.name,
          issuer: f.issuer,
          subject: f.subject,
          description: null,
          audiences: f.audiences,
        })),
      ),
    );
  }
}
for (const i of identities.filter((x) => x.appRoles)) {
  put(
    `graph/v1.0/servicePrincipals/${oid(i.n)}/appRoleAssignments`,
    list(
      `${GRAPH_CTX}servicePrincipals('${oid(i.n)}')/appRoleAssignments`,
      i.appRoles.map((r, k) => ({
        id: `QZ${String(i.n).padStart(4, '0')}${k}aGVsbG8td29ybGQtcm9sZS1hc3NpZ25tZW50`,
        deletedDateTime: null,
        appRoleId: GRAPH_ROLES[r],
        createdDateTime: '2026-02-11T08:00:00Z',
        principalDisplayName: i.kind === 'mi' ? i.uami : i.name,
        principalId: oid(i.n),
        principalType: 'ServicePrincipal',
        resourceDisplayName: 'Microsoft Graph',
        resourceId: GRAPH_SP,
      })),
    ),
  );
}

// ---- Log Analytics: Entra sign-in logs (one record per sign-in, columns as Microsoft publishes them)
// Who last signed in when; `null` = no successful sign-in in the logs. Everything else signs in daily.
const LAST_SUCCESS = {
  'legacy-scheduler': '2026-06-20T03:00:00Z', // dormant: 155 days (policy threshold 90); failing since
  'analytics-batch': '2026-09-20T01:00:00Z', // dormant: 63 days (its own threshold 45)
  'web-frontend': null, // created 2026-07-01, never signed in
  'shadow-app': null, // no sign-in in the 174 days the logs cover
  'old-importer': null, // retired (identity.retired-present says it all)
};
const FAILURES = { 'legacy-scheduler': ['2026-11-10T03:00:00Z', '2026-11-21T03:00:00Z'] };
const RESOURCES = {
  arm: ['797f4846-ba00-4fd7-ba43-dac1f8f63013', 'Windows Azure Service Management API'],
  vault: ['cfa8b339-82a2-471a-a3c9-0fc0be7a4093', 'Azure Key Vault'],
  graph: [GRAPH_APP_ID, 'Microsoft Graph'],
};
let signInSeq = 0;
const signIn = (i, time, ok) => {
  signInSeq += 1;
  const mi = i.kind === 'mi';
  const id = `80000000-0000-4000-8000-${String(signInSeq).padStart(12, '0')}`;
  const resource = i.appRoles ? RESOURCES.graph : mi ? RESOURCES.vault : RESOURCES.arm;
  const secret = (i.passwords ?? [])[0];
  const cert = (i.certs ?? [])[0];
  const fic = mi ? undefined : (i.fics ?? [])[0];
  return {
    TenantId: WORKSPACE,
    SourceSystem: 'Azure AD',
    TimeGenerated: time,
    ResourceGroup: 'Microsoft.aadiam',
    OperationName: 'Sign-in activity',
    OperationVersion: '1.0',
    Category: mi ? 'ManagedIdentitySignInLogs' : 'ServicePrincipalSignInLogs',
    ResultType: ok ? '0' : '700027',
    ResultSignature: ok ? 'SUCCESS' : 'FAILURE',
    ResultDescription: ok ? '' : 'Client assertion contains an invalid signature.',
    DurationMs: 0,
    CorrelationId: id.replace(/^8/, '9'),
    Identity: mi ? i.uami : i.name,
    Level: '4',
    Location: 'NL',
    AppId: appId(i.n),
    ServicePrincipalId: oid(i.n),
    ServicePrincipalName: mi ? i.uami : i.name,
    ResourceDisplayName: resource[1],
    ResourceIdentity: resource[0],
    ResourceServicePrincipalId: resource[0] === GRAPH_APP_ID ? GRAPH_SP : '',
    IPAddress: mi ? '' : '20.50.2.17',
    LocationDetails: mi ? '{}' : '{"city":"Amsterdam","state":"Noord-Holland","countryOrRegion":"NL"}',
    ConditionalAccessStatus: 'notApplied',
    ConditionalAccessPolicies: '[]',
    AuthenticationProcessingDetails:
      '[{"key":"Azure AD App Authentication Library","value":"Family: MSAL Library: MSAL.Node 3.8.0 Platform: Node"}]',
    AuthenticationContextClassReferences: '[]',
    // Which credential signed in: federation where the app has it (payments-ci moved to it and
    // left its old secret unused: credential.unused), else its certificate, else its secret.
    ServicePrincipalCredentialKeyId: fic ? '' : cert ? cert.keyId : secret ? secret.keyId : '',
    ServicePrincipalCredentialThumbprint: !fic && cert ? cert.thumb : '',
    FederatedCredentialId: fic ? `70000000-0000-4000-8000-${String(i.n * 100).padStart(12, '0')}` : '',
    UniqueTokenIdentifier: Buffer.from(id).toString('base64').slice(0, 22),
    Id: id,
    Type: mi ? 'AADManagedIdentitySignInLogs' : 'AADServicePrincipalSignInLogs',
  };
};
const days = (n) => new Date(Date.parse(RECORDED_AT) - n * 86_400_000).toISOString().replace('.000Z', 'Z');
const signIns = { AADServicePrincipalSignInLogs: [], AADManagedIdentitySignInLogs: [] };
// (The SAML app's service principal never signs in: its users do, in another log.)
for (const i of identities.filter((x) => !x.saml)) {
  const table = i.kind === 'mi' ? 'AADManagedIdentitySignInLogs' : 'AADServicePrincipalSignInLogs';
  const last = i.name in LAST_SUCCESS ? LAST_SUCCESS[i.name] : days(1);
  if (last) signIns[table].push(signIn(i, last, true));
  if (!(i.name in LAST_SUCCESS)) signIns[table].push(signIn(i, days(12), true));
  for (const t of FAILURES[i.name] ?? []) signIns[table].push(signIn(i, t, false));
}
const payments = identities.find((i) => i.name === 'payments-api');
// The earliest record the workspace still holds (it keeps 180 days; the diagnostic setting dates from June)...
signIns.AADManagedIdentitySignInLogs.push(signIn(payments, '2026-06-01T00:05:00Z', true));
// ...and one from before the queried range, which the query's time range must leave out.
signIns.AADServicePrincipalSignInLogs.push(
  signIn(
    identities.find((i) => i.name === 'shadow-app'),
    '2026-04-02T08:00:00Z',
    true,
  ),
);
for (const [table, records] of Object.entries(signIns)) {
  records.sort((a, b) => a.TimeGenerated.localeCompare(b.TimeGenerated));
  put(`logs/${table}`, records);
}

put('fixture', {
  description: 'Contoso sample tenant: matches baseline.yaml except for the drift listed in README.md',
  recordedAt: RECORDED_AT,
  tenantId: TENANT,
  subscriptions: [PROD, DEV],
  managementGroups: [MG],
  managedIdentityAttachments: true,
  logAnalyticsWorkspaceId: WORKSPACE,
  pageSize: { arm: 3, graph: 4 },
});

for (const [p, body] of files) {
  const file = path.join(OUT, `${p}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
}
console.log(`wrote ${files.size} files under ${path.relative(process.cwd(), OUT) || '.'}`);
