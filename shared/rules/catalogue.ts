/**
 * The rule catalogue: stable ids, default severities and what a person should do about each.
 * Ids are a public contract (exemptions, finding keys, alerts and SIEM routing refer to them):
 * never rename one.
 */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface RuleDefinition {
  id: string;
  severity: Severity;
  title: string;
  fix: string;
}

const rules = [
  {
    id: 'role.unexpected',
    severity: 'high',
    title: 'Role assignment not declared in the baseline',
    fix: 'Remove the assignment, or declare it under the identity’s roles.',
  },
  {
    id: 'role.missing',
    severity: 'low',
    title: 'Declared role assignment is absent',
    fix: 'Create the assignment if the workload needs it, or remove it from the baseline.',
  },
  {
    id: 'role.scope-broader',
    severity: 'high',
    title: 'Declared role held at a broader scope than declared',
    fix: 'Re-create the assignment at the declared scope and remove the broader one.',
  },
  {
    id: 'role.privileged-broad',
    severity: 'critical',
    title: 'Privileged role at management-group, subscription or root scope',
    fix: 'Narrow the assignment to the resource group or resource the workload uses; only an exemption silences this.',
  },
  {
    id: 'role.cross-environment',
    severity: 'high',
    title: 'Access on a scope that belongs to another environment',
    fix: 'Use a separate identity per environment and remove this assignment.',
  },
  {
    id: 'role.secret-manager-on-runtime',
    severity: 'high',
    title: 'Runtime identity can write or administer Key Vault secrets',
    fix: 'Give the runtime identity a read-only role (Key Vault Secrets User) and move secret management to a deployment identity.',
  },
  {
    id: 'identity.unbaselined',
    severity: 'high',
    title: 'Workload identity with access that the baseline does not know',
    fix: 'Add the identity to the baseline with an owner, or remove its access and credentials.',
  },
  {
    id: 'identity.no-owner',
    severity: 'medium',
    title: 'Identity has no owner',
    fix: 'Name an owner in the baseline or in Entra.',
  },
  {
    id: 'identity.review-overdue',
    severity: 'medium',
    title: 'Identity review is overdue',
    fix: 'Review the identity’s access and credentials and move reviewBy forward.',
  },
  {
    id: 'identity.dormant',
    severity: 'medium',
    title: 'Identity has not signed in for longer than its dormancy threshold',
    fix: 'Remove its access and credentials, or retire the identity.',
  },
  {
    id: 'identity.never-signed-in',
    severity: 'medium',
    title: 'Identity has never signed in within the retained logs',
    fix: 'Confirm the workload still exists; otherwise remove its access and credentials.',
  },
  {
    id: 'identity.disabled-with-access',
    severity: 'medium',
    title: 'Disabled service principal still holds access',
    fix: 'Remove its role assignments and application permissions, or delete the identity if it is no longer needed.',
  },
  {
    id: 'role.orphaned-principal',
    severity: 'medium',
    title: 'Role assignment whose principal no longer exists',
    fix: 'Delete the role assignment: it is a dead access path nobody reviews.',
  },
  {
    id: 'identity.unattached-managed-identity',
    severity: 'low',
    title: 'User-assigned managed identity that no resource uses still holds access',
    fix: 'Delete the identity (or at least its role assignments) if nothing is going to use it again.',
  },
  {
    id: 'identity.retired-present',
    severity: 'high',
    title: 'Retired identity still exists or still has access',
    fix: 'Delete the identity or remove its remaining access and credentials.',
  },
  {
    id: 'credential.type-not-allowed',
    severity: 'high',
    title: 'Credential of a type the baseline does not allow',
    fix: 'Remove the credential; use the allowed credential type instead.',
  },
  {
    id: 'credential.unused',
    severity: 'low',
    title: 'Secret or certificate no longer used while the identity signs in otherwise',
    fix: 'Remove the unused credential: after a rotation or a move to federation it is only a way in for someone else.',
  },
  {
    id: 'credential.lifetime-too-long',
    severity: 'medium',
    title: 'Credential lifetime exceeds the policy maximum',
    fix: 'Replace the credential with one whose lifetime is within the policy maximum.',
  },
  {
    id: 'credential.expiring',
    severity: 'low',
    title: 'Credential expires soon',
    fix: 'Rotate the credential before it expires, or move the workload to federation.',
  },
  {
    id: 'credential.expired',
    severity: 'low',
    title: 'Expired credential still attached',
    fix: 'Remove the expired credential.',
  },
  {
    id: 'fic.unexpected',
    severity: 'high',
    title: 'Federated credential not declared in the baseline',
    fix: 'Remove the federated credential, or declare it under the identity’s federatedCredentials.',
  },
  {
    id: 'fic.missing',
    severity: 'low',
    title: 'Declared federated credential is absent',
    fix: 'Create the federated credential if the workload needs it, or remove it from the baseline.',
  },
  {
    id: 'fic.issuer-untrusted',
    severity: 'high',
    title: 'Federated credential trusts an issuer outside the policy',
    fix: 'Remove the federated credential or add the issuer to policy.trustedIssuers after review.',
  },
  {
    id: 'fic.broad-subject',
    severity: 'high',
    title: 'Federated credential subject is not pinned to an environment or branch',
    fix: 'Pin the subject to one environment or branch (e.g. repo:org/repo:environment:prod).',
  },
  {
    id: 'fic.audience-nonstandard',
    severity: 'medium',
    title: 'Federated credential audience is not api://AzureADTokenExchange',
    fix: 'Use the audience api://AzureADTokenExchange.',
  },
  {
    id: 'approle.unexpected',
    severity: 'high',
    title: 'Application permission not declared in the baseline',
    fix: 'Revoke the permission, or declare it under the identity’s appRoles.',
  },
  {
    id: 'approle.privileged',
    severity: 'critical',
    title: 'Tier-0 application permission granted',
    fix: 'Revoke the permission; tier-0 permissions let the identity take over the tenant.',
  },
  {
    id: 'keyvault.secret-expiring',
    severity: 'medium',
    title: 'Key Vault secret expires soon',
    fix: 'Rotate the secret before it expires.',
  },
  {
    id: 'keyvault.secret-expired',
    severity: 'high',
    title: 'Key Vault secret expired',
    fix: 'Rotate the secret and update its consumers.',
  },
  {
    id: 'keyvault.certificate-expiring',
    severity: 'medium',
    title: 'Key Vault certificate expires soon',
    fix: 'Renew the certificate before it expires.',
  },
  {
    id: 'keyvault.certificate-expired',
    severity: 'high',
    title: 'Key Vault certificate expired',
    fix: 'Renew the certificate and update its consumers.',
  },
  {
    id: 'exemption.expired',
    severity: 'medium',
    title: 'Exemption expired; its finding is live again',
    fix: 'Fix the underlying finding, or renew the exemption after review.',
  },
] as const satisfies readonly RuleDefinition[];

export type RuleId = (typeof rules)[number]['id'];
export const RULES: readonly RuleDefinition[] = rules;
export const RULE_IDS = rules.map((r) => r.id) as [RuleId, ...RuleId[]];

const byId = new Map<string, RuleDefinition>(rules.map((r) => [r.id, r]));
export function ruleDefinition(id: RuleId): RuleDefinition {
  const rule = byId.get(id);
  if (!rule) throw new Error(`unknown rule id ${id}`);
  return rule;
}
export function isRuleId(id: string): id is RuleId {
  return byId.has(id);
}
