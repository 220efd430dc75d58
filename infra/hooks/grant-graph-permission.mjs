// Grants the monitor's identity its Microsoft Graph application permissions: Application.Read.All
// (the inventory) and User.Read.All (owner accounts and managers, for the notice chain). Run by the
// postprovision hook (unless the Graph Bicep extension granted them: grantGraphPermission=true), or
// by hand by someone who may grant app roles (Privileged Role Administrator or Global
// Administrator): `node infra/hooks/grant-graph-permission.mjs` with WIMON_PRINCIPAL_ID set
// (`azd env get-values`).
//
// A system identity created by the same deployment takes a while to replicate to Microsoft Graph:
// "does not exist" is retried (RETRY_ATTEMPTS, RETRY_DELAY_MS) before it counts as a failure.
import { az, hook, isEntryPoint, required, sleep } from './azure-cli.mjs';

export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const GRAPH_PERMISSIONS = {
  'Application.Read.All': '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214',
};
const RETRY_ATTEMPTS = Number(process.env.WIMON_HOOK_RETRY_ATTEMPTS ?? 20);
const RETRY_DELAY_MS = Number(process.env.WIMON_HOOK_RETRY_DELAY_MS ?? 15_000);

const notReplicatedYet = (text) =>
  /does not exist|Request_ResourceNotFound|ResourceNotFound|NotFound/i.test(text);
const alreadyGranted = (text) => /already exists/i.test(text);
const denied = (text) => /Authorization_RequestDenied|Insufficient privileges|Forbidden|\b403\b/i.test(text);

export class GrantDenied extends Error {}

/** Runs az, retrying while Graph does not know the principal yet. */
async function retrying(args, what) {
  for (let attempt = 1; ; attempt++) {
    const r = az(args);
    if (r.status === 0) return r.stdout;
    const said = r.stderr || r.stdout;
    if (denied(said)) throw new GrantDenied(`${what}: ${said}`);
    if (alreadyGranted(said)) return '';
    if (!notReplicatedYet(said) || attempt >= RETRY_ATTEMPTS)
      throw new Error(`${what} failed after ${attempt} attempt(s): ${said}`);
    console.log(
      `${what}: Microsoft Graph does not know the principal yet (replication); trying again in ${Math.round(RETRY_DELAY_MS / 1000)} s (${attempt}/${RETRY_ATTEMPTS})`,
    );
    await sleep(RETRY_DELAY_MS);
  }
}

export async function grantGraphPermissions(principalId, graphEndpoint = 'https://graph.microsoft.com') {
  const graph = (
    await retrying(
      ['ad', 'sp', 'show', '--id', MICROSOFT_GRAPH_APP_ID, '--query', 'id', '-o', 'tsv'],
      "finding Microsoft Graph's service principal",
    )
  ).trim();
  const held = JSON.parse(
    (await retrying(
      [
        'rest',
        '--method',
        'GET',
        '--url',
        `${graphEndpoint}/v1.0/servicePrincipals/${principalId}/appRoleAssignments`,
      ],
      "reading the monitor's app role assignments",
    )) || '{"value":[]}',
  );
  const have = new Set((held.value ?? []).map((a) => String(a.appRoleId).toLowerCase()));
  const granted = [];
  for (const [name, appRoleId] of Object.entries(GRAPH_PERMISSIONS)) {
    if (have.has(appRoleId)) continue;
    await retrying(
      [
        'rest',
        '--method',
        'POST',
        '--url',
        `${graphEndpoint}/v1.0/servicePrincipals/${principalId}/appRoleAssignments`,
        '--headers',
        'Content-Type=application/json',
        '--body',
        JSON.stringify({ principalId, resourceId: graph, appRoleId }),
      ],
      `granting ${name}`,
    );
    granted.push(name);
  }
  return granted;
}

export async function main() {
  const principalId = required('WIMON_PRINCIPAL_ID', "the monitor's principal id (azd env get-values)");
  const granted = await grantGraphPermissions(principalId, process.env.WIMON_GRAPH_ENDPOINT || undefined);
  console.log(
    granted.length ? `granted ${granted.join(', ')}` : 'the Microsoft Graph permissions were already granted',
  );
}

if (isEntryPoint(import.meta.url)) hook('grant-graph-permission', main);
