import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../shared/baseline/parse';
import { starterBaselineYaml } from '../../shared/baseline/starter';
import { ROOT } from '../support/sample';
import { checkInfra, CLI_SETTINGS } from './invariants';
import { spawnSync } from 'node:child_process';
import { SETTING_EXAMPLES } from '../../shared/config/settings';
import * as prettier from 'prettier';
import { DefaultAzureCredential } from '@azure/identity';
import { permissionsMarkdown, REQUIRED_ACCESS } from '../../shared/azure/required-access';
import type { RequiredAccess } from '../../shared/azure/access';

const INFRA = path.join(ROOT, 'infra');

/** A copy of the project's infra/ (and functions/, which event subscriptions point at) with one edit. */
function mutated(file: string, find: string | RegExp, replace: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'wimon-infra-'));
  cpSync(INFRA, path.join(root, 'infra'), { recursive: true });
  cpSync(path.join(ROOT, 'functions'), path.join(root, 'functions'), { recursive: true });
  cpSync(path.join(ROOT, 'azure.yaml'), path.join(root, 'azure.yaml'));
  cpSync(path.join(ROOT, 'host.json'), path.join(root, 'host.json'));
  cpSync(path.join(ROOT, '.deploy', '.funcignore'), path.join(root, '.deploy', '.funcignore'));
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
      "{ name: 'WIMON_TABLE_PREFIX', value: tablePrefix }",
      "{ name: 'WIMON_TABLE_PREFIX', value: tablePrefix }\n        { name: 'WIMON_STORAGE_CONNECTION_STRING', value: 'x' }",
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
    // 7. azd up on a clean subscription, twice (issue 22)
    [
      'an empty subscription list accepted',
      'main.bicep',
      /@minLength\(1\)\n(@description\('Subscription ids)/,
      '$1',
      /monitoredSubscriptionIds accepts an empty list/,
    ],
    [
      'an empty default for the subscription list',
      'main.parameters.json',
      '${WIMON_SUBSCRIPTION_IDS_JSON}',
      '${WIMON_SUBSCRIPTION_IDS_JSON=[]}',
      /WIMON_SUBSCRIPTION_IDS_JSON has a default/,
    ],
    [
      'a location outside Flex Consumption regions',
      'main.bicep',
      /@allowed\(\[\n {2}'australiaeast'[^\]]*\]\)\n/,
      '',
      /location has no allowed list/,
    ],
    [
      'no azd location metadata',
      'main.bicep',
      "@metadata({ azd: { type: 'location' } })\n",
      '',
      /no azd location metadata/,
    ],
    [
      'a vault that cannot be recovered after azd down',
      'app/monitor.bicep',
      /\n\s*createMode: vaultCreateMode/,
      '',
      /cannot be recovered after azd down/,
    ],
    [
      'the attestation key rewritten on every provision',
      'app/monitor.bicep',
      '= if (!attestationKeyExists) {',
      '= {',
      /attestation key is written on every provision/,
    ],
    [
      'the previous key without its version (it would follow the newest: the current key)',
      'app/monitor.bicep',
      ';SecretVersion=${attestationPreviousKeyVersion}',
      '',
      /previous attestation key is not the same secret pinned to its version/,
    ],
    [
      'the previous key set with no rotation under way',
      'app/monitor.bicep',
      'empty(attestationPreviousKeyVersion) ? [] :',
      'true ? [] :',
      /set even when no rotation is under way/,
    ],
    [
      'no Table data role for the deployer',
      'app/monitor.bicep',
      /resource deployerTables [^]*?\n\}\n/,
      '',
      /deployer gets no Storage Table Data Contributor/,
    ],
    [
      'a CLI setting missing from the azd outputs',
      'main.bicep',
      /\noutput WIMON_TABLE_ENDPOINT [^\n]+/,
      '',
      /WIMON_TABLE_ENDPOINT is not an output/,
    ],
    [
      "ARM's string() of a bool",
      'app/monitor.bicep',
      "checkManagedIdentityAttachments ? 'true' : 'false'",
      'string(checkManagedIdentityAttachments)',
      /string\(checkManagedIdentityAttachments\) writes 'True'/,
    ],
    [
      'the attestation URL built from the app name',
      'app/monitor.bicep',
      "var attestationUrl = 'https://${functionApp.properties.defaultHostName}/api/attest'",
      "var attestationUrl = 'https://func-wimon-${token}.azurewebsites.net/api/attest'",
      /not built from the site's default host name/,
    ],
    [
      'DefaultAzureCredential walking its chain in Azure',
      'app/monitor.bicep',
      /\n\s*\{ name: 'AZURE_TOKEN_CREDENTIALS'[^\n]*/,
      '',
      /does not pin its credential to ManagedIdentityCredential/,
    ],
    [
      'the Graph extension on a preview',
      'bicepconfig.json',
      'microsoftgraph/v1.0:1.0.0',
      'microsoftgraph/v1.0:0.2.0-preview',
      /not a released 1\.x version/,
    ],
    [
      'a subscription-scope deployment name shared by every environment',
      'main.bicep',
      "name: 'wimon-${token}-reader-${subscriptionId}'",
      "name: 'reader-${subscriptionId}'",
      /module readerAssignments's deployment name does not carry/,
    ],
    [
      'the custom role defined in the first monitored subscription',
      'main.bicep',
      "  name: 'wimon-${token}-reader-role'\n",
      "  name: 'wimon-${token}-reader-role'\n  scope: subscription(monitoredSubscriptionIds[0])\n",
      /custom role is defined in a monitored subscription/,
    ],
    [
      'a fixed event subscription name',
      'events/subscription-events.bicep',
      '  name: eventSubscriptionName',
      "  name: 'wimon-identity-changes'",
      /has a fixed name/,
    ],
    [
      "the Key Vault topic in the resource group's region",
      'events/keyvault-events.bicep',
      'location: vault.location',
      'location: resourceGroup().location',
      /system topic is not where the vault is/,
    ],
    [
      'no alert on a failed notice',
      'app/monitor.bicep',
      "name: 'notice-failed'",
      "name: 'notice-sent'",
      /no alert fires on a failed notice/,
    ],
    [
      'an overdue window that is not twice the schedule',
      'app/monitor.bicep',
      'param reconcileAlertWindowHours int = 12',
      'param reconcileAlertWindowHours int = 48',
      /not twice the default reconcile schedule's interval/,
    ],
    [
      'a partial run that raises no alert',
      'app/monitor.bicep',
      'outcome in ("partial", "failed")',
      'outcome in ("failed")',
      /no alert fires on a partial or failed run/,
    ],
    [
      'a vault without purge protection',
      'app/monitor.bicep',
      'enablePurgeProtection: true',
      'enablePurgeProtection: false',
      /the vault has no purge protection/,
    ],
    [
      'an action group that mails nobody',
      'app/monitor.bicep',
      /emailReceivers: \[for \(address, i\) in alertEmails: \{[^]*?\}\]/,
      'emailReceivers: []',
      /no action group mails the alert recipients/,
    ],
    [
      'an overdue alert that counts partial reconciles as done',
      'app/monitor.bicep',
      'customDimensions.runKind == "reconcile" and customDimensions.outcome == "complete"',
      'customDimensions.runKind == "reconcile"',
      /no alert fires when no complete reconcile ended in time/,
    ],
    [
      'an alert query for a record the monitor does not write',
      'app/monitor.bicep',
      /query: 'traces \| where customDimensions\.event == "run\.ended" and customDimensions\.outcome in/,
      `query: 'traces | where customDimensions.event == "run.finished" and customDimensions.outcome in`,
      /an alert query looks for a record the monitor does not write/,
    ],
    [
      'alert rules that notify no one',
      'app/monitor.bicep',
      'actions: { actionGroups: [alertGroup.id] }',
      'actions: { actionGroups: [] }',
      /the alert rules notify no action group/,
    ],
    [
      "no dead-letter alert on the subscriptions' topics",
      'events/subscription-events.bicep',
      'actionGroupId: actionGroupId',
      "actionGroupId: ''",
      /subscription-events\.bicep: no alert on dead-lettered events/,
    ],
    [
      'no alert on dead-lettered events',
      'events/keyvault-events.bicep',
      "metricName: 'DeadLetteredCount'",
      "metricName: 'PublishSuccessCount'",
      /keyvault-events\.bicep: no alert on dead-lettered events/,
    ],
    [
      'traces sampled by the Functions host',
      '../host.json',
      '"excludedTypes": "Request;Trace;Exception"',
      '"excludedTypes": "Request"',
      /host\.json: the host may sample away traces/,
    ],
    [
      'the whole repository deployed instead of the staged package',
      '../azure.yaml',
      'project: ./.deploy',
      'project: .',
      /not deployed from the staged \.deploy\/ with remote build/,
    ],
    [
      'no remote build',
      '../azure.yaml',
      'remoteBuild: true',
      'remoteBuild: false',
      /not deployed from the staged \.deploy\/ with remote build/,
    ],
    [
      'node_modules shipped from the workstation',
      '../.deploy/.funcignore',
      /^node_modules\n/m,
      '',
      /does not leave node_modules to the remote build/,
    ],
    [
      'a hook that runs only on posix',
      '../azure.yaml',
      /( {2}postdeploy:\n {4}posix:\n[^]*?)\n {4}windows:\n {6}shell: pwsh\n {6}run: node infra\/hooks\/postdeploy\.mjs\n {6}continueOnError: false/,
      '$1',
      /hook postdeploy does not run on both posix and Windows/,
    ],
    [
      'a hook script that does not exist',
      '../azure.yaml',
      /run: node infra\/hooks\/preprovision\.mjs/g,
      'run: node infra/hooks/preprovision-check.mjs',
      /hook preprovision is not a Node script of this repository/,
    ],
    [
      'an azd minimum in azure.yaml other than the hook checks',
      '../azure.yaml',
      "azd: '>= 1.17.0'",
      "azd: '>= 1.10.0'",
      /requiredVersions\.azd .* differs from the preprovision hook's minimum/,
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

  it('the CLI configures itself from the azd outputs (`set -a; eval "$(azd env get-values)"; set +a`)', () => {
    const outputs = [
      ...readFileSync(path.join(INFRA, 'main.bicep'), 'utf8').matchAll(/^output (WIMON_\w+) string/gm),
    ].map((m) => m[1]!);
    for (const name of CLI_SETTINGS) expect(outputs).toContain(name);
    // azd env get-values prints NAME="value" lines; the values here are the settings' documented examples.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wimon-azd-env-'));
    const values = CLI_SETTINGS.map(
      (n) => `${n}="${SETTING_EXAMPLES[n as keyof typeof SETTING_EXAMPLES]}"`,
    ).join('\n');
    writeFileSync(path.join(dir, 'values.env'), `${values}\nAZURE_ENV_NAME="prod"\n`);
    writeFileSync(
      path.join(dir, 'load.cjs'),
      `const { loadSettings } = require(${JSON.stringify(path.join(ROOT, 'dist', 'shared', 'config', 'settings.js'))});
const s = loadSettings(process.env);
process.stdout.write(JSON.stringify({ table: s.WIMON_TABLE_ENDPOINT, subs: s.WIMON_SUBSCRIPTIONS }));\n`,
    );
    const r = spawnSync(
      'sh',
      ['-c', `set -a; eval "$(cat values.env)"; set +a; "${process.execPath}" load.cjs`],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      },
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      table: SETTING_EXAMPLES.WIMON_TABLE_ENDPOINT,
      subs: SETTING_EXAMPLES.WIMON_SUBSCRIPTIONS.split(','),
    });
  });

  it('the credential the template pins is one the installed @azure/identity accepts, and it is managed identity alone', () => {
    const value = /name: 'AZURE_TOKEN_CREDENTIALS', value: '([^']+)'/.exec(
      readFileSync(path.join(INFRA, 'app', 'monitor.bicep'), 'utf8'),
    )?.[1];
    expect(value).toBe('ManagedIdentityCredential');
    const before = process.env.AZURE_TOKEN_CREDENTIALS;
    try {
      process.env.AZURE_TOKEN_CREDENTIALS = value;
      const chain = (new DefaultAzureCredential() as unknown as { _sources: object[] })._sources;
      expect(chain.map((c) => c.constructor.name)).toEqual(['ManagedIdentityCredential']);
      // the same SDK refuses a value it does not know, so the check above can fail
      process.env.AZURE_TOKEN_CREDENTIALS = 'ManagedIdentity';
      expect(() => new DefaultAzureCredential()).toThrow(/Invalid value for AZURE_TOKEN_CREDENTIALS/);
    } finally {
      if (before === undefined) delete process.env.AZURE_TOKEN_CREDENTIALS;
      else process.env.AZURE_TOKEN_CREDENTIALS = before;
    }
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
      WIMON_SUBSCRIPTIONS: '11111111-1111-4111-8111-111111111111,22222222-2222-4222-8222-222222222222',
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
      // as ARM's string() of a bool writes it: the starter reads it without regard to case
      starterBaselineYaml({ ...env, WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS: 'True' }, now),
      'starter-baseline.yaml',
      now,
    ).identities[0]!;
    expect(withReader.roles.filter((r) => r.role === 'Reader').map((r) => r.scope)).toEqual(
      env.WIMON_SUBSCRIPTIONS.split(',').map((s) => `/subscriptions/${s}`),
    );
    // the custom role's name is the one main.bicep gives it
    expect(readFileSync(path.join(INFRA, 'main.bicep'), 'utf8')).toContain(
      "roleName: 'Workload Identity Monitor Reader (${environmentName})'",
    );
  });

  it('without security contacts the starter baseline says what to fill in', () => {
    const STARTER_DAY = new Date('2026-11-22T09:00:00Z');
    const text = starterBaselineYaml(
      {
        AZURE_ENV_NAME: 'dev',
        WIMON_PRINCIPAL_ID: '7f3e1c2a-0000-4000-8000-000000000abc',
        WIMON_SUBSCRIPTIONS: '22222222-2222-4222-8222-222222222222',
        WIMON_STORAGE_ACCOUNT_ID:
          '/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/s',
        WIMON_APP_INSIGHTS_ID:
          '/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/r/providers/Microsoft.Insights/components/a',
        WIMON_COMMUNICATION_ID:
          '/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/r/providers/Microsoft.Communication/communicationServices/c',
        WIMON_ATTESTATION_SECRET_ID:
          '/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/r/providers/Microsoft.KeyVault/vaults/k/secrets/attestation-key',
      },
      STARTER_DAY,
    );
    expect(() => parseBaseline(text, 'starter-baseline.yaml', STARTER_DAY)).toThrow(/OWNER-REQUIRED/);
  });
});
