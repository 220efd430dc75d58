/**
 * Invariants of infra/, checked on the Bicep text (no Bicep compiler installs here). Each check
 * returns problems as sentences; an empty list means the templates keep every promise the README
 * makes about least privilege, secrets and event filtering. The mutation tests run these checks
 * on broken copies to show each one can fail.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { scheduleIntervalMs } from '../../shared/app/status';
import { TELEMETRY_EVENT } from '../../shared/app/telemetry';
import path from 'node:path';
import { settingsSchema } from '../../shared/config/settings';
import { MONITOR_NODE_ARGUMENTS } from '../../shared/config/runtime-limits';
import { graphPermissions, REQUIRED_ACCESS } from '../../shared/azure/required-access';
import type { Grant } from '../../shared/azure/access';
import {
  HANDLED_KEY_VAULT_EVENT_TYPES,
  HANDLED_OPERATIONS,
  HANDLED_RESOURCE_EVENT_TYPES,
} from '../../shared/events/incoming-event';

/**
 * Where infra/ grants each built-in role the code declares (shared/azure/required-access.ts):
 * the file and the symbol its `scope:` must name. Which roles are expected comes from the code;
 * only their place in the templates is written here.
 */
const PLACEMENT: Record<string, { file: string; scope: string | null | readonly string[] }> = {
  'Storage Table Data Contributor': { file: 'app/monitor.bicep', scope: 'storage' },
  'Log Analytics Reader': { file: 'app/workspace-reader.bicep', scope: 'workspace' },
  // each secret on its own: the attestation key, and the Teams webhook URL when one is given
  'Key Vault Secrets User': { file: 'app/monitor.bicep', scope: ['attestationSecret', 'teamsSecret'] },
};
/** Roles the Functions host itself needs (not the monitor's code): deployment package and telemetry. */
const HOST_ROLES: Record<string, { role: string; file: string; scope: string }> = {
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': {
    role: 'Storage Blob Data Owner',
    file: 'app/monitor.bicep',
    scope: 'storage',
  },
  '3913510d-42f4-4e42-8a64-420c390055eb': {
    role: 'Monitoring Metrics Publisher',
    file: 'app/monitor.bicep',
    scope: 'appInsights',
  },
};
const READER_FILE = 'app/resource-reader-assignment.bicep';
/** The custom role is assigned at the subscription deployment scope (no `scope:`), in this file only. */
const CUSTOM_ROLE_ASSIGNMENT_FILE = 'app/reader-assignment.bicep';

/** Settings the code reads that Azure deliberately does not set, and why. */
export const NOT_SET_IN_AZURE: Record<string, string> = {
  WIMON_STORAGE_CONNECTION_STRING: 'shared-key access is disabled; a connection string would carry a key',
  AZURE_CLIENT_ID: 'the app runs as its system-assigned identity',
};
/** Host settings the Functions runtime reads (not the monitor's own). */
const HOST_SETTINGS = new Set([
  'AzureWebJobsStorage__accountName',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
  'languageWorkers__node__arguments',
  // read by @azure/identity's DefaultAzureCredential, not by the monitor's settings
  'AZURE_TOKEN_CREDENTIALS',
]);
/**
 * What `wimon` on a workstation needs to reach the same tables and tenant: each must be a
 * main.bicep output (azd writes outputs to the environment; `azd env get-values` then configures
 * the CLI). The rest of the app settings are for the function app only (schedules, limits, keys).
 */
export const CLI_SETTINGS = [
  'WIMON_TABLE_ENDPOINT',
  'WIMON_TABLE_PREFIX',
  'WIMON_SUBSCRIPTIONS',
  'WIMON_ARM_ENDPOINT',
  'WIMON_GRAPH_ENDPOINT',
  'WIMON_AUTHORITY_HOST',
  'WIMON_LOGS_ENDPOINT',
  'WIMON_LOG_ANALYTICS_WORKSPACE_ID',
  'WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS',
  'WIMON_EMAIL_ENDPOINT',
  'WIMON_EMAIL_SENDER',
  'WIMON_ATTESTATION_URL',
  'WIMON_PORTAL_ENDPOINT',
];

