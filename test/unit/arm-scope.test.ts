import { describe, expect, it } from 'vitest';
import {
  armScopeProblem,
  isStrictAncestor,
  isSameOrAncestor,
  sameScope,
  scopeLevel,
  subscriptionOf,
} from '../../shared/model/arm-scope';

const SUB = '/subscriptions/11111111-1111-4111-8111-111111111111';

describe('ARM scopes', () => {
  it.each([
    ['/', undefined],
    [SUB, undefined],
    [`${SUB}/resourceGroups/rg`, undefined],
    ['/providers/Microsoft.Management/managementGroups/contoso', undefined],
    ['subscriptions/x', /starting with \//],
    ['/subscriptions/not-a-guid', /GUID/],
    [`${SUB}/`, /must not end/],
    [`${SUB}//resourceGroups/rg`, /empty segments/],
    [`${SUB}/resourceGroups/*`, /wildcard/],
    ['/providers/Microsoft.Management/managementGroups', /name the group/],
  ])('validates %s', (scope, problem) => {
    const result = armScopeProblem(scope);
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toMatch(problem);
  });

  it('compares case-insensitively and knows ancestors', () => {
    expect(sameScope(`${SUB}/resourceGroups/RG-Pay`, `${SUB.toUpperCase()}/resourcegroups/rg-pay`)).toBe(
      true,
    );
    expect(isStrictAncestor(SUB, `${SUB}/resourceGroups/rg`)).toBe(true);
    expect(isStrictAncestor(SUB, SUB)).toBe(false);
    expect(isSameOrAncestor(SUB, SUB)).toBe(true);
    expect(isStrictAncestor('/', SUB)).toBe(true);
    // a prefix of the text is not an ancestor
    expect(isStrictAncestor(`${SUB}/resourceGroups/rg`, `${SUB}/resourceGroups/rg-2`)).toBe(false);
  });

  it('classifies levels', () => {
    expect(scopeLevel('/')).toBe('root');
    expect(scopeLevel('/providers/Microsoft.Management/managementGroups/contoso')).toBe('managementGroup');
    expect(scopeLevel(SUB)).toBe('subscription');
    expect(scopeLevel(`${SUB}/resourceGroups/rg`)).toBe('resourceGroup');
    expect(scopeLevel(`${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`)).toBe('resource');
    expect(subscriptionOf(`${SUB.toUpperCase()}/resourceGroups/rg`)).toBe(
      '11111111-1111-4111-8111-111111111111',
    );
  });
});
