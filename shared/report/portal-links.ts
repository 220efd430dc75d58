/** Where a person fixes a finding in the Azure portal (notices, Teams cards, the dashboard). */
import type { Finding } from '../model/finding';
import { ruleOf } from '../rules/catalogue';

/** Where the rule says its findings are fixed (its descriptor's `portal`). */
const pageOf = (f: Finding) => ruleOf(f.ruleId)?.portal;

/** The identity's page: the Key Vault for vault findings, else the enterprise application. */
export function portalLink(f: Finding, portal: string): string {
  const base = portal.replace(/\/+$/, '');
  if (pageOf(f) === 'keyVault' && typeof f.evidence.vaultId === 'string')
    return `${base}/#@/resource${encodeURI(f.evidence.vaultId)}`;
  const id = encodeURIComponent(f.identity.objectId);
  const app = f.identity.appId ? `/appId/${encodeURIComponent(f.identity.appId)}` : '';
  return `${base}/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Overview/objectId/${id}${app}`;
}

/**
 * Where the finding is fixed: a role assignment at the scope's Access control (IAM) blade, a
 * credential at the app registration's Certificates & secrets, a federated credential there or
 * at the user-assigned identity's Federated credentials; otherwise the identity's page.
 */
export function fixLink(f: Finding, portal: string): { url: string; label: string } {
  const base = portal.replace(/\/+$/, '');
  const appId = f.identity.appId ? encodeURIComponent(f.identity.appId) : undefined;
  const page = pageOf(f);
  const mg = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)$/i.exec(f.target);
  if (page === 'accessControl' && mg)
    return {
      url: `${base}/#view/Microsoft_Azure_ManagementGroups/ManagmentGroupDrilldownMenuBlade/~/iam/mgId/${encodeURIComponent(mg[1]!)}`,
      label: 'Open Access control (IAM)',
    };
  if (page === 'accessControl' && f.target.startsWith('/subscriptions/'))
    return { url: `${base}/#@/resource${encodeURI(f.target)}/users`, label: 'Open Access control (IAM)' };
  const mi = f.evidence.managedIdentityResourceId;
  if (page === 'federatedCredentials' && typeof mi === 'string' && mi.startsWith('/subscriptions/'))
    return {
      url: `${base}/#@/resource${encodeURI(mi)}/federatedcredentials`,
      label: 'Open Federated credentials',
    };
  if ((page === 'appCredentials' || page === 'federatedCredentials') && appId)
    return {
      url: `${base}/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Credentials/appId/${appId}`,
      label: page === 'federatedCredentials' ? 'Open Federated credentials' : 'Open Certificates & secrets',
    };
  return { url: portalLink(f, portal), label: 'Open in the Azure portal' };
}