export function readInfra(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(path.relative(dir, full).split(path.sep).join('/'), readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

interface Resource {
  file: string;
  symbol: string;
  type: string;
  body: string;
}

/** Every `resource sym 'Type@version' … = {…}` with its balanced body (comments stripped). */
export function resources(files: Map<string, string>): Resource[] {
  const out: Resource[] = [];
  for (const [file, raw] of files) {
    if (!file.endsWith('.bicep')) continue;
    const text = stripComments(raw);
    // `= {`, `= if (cond) {` (one level of parentheses inside), or a loop `= [for … : {`
    const re =
      /resource\s+(\w+)\s+'([^'@]+)@[^']+'(?:\s+existing)?\s*=\s*(?:if\s*\((?:[^()]|\([^()]*\))*\)\s*)?(?:\[for\s[^:]+:\s*)?\{/g;
    for (let m; (m = re.exec(text));) {
      const start = m.index + m[0].length - 1;
      out.push({ file, symbol: m[1]!, type: m[2]!, body: balanced(text, start) });
    }
  }
  return out;
}

/** Bicep line comments; `//` inside a URL ('https://…') is not one. */
function stripComments(text: string): string {
  return text.replace(/(^|\s)\/\/[^\n]*/g, '$1');
}

function balanced(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

const quoted = (block: string) => [...block.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

export function checkInfra(dir: string): string[] {
  // What the templates must grant, from the code's declarations (read at each check, so tests can change them).
  const builtIn = REQUIRED_ACCESS.flatMap((a) =>
    a.grant.kind === 'builtInRole' && a.when !== 'operator' ? [a.grant] : [],
  ) as Extract<Grant, { kind: 'builtInRole' }>[];
  /** Built-in Reader, for Resource Graph: at a monitored subscription (no `scope:`), in this file only, behind its parameter. */
  const READER = builtIn.find((g) => g.role === 'Reader');
  const READER_GUID = READER?.roleId ?? 'the code declares no Reader';
  /** Built-in roles the monitor may hold, and where: what the code declares plus the host's own. */
  const ALLOWED_ASSIGNMENTS: Record<
    string,
    { role: string; file: string; scope: string | null | readonly string[] }
  > = {
    ...HOST_ROLES,
    ...Object.fromEntries(
      builtIn
        .filter((g) => g !== READER)
        .map((g) => [
          g.roleId,
          {
            role: g.role,
            file: PLACEMENT[g.role]?.file ?? `(no place in infra/ for ${g.role})`,
            scope: PLACEMENT[g.role]?.scope ?? null,
          },
        ]),
    ),
  };
  /** The code's own built-in roles that infra/ has no place for (each one a problem). */
  const UNPLACED = builtIn.filter((g) => g !== READER && !PLACEMENT[g.role]).map((g) => g.role);
  const customActions = (scope: string) =>
    REQUIRED_ACCESS.flatMap((a) =>
      a.grant.kind === 'customRoleActions' && a.grant.scope === scope ? [...a.grant.actions] : [],
    );
  /** What the monitor's custom reader role must allow: exactly what the readers declare. */
  const ARM_PERMISSIONS = customActions('each monitored subscription');
  /** The email sender role: these actions only, on the Communication Services resource only. */
  const EMAIL_SEND_ACTIONS = customActions('the Communication Services resource');
  const GRAPH_PERMISSION_IDS = graphPermissions();
  const GRAPH_PERMISSIONS = Object.keys(GRAPH_PERMISSION_IDS);
  const files = readInfra(dir);
  const all = resources(files);
  const problems: string[] = [];
  const monitor = stripComments(files.get('app/monitor.bicep') ?? '');

  // 1. No secrets or keys anywhere: no key listing, no shared-key storage, no secret outputs.
  for (const [file, raw] of files) {
    if (!file.endsWith('.bicep')) continue;
    const text = stripComments(raw);
    if (/list(Keys|ConnectionStrings|Secrets|AccountSas|ServiceSas)\s*\(/i.test(text))
      problems.push(`${file}: lists keys or secrets`);
    if (/AccountKey=|SharedAccessSignature=|\.primaryKey|\.secondaryKey/i.test(text))
      problems.push(`${file}: a key or SAS appears in the template`);
    for (const m of text.matchAll(/^output\s+(\w+)\s+\w+\s*=\s*(.+)$/gm))
      // a resource id (`x.id`, `…outputs.secretId`) names where a secret is, not its value
      if (/key|secret|password|connectionstring|sas/i.test(`${m[1]} ${m[2]}`) && !/(\.id|Id)\s*$/.test(m[2]!))
        problems.push(`${file}: output ${m[1]} looks like a secret`);
  }
  for (const s of all.filter((r) => r.type === 'Microsoft.Storage/storageAccounts'))
    if (!/allowSharedKeyAccess:\s*false/.test(s.body))
      problems.push(`${s.file}: storage account ${s.symbol} allows shared keys`);
  // one setting a line: `{ name: 'X', value: <expression> }` (the expression may hold `${…}`)
  const appSettings = [...monitor.matchAll(/\{\s*name:\s*'([^']+)',\s*value:\s*(.+?)\s*\}\s*$/gm)].map(
    (m) => ({
      name: m[1]!,
      value: m[2]!.trim(),
    }),
  );
  for (const setting of appSettings) {
    if (HOST_SETTINGS.has(setting.name)) continue;
    // A Key Vault reference is where a secret is, not the secret.
    if (
      /key|secret|password|connection_string|sas|webhook/i.test(setting.name) &&
      !/^'@Microsoft\.KeyVault\(/.test(setting.value)
    )
      problems.push(`app setting ${setting.name} looks like a secret`);
  }
  // Application Insights' connection string names the resource, not a credential, as long as
  // local (key) authentication is off and the app authenticates with Entra.
  if (!/DisableLocalAuth:\s*true/.test(monitor))
    problems.push('Application Insights accepts local (key) authentication');
  if (
    !appSettings.some(
      (s) => s.name === 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING' && s.value === "'Authorization=AAD'",
    )
  )
    problems.push('the app does not authenticate to Application Insights with Entra');

  // 2. Every role assignment is one we promise, at the narrowest scope we promise.
  const privileged = [
    '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    'b24988ac-6180-42a0-ab88-20f7382dd24c',
    'acdd72a7-3385-48ef-bd42-f606fba81ae7',
    '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  ];
  for (const [file, raw] of files)
    for (const guid of privileged)
      if (raw.toLowerCase().includes(guid) && !(guid === READER_GUID && file === READER_FILE))
        problems.push(`${file}: references a broad built-in role (${guid})`);
  const main = stripComments(files.get('main.bicep') ?? '');
  for (const m of main.matchAll(/module\s+\w+\s+'([^']+)'\s*=\s*([^{]*)/g))
    if (m[1] === READER_FILE && !/checkManagedIdentityAttachments\s*\?/.test(m[2]!))
      problems.push(`main.bicep: ${READER_FILE} is not behind checkManagedIdentityAttachments`);
  for (const role of UNPLACED) problems.push(`the code needs ${role} but infra/ has no place for it`);
  const grantedGuids = new Set<string>();
  for (const a of all.filter((r) => r.type === 'Microsoft.Authorization/roleAssignments')) {
    const text = stripComments(files.get(a.file)!);
    const roleVar = /roleDefinitions',\s*(\w+)\)/.exec(a.body)?.[1];
    const guid = roleVar ? new RegExp(`var\\s+${roleVar}\\s*=\\s*'([0-9a-f-]+)'`).exec(text)?.[1] : undefined;
    const scope = /^\s*scope:\s*(\w+)\s*$/m.exec(a.body)?.[1] ?? null;
    if (guid) grantedGuids.add(guid);
    if (a.file === READER_FILE && guid === READER_GUID) {
      if (scope !== null) problems.push(`${a.file}: Reader must be assigned at the subscription itself`);
      continue;
    }
    if (a.file === CUSTOM_ROLE_ASSIGNMENT_FILE && roleVar === 'roleDefinitionGuid') {
      if (scope !== null)
        problems.push(`${a.file}: the custom role must be assigned at the subscription itself`);
      continue;
    }
    const customRef = /roleDefinitionId:\s*(\w+)\.id/.exec(a.body)?.[1];
    if (customRef) {
      const role = all.find((r) => r.file === a.file && r.symbol === customRef);
      const roleActions = quoted(/actions:\s*\[([^\]]*)\]/.exec(role?.body ?? '')?.[1] ?? '');
      if (!sameSet(roleActions, EMAIL_SEND_ACTIONS))
        problems.push(
          `${a.file}: custom role ${customRef} allows ${JSON.stringify(roleActions)}, not just sending email`,
        );
      if (scope !== 'communication')
        problems.push(
          `${a.file}: the email sender role must be scoped to communication, is ${scope ?? 'the whole deployment scope'}`,
        );
      continue;
    }
    const allowed = guid ? ALLOWED_ASSIGNMENTS[guid] : undefined;
    if (!allowed)
      problems.push(
        `${a.file}: role assignment ${a.symbol} grants a role the monitor is not meant to hold (${guid ?? roleVar})`,
      );
    else {
      const scopes = Array.isArray(allowed.scope) ? allowed.scope : [allowed.scope];
      if (allowed.file !== a.file || !scopes.includes(scope))
        problems.push(
          `${a.file}: ${allowed.role} must be scoped to ${scopes.join(' or ')} in ${allowed.file}, is ${scope ?? 'the whole deployment scope'}`,
        );
    }
  }
  for (const g of builtIn)
    if (!grantedGuids.has(g.roleId)) problems.push(`the code needs ${g.role} but no template assigns it`);
  const customRole = all.find(
    (r) => r.type === 'Microsoft.Authorization/roleDefinitions' && r.file === 'app/reader-role.bicep',
  );
  const actions = customRole ? quoted(/actions:\s*\[([^\]]*)\]/.exec(customRole.body)?.[1] ?? '') : [];
  if (!sameSet(actions, ARM_PERMISSIONS))
    problems.push(
      `custom role actions ${JSON.stringify(actions)} differ from what the readers need ${JSON.stringify(ARM_PERMISSIONS)}`,
    );
  if (customRole && /\*/.test(actions.join(' '))) problems.push('custom role uses a wildcard action');
  const graph = files.get('app/graph-permission.bicep') ?? '';
  const appRoles = [...stripComments(graph).matchAll(/appRoleId:\s*(\w+)/g)].map(
    (m) => new RegExp(`var\\s+${m[1]}\\s*=\\s*'([0-9a-f-]+)'`).exec(graph)?.[1],
  );
  if (!sameSet(appRoles.map(String), Object.values(GRAPH_PERMISSION_IDS)))
    problems.push(
      `Microsoft Graph permissions ${JSON.stringify(appRoles)} are not exactly ${GRAPH_PERMISSIONS.join(', ')}`,
    );
  const script = files.get('hooks/grant-graph-permission.mjs') ?? '';
  for (const [name, id] of Object.entries(GRAPH_PERMISSION_IDS))
    if (!script.includes(id)) problems.push(`hooks/grant-graph-permission.mjs does not grant ${name}`);

  // 3. Event subscriptions deliver exactly what the handler accepts, to a function that exists, with dead-lettering.
  const subscriptions = all.filter((r) => r.type === 'Microsoft.EventGrid/systemTopics/eventSubscriptions');
  const byFile = (f: string) => subscriptions.find((s) => s.file === f);
  const resourceSub = byFile('events/subscription-events.bicep');
  const kvSub = byFile('events/keyvault-events.bicep');
  const list = (body: string | undefined, key: string) =>
    quoted(new RegExp(`${key}:\\s*\\[([^\\]]*)\\]`).exec(body ?? '')?.[1] ?? '');
  if (!sameSet(list(resourceSub?.body, 'includedEventTypes'), HANDLED_RESOURCE_EVENT_TYPES))
    problems.push('subscription events: includedEventTypes differ from the handled resource event types');
  if (!sameSet(list(resourceSub?.body, 'values'), HANDLED_OPERATIONS))
    problems.push(
      'subscription events: the data.operationName filter differs from the operations the handler accepts',
    );
  if (
    !/key:\s*'data\.operationName'/.test(resourceSub?.body ?? '') ||
    !/operatorType:\s*'StringIn'/.test(resourceSub?.body ?? '')
  )
    problems.push('subscription events: not filtered on data.operationName');
  if (!sameSet(list(kvSub?.body, 'includedEventTypes'), HANDLED_KEY_VAULT_EVENT_TYPES))
    problems.push('Key Vault events: includedEventTypes differ from the handled Key Vault event types');
  for (const s of subscriptions) {
    if (!/deadLetter(WithResourceIdentity)?:/.test(s.body))
      problems.push(`${s.file}: ${s.symbol} has no dead-letter destination`);
    const fn = /functions\/(\w+)'/.exec(s.body)?.[1];
    if (!fn || (!files.has(`../functions/${fn}.ts`) && !functionExists(dir, fn)))
      problems.push(`${s.file}: ${s.symbol} delivers to a function that does not exist (${fn})`);
  }

  // 4. Every setting the code reads is set (or deliberately not, with a reason), and nothing unknown.
  const set = new Set(appSettings.map((s) => s.name));
  for (const key of Object.keys(settingsSchema.shape))
    if (!set.has(key) && !(key in NOT_SET_IN_AZURE))
      problems.push(`app setting ${key} is read by the code but not set by the template`);
  for (const name of set)
    if (!(name in settingsSchema.shape) && !HOST_SETTINGS.has(name))
      problems.push(`app setting ${name} is set but no code reads it`);
  for (const name of Object.keys(NOT_SET_IN_AZURE))
    if (set.has(name)) problems.push(`app setting ${name} must not be set in Azure`);

  // The Node worker's heap limit is the one the benchmark measures memory with, on a 2,048 MB instance.
  const nodeArguments = appSettings.find((x) => x.name === 'languageWorkers__node__arguments');
  if (!nodeArguments || !nodeArguments.value.includes(MONITOR_NODE_ARGUMENTS))
    problems.push(`app setting languageWorkers__node__arguments does not pass ${MONITOR_NODE_ARGUMENTS}`);
  if (!/instanceMemoryMB:\s*2048\b/.test(monitor))
    problems.push('the monitor does not run on 2,048 MB instances (the heap limit is sized for them)');

  // 5. The platform the code is built for.
  if (!/runtime:\s*\{\s*name:\s*'node',\s*version:\s*'22'\s*\}/.test(monitor))
    problems.push('the function app does not run Node 22');
  if (!/tier:\s*'FlexConsumption'/.test(monitor)) problems.push('the plan is not Flex Consumption');
  if (!/identity:\s*\{\s*type:\s*'SystemAssigned'\s*\}/.test(monitor))
    problems.push('the function app has no system-assigned identity');

  // 6. Every resource names the API reference page its properties follow, in the comment above it.
  for (const [file, raw] of files) {
    const lines = raw.split('\n');
    lines.forEach((line, i) => {
      const m = /^\s*resource\s+(\w+)\s+'([^'@]+)/.exec(line);
      if (!m) return;
      const comments: string[] = [];
      for (let j = i - 1; j >= 0 && /^\s*\/\//.test(lines[j]!); j--) comments.push(lines[j]!);
      const last = m[2]!.split('/').pop()!.toLowerCase();
      const page = comments
        .map(
          (c) =>
            /https:\/\/learn\.microsoft\.com\/(?:azure\/templates|graph\/templates\/reference)\/([a-z0-9./-]+)/.exec(
              c,
            )?.[1],
        )
        .find(Boolean);
      // a config resource's page is named for its kind too (sites/config-appsettings)
      const pageName = page?.split('/').pop() ?? '';
      if (!page || (pageName !== last && !pageName.startsWith(`${last}-`)))
        problems.push(`${file}: resource ${m[1]} (${m[2]}) does not name its API reference page`);
    });
  }
  problems.push(...checkDeployment(dir, files, all, main, monitor, appSettings));
  return problems;
}

/**
 * 7. `azd up` on a clean subscription, twice (issue 22): the template refuses what would fail late,
 * keeps what a second provision must not replace, names what two environments share, and pages
 * someone when the monitor stops working.
 */
function checkDeployment(
  dir: string,
  files: Map<string, string>,
  all: Resource[],
  main: string,
  monitor: string,
  appSettings: Array<{ name: string; value: string }>,
): string[] {
  const problems: string[] = [];
  const rawMain = files.get('main.bicep') ?? '';
  const decorators = (param: string) => {
    // the decorators (and comments) directly above `param <name>`
    const lines = rawMain.split('\n');
    const at = lines.findIndex((l) => new RegExp(`^param\\s+${param}\\b`).test(l));
    const out: string[] = [];
    for (let i = at - 1; i >= 0 && /^\s*(@|\/\/|'|\]|\))/.test(lines[i]!); i--) out.push(lines[i]!);
    return at < 0 ? '' : out.join('\n');
  };
  if (!/@minLength\(1\)/.test(decorators('monitoredSubscriptionIds')))
    problems.push('main.bicep: monitoredSubscriptionIds accepts an empty list (it must have @minLength(1))');
  if (/WIMON_SUBSCRIPTION_IDS_JSON=/.test(files.get('main.parameters.json') ?? ''))
    problems.push(
      'main.parameters.json: WIMON_SUBSCRIPTION_IDS_JSON has a default (an empty list fails late)',
    );
  const locationDecorators = decorators('location');
  if (!/@allowed\(\[/.test(locationDecorators))
    problems.push('main.bicep: location has no allowed list of Flex Consumption regions');
  if (!/@metadata\(\{\s*azd:\s*\{\s*type:\s*'location'\s*\}\s*\}\)/.test(locationDecorators))
    problems.push('main.bicep: location has no azd location metadata');

  // The vault and the attestation key survive `azd down` / `azd up` and re-provisioning.
  const vault = all.find((r) => r.type === 'Microsoft.KeyVault/vaults' && r.file === 'app/monitor.bicep');
  if (!/createMode:\s*vaultCreateMode/.test(vault?.body ?? ''))
    problems.push('the vault cannot be recovered after azd down (no createMode from the preprovision hook)');
  if (!/enablePurgeProtection:\s*true/.test(vault?.body ?? ''))
    problems.push('the vault has no purge protection');
  const keyWrites = [
    ...monitor.matchAll(
      /resource\s+\w+\s+'Microsoft\.KeyVault\/vaults\/secrets@[^']+'\s*=\s*(if\s*\(([^)]*)\))?\s*\{[^]*?name:\s*attestationSecretName/g,
    ),
  ];
  if (keyWrites.length !== 1 || !/^!\s*attestationKeyExists$/.test(keyWrites[0]![2]?.trim() ?? ''))
    problems.push(
      'the attestation key is written on every provision (it must be written only when the vault has none)',
    );

  // Rotation: the key before it, pinned to its version, for the lifetime of the links signed with it.
  const previous = appSettings.find((x) => x.name === 'WIMON_ATTESTATION_PREVIOUS_KEY')?.value ?? '';
  if (
    !/^'@Microsoft\.KeyVault\(VaultName=\$\{vault\.name\};SecretName=\$\{attestationSecretName\};SecretVersion=\$\{attestationPreviousKeyVersion\}\)'$/.test(
      previous,
    )
  )
    problems.push(
      'the previous attestation key is not the same secret pinned to its version (WIMON_ATTESTATION_PREVIOUS_KEY)',
    );
  if (!/empty\(attestationPreviousKeyVersion\)\s*\?\s*\[\]/.test(monitor))
    problems.push('WIMON_ATTESTATION_PREVIOUS_KEY is set even when no rotation is under way');

  // The deployer can use the CLI right away: Table data role and the settings in the azd environment.
  const deployer = all.find(
    (r) =>
      r.type === 'Microsoft.Authorization/roleAssignments' &&
      /principalId:\s*deployerPrincipalId/.test(r.body),
  );
  if (
    !deployer ||
    !/roleDefinitions',\s*storageTableDataContributor\)/.test(deployer.body) ||
    !/scope:\s*storage\b/.test(deployer.body)
  )
    problems.push("the deployer gets no Storage Table Data Contributor on the monitor's storage account");
  const outputs = new Set([...main.matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1]!));
  for (const name of CLI_SETTINGS)
    if (!outputs.has(name))
      problems.push(`main.bicep: ${name} is not an output (the CLI reads it from the azd environment)`);

  // ARM's string() of a bool writes 'True'/'False'.
  const bools = new Set(
    [...files.entries()]
      .filter(([f]) => f.endsWith('.bicep'))
      .flatMap(([, t]) => [...t.matchAll(/^param\s+(\w+)\s+bool\b/gm)].map((m) => m[1]!)),
  );
  for (const [file, raw] of files)
    if (file.endsWith('.bicep'))
      for (const m of stripComments(raw).matchAll(/\bstring\(\s*(\w+)\s*\)/g))
        if (bools.has(m[1]!))
          problems.push(`${file}: string(${m[1]}) writes 'True'/'False'; write 'true'/'false'`);

  const url = appSettings.find((x) => x.name === 'WIMON_ATTESTATION_URL')?.value ?? '';
  if (
    !/defaultHostName/.test(url) &&
    !/defaultHostName/.test(/var\s+attestationUrl\s*=\s*([^\n]+)/.exec(monitor)?.[1] ?? '')
  )
    problems.push("the attestation URL is not built from the site's default host name");
  const credentials = appSettings.find((x) => x.name === 'AZURE_TOKEN_CREDENTIALS');
  if (credentials?.value !== "'ManagedIdentityCredential'")
    problems.push(
      'the app does not pin its credential to ManagedIdentityCredential (AZURE_TOKEN_CREDENTIALS)',
    );

  // The Graph extension: a released version, not a preview.
  const graphRef = /"microsoftGraphV1"\s*:\s*"([^"]+)"/.exec(files.get('bicepconfig.json') ?? '')?.[1] ?? '';
  const graphVersion = /:(\d+)\.(\d+)\.(\d+)([^"]*)$/.exec(graphRef);
  if (!graphVersion || graphVersion[4] || Number(graphVersion[1]) < 1)
    problems.push(
      `bicepconfig.json: the Microsoft Graph extension is not a released 1.x version (${graphRef})`,
    );

  // Names that azd environments would share carry the environment's token.
  for (const m of main.matchAll(/module\s+(\w+)\s+'[^']+'\s*=\s*[^{]*\{\s*name:\s*([^\n]+)/g))
    if (!/\$\{token\}/.test(m[2]!))
      problems.push(`main.bicep: module ${m[1]}'s deployment name does not carry the environment's token`);
  const roleModule = /module\s+readerRole\s+'[^']+'\s*=\s*\{([^]*?)\n\}/.exec(main)?.[1] ?? '';
  if (/scope:/.test(roleModule))
    problems.push(
      'main.bicep: the custom role is defined in a monitored subscription (its name/GUID pair changes when the list is reordered)',
    );
  for (const s of all.filter((r) => r.type === 'Microsoft.EventGrid/systemTopics/eventSubscriptions'))
    if (!/name:\s*eventSubscriptionName\b/.test(s.body))
      problems.push(`${s.file}: event subscription ${s.symbol} has a fixed name (two environments collide)`);
  const kvTopic = all.find(
    (r) =>
      r.file === 'events/keyvault-events.bicep' &&
      r.type === 'Microsoft.EventGrid/systemTopics' &&
      /source:/.test(r.body),
  );
  if (!/location:\s*vault\.location/.test(kvTopic?.body ?? ''))
    problems.push('events/keyvault-events.bicep: the system topic is not where the vault is');

  // Alerts: an action group, a rule per question, dead letters on every topic.
  const group = all.find(
    (r) => r.type === 'Microsoft.Insights/actionGroups' && r.file === 'app/monitor.bicep',
  );
  if (!/emailReceivers:\s*\[for\s*\(\w+,\s*\w+\)\s*in\s*alertEmails/.test(group?.body ?? ''))
    problems.push('no action group mails the alert recipients');
  const rules = /var\s+alertRules\s*=\s*\[([^]*?)\n\]/.exec(monitor)?.[1] ?? '';
  const rule = (name: string) =>
    // each rule is an object literal at two spaces' indent (its strings hold `${…}`)
    [...rules.matchAll(/\n {2}\{\n([^]*?)\n {2}\}/g)]
      .map((m) => m[1]!)
      .find((b) => b.includes(`name: '${name}'`)) ?? '';
  const overdue = rule('reconcile-overdue');
  if (
    !overdue.includes(`customDimensions.runKind == "reconcile"`) ||
    !overdue.includes(`customDimensions.outcome == "complete"`) ||
    !/operator:\s*'LessThan'/.test(overdue)
  )
    problems.push('no alert fires when no complete reconcile ended in time');
  if (!/windowSize:\s*'PT\$\{reconcileAlertWindowHours\}H'/.test(overdue))
    problems.push('the overdue-reconcile alert does not use reconcileAlertWindowHours');
  const windowHours = Number(/param\s+reconcileAlertWindowHours\s+int\s*=\s*(\d+)/.exec(monitor)?.[1]);
  const schedule = /param\s+reconcileSchedule\s+string\s*=\s*'([^']+)'/.exec(main)?.[1] ?? '';
  const interval = scheduleIntervalMs(schedule);
  if (!interval || windowHours * 3_600_000 !== 2 * interval)
    problems.push(
      `the overdue-reconcile window (${windowHours} h) is not twice the default reconcile schedule's interval (${schedule})`,
    );
  if (!/outcome in \("partial", "failed"\)/.test(rule('run-partial')))
    problems.push('no alert fires on a partial or failed run');
  if (!rule('notice-failed').includes(`customDimensions.event == "${TELEMETRY_EVENT.noticeFailed}"`))
    problems.push('no alert fires on a failed notice');
  for (const r of [overdue, rule('run-partial')])
    if (r && !r.includes(`customDimensions.event == "${TELEMETRY_EVENT.runEnded}"`))
      problems.push('an alert query looks for a record the monitor does not write');
  const queryRules = all.find((r) => r.type === 'Microsoft.Insights/scheduledQueryRules');
  if (!/actionGroups:\s*\[alertGroup\.id\]/.test(queryRules?.body ?? ''))
    problems.push('the alert rules notify no action group');
  for (const f of ['events/subscription-events.bicep', 'events/keyvault-events.bicep']) {
    const alert = all.find((r) => r.file === f && r.type === 'Microsoft.Insights/metricAlerts');
    if (
      !/metricName:\s*'DeadLetteredCount'/.test(alert?.body ?? '') ||
      !/actionGroupId:\s*actionGroupId/.test(alert?.body ?? '')
    )
      problems.push(`${f}: no alert on dead-lettered events`);
  }

  // The host's own traces (the lines a partial run writes) are never sampled away.
  const sampling = (
    JSON.parse(readFileSafe(path.join(dir, '..', 'host.json')) || '{}') as {
      logging?: {
        applicationInsights?: { samplingSettings?: { isEnabled?: boolean; excludedTypes?: string } };
      };
    }
  ).logging?.applicationInsights?.samplingSettings;
  const excluded = (sampling?.excludedTypes ?? '').split(';').map((t) => t.trim().toLowerCase());
  if (sampling?.isEnabled !== false && !(excluded.includes('trace') && excluded.includes('exception')))
    problems.push("host.json: the host may sample away traces and exceptions (a partial run's lines)");

  // Hooks: one Node script each, for posix and Windows alike.
  problems.push(...checkHooks(dir));
  return problems;
}

/** azure.yaml's hooks: each has a posix and a Windows entry running the same existing Node script. */
function checkHooks(infraDir: string): string[] {
  const problems: string[] = [];
  let project: {
    hooks?: Record<string, Record<string, { run?: string }>>;
    requiredVersions?: { azd?: string };
  };
  try {
    project = parseYaml(readFileSync(path.join(infraDir, '..', 'azure.yaml'), 'utf8')) as typeof project;
  } catch {
    return ['azure.yaml cannot be read'];
  }
  for (const name of ['preprovision', 'postprovision', 'prepackage', 'postdeploy']) {
    const hook = project.hooks?.[name];
    const posix = hook?.posix?.run;
    const windows = hook?.windows?.run;
    if (!posix || !windows) {
      problems.push(`azure.yaml: hook ${name} does not run on both posix and Windows`);
      continue;
    }
    if (posix !== windows)
      problems.push(`azure.yaml: hook ${name} runs different commands on posix and Windows`);
    const script = /^node\s+(\S+\.mjs)$/.exec(posix)?.[1];
    if (!script || !existsSync(path.join(infraDir, '..', script)))
      problems.push(`azure.yaml: hook ${name} is not a Node script of this repository (${posix})`);
  }
  // The deployed package: the staged .deploy/ (prepackage), built remotely, node_modules left out.
  const service = (project as { services?: Record<string, { project?: string; remoteBuild?: boolean }> })
    .services?.monitor;
  if (service?.project !== './.deploy' || service.remoteBuild !== true)
    problems.push('azure.yaml: the monitor is not deployed from the staged .deploy/ with remote build');
  const funcignore = readFileSafe(path.join(infraDir, '..', '.deploy', '.funcignore'));
  if (!/^node_modules\s*$/m.test(funcignore))
    problems.push('.deploy/.funcignore does not leave node_modules to the remote build');
  if (!/stage-package\.mjs$/.test(project.hooks?.prepackage?.posix?.run ?? ''))
    problems.push('azure.yaml: prepackage does not stage the package');
  const minimum = /MINIMUM_AZD\s*=\s*'([^']+)'/.exec(
    readFileSafe(path.join(infraDir, 'hooks', 'preprovision.mjs')),
  )?.[1];
  if (!minimum || project.requiredVersions?.azd !== `>= ${minimum}`)
    problems.push(
      `azure.yaml: requiredVersions.azd (${project.requiredVersions?.azd}) differs from the preprovision hook's minimum (${minimum})`,
    );
  return problems;
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function functionExists(infraDir: string, name: string): boolean {
  try {
    return (
      /app\.\w+\(\s*'([^']+)'/.exec(
        readFileSync(path.join(infraDir, '..', 'functions', `${name}.ts`), 'utf8'),
      )?.[1] === name
    );
  } catch {
    return false;
  }
}
