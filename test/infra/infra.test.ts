import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../shared/baseline/parse';
import { starterBaselineYaml } from '../../shared/baseline/starter';
import { ROOT } from '../support/sample';
import { checkInfra } from './invariants';
import * as prettier from 'prettier';
import { permissionsMarkdown, REQUIRED_ACCESS } from '../../shared/azure/required-access';
import type { RequiredAccess } from '../../shared/azure/access';

const INFRA = path.join(ROOT, 'infra');

/** A copy of the project's infra/ (and functions/, which event subscriptions point at) with one edit. */
function mutated(file: string, find: string | RegExp, replace: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'wimon-infra-'));
  cpSync(INFRA, path.join(root, 'infra'), { recursive: true });
  cpSync(path.join(ROOT, 'functions'), path.join(root, 'functions'), { recursive: true });
  const target = path.join(root, 'infra', file);
  const text = readFileSync(target, 'utf8');
  const next = text.replace(find, replace);
  if (next === text) throw new Error(`mutation did not apply to ${file}`);
  writeFileSync(target, next);
  return path.join(root, 'infra');
}

describe('infra/ invariants (Bicep checked as text)', () => {
  it('the templates keep every invariant', () => {
    expect(checkInfra(INFRA)).toEqual([]);
  });

  it.each([
    [
      'an output that lists storage keys',
      'app/monitor.bicep',
      /output functionAppName/,
      'output storageKey string = storage.listKeys().keys[0].value\noutput functionAppName',
      /lists keys|looks like a secret/,
    ],
    [
      'shared-key storage',
      'app/monitor.bicep',
      'allowSharedKeyAccess: false',
      'allowSharedKeyAccess: true',
      /allows shared keys/,
    ],
    [
      'Application Insights with local auth',
      'app/monitor.bicep',
      'DisableLocalAuth: true',
      'DisableLocalAuth: false',
      /local \(key\) authentication/,
    ],
    [
      'table access widened to the resource group',
      'app/monitor.bicep',
      /(tableContributor[^]*?)\n\s*scope: storage/,
      '$1',
      /Storage Table Data Contributor must be scoped to storage/,
    ],
    [
      'the workspace reader moved off the workspace',
      'app/workspace-reader.bicep',
      /\n\s*scope: workspace/,
      '',
      /Log Analytics Reader must be scoped to workspace/,
    ],
    [
      'built-in Reader instead of the custom role',
      'app/reader-assignment.bicep',
      /roleDefinitionId: [^\n]+/,
      "roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRole)\n",
      /not meant to hold/,
    ],
    [
      'a wider custom role',
      'app/reader-role.bicep',
      "'Microsoft.Authorization/roleDefinitions/read'",
      "'Microsoft.Authorization/roleDefinitions/read'\n          'Microsoft.Compute/*/read'",
      /custom role actions/,
    ],
    [
      'a second Graph permission',
      'app/graph-permission.bicep',
      /\}\s*$/,
      "}\nvar directoryReadAll = '7ab1d382-f21e-4acd-a863-ba3e13f7da61'\nresource more 'Microsoft.Graph/appRoleAssignedTo@v1.0' = {\n  appRoleId: directoryReadAll\n  principalId: principalId\n  resourceId: microsoftGraph.id\n}\n",
      /not exactly Application.Read.All, User.Read.All/,
    ],
    [
      'an operation dropped from the filter',
      'events/subscription-events.bicep',
      "            'Microsoft.Authorization/roleAssignments/delete'\n",
      '',
      /operationName filter differs/,
    ],
    [
      'an extra operation in the filter',
      'events/subscription-events.bicep',
      "            'Microsoft.Authorization/roleAssignments/write'\n",
      "            'Microsoft.Authorization/roleAssignments/write'\n            'Microsoft.Storage/storageAccounts/write'\n",
      /operationName filter differs/,
    ],
    [
      'a Key Vault event type missing',
      'events/keyvault-events.bicep',
      "        'Microsoft.KeyVault.CertificateExpired'\n",
      '',
      /Key Vault events/,
    ],
    [
      'no dead-lettering',
      'events/keyvault-events.bicep',
      /deadLetterWithResourceIdentity:/,
      'deliveryProperties:',
      /no dead-letter destination/,
    ],
    [
      'a function that does not exist',
      'events/subscription-events.bicep',
      '/functions/events',
      '/functions/eventz',
      /does not exist/,
    ],
    [
      'a setting the code reads left unset',
      'app/monitor.bicep',
      /\n\s*\{ name: 'WIMON_DELTA_SCHEDULE'[^\n]*/,
      '',
      /WIMON_DELTA_SCHEDULE is read by the code but not set/,
    ],
    [
      'a storage connection string set',
      'app/monitor.bicep',
      "{ name: 'WIMON_TABLE_PREFIX', value: 'wimon' }",
      "{ name: 'WIMON_TABLE_PREFIX', value: 'wimon' }\n        { name: 'WIMON_STORAGE_CONNECTION_STRING', value: 'x' }",
      /must not be set in Azure/,
    ],
    [
      'a wider email sender role',
      'app/monitor.bicep',
      "'Microsoft.Communication/EmailServices/write'",
      "'Microsoft.Communication/EmailServices/write'\n          'Microsoft.Communication/CommunicationServices/ListKeys/action'",
      /not just sending email/,
    ],
    [
      'the attestation key in plain text instead of a Key Vault reference',
      'app/monitor.bicep',
      /value: '@Microsoft\.KeyVault\(VaultName=\$\{vault\.name\};SecretName=\$\{attestationSecretName\}\)'/,
      'value: attestationKey',
      /WIMON_ATTESTATION_KEY looks like a secret/,
    ],
    [
      'a resource without its API reference page',
      'app/monitor.bicep',
      /\/\/ API reference: https:\/\/learn\.microsoft\.com\/azure\/templates\/microsoft\.web\/serverfarms\?pivots=deployment-language-bicep\n/,
      '',
      /resource plan \(Microsoft\.Web\/serverfarms\) does not name its API reference page/,
    ],
    [
      'an API reference page of another resource type',
      'app/monitor.bicep',
      'microsoft.web/serverfarms?pivots',
      'microsoft.web/sites?pivots',
      /resource plan \(Microsoft\.Web\/serverfarms\) does not name its API reference page/,
    ],
    [
      'the Teams webhook URL in plain text instead of a Key Vault reference',
      'app/monitor.bicep',
      /value: '@Microsoft\.KeyVault\(VaultName=\$\{vault\.name\};SecretName=\$\{teamsSecretName\}\)'/,
      'value: teamsWebhookUrl',
      /WIMON_TEAMS_WEBHOOK_URL looks like a secret/,
    ],
    [
      'the Teams webhook reader widened to the whole vault',
      'app/monitor.bicep',
      'scope: teamsSecret',
      'scope: vault',
      /Key Vault Secrets User must be scoped to attestationSecret or teamsSecret/,
    ],
    [
      'the key reader widened to the whole vault',
      'app/monitor.bicep',
      'scope: attestationSecret',
      'scope: vault',
      /Key Vault Secrets User must be scoped to attestationSecret/,
    ],
    [
      'Reader granted whether or not the attachment check is on',
      'main.bicep',
      '(checkManagedIdentityAttachments ? monitoredSubscriptionIds : [])',
      'monitoredSubscriptionIds',
      /not behind checkManagedIdentityAttachments/,
    ],
    [
      'Reader granted outside its one module',
      'app/workspace-reader.bicep',
      /var (\w+) = '73c42c96-874c-492b-b04d-ab87d138a893'/,
      "var $1 = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'",
      /broad built-in role \(acdd72a7/,
    ],
    ['Node 20', 'app/monitor.bicep', "version: '22'", "version: '20'", /Node 22/],
    [
      'a heap limit other than the one the benchmark measures with',
      'app/monitor.bicep',
      '--max-old-space-size=1280',
      '--max-old-space-size=4096',
      /languageWorkers__node__arguments does not pass --max-old-space-size=1280/,
    ],
    [
      'a smaller instance than the heap limit is sized for',
      'app/monitor.bicep',
      'instanceMemoryMB: 2048',
      'instanceMemoryMB: 512',
      /2,048 MB instances/,
    ],
    [
      'a role the sign-in reader declares, no longer granted',
      'app/workspace-reader.bicep',
      /resource reader 'Microsoft.Authorization\/roleAssignments@2022-04-01' = \{[^]*?\n\}/,
      '',
      /the code needs Log Analytics Reader but no template assigns it/,
    ],
  ] as Array<[string, string, string | RegExp, string, RegExp]>)(
    'fails on %s',
    (_name, file, find, replace, expected) => {
      const problems = checkInfra(mutated(file, find, replace));
      expect(problems.join('\n')).toMatch(expected);
    },
  );

  it('a permission the code declares but infra/ does not grant is a problem (expectations come from the code)', () => {
    const declared = REQUIRED_ACCESS as RequiredAccess[];
    declared.push({
      by: 'test',
      why: 'a new reader',
      grant: {
        kind: 'builtInRole',
        role: 'Key Vault Reader',
        roleId: '21090545-7ca7-4776-b22c-e363652d74d2',
        scope: 'x',
      },
    });
    try {
      expect(checkInfra(INFRA).join('\n')).toMatch(
        /the code needs Key Vault Reader but infra\/ has no place for it/,
      );
    } finally {
      declared.pop();
    }
    const arm = REQUIRED_ACCESS.find(
      (a) => a.grant.kind === 'customRoleActions' && a.by.endsWith('arm-reader.ts'),
    )!;
    const grant = arm.grant as { actions: readonly string[] };
    const before = grant.actions;
    grant.actions = [...before, 'Microsoft.Management/managementGroups/read'];
    try {
      expect(checkInfra(INFRA).join('\n')).toMatch(
        /custom role actions .* differ from what the readers need/,
      );
    } finally {
      grant.actions = before;
    }
    expect(checkInfra(INFRA)).toEqual([]);
  });

  it('docs/permissions.md is generated from the declarations (run `npm run docs`)', async () => {
    const file = path.join(ROOT, 'docs', 'permissions.md');
    const options = { ...(await prettier.resolveConfig(file)), filepath: file };
    expect(readFileSync(file, 'utf8')).toBe(await prettier.format(permissionsMarkdown(), options));
  });

  it('the starter baseline holds the monitor with exactly the roles the templates grant, and validates', () => {
    const env = {
      AZURE_ENV_NAME: 'prod',
      WIMON_PRINCIPAL_ID: '7f3e1c2a-0000-4000-8000-000000000abc',
      WIMON_MONITORED_SUBSCRIPTIONS:
        '11111111-1111-4111-8111-111111111111,22222222-2222-4222-8222-222222222222',
      WIMON_STORAGE_ACCOUNT_ID:
        '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-wimon-prod/providers/Microsoft.Storage/storageAccounts/stwimonabc',
      WIMON_APP_INSIGHTS_ID:
        '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-wimon-prod/providers/Microsoft.Insights/components/appi-wimon-abc',
      WIMON_COMMUNICATION_ID:
        '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-wimon-prod/providers/Microsoft.Communication/communicationServices/acs-wimon-abc',
      WIMON_ATTESTATION_SECRET_ID:
        '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-wimon-prod/providers/Microsoft.KeyVault/vaults/kv-wimon-abc/secrets/attestation-key',
      WIMON_SIGNIN_WORKSPACE_RESOURCE_ID:
        '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/law',
      WIMON_SECURITY_CONTACTS: 'secops@contoso.com',
    };
    const now = new Date('2026-11-22T00:00:00Z');
    const baseline = parseBaseline(starterBaselineYaml(env, now), 'starter-baseline.yaml', now);
    const monitor = baseline.identities[0]!;
    expect(monitor.objectId).toBe(env.WIMON_PRINCIPAL_ID);
    expect(monitor.roles.map((r) => r.role).sort()).toEqual([
      'Key Vault Secrets User',
      'Log Analytics Reader',
      'Monitoring Metrics Publisher',
      'Storage Blob Data Owner',
      'Storage Table Data Contributor',
      'Workload Identity Monitor Email Sender (abc)',
      'Workload Identity Monitor Reader (prod)',
      'Workload Identity Monitor Reader (prod)',
    ]);
    expect(monitor.appRoles).toEqual([
      'Microsoft Graph/Application.Read.All',
      'Microsoft Graph/User.Read.All',
    ]);
    // with the attachment check on, the monitor also holds Reader on each monitored subscription
    const withReader = parseBaseline(
      starterBaselineYaml({ ...env, WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS: 'true' }, now),
      'starter-baseline.yaml',
      now,
    ).identities[0]!;
    expect(withReader.roles.filter((r) => r.role === 'Reader').map((r) => r.scope)).toEqual(
      env.WIMON_MONITORED_SUBSCRIPTIONS.split(',').map((s) => `/subscriptions/${s}`),
    );
    // the custom role's name is the one main.bicep gives it
    expect(readFileSync(path.join(INFRA, 'main.bicep'), 'utf8')).toContain(
      "roleName: 'Workload Identity Monitor Reader (${environmentName})'",
    );
  });

  it('without security contacts the starter baseline says what to fill in', () => {
    const text = starterBaselineYaml(
      {
        AZURE_ENV_NAME: 'dev',
        WIMON_PRINCIPAL_ID: '7f3e1c2a-0000-4000-8000-000000000abc',
        WIMON_MONITORED_SUBSCRIPTIONS: '22222222-2222-4222-8222-222222222222',
        WIMON_STORAGE_ACCOUNT_ID:
          '/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/s',
        WIMON_APP_INSIGHTS_ID:
          '/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/r/providers/Microsoft.Insights/components/a',
        WIMON_COMMUNICATION_ID:
          '/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/r/providers/Microsoft.Communication/communicationServices/c',
        WIMON_ATTESTATION_SECRET_ID:
          '/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/r/providers/Microsoft.KeyVault/vaults/k/secrets/attestation-key',
      },
      new Date(),
    );
    expect(() => parseBaseline(text, 'starter-baseline.yaml', new Date())).toThrow(/OWNER-REQUIRED/);
  });
});
