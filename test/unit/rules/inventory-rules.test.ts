/** shared/rules/inventory-rules.ts: unreadable objects, reported and quarantined. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/rules/evaluate';
import { keepQuarantined, quarantinedObjectIds } from '../../../shared/rules/inventory-rules';
import type { UnreadableObject } from '../../../shared/model/inventory';
import { assignment, baseline, inventory, live, NOW, OID, PROD } from './builders';
import { RG } from './helpers';

const unreadable = (over: Partial<UnreadableObject>): UnreadableObject => ({
  api: 'arm',
  source: `${PROD}/providers/Microsoft.Authorization/roleAssignments`,
  scope: PROD,
  id: 'ra-1',
  objectId: null,
  appId: null,
  problems: 'properties.roleDefinitionId: Invalid input: expected string, received number',
  ...over,
});
const withUnreadable = (
  objects: UnreadableObject[],
  identities = [live()],
  assignments = [assignment('Reader', RG)],
) => ({
  ...inventory(identities, assignments),
  unreadable: objects,
});

describe('inventory.unreadable-object', () => {
  it('names the object, where it came from and what is wrong; resolves with a complete read of its scope', () => {
    const found = evaluate(baseline(), withUnreadable([unreadable({ objectId: OID })]), NOW).filter(
      (c) => c.ruleId === 'inventory.unreadable-object',
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: 'medium',
      target: `arm:${PROD}/providers/Microsoft.Authorization/roleAssignments ra-1`,
      readScope: PROD.toLowerCase(),
      identity: { objectId: OID, name: 'app-one' },
      evidence: {
        api: 'arm',
        id: 'ra-1',
        scope: PROD,
        problems: 'properties.roleDefinitionId: Invalid input: expected string, received number',
      },
    });
    expect(found[0]!.message).toBe(
      `The monitor could not read role assignment ra-1 from Azure Resource Manager (${PROD}/providers/Microsoft.Authorization/roleAssignments): properties.roleDefinitionId: Invalid input: expected string, received number. It is blind to that object until it reads; findings about it are kept as they were.`,
    );
  });

  it.each([
    ['/servicePrincipals', 'graph', 'service principal sp-1 from Microsoft Graph'],
    ['/applications', 'graph', 'application sp-1 from Microsoft Graph'],
    [
      '/applications/a1/federatedIdentityCredentials',
      'graph',
      'federated credential sp-1 from Microsoft Graph',
    ],
    [
      `${PROD}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`,
      'arm',
      'managed identity sp-1 from Azure Resource Manager',
    ],
    ['/servicePrincipals/x/owners', 'graph', 'service principal sp-1 from Microsoft Graph'],
    ['/users', 'graph', 'object sp-1 from Microsoft Graph'],
  ] as const)('%s: says which kind of object', (source, api, words) => {
    const [f] = evaluate(
      baseline(),
      withUnreadable([unreadable({ source, api, id: 'sp-1', scope: 'directory' })]),
      NOW,
    );
    expect(f!.message).toContain(`could not read ${words}`);
    expect(f!.readScope).toBe('directory');
  });

  it('an object without a readable id is named by what is wrong with it, and its identity is unknown', () => {
    const [f] = evaluate(baseline(), withUnreadable([unreadable({ id: null })]), NOW);
    expect(f!.message).toContain('could not read a role assignment without a readable id');
    expect(f!.target).toBe(
      `arm:${PROD}/providers/Microsoft.Authorization/roleAssignments properties.roleDefinitionId: Invalid input: expected string, received number`,
    );
    expect(f!.identity.objectId).toBe('unknown');
  });
});

describe('quarantine', () => {
  it('the identities an unreadable object is about: its principal, its appId, or its application object', () => {
    const app = live({ objectId: 'sp-app', appId: 'app-2', applicationObjectId: 'obj-2' });
    const inv = withUnreadable(
      [
        unreadable({ objectId: 'sp-direct' }),
        unreadable({ api: 'graph', source: '/applications', appId: 'app-2', scope: 'directory' }),
        unreadable({ api: 'graph', source: '/applications/OBJ-3/owners', scope: 'directory' }),
        unreadable({ objectId: null }),
      ],
      [live(), app, live({ objectId: 'sp-three', appId: 'app-3', applicationObjectId: 'obj-3' })],
    );
    expect([...quarantinedObjectIds(inv)].sort()).toEqual(['sp-app', 'sp-direct', 'sp-three']);
    expect(quarantinedObjectIds({ identities: [], unreadable: undefined }).size).toBe(0);
  });

  it('keeps stored findings about quarantined identities, except the unreadable-object finding itself', () => {
    const keep = keepQuarantined(withUnreadable([unreadable({ objectId: OID })]));
    expect(keep({ ruleId: 'role.unexpected', identity: { objectId: OID } })).toBe(true);
    expect(keep({ ruleId: 'inventory.unreadable-object', identity: { objectId: OID } })).toBe(false);
    expect(keep({ ruleId: 'role.unexpected', identity: { objectId: 'other' } })).toBe(false);
  });

  it('absence rules are not raised about a quarantined identity; other rules are', () => {
    // app-one declares Reader on RG; its assignment could not be read, so it is not "missing".
    const quiet = evaluate(baseline(), withUnreadable([unreadable({ objectId: OID })], [live()], []), NOW);
    expect(quiet.map((c) => c.ruleId)).toEqual(['inventory.unreadable-object']);
    const loud = evaluate(baseline(), withUnreadable([], [live()], []), NOW);
    expect(loud.map((c) => c.ruleId)).toEqual(['role.missing']);
    const unexpected = evaluate(
      baseline(),
      withUnreadable(
        [unreadable({ objectId: OID })],
        [live()],
        [assignment('Reader', RG), assignment('Contributor', RG)],
      ),
      NOW,
    );
    expect(unexpected.map((c) => c.ruleId).sort()).toEqual([
      'inventory.unreadable-object',
      'role.unexpected',
    ]);
  });
});
