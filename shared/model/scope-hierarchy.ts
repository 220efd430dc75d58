/**
 * Where a scope sits in Azure: resource → resource group → subscription by its id, then
 * subscription → management group → … → the tenant root group → `/` by the management-group
 * hierarchy, which ids do not show. Access granted at an ancestor applies below it, and an
 * environment mapped to a management group covers everything under it. Pure.
 */
import { normalizeScope, scopeAndAncestors, scopeLevel } from './arm-scope';

/**
 * Normalised subscription or management-group scope → its parent management group's normalised
 * scope (null: nothing above it but `/`).
 */
export type ManagementGroupParents = ReadonlyMap<string, string | null>;

export interface ScopeChain {
  /** The scope and its ancestors, normalised, nearest first, ending with `/`. */
  scopes: readonly string[];
  /**
   * False when a link of the management-group chain is not known (the hierarchy was not read,
   * or does not list a subscription or group on the way): an ancestor may be missing.
   */
  complete: boolean;
}

/** The chain of a scope; `parents` undefined when the hierarchy was not read. */
export function scopeChain(scope: string, parents: ManagementGroupParents | undefined): ScopeChain {
  const s = normalizeScope(scope);
  if (s === '/') return { scopes: ['/'], complete: true };
  // Up to the subscription or management group, from the id itself (without the pieces of an id
  // that are not scopes: `/subscriptions/x/resourcegroups`, `…/providers/microsoft.keyvault/vaults`).
  const own = scopeAndAncestors(s).filter((x) => x !== '/' && isScope(x));
  const found = own.findLast((x) => {
    const level = scopeLevel(x);
    return level === 'subscription' || level === 'managementGroup';
  });
  if (found === undefined) return { scopes: [...own, '/'], complete: true };
  let top: string = found;
  const scopes = own.slice(0, own.indexOf(top) + 1);
  const seen = new Set(scopes);
  for (;;) {
    if (parents === undefined || !parents.has(top)) return { scopes: [...scopes, '/'], complete: false };
    const parent: string | null = parents.get(top) ?? null;
    // A cycle would be a corrupt answer: stop rather than loop, and say the chain is not known.
    if (parent === null) return { scopes: [...scopes, '/'], complete: true };
    if (seen.has(parent)) return { scopes: [...scopes, '/'], complete: false };
    scopes.push(parent);
    seen.add(parent);
    top = parent;
  }
}

/** A scope Azure can grant access at, as opposed to a partial id on the way to one. */
function isScope(x: string): boolean {
  const segments = x.slice(1).split('/');
  if (segments[0] === 'subscriptions') {
    const i = segments.lastIndexOf('providers');
    // A resource: provider namespace, then type/name pairs (nested types add pairs).
    if (i >= 0) return (segments.length - i - 1) % 2 === 1 && segments.length - i - 1 >= 3;
    return segments.length === 2 || (segments.length === 4 && segments[2] === 'resourcegroups');
  }
  return scopeLevel(x) === 'managementGroup' || !x.startsWith('/providers/microsoft.management');
}

/** True, false, or undefined when the chain of `scope` is not completely known and `ancestor` is not on the known part. */
export function isStrictAncestorIn(
  ancestor: string,
  scope: string,
  parents: ManagementGroupParents | undefined,
): boolean | undefined {
  const a = normalizeScope(ancestor);
  const chain = scopeChain(scope, parents);
  if (chain.scopes[0] === a) return false;
  if (chain.scopes.includes(a)) return true;
  // Only a management group can sit above a scope through links that were not read.
  return chain.complete || scopeLevel(a) !== 'managementGroup' ? false : undefined;
}
