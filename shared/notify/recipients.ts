/**
 * Who hears about a finding, and why them: the owner resolution chain.
 *   1. the owners the baseline declares (for a Key Vault finding: the secret's or vault's owners),
 *   2. else the identity's Entra owners with a mailbox,
 *   3. at each level, an owner whose Entra account is disabled or gone is replaced by their
 *      manager (when the manager is an enabled user with a mailbox),
 *   4. else security operations.
 * Each recipient carries the reason, which the notice prints ("you get this as …").
 */
import type { Baseline } from '../baseline/schema';
import type { Finding } from '../model/finding';
import { ownerOf } from '../rules/finding-owner';
import type { OwnerAccounts } from './owner-accounts';

export interface Recipient {
  address: string;
  via: string;
}

export interface Routing {
  recipients: Recipient[];
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.includes('@')) : [];

/**
 * One level of the chain: each owner, or their manager in their stead when their account is
 * disabled or gone. Owners passed over without a manager are added to `passedOver`.
 */
export function reachOwners(
  addresses: readonly string[],
  via: string,
  accounts: OwnerAccounts | undefined,
  passedOver: string[] = [],
): Recipient[] {
  const out = new Map<string, Recipient>();
  for (const address of addresses) {
    const account = accounts?.get(normaliseAddress(address));
    if (!account || account.state === 'active' || account.state === 'unknown') {
      if (!out.has(normaliseAddress(address))) out.set(normaliseAddress(address), { address, via });
      continue;
    }
    const why = account.state === 'disabled' ? 'is disabled in Entra' : 'is no longer in the directory';
    if (!account.manager) passedOver.push(`${address} ${why} and has no manager with a mailbox`);
    else if (!out.has(normaliseAddress(account.manager.address)))
      out.set(normaliseAddress(account.manager.address), {
        address: account.manager.address,
        via: `manager of ${address}, who ${why} (${via})`,
      });
  }
  return [...out.values()];
}

export function routeFinding(f: Finding, baseline: Baseline, accounts?: OwnerAccounts): Routing {
  const passedOver: string[] = [];
  const reach = (addresses: string[], via: string) => reachOwners(addresses, via, accounts, passedOver);

  if (ownerOf(f) === 'keyVault') {
    const owners = reach(strings(f.evidence.owners), String(f.evidence.routedBy ?? 'keyVaultSecrets'));
    if (owners.length) return { recipients: owners };
  }
  const declared = baseline.identities.find((i) => i.objectId.toLowerCase() === f.identity.objectId);
  if (declared) {
    const owners = reach(declared.owners, `owner of ${declared.name} in the baseline`);
    if (owners.length) return { recipients: owners };
  }
  const entra = reach(
    strings(f.evidence.entraOwners),
    declared ? `Entra owner of ${declared.name}` : 'Entra owner (the identity is not in the baseline)',
  );
  if (entra.length) return { recipients: entra };
  const why = passedOver.length ? passedOver.join('; ') : 'no owner is known for this identity';
  return {
    recipients: baseline.policy.securityContacts.map((address) => ({
      address,
      via: `security contact (${why})`,
    })),
  };
}

export function normaliseAddress(address: string): string {
  return address.trim().toLowerCase();
}
