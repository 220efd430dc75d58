import { describe, expect, it } from 'vitest';
import {
  armScopeProblem,
  isGuid,
  normalizeScope,
  scopeAndAncestors,
  isStrictAncestor,
  isSameOrAncestor,
  sameScope,
  scopeLevel,
  subscriptionOf,
} from '../../../shared/model/arm-scope';

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

describe('ARM scopes: every branch', () => {
  const MG = '/providers/Microsoft.Management/managementGroups/contoso';
  it.each([
    [' /subscriptions/x', 'must be an ARM scope starting with /'],
    [`${SUB}/resourceGroups/my rg`, 'must not contain whitespace'],
    [`${SUB}/resourceGroups/rg\t`, 'must not contain whitespace'],
    [`${SUB}/resourceGroups/rg*`, 'must be an exact scope, not a wildcard'],
    [`${SUB}/resourceGroups/rg/`, 'must not end with /'],
    ['/subscriptions', 'subscription id must be a GUID'],
    [`/subscriptions/x${SUB.slice(15)}`, 'subscription id must be a GUID'],
    [`${SUB}x`, 'subscription id must be a GUID'],
    ['/subscriptions/11111111-1111-4111-8111-11111111111', 'subscription id must be a GUID'],
    [`${SUB}/resourceGroups`, 'resourceGroups must be followed by a name'],
    [`${SUB}/RESOURCEGROUPS`, 'resourceGroups must be followed by a name'],
    [`${SUB}/providers/Microsoft.Authorization`, undefined],
    [`${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`, undefined],
    ['/providers/microsoft.management/MANAGEMENTGROUPS', 'management group scope must name the group'],
    ['/providers/Microsoft.Capacity', undefined],
    ['/providers/Microsoft.Management/other', undefined],
    ['/tenants/x', 'must start with /subscriptions/, /providers/ or be /'],
  ])('%s → %s', (scope, problem) => {
    expect(armScopeProblem(scope)).toBe(problem);
  });

  it('normalizeScope: lower-case, trailing slashes dropped, the root stays /', () => {
    expect(normalizeScope(`${SUB.toUpperCase()}/ResourceGroups/RG//`)).toBe(`${SUB}/resourcegroups/rg`);
    expect(normalizeScope('/')).toBe('/');
    expect(normalizeScope('//')).toBe('/');
  });

  it('scopeAndAncestors: the scope, each ancestor its id shows, then the root', () => {
    expect(scopeAndAncestors(`${SUB}/resourceGroups/RG`)).toEqual([
      `${SUB}/resourcegroups/rg`,
      `${SUB}/resourcegroups`,
      SUB,
      '/subscriptions',
      '/',
    ]);
    expect(scopeAndAncestors('/')).toEqual(['/']);
    expect(scopeAndAncestors(MG)).toEqual([
      MG.toLowerCase(),
      '/providers/microsoft.management/managementgroups',
      '/providers/microsoft.management',
      '/providers',
      '/',
    ]);
  });

  it('ancestry: different scopes are not the same; the root is everyone’s ancestor but not its own', () => {
    expect(sameScope(SUB, `${SUB}/resourceGroups/rg`)).toBe(false);
    expect(isStrictAncestor('/', '/')).toBe(false);
    expect(isSameOrAncestor('/', '/')).toBe(true);
    expect(isSameOrAncestor(`${SUB}/resourceGroups/rg`, SUB)).toBe(false);
    expect(isSameOrAncestor(SUB.toUpperCase(), `${SUB}/resourceGroups/rg`)).toBe(true);
    expect(isStrictAncestor(`${SUB}/`, `${SUB}/resourceGroups/rg`)).toBe(true);
  });

  it('levels: other provider scopes and deeper management-group paths are "other"', () => {
    expect(scopeLevel(`${MG}/providers/Microsoft.Authorization/roleAssignments/x`)).toBe('other');
    expect(scopeLevel('/providers/Microsoft.Capacity')).toBe('other');
    expect(scopeLevel('/providers/Microsoft.Management/other/x')).toBe('other');
    expect(scopeLevel('/tenants/x')).toBe('other');
    expect(scopeLevel(`${SUB}/providers/Microsoft.Authorization`)).toBe('resource');
    expect(scopeLevel(`${SUB}/resourceGroups/rg/providers/x`)).toBe('resource');
    expect(scopeLevel(`${SUB}/x/rg`)).toBe('resource');
  });

  it('subscriptionOf: only at the start of the id', () => {
    expect(subscriptionOf(`/x${SUB}`)).toBeUndefined();
    expect(subscriptionOf(MG)).toBeUndefined();
    expect(subscriptionOf(SUB)).toBe('11111111-1111-4111-8111-111111111111');
  });

  it('isGuid: anchored, any case', () => {
    expect(isGuid('11111111-1111-4111-8111-111111111111')).toBe(true);
    expect(isGuid('ABCDEF01-1111-4111-8111-111111111111')).toBe(true);
    expect(isGuid('x11111111-1111-4111-8111-111111111111')).toBe(false);
    expect(isGuid('11111111-1111-4111-8111-111111111111x')).toBe(false);
    expect(isGuid('11111111-1111-4111-8111-11111111111')).toBe(false);
  });
});
