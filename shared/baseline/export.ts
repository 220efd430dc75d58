/**
 * Drafts a baseline from the live tenant so adoption starts from what is there: every workload
 * identity with its current roles, federated credentials, credential types and app roles, owners
 * from Entra where they have a mail address. What cannot be inferred is marked with a `TODO`
 * comment, and a missing owner gets a placeholder that `validate` rejects at its line.
 */
import { BUILT_IN_ROLE_IDS } from '../model/role-permissions';
import { Document, isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import {
  isClientCredential,
  type Inventory,
  type LiveIdentity,
  type LiveRoleAssignment,
} from '../model/inventory';
import { grantKey } from '../rules/approle-rules';
import { OWNER_PLACEHOLDER, STANDARD_FIC_AUDIENCE } from './schema';
import { visibleText } from '../report/safe-text';

const DAY_MS = 86_400_000;
const UNASSIGNED = 'unassigned';

function slug(text: string): string {
  const s = text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 100);
  return s || 'identity';
}

export function draftBaselineYaml(
  inventory: Inventory,
  now: Date,
  monitoredScopes: readonly string[],
): string {
  const reviewBy = new Date(now.getTime() + 90 * DAY_MS).toISOString().slice(0, 10);
  const used = new Set<string>();
  const uniqueName = (base: string): string => {
    let name = slug(base);
    for (let i = 2; used.has(name.toLowerCase()); i++) name = `${slug(base)}-${i}`;
    used.add(name.toLowerCase());
    return name;
  };
  const assignments = new Map<string, Inventory['roleAssignments']>();
  for (const a of inventory.roleAssignments)
    assignments.set(a.principalId, [...(assignments.get(a.principalId) ?? []), a]);
  const issuers = new Set<string>(['https://token.actions.githubusercontent.com']);
  const identities = [...inventory.identities]
    .sort((a, b) => a.displayName.localeCompare(b.displayName))
    .map((live) => {
      for (const f of live.federatedCredentials) issuers.add(f.issuer);
      const owners = live.owners.map((o) => o.mail).filter((m): m is string => Boolean(m));
      return {
        live,
        owners,
        entry: identityEntry(
          live,
          uniqueName(live.displayName),
          owners,
          reviewBy,
          assignments.get(live.objectId) ?? [],
        ),
      };
    });
  const doc = new Document({
    version: 1,
    policy: {
      securityContacts: [OWNER_PLACEHOLDER],
      dormantAfterDays: 90,
      expiryWarningDays: [30, 14, 7, 1],
      maxCredentialLifetimeDays: 180,
      maxExemptionDays: 90,
      trustedIssuers: [...issuers].sort(),
      environments: { [UNASSIGNED]: [...monitoredScopes] },
    },
    identities: identities.map((i) => i.entry),
    keyVaultSecrets: [],
    exemptions: [],
  });
  doc.commentBefore =
    ` Draft baseline exported from the live tenant on ${now.toISOString().slice(0, 10)} by \`wimon baseline export\`.\n` +
    ` It declares what exists today, drift included: review every identity before applying.\n` +
    ` Lines marked TODO could not be inferred; \`wimon baseline validate\` points at each ${OWNER_PLACEHOLDER}.`;
  const policy = doc.get('policy', true) as YAMLMap;
  (policy.get('securityContacts', true) as unknown as YAMLSeq).comment =
    ' TODO: security operations address(es) for drift alerts';
  (policy.get('trustedIssuers', true) as unknown as YAMLSeq).commentBefore =
    ' TODO: every issuer seen in the tenant; keep only those you trust';
  (policy.get('environments', true) as unknown as YAMLMap).commentBefore =
    ' TODO: split the monitored scopes into environments (e.g. prod, dev)';
  const seq = doc.get('identities', true) as YAMLSeq;
  seq.items.forEach((item, index) => {
    if (!isMap(item)) return;
    const { live, owners } = identities[index]!;
    const todo = [`environment, purpose and reviewBy are guesses`];
    if (!owners.length)
      todo.unshift(
        live.kind === 'managedIdentity'
          ? 'managed identities have no Entra owner: name one'
          : 'no Entra owner with a mail address: name one',
      );
    // The name is tenant text: shown with its deceptive characters made visible.
    item.commentBefore = ` ${visibleText(live.displayName)} (${live.kind === 'managedIdentity' ? 'managed identity' : 'application'}) TODO: ${todo.join('; ')}`;
    const ownerSeq = item.get('owners', true);
    if (isSeq(ownerSeq)) ownerSeq.flow = true;
  });
  return doc.toString({ lineWidth: 0 });
}

function identityEntry(
  live: LiveIdentity,
  name: string,
  owners: string[],
  reviewBy: string,
  roles: Inventory['roleAssignments'],
) {
  const credentialTypes = new Set<string>();
  if (live.kind === 'managedIdentity') credentialTypes.add('managed');
  // SAML single-sign-on keys are not how the workload signs in: not a credential type to allow.
  for (const c of live.credentials) if (isClientCredential(c)) credentialTypes.add(c.type);
  if (live.federatedCredentials.length) credentialTypes.add('federated');
  return {
    name,
    objectId: live.objectId,
    appId: live.appId,
    type: live.kind,
    environment: UNASSIGNED,
    purpose: 'other',
    owners: owners.length ? owners : [OWNER_PLACEHOLDER],
    reviewBy,
    credentials: [...credentialTypes].sort(),
    // A partial read is refused before this; the GUID is a valid declaration all the same.
    roles: roles.map((a) => ({ role: declarableRole(a), scope: a.scope })),
    federatedCredentials: live.federatedCredentials.map((f) => ({
      issuer: f.issuer,
      ...(f.claimsMatchingExpression
        ? { claimsMatchingExpression: f.claimsMatchingExpression }
        : { subject: f.subject ?? '' }),
      ...(f.audiences.length === 1 && f.audiences[0] === STANDARD_FIC_AUDIENCE
        ? {}
        : { audiences: f.audiences }),
    })),
    appRoles: live.appRoleGrants.map(grantKey),
  };
}

/**
 * How a baseline names an assignment's role: its name, or its definition GUID when the name is
 * unknown or belongs to a built-in role it is not (a custom role that borrows the name).
 */
function declarableRole(a: LiveRoleAssignment): string {
  if (a.roleName === null) return a.roleDefinitionId;
  const builtIn = BUILT_IN_ROLE_IDS.get(a.roleName.toLowerCase());
  return builtIn !== undefined && builtIn !== a.roleDefinitionId ? a.roleDefinitionId : a.roleName;
}
