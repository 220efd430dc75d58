/** shared/model/finding.ts and inventory.ts: finding keys and scope kinds. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findingKey } from '../../../shared/model/finding';
import { isArmScopeKind, isComplete } from '../../../shared/model/inventory';

describe('finding keys', () => {
  it('are the first 40 hex digits of SHA-256 over rule, object id and target, lines apart, lower-cased', () => {
    const expected = createHash('sha256')
      .update('role.unexpected\naaaa-bbbb\n/subscriptions/x/resourcegroups/rg')
      .digest('hex')
      .slice(0, 40);
    expect(findingKey('role.unexpected', 'AAAA-BBBB', '/subscriptions/X/resourceGroups/RG')).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{40}$/);
  });
  it('differ when any part differs (the rule id is not lower-cased: ids are)', () => {
    const base = findingKey('role.unexpected', 'o', 't');
    expect(findingKey('role.missing', 'o', 't')).not.toBe(base);
    expect(findingKey('role.unexpected', 'p', 't')).not.toBe(base);
    expect(findingKey('role.unexpected', 'o', 'u')).not.toBe(base);
    // The separator keeps "a\nbc" and "ab\nc" apart.
    expect(findingKey('r', 'a', 'bc')).not.toBe(findingKey('r', 'ab', 'c'));
  });
});

describe('inventory scope kinds', () => {
  it('subscriptions and management groups are ARM scopes; the directory and other reads are not', () => {
    expect(isArmScopeKind('subscription')).toBe(true);
    expect(isArmScopeKind('managementGroup')).toBe(true);
    expect(isArmScopeKind('directory')).toBe(false);
    expect(isArmScopeKind('resourceGraph')).toBe(false);
  });
  it('an inventory is complete only when every scope is', () => {
    const scope = (complete: boolean) => ({ scope: 's', kind: 'subscription' as const, complete });
    expect(isComplete({ scopes: [scope(true), scope(true)] })).toBe(true);
    expect(isComplete({ scopes: [scope(true), scope(false)] })).toBe(false);
    expect(isComplete({ scopes: [] })).toBe(true);
  });
});
