/**
 * Which process may raise and resolve a finding. Each process reads only its own source, so
 * it must only resolve what that source can prove gone:
 *   tenant   — ARM + Graph (full reconcile, events, delta sweep)
 *   signIns  — the sign-in logs (dormancy check)
 *   keyVault — Key Vault events
 * `exemption.expired` belongs to the owner of the rule it exempted (its target starts with it).
 */
export type FindingOwner = 'tenant' | 'signIns' | 'keyVault';

const SIGN_IN_RULES: ReadonlySet<string> = new Set([
  'identity.dormant',
  'identity.never-signed-in',
  'credential.unused',
]);

export function ownerOf(f: { ruleId: string; target: string }): FindingOwner {
  const rule = f.ruleId === 'exemption.expired' ? (f.target.split(' ')[0] ?? '') : f.ruleId;
  if (SIGN_IN_RULES.has(rule)) return 'signIns';
  if (rule.startsWith('keyvault.')) return 'keyVault';
  return 'tenant';
}
