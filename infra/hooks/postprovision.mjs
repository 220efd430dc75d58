// azd postprovision: the Microsoft Graph application permissions, unless the Graph Bicep extension
// granted them during the deployment (grantGraphPermission=true). A deployer who may not grant app
// roles gets the exact command for an administrator, and the provision still succeeds: until the
// grant, every run is partial and says so (status, alerts).
import { hook, isEntryPoint, required } from './azure-cli.mjs';
import { GrantDenied, grantGraphPermissions } from './grant-graph-permission.mjs';

export async function main() {
  if ((process.env.WIMON_GRANT_GRAPH_PERMISSION ?? '').toLowerCase() === 'true') {
    console.log('Microsoft Graph permissions: granted by the deployment (grantGraphPermission=true)');
    return;
  }
  const principalId = required('WIMON_PRINCIPAL_ID');
  try {
    const granted = await grantGraphPermissions(principalId, process.env.WIMON_GRAPH_ENDPOINT || undefined);
    console.log(
      granted.length
        ? `Microsoft Graph: granted ${granted.join(', ')}`
        : 'Microsoft Graph permissions already granted',
    );
  } catch (error) {
    if (!(error instanceof GrantDenied)) throw error;
    console.warn(
      `WARNING: you may not grant Microsoft Graph application permissions (${error.message}).\n` +
        `Until someone who may (Privileged Role Administrator) runs\n` +
        `  WIMON_PRINCIPAL_ID=${principalId} node infra/hooks/grant-graph-permission.mjs\n` +
        `every run of the monitor is partial: it cannot read the directory.`,
    );
  }
}

if (isEntryPoint(import.meta.url)) hook('postprovision', main);
