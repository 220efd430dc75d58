/**
 * Scopes through management groups (issue 19): ancestry through one and two management-group
 * levels and the root, environments mapped to management groups, and a hierarchy that could not
 * be read making the comparisons that need it unknown — nothing raised, nothing resolved.
 */
import { describe, expect, it } from 'vitest';
import { isStrictAncestorIn, scopeChain } from '../../../shared/model/scope-hierarchy';
import { evaluate } from '../../../shared/rules/evaluate';
import { buildContext } from '../../../shared/rules/context';
import { isScopeReadCompletely } from '../../../shared/rules/read-scope';
import { assignment, baseline, DEV, inventory, live, NOW, PROD } from '../rules/builders';
import type { Inventory } from '../../../shared/model/inventory';

const mg = (name: string) => `/providers/Microsoft.Management/managementGroups/${name}`;
const key = (s: string) => s.toLowerCase();
const ROOT_MG = mg('tenant-root');
const PLATFORM = mg('platform');
const PROD_MG = mg('prod');
/** tenant-root ⊃ platform ⊃ prod ⊃ PROD; tenant-root ⊃ DEV. */
const PARENTS = new Map<string, string | null>([
  [key(ROOT_MG), null],
  [key(PLATFORM), key(ROOT_MG)],
  [key(PROD_MG), key(PLATFORM)],
  [key(PROD), key(PROD_MG)],
  [key(DEV), key(ROOT_MG)],
]);
const RG = `${PROD}/resourceGroups/rg-app`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/kv`;

const withHierarchy = (inv: Inventory, read: boolean): Inventory => ({
  ...inv,
  ...(read ? { managementGroupParents: PARENTS } : {}),
  scopes: [
    ...inv.scopes,
    {
      scope: 'managementgroups',
      kind: 'managementGroups',
      complete: read,
      ...(read ? {} : { error: 'HTTP 403 AuthorizationFailed' }),
    },
  ],
});

describe('scope chains', () => {
  it('a resource goes up through its resource group, subscription, two management groups and the root group to /', () => {
    const chain = scopeChain(VAULT, PARENTS);
    expect(chain.complete).toBe(true);
    expect(
      chain.scopes.filter(
        (s) =>
          !/\/(resourcegroups|providers|subscriptions)$|\/providers\/microsoft\.keyvault(\/vaults)?$/.test(s),
      ),
    ).toEqual([key(VAULT), key(RG), key(PROD), key(PROD_MG), key(PLATFORM), key(ROOT_MG), '/']);
  });
  it('ancestry through one and two management-group levels and the root; a cousin is not an ancestor', () => {
    expect(isStrictAncestorIn(PROD_MG, RG, PARENTS)).toBe(true);
    expect(isStrictAncestorIn(PLATFORM, VAULT, PARENTS)).toBe(true);
    expect(isStrictAncestorIn(ROOT_MG, DEV, PARENTS)).toBe(true);
    expect(isStrictAncestorIn('/', PROD_MG, PARENTS)).toBe(true);
    expect(isStrictAncestorIn(PROD_MG, DEV, PARENTS)).toBe(false);
    expect(isStrictAncestorIn(PROD_MG, PROD_MG, PARENTS)).toBe(false);
  });
  it('without the hierarchy a management group above is unknown, never "unrelated"; other scopes still compare by id', () => {
    expect(isStrictAncestorIn(PROD_MG, RG, undefined)).toBeUndefined();
    expect(isStrictAncestorIn(PROD, RG, undefined)).toBe(true);
    expect(isStrictAncestorIn(`${PROD}/resourceGroups/other`, RG, undefined)).toBe(false);
    expect(scopeChain(RG, new Map()).complete).toBe(false);
  });
  it('the root is its own whole chain; a scope outside subscriptions and groups goes straight to /', () => {
    expect(scopeChain('/', undefined)).toEqual({ scopes: ['/'], complete: true });
    expect(scopeChain('/providers/Microsoft.Billing/billingAccounts/x', undefined)).toEqual({
      scopes: [
        '/providers/microsoft.billing/billingaccounts/x',
        '/providers/microsoft.billing/billingaccounts',
        '/providers/microsoft.billing',
        '/providers',
        '/',
      ],
      complete: true,
    });
    // A subscription straight under the root group: complete, the group then `/`.
    expect(scopeChain(DEV, PARENTS)).toEqual({ scopes: [key(DEV), key(ROOT_MG), '/'], complete: true });
    // A management group's chain starts at the group itself, not at the /providers pieces of its id.
    expect(scopeChain(PROD_MG, PARENTS)).toEqual({
      scopes: [key(PROD_MG), key(PLATFORM), key(ROOT_MG), '/'],
      complete: true,
    });
    // Unknown link: what is known, then `/`.
    expect(scopeChain(RG, undefined)).toEqual({ scopes: [key(RG), key(PROD), '/'], complete: false });
  });

  it('a cycle in a corrupt answer stops, unknown', () => {
    const loop = new Map([
      [key(PROD), key(PROD_MG)],
      [key(PROD_MG), key(PLATFORM)],
      [key(PLATFORM), key(PROD_MG)],
    ]);
    expect(scopeChain(PROD, loop).complete).toBe(false);
  });
});

describe('rules through management groups', () => {
  it('a declared resource-group role held at the parent management group is role.scope-broader, not unexpected + missing', () => {
    const b = baseline({ roles: [{ role: 'Reader', scope: RG }] });
    const atMg = assignment('Reader', PROD_MG);
    const found = evaluate(b, withHierarchy(inventory([live()], [atMg]), true), NOW);
    expect(found.map((c) => c.ruleId)).toEqual(['role.scope-broader']);
    expect(found[0]!.evidence.declaredScope).toBe(RG);
    // Two levels up too.
    const twoUp = evaluate(
      b,
      withHierarchy(inventory([live()], [assignment('Reader', PLATFORM)]), true),
      NOW,
    );
    expect(twoUp.map((c) => c.ruleId)).toEqual(['role.scope-broader']);
    // A management group that is not above it is another scope: unexpected, and the declared one missing.
    const elsewhere = evaluate(
      b,
      withHierarchy(inventory([live()], [assignment('Reader', mg('other'))]), true),
      NOW,
    );
    expect(elsewhere.map((c) => c.ruleId).sort()).toEqual(['role.missing', 'role.unexpected']);
  });

  it('an environment mapped to a management group covers every subscription and resource below it', () => {
    const b = baseline(
      { environment: 'dev', roles: [{ role: 'Reader', scope: RG }] },
      { policy: { securityContacts: ['s@contoso.com'], environments: { prod: [PROD_MG], dev: [DEV] } } },
    );
    const ctx = buildContext(b, withHierarchy(inventory([live()], []), true), NOW);
    expect(ctx.scopeFacts(VAULT).environments).toEqual(['prod']);
    expect(ctx.scopeFacts(DEV).environments).toEqual(['dev']);
    const found = evaluate(b, withHierarchy(inventory([live()], [assignment('Reader', RG)]), true), NOW);
    expect(found.map((c) => c.ruleId)).toEqual(['role.cross-environment']);
    expect(found[0]!.evidence.scopeEnvironment).toBe('prod');
    expect(found[0]!.readScope).toContain('managementgroups');
  });

  it('hierarchy unreadable: nothing raised that needs it, and what was raised before is not resolved', () => {
    const b = baseline(
      { environment: 'dev', roles: [{ role: 'Reader', scope: RG }] },
      { policy: { securityContacts: ['s@contoso.com'], environments: { prod: [PROD_MG], dev: [DEV] } } },
    );
    const assignments = [assignment('Reader', PROD_MG), assignment('Reader', RG)];
    const known = withHierarchy(inventory([live()], assignments), true);
    const unknown = withHierarchy(inventory([live()], assignments), false);
    const before = evaluate(b, known, NOW);
    // Both assignments lie in prod (one at the prod group itself), and the group one is broader than declared.
    expect(before.map((c) => `${c.ruleId}@${c.target}`).sort()).toEqual([
      `role.cross-environment@${PROD_MG}`,
      `role.cross-environment@${RG}`,
      `role.scope-broader@${PROD_MG}`,
    ]);
    expect(evaluate(b, unknown, NOW)).toEqual([]);
    // Their read scopes name the hierarchy, which the unknown run did not read completely: kept, not resolved.
    for (const f of before) expect(isScopeReadCompletely(f.readScope, unknown)).toBe(false);
    for (const f of before) expect(isScopeReadCompletely(f.readScope, known)).toBe(true);
  });
});
