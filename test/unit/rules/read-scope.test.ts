/** shared/rules/read-scope.ts: which read a finding depends on, and whether that read was complete. */
import { describe, expect, it } from 'vitest';
import {
  ALL_ARM,
  allOf,
  isScopeReadCompletely,
  readScopeFor,
  SIGN_IN_LOGS,
} from '../../../shared/rules/read-scope';
import type { Inventory } from '../../../shared/model/inventory';

const SUB = '/subscriptions/11111111-1111-4111-8111-111111111111';
const MG = '/providers/Microsoft.Management/managementGroups/Contoso';
const scopes = (over: Partial<Record<string, boolean>> = {}): Pick<Inventory, 'scopes'> => ({
  scopes: [
    { scope: MG, kind: 'managementGroup', complete: over.mg ?? true },
    { scope: SUB, kind: 'subscription', complete: over.sub ?? true },
    { scope: 'directory', kind: 'directory', complete: over.directory ?? true },
    { scope: 'resources', kind: 'resourceGraph', complete: over.resources ?? true },
  ],
});

describe('read scopes', () => {
  it('constants are the names run records use', () => {
    expect([ALL_ARM, SIGN_IN_LOGS]).toEqual(['arm', 'signinlogs']);
  });

  it('readScopeFor: the monitored ARM scope at or above it (lower-cased), else every ARM scope', () => {
    const inv = scopes();
    expect(readScopeFor(`${SUB}/resourceGroups/RG`, inv)).toBe(SUB.toLowerCase());
    expect(readScopeFor(SUB.toUpperCase(), inv)).toBe(SUB.toLowerCase());
    expect(readScopeFor(MG, inv)).toBe(MG.toLowerCase());
    expect(readScopeFor('/subscriptions/22222222-2222-4222-8222-222222222222', inv)).toBe('arm');
    expect(readScopeFor('/', inv)).toBe('arm');
    // "directory" and "resources" are not ARM scopes even if a path looked like them.
    expect(readScopeFor('directory', inv)).toBe('arm');
  });

  it('allOf joins distinct reads; isScopeReadCompletely needs every part', () => {
    expect(allOf('directory', SUB, 'directory')).toBe(`directory + ${SUB}`);
    expect(isScopeReadCompletely(allOf('directory', SUB.toLowerCase()), scopes())).toBe(true);
    expect(isScopeReadCompletely(allOf('directory', SUB), scopes({ directory: false }))).toBe(false);
    expect(isScopeReadCompletely(allOf('directory', SUB), scopes({ sub: false }))).toBe(false);
  });

  it('"arm" is complete only when every ARM scope is, and ignores the directory and Resource Graph', () => {
    expect(isScopeReadCompletely('arm', scopes())).toBe(true);
    expect(isScopeReadCompletely('arm', scopes({ mg: false }))).toBe(false);
    expect(isScopeReadCompletely('arm', scopes({ sub: false }))).toBe(false);
    expect(isScopeReadCompletely('arm', scopes({ directory: false, resources: false }))).toBe(true);
  });

  it('a read the run did not do at all is not complete (unknown is not absent)', () => {
    expect(isScopeReadCompletely('signinlogs', scopes())).toBe(false);
    expect(isScopeReadCompletely('resources', scopes({ resources: false }))).toBe(false);
    expect(isScopeReadCompletely('RESOURCES', scopes())).toBe(true);
  });
});
