/**
 * The azd hooks (infra/hooks/*.mjs) run against stand-ins for `az` and `azd` that answer from a
 * plan and log every call. PATH holds only the stand-ins and Node: no shell tools (md5sum, sed,
 * tr), so what passes here runs the same on macOS and Windows, where those differ or are absent.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/sample';

const HOOKS = path.join(ROOT, 'infra', 'hooks');
const STUB = path.join(ROOT, 'test', 'support', 'cli-stub.cjs');
const SUB = '11111111-1111-4111-8111-111111111111';

interface Rule {
  tool: 'az' | 'azd';
  when: string;
  status?: number;
  stdout?: string;
  stderr?: string;
  times?: number;
}
interface Call {
  tool: string;
  args: string[];
  files: Record<string, number>;
}

function runHook(script: string, plan: Rule[], env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wimon-hook-'));
  const bin = path.join(dir, 'bin');
  spawnSync(process.execPath, ['-e', `require('fs').mkdirSync(${JSON.stringify(bin)})`]);
  for (const tool of ['az', 'azd']) {
    const file = path.join(bin, tool);
    writeFileSync(file, `#!/bin/sh\nexec "${process.execPath}" "${STUB}" ${tool} "$@"\n`);
    chmodSync(file, 0o755);
  }
  const planFile = path.join(dir, 'plan.json');
  const logFile = path.join(dir, 'calls.jsonl');
  writeFileSync(planFile, JSON.stringify(plan));
  writeFileSync(logFile, '');
  const r = spawnSync(process.execPath, [path.join(HOOKS, script)], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: `${bin}${path.delimiter}${path.dirname(process.execPath)}`,
      CLI_STUB_PLAN: planFile,
      CLI_STUB_LOG: logFile,
      WIMON_HOOK_RETRY_DELAY_MS: '1',
      ...env,
    },
  });
  const calls = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Call);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls, dir };
}

const envSets = (calls: Call[]) =>
  Object.fromEntries(
    calls
      .filter((c) => c.tool === 'azd' && c.args[0] === 'env' && c.args[1] === 'set')
      .map((c) => [c.args[2], c.args[3]]),
  );

const AZD_OK: Rule = { tool: 'azd', when: '^version', stdout: 'azd version 1.17.2 (commit 0123abc)\n' };
const AZD_SET: Rule = { tool: 'azd', when: '^env set', times: 10 };
const PREPROVISION_ENV = {
  AZURE_ENV_NAME: 'prod',
  AZURE_SUBSCRIPTION_ID: SUB,
  WIMON_SUBSCRIPTION_IDS_JSON: JSON.stringify([SUB]),
};
/** The preprovision plan up to the vault lookup: azd fine, no soft-deleted vault; then `rules`. */
const withoutDeletedVault = (...rules: Rule[]): Rule[] => [
  AZD_OK,
  AZD_SET,
  { tool: 'az', when: '^keyvault list-deleted', stdout: '[]' },
  ...rules,
];
const vaultId = (group: string) =>
  `/subscriptions/${SUB}/resourceGroups/${group}/providers/Microsoft.KeyVault/vaults/kv-wimon-abc`;

