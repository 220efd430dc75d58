// azd preprovision (posix and Windows alike, see azure.yaml): stops a first deployment early with a
// clear message instead of late with an ARM error, and prepares what a second `azd up` needs:
//   1. azd new enough for this template (MINIMUM_AZD below);
//   2. at least one monitored subscription (WIMON_SUBSCRIPTION_IDS_JSON);
//   3. the environment's Key Vault: soft-deleted after `azd down` → recovered with its secrets
//      (WIMON_VAULT_CREATE_MODE=recover) instead of a name collision for the retention period;
//      alive → whether it already holds the attestation key (WIMON_ATTESTATION_KEY_EXISTS), so a
//      provision never replaces the key and every link in every inbox keeps working.
import { az, azdEnvSet, hook, isEntryPoint, required, run } from './azure-cli.mjs';

/**
 * The Microsoft Graph Bicep extension 1.0.0 (infra/bicepconfig.json) needs Bicep 0.36.1 or later
 * (Microsoft Graph Bicep "What's new", July 2025); azd 1.17.0 is the first release that bundles
 * it (Azure/azure-dev#5244). azure.yaml's requiredVersions says the same to azd itself.
 */
export const MINIMUM_AZD = '1.17.0';
const WORKLOAD = 'workload-identity-monitor';
const ATTESTATION_SECRET = 'attestation-key';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function versionAtLeast(version, minimum) {
  const parts = (v) => (/(\d+)\.(\d+)\.(\d+)/.exec(v) ?? []).slice(1, 4).map(Number);
  const [a, b] = [parts(version), parts(minimum)];
  if (a.length !== 3) return false;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

function checkAzd() {
  const r = run('azd', ['version']);
  const found = /(\d+\.\d+\.\d+)/.exec(r.stdout)?.[1];
  if (r.status !== 0 || !found)
    throw new Error(`could not read azd's version (azd version said: ${r.stderr || r.stdout || 'nothing'})`);
  if (!versionAtLeast(found, MINIMUM_AZD))
    throw new Error(
      `azd ${found} is too old for this template: it needs ${MINIMUM_AZD} or later (its Bicep must know the Microsoft Graph extension 1.0.0). Upgrade: https://learn.microsoft.com/azure/developer/azure-developer-cli/install-azd`,
    );
  return found;
}

function checkSubscriptions() {
  const advice = `azd env set WIMON_SUBSCRIPTION_IDS_JSON '["<subscription id>"]' (a JSON list of the subscriptions to monitor, at least one)`;
  const raw = process.env.WIMON_SUBSCRIPTION_IDS_JSON?.trim();
  if (!raw) throw new Error(`no subscription to monitor: ${advice}`);
  let ids;
  try {
    ids = JSON.parse(raw);
  } catch {
    throw new Error(`WIMON_SUBSCRIPTION_IDS_JSON is not JSON (${raw}): ${advice}`);
  }
  if (!Array.isArray(ids) || ids.length === 0)
    throw new Error(`WIMON_SUBSCRIPTION_IDS_JSON lists no subscription: ${advice}`);
  const bad = ids.filter((id) => typeof id !== 'string' || !GUID.test(id));
  if (bad.length)
    throw new Error(
      `WIMON_SUBSCRIPTION_IDS_JSON has entries that are not subscription ids: ${bad.join(', ')}`,
    );
  return ids;
}

const lower = (s) => String(s ?? '').toLowerCase();
const ours = (tags, env) =>
  lower(tags?.['azd-env-name']) === lower(env) && lower(tags?.workload) === WORKLOAD;

function json(result, what) {
  if (result.status !== 0) return undefined;
  try {
    return JSON.parse(result.stdout || 'null');
  } catch {
    throw new Error(`${what}: the Azure CLI answered something that is not JSON`);
  }
}

/** What to tell the template about this environment's vault: create, recover, and whether the key is there. */
export function vaultPlan(env, subscription) {
  const resourceGroup = `rg-wimon-${env}`;
  const sub = subscription ? ['--subscription', subscription] : [];
  const deleted =
    json(
      az(['keyvault', 'list-deleted', '--resource-type', 'vault', ...sub, '-o', 'json']),
      'listing deleted vaults',
    ) ?? [];
  const gone = deleted.find(
    (v) =>
      ours(v.properties?.tags, env) &&
      lower(v.properties?.vaultId).includes(`/resourcegroups/${lower(resourceGroup)}/`),
  );
  // A recovered vault comes back with its secrets, the attestation key among them.
  if (gone) return { createMode: 'recover', keyExists: true, vault: gone.name };
  const live =
    json(
      az(['keyvault', 'list', '--resource-group', resourceGroup, ...sub, '-o', 'json']),
      'listing vaults',
    ) ?? [];
  const vault = live.find((v) => ours(v.tags, env));
  if (!vault) return { createMode: 'default', keyExists: false };
  // Control plane (the deployer's Owner or Contributor suffices): whether the secret exists, never its value.
  const secret = az([
    'resource',
    'show',
    '--ids',
    `${vault.id}/secrets/${ATTESTATION_SECRET}`,
    '--query',
    'id',
    '-o',
    'tsv',
  ]);
  return { createMode: 'default', keyExists: secret.status === 0 && secret.stdout !== '', vault: vault.name };
}

export function main() {
  const version = checkAzd();
  const subscriptions = checkSubscriptions();
  const env = required('AZURE_ENV_NAME');
  const plan = vaultPlan(env, process.env.AZURE_SUBSCRIPTION_ID);
  azdEnvSet('WIMON_VAULT_CREATE_MODE', plan.createMode);
  azdEnvSet('WIMON_ATTESTATION_KEY_EXISTS', plan.keyExists ? 'true' : 'false');
  console.log(
    `azd ${version}; ${subscriptions.length} subscription(s) to monitor; vault: ${
      plan.createMode === 'recover'
        ? `${plan.vault} is soft-deleted and will be recovered with its secrets`
        : plan.vault
          ? `${plan.vault}${plan.keyExists ? ', attestation key kept' : ', attestation key to be created'}`
          : 'new'
    }`,
  );
}

if (isEntryPoint(import.meta.url)) hook('preprovision', main);
