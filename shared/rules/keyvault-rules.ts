/**
 * keyvault.secret-expiring / -expired, keyvault.certificate-expiring / -expired from Key Vault
 * events. Pure: event × baseline × now → the findings the object has now (none after a new
 * version). Routed to the owners the baseline declares for the secret or its vault, security
 * operations otherwise; the evidence says which.
 */
import type { Baseline } from '../baseline/schema';
import type { FindingCandidate } from '../model/finding';
import type { DomainEvent } from '../events/incoming-event';
import type { RuleId } from './catalogue';
import { candidate, DAY_MS, dateOf } from './context';
import { expiryStage, severityForStage } from './credential-rules';
import { applyExemptions } from './exemptions';
import type { Evaluation, RuleDescriptor } from './rule';

export type KeyVaultEvent = Extract<DomainEvent, { kind: 'keyVault' }>;

export function keyVaultRoute(
  baseline: Baseline,
  vaultName: string,
  objectName: string,
): { owners: string[]; routedBy: string } {
  const vault = vaultName.toLowerCase();
  const routes = baseline.keyVaultSecrets.filter((r) => r.vault.toLowerCase() === vault);
  const exact = routes.find((r) => r.secret?.toLowerCase() === objectName.toLowerCase());
  const whole = routes.find((r) => r.secret === undefined);
  const route = exact ?? whole;
  if (route)
    return {
      owners: route.owners,
      routedBy: `keyVaultSecrets ${route.vault}${route.secret ? `/${route.secret}` : ''}`,
    };
  return {
    owners: baseline.policy.securityContacts,
    routedBy: 'policy.securityContacts (no keyVaultSecrets entry)',
  };
}

export function keyVaultRules(event: KeyVaultEvent, baseline: Baseline, now: Date): FindingCandidate[] {
  if (event.change === 'newVersion') return [];
  const route = keyVaultRoute(baseline, event.vaultName, event.objectName);
  const what = `${event.objectType} '${event.objectName}' in vault ${event.vaultName}`;
  const identity = {
    name: null,
    objectId: event.vaultId.toLowerCase(),
    appId: null,
    displayName: event.vaultName,
  };
  const evidence = {
    vault: event.vaultName,
    vaultId: event.vaultId,
    objectType: event.objectType,
    objectName: event.objectName,
    version: event.version,
    notBefore: event.notBefore,
    expires: event.expires,
    owners: route.owners,
    routedBy: route.routedBy,
  };
  const ruleId =
    `keyvault.${event.objectType}-${event.change === 'expired' ? 'expired' : 'expiring'}` as RuleId;
  let severity;
  if (event.change === 'nearExpiry' && event.expires) {
    const stage = expiryStage(
      (Date.parse(event.expires) - now.getTime()) / DAY_MS,
      baseline.policy.expiryWarningDays,
    );
    if (stage !== undefined) severity = severityForStage(stage);
  }
  const when = event.expires ? dateOf(new Date(event.expires)) : 'an unknown date';
  const fix = event.objectType === 'secret' ? 'rotate it' : 'renew it';
  return applyExemptions(
    [
      candidate(ruleId, {
        severity,
        identity,
        target: event.objectUrl,
        message:
          event.change === 'expired'
            ? `The ${what} expired on ${when}: ${fix} and update what uses it.`
            : `The ${what} expires on ${when}: ${fix} before then.`,
        evidence,
        readScope: 'keyvault',
      }),
    ],
    baseline,
    now,
  );
}

const BY_KEY_VAULT_EVENTS: Evaluation = {
  per: 'elsewhere',
  by: 'keyVaultRules (shared/app/handle-events.ts, per Key Vault event)',
};

export const KEY_VAULT_RULES = [
  {
    id: 'keyvault.secret-expiring',
    severity: 'medium',
    title: 'Key Vault secret expires soon',
    fix: 'Rotate the secret before it expires.',
    source: 'keyVault',
    inputs: ['baseline', 'keyVaultEvents'],
    absence: false,
    notice: 'expiry-windows',
    portal: 'keyVault',
    evaluation: BY_KEY_VAULT_EVENTS,
  },
  {
    id: 'keyvault.secret-expired',
    severity: 'high',
    title: 'Key Vault secret expired',
    fix: 'Rotate the secret and update its consumers.',
    source: 'keyVault',
    inputs: ['baseline', 'keyVaultEvents'],
    absence: false,
    notice: 'expired',
    escalates: true,
    portal: 'keyVault',
    evaluation: BY_KEY_VAULT_EVENTS,
  },
  {
    id: 'keyvault.certificate-expiring',
    severity: 'medium',
    title: 'Key Vault certificate expires soon',
    fix: 'Renew the certificate before it expires.',
    source: 'keyVault',
    inputs: ['baseline', 'keyVaultEvents'],
    absence: false,
    notice: 'expiry-windows',
    portal: 'keyVault',
    evaluation: BY_KEY_VAULT_EVENTS,
  },
  {
    id: 'keyvault.certificate-expired',
    severity: 'high',
    title: 'Key Vault certificate expired',
    fix: 'Renew the certificate and update its consumers.',
    source: 'keyVault',
    inputs: ['baseline', 'keyVaultEvents'],
    absence: false,
    notice: 'expired',
    escalates: true,
    portal: 'keyVault',
    evaluation: BY_KEY_VAULT_EVENTS,
  },
] as const satisfies readonly RuleDescriptor[];