describe('preprovision hook', () => {
  it('stops with the minimum version when azd is too old', () => {
    const r = runHook(
      'preprovision.mjs',
      [{ tool: 'azd', when: '^version', stdout: 'azd version 1.16.2 (commit 1)' }],
      PREPROVISION_ENV,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/azd 1\.16\.2 is too old for this template: it needs 1\.17\.0 or later/);
  });

  it.each([
    ['unset', {}],
    ['an empty list', { WIMON_SUBSCRIPTION_IDS_JSON: '[]' }],
    ['not a subscription id', { WIMON_SUBSCRIPTION_IDS_JSON: '["prod"]' }],
  ])('stops early when the monitored subscriptions are %s', (_name, extra) => {
    const env: Record<string, string> = { ...PREPROVISION_ENV, ...extra };
    if (!('WIMON_SUBSCRIPTION_IDS_JSON' in extra)) delete env.WIMON_SUBSCRIPTION_IDS_JSON;
    const r = runHook('preprovision.mjs', [AZD_OK], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/WIMON_SUBSCRIPTION_IDS_JSON/);
    expect(envSets(r.calls)).toEqual({});
  });

  it('after azd down: finds the soft-deleted vault of this environment (tags compared without case) and asks for it back, key and all', () => {
    const deleted = [
      // another environment's vault, and this one's
      {
        name: 'kv-wimon-zzz',
        properties: {
          vaultId: vaultId('rg-wimon-dev'),
          tags: { 'azd-env-name': 'dev', workload: 'workload-identity-monitor' },
        },
      },
      {
        name: 'kv-wimon-abc',
        properties: {
          vaultId: vaultId('RG-WIMON-PROD'),
          tags: { 'azd-env-name': 'Prod', workload: 'workload-identity-monitor' },
        },
      },
    ];
    const r = runHook(
      'preprovision.mjs',
      [AZD_OK, AZD_SET, { tool: 'az', when: '^keyvault list-deleted', stdout: JSON.stringify(deleted) }],
      PREPROVISION_ENV,
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(envSets(r.calls)).toEqual({
      WIMON_VAULT_CREATE_MODE: 'recover',
      WIMON_ATTESTATION_KEY_EXISTS: 'true',
    });
    expect(r.stdout).toMatch(/kv-wimon-abc is soft-deleted and will be recovered/);
  });

  it.each([
    ['holds the attestation key', 0, 'true'],
    ['has no attestation key yet', 3, 'false'],
  ])('a live vault that %s: kept as it is', (_name, secretStatus, exists) => {
    const r = runHook(
      'preprovision.mjs',
      withoutDeletedVault(
        {
          tool: 'az',
          when: '^keyvault list --resource-group rg-wimon-prod',
          stdout: JSON.stringify([
            {
              name: 'kv-wimon-abc',
              id: vaultId('rg-wimon-prod'),
              tags: { 'azd-env-name': 'prod', workload: 'workload-identity-monitor' },
            },
          ]),
        },
        {
          tool: 'az',
          when: `^resource show --ids ${vaultId('rg-wimon-prod')}/secrets/attestation-key`,
          status: secretStatus,
          stdout: secretStatus === 0 ? `${vaultId('rg-wimon-prod')}/secrets/attestation-key\n` : '',
          stderr: secretStatus === 0 ? '' : '(ResourceNotFound) The Resource was not found.',
        },
      ),
      PREPROVISION_ENV,
    );
    expect(r.status).toBe(0);
    expect(envSets(r.calls)).toEqual({
      WIMON_VAULT_CREATE_MODE: 'default',
      WIMON_ATTESTATION_KEY_EXISTS: exists,
    });
  });

  it('a first deployment (no resource group yet): a new vault and a new key', () => {
    const r = runHook(
      'preprovision.mjs',
      withoutDeletedVault({
        tool: 'az',
        when: '^keyvault list ',
        status: 3,
        stderr: "(ResourceGroupNotFound) Resource group 'rg-wimon-prod' could not be found.",
      }),
      PREPROVISION_ENV,
    );
    expect(r.status).toBe(0);
    expect(envSets(r.calls)).toEqual({
      WIMON_VAULT_CREATE_MODE: 'default',
      WIMON_ATTESTATION_KEY_EXISTS: 'false',
    });
  });
});

describe('postprovision hook: the Microsoft Graph grant', () => {
  const PRINCIPAL = '7f3e1c2a-0000-4000-8000-000000000abc';
  const graphSp = {
    tool: 'az' as const,
    when: '^ad sp show --id 00000003-0000-0000-c000-000000000000',
    stdout: 'gggggggg-0000-4000-8000-000000000001\n',
  };
  const notYet = {
    tool: 'az' as const,
    status: 1,
    stderr:
      'Bad Request({"error":{"code":"Request_ResourceNotFound","message":"Resource \'7f3e1c2a-0000-4000-8000-000000000abc\' does not exist or one of its queried reference-property objects are not present."}})',
  };

  it('waits out Entra replication for an identity created by the same deployment, then grants both permissions once', () => {
    const r = runHook(
      'postprovision.mjs',
      [
        graphSp,
        { ...notYet, when: '^rest --method GET', times: 2 },
        { tool: 'az', when: '^rest --method GET', stdout: '{"value":[]}' },
        { ...notYet, when: '^rest --method POST', times: 1 },
        { tool: 'az', when: '^rest --method POST', times: 2, stdout: '{}' },
      ],
      { WIMON_PRINCIPAL_ID: PRINCIPAL },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const posts = r.calls.filter((c) => c.args.includes('POST'));
    // one refused while replicating, then one per permission
    expect(posts).toHaveLength(3);
    const bodies = posts.slice(1).map(
      (c) =>
        JSON.parse(c.args[c.args.indexOf('--body') + 1]!) as {
          appRoleId: string;
          principalId: string;
          resourceId: string;
        },
    );
    expect(bodies.map((b) => b.appRoleId).sort()).toEqual([
      '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
      'df021288-bdef-4463-88db-98f22de89214',
    ]);
    for (const b of bodies)
      expect(b).toMatchObject({ principalId: PRINCIPAL, resourceId: 'gggggggg-0000-4000-8000-000000000001' });
    expect(r.stdout).toMatch(/replication.*\n.*replication/);
    expect(r.stdout).toMatch(/granted Application\.Read\.All, User\.Read\.All/);
  });

  it('grants only what is missing', () => {
    const r = runHook(
      'postprovision.mjs',
      [
        graphSp,
        {
          tool: 'az',
          when: '^rest --method GET',
          stdout: '{"value":[{"appRoleId":"9A5D68DD-52B0-4CC2-BD40-ABCF44AC3A30"}]}',
        },
        { tool: 'az', when: '^rest --method POST', times: 1, stdout: '{}' },
      ],
      { WIMON_PRINCIPAL_ID: PRINCIPAL },
    );
    expect(r.status).toBe(0);
    const posts = r.calls.filter((c) => c.args.includes('POST'));
    expect(posts.map((c) => JSON.parse(c.args[c.args.indexOf('--body') + 1]!).appRoleId)).toEqual([
      'df021288-bdef-4463-88db-98f22de89214',
    ]);
  });

  it('a deployer who may not grant app roles gets the command for an administrator; the provision goes on', () => {
    const r = runHook(
      'postprovision.mjs',
      [
        graphSp,
        { tool: 'az', when: '^rest --method GET', stdout: '{"value":[]}' },
        {
          tool: 'az',
          when: '^rest --method POST',
          status: 1,
          stderr:
            'Forbidden({"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}})',
        },
      ],
      { WIMON_PRINCIPAL_ID: PRINCIPAL },
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/WARNING: you may not grant Microsoft Graph application permissions/);
    expect(r.stderr).toContain(`WIMON_PRINCIPAL_ID=${PRINCIPAL} node infra/hooks/grant-graph-permission.mjs`);
  });

  it('does nothing when the deployment granted them (grantGraphPermission=true)', () => {
    const r = runHook('postprovision.mjs', [], {
      WIMON_GRANT_GRAPH_PERMISSION: 'True',
      WIMON_PRINCIPAL_ID: PRINCIPAL,
    });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([]);
  });
});

describe('postdeploy hook: event subscriptions', () => {
  const STORAGE = `/subscriptions/${SUB}/resourceGroups/rg-wimon-prod/providers/Microsoft.Storage/storageAccounts/stwimonabc`;
  const deployEnv = (env: string) => ({
    AZURE_ENV_NAME: env,
    AZURE_LOCATION: 'westeurope',
    WIMON_SUBSCRIPTIONS: SUB,
    WIMON_FUNCTION_APP_ID: `/subscriptions/${SUB}/resourceGroups/rg-wimon-${env}/providers/Microsoft.Web/sites/func-wimon-abc`,
    WIMON_STORAGE_ACCOUNT_ID: STORAGE,
    WIMON_DEADLETTER_CONTAINER: 'event-deadletter',
    WIMON_ACTION_GROUP_ID: `/subscriptions/${SUB}/resourceGroups/rg-wimon-${env}/providers/Microsoft.Insights/actionGroups/ag-wimon-abc`,
    // for the starter baseline the hook writes last
    WIMON_PRINCIPAL_ID: '7f3e1c2a-0000-4000-8000-000000000abc',
    WIMON_APP_INSIGHTS_ID: `/subscriptions/${SUB}/resourceGroups/rg-wimon-${env}/providers/Microsoft.Insights/components/appi-wimon-abc`,
    WIMON_COMMUNICATION_ID: `/subscriptions/${SUB}/resourceGroups/rg-wimon-${env}/providers/Microsoft.Communication/communicationServices/acs-wimon-abc`,
    WIMON_ATTESTATION_SECRET_ID: `/subscriptions/${SUB}/resourceGroups/rg-wimon-${env}/providers/Microsoft.KeyVault/vaults/kv-wimon-abc/secrets/attestation-key`,
    WIMON_SECURITY_CONTACTS: 'secops@contoso.com',
  });
  const deployment = (calls: Call[]) => calls.find((c) => c.args[0] === 'deployment')!.args;
  const param = (args: string[], name: string) =>
    args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);

  it("reuses the subscription's system topic although ARM wrote its source and type in other cases, under a name that carries the environment", () => {
    const topics = [
      {
        name: 'other-topic',
        resourceGroup: 'rg-x',
        topicType: 'Microsoft.Storage.StorageAccounts',
        source: STORAGE,
      },
      {
        name: 'existing-sub-topic',
        resourceGroup: 'rg-events',
        topicType: 'microsoft.resources.subscriptions',
        source: `/SUBSCRIPTIONS/${SUB.toUpperCase()}`,
      },
    ];
    const plan: Rule[] = [
      { tool: 'az', when: '^eventgrid system-topic list', stdout: JSON.stringify(topics) },
      { tool: 'az', when: '^eventgrid system-topic update' },
      { tool: 'az', when: '^eventgrid system-topic show', stdout: 'tttttttt-0000-4000-8000-000000000001\n' },
      { tool: 'az', when: '^deployment group create', stdout: '\n' },
      { tool: 'az', when: '^role assignment create' },
    ];
    const prod = runHook('postdeploy.mjs', plan, deployEnv('prod'));
    expect(prod.stderr).toBe('');
    expect(prod.status).toBe(0);
    expect(prod.calls.some((c) => c.args[0] === 'group')).toBe(false);
    const args = deployment(prod.calls);
    expect(param(args, 'systemTopicName')).toBe('existing-sub-topic');
    expect(param(args, 'createSystemTopic')).toBe('false');
    expect(param(args, 'eventSubscriptionName')).toBe('wimon-prod');
    expect(param(args, 'actionGroupId')).toMatch(/actionGroups\/ag-wimon-abc$/);
    expect(args[args.indexOf('-g') + 1]).toBe('rg-events');
    const role = prod.calls.find((c) => c.args[0] === 'role')!.args;
    expect(role[role.indexOf('--assignee-object-id') + 1]).toBe('tttttttt-0000-4000-8000-000000000001');
    expect(role[role.indexOf('--scope') + 1]).toBe(
      `${STORAGE}/blobServices/default/containers/event-deadletter`,
    );
    // the starter baseline was written, with the monitor in it
    expect(readFileSync(path.join(prod.dir, 'starter-baseline.yaml'), 'utf8')).toContain(
      '7f3e1c2a-0000-4000-8000-000000000abc',
    );

    // A second environment on the same subscription: its own event subscription and deployment.
    const dev = runHook('postdeploy.mjs', plan, deployEnv('dev'));
    expect(dev.status).toBe(0);
    const devArgs = deployment(dev.calls);
    expect(param(devArgs, 'eventSubscriptionName')).toBe('wimon-dev');
    expect(devArgs[devArgs.indexOf('--name') + 1]).not.toBe(args[args.indexOf('--name') + 1]);
  });

  it('refuses a vault outside the monitored subscriptions before subscribing anything (its events would be skipped)', () => {
    const vault =
      '/subscriptions/99999999-9999-4999-8999-999999999999/resourceGroups/rg-x/providers/Microsoft.KeyVault/vaults/kv-x';
    const r = runHook('postdeploy.mjs', [{ tool: 'az', when: '.*', stdout: '[]' }], {
      ...deployEnv('prod'),
      WIMON_KEYVAULT_IDS: vault,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `WIMON_KEYVAULT_IDS names vaults outside the monitored subscriptions (WIMON_SUBSCRIPTION_IDS_JSON): ${vault}`,
    );
    expect(r.calls).toEqual([]);
  });

  it('creates a topic where there is none, named without shell tools', () => {
    const r = runHook(
      'postdeploy.mjs',
      [
        { tool: 'az', when: '^eventgrid system-topic list', stdout: '[]' },
        { tool: 'az', when: '^group create' },
        { tool: 'az', when: '^deployment group create', stdout: 'pppppppp-0000-4000-8000-000000000002\n' },
        { tool: 'az', when: '^role assignment create' },
      ],
      deployEnv('prod'),
    );
    expect(r.status).toBe(0);
    const args = deployment(r.calls);
    expect(param(args, 'createSystemTopic')).toBe('true');
    expect(param(args, 'systemTopicName')).toMatch(/^wimon-[0-9a-f]{10}$/);
    const role = r.calls.find((c) => c.args[0] === 'role')!.args;
    expect(role[role.indexOf('--assignee-object-id') + 1]).toBe('pppppppp-0000-4000-8000-000000000002');
  });
});

describe('rotate-attestation-key', () => {
  it('writes the new key from a file (never on a command line) and keeps the old version for the previous-key setting', () => {
    const r = runHook(
      'rotate-attestation-key.mjs',
      [
        {
          tool: 'az',
          when: '^keyvault secret show',
          stdout:
            'https://kv-wimon-abc.vault.azure.net/secrets/attestation-key/0123456789abcdef0123456789abcdef\n',
        },
        { tool: 'az', when: '^keyvault secret set' },
        AZD_SET,
      ],
      { WIMON_VAULT_NAME: 'kv-wimon-abc' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const set = r.calls.find((c) => c.args[1] === 'secret' && c.args[2] === 'set')!;
    expect(set.args).not.toContain('--value');
    const file = set.args[set.args.indexOf('--file') + 1]!;
    expect(set.files[file]).toBe(64); // 48 random bytes, base64url
    expect(existsSync(file)).toBe(false); // removed afterwards
    expect(envSets(r.calls)).toEqual({
      WIMON_ATTESTATION_PREVIOUS_KEY_VERSION: '0123456789abcdef0123456789abcdef',
    });
  });
});
