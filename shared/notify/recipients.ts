/**
 * Who hears about a finding, and why them: the owners the baseline declares for the identity
 * (or for the Key Vault secret or vault), else the identity's Entra owners with a mailbox,
 * else security operations. The reason travels with the notice.
 */
import type { Baseline } from '../baseline/schema';
import type { Finding } from '../model/finding';
import { ownerOf } from '../rules/finding-owner';

export interface Routing {
  recipients: string[];
  via: string;
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.includes('@')) : [];

export function routeFinding(f: Finding, baseline: Baseline): Routing {
  if (ownerOf(f) === 'keyVault') {
    const owners = strings(f.evidence.owners);
    if (owners.length) return { recipients: owners, via: String(f.evidence.routedBy ?? 'keyVaultSecrets') };
  }
  const declared = baseline.identities.find((i) => i.objectId.toLowerCase() === f.identity.objectId);
  if (declared) return { recipients: declared.owners, via: `owner of ${declared.name} in the baseline` };
  const entra = strings(f.evidence.entraOwners);
  if (entra.length) return { recipients: entra, via: 'Entra owner (the identity is not in the baseline)' };
  return {
    recipients: baseline.policy.securityContacts,
    via: 'security contact (no owner is known for this identity)',
  };
}

export function normaliseAddress(address: string): string {
  return address.trim().toLowerCase();
}
