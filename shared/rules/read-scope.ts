/** Which inventory scope must be read completely before a finding about `scope` may be resolved. */
import { isArmScopeKind, type Inventory } from '../model/inventory';
import { isSameOrAncestor } from '../model/arm-scope';

/** `arm` means: every ARM scope of the run (used for assignments above any monitored scope). */
export const ALL_ARM = 'arm';
export const DIRECTORY = 'directory';
export const SIGN_IN_LOGS = 'signinlogs';
/** The Azure Resource Graph read of which resources use each managed identity. */
export const RESOURCE_GRAPH_SCOPE = 'resources';
/** The management-group hierarchy (getEntities): what scope comparisons through management groups need. */
export const MANAGEMENT_GROUPS_SCOPE = 'managementgroups';

export function readScopeFor(armScope: string, inventory: Pick<Inventory, 'scopes'>): string {
  // The rules ask once per assignment; the answer depends only on the scope: remember it per inventory.
  let memo = readScopeMemo.get(inventory.scopes);
  // Stryker disable next-line ConditionalExpression: a memo; a new map gives the same answers
  if (!memo) readScopeMemo.set(inventory.scopes, (memo = new Map()));
  let answer = memo.get(armScope);
  // Stryker disable next-line ConditionalExpression: a memo; working it out again gives the same answer
  if (answer === undefined) {
    const match = inventory.scopes.find((s) => isArmScopeKind(s.kind) && isSameOrAncestor(s.scope, armScope));
    answer = match ? match.scope.toLowerCase() : ALL_ARM;
    memo.set(armScope, answer);
  }
  return answer;
}
const readScopeMemo = new WeakMap<readonly unknown[], Map<string, string>>();

/** A finding that needs several reads (e.g. a managed identity from Graph and its federated credentials from ARM). */
export function allOf(...scopes: string[]): string {
  return [...new Set(scopes)].join(SEPARATOR);
}
const SEPARATOR = ' + ';

export function isScopeReadCompletely(readScope: string, inventory: Pick<Inventory, 'scopes'>): boolean {
  if (readScope.includes(SEPARATOR))
    return readScope.split(SEPARATOR).every((part) => isScopeReadCompletely(part, inventory));
  if (readScope === ALL_ARM)
    return inventory.scopes.filter((s) => isArmScopeKind(s.kind)).every((s) => s.complete);
  const found = inventory.scopes.find((s) => s.scope.toLowerCase() === readScope.toLowerCase());
  return found?.complete ?? false;
}
