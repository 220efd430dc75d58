/** shared/rules/approle-rules.ts: cases per rule. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/rules/evaluate';
import { assignment, baseline, inventory, live, NOW } from './builders';
import { RG, ids, rules } from './helpers';

describe('application permission rules', () => {
  const grant = (permission: string) => ({
    id: permission,
    resourceId: 'r',
    resourceDisplayName: 'Microsoft Graph',
    appRoleId: 'x',
    permission,
    createdDateTime: null,
  });
  const run = (perms: string[], appRoles: string[] = ['Microsoft Graph/User.Read.All']) =>
    evaluate(
      baseline({ appRoles }),
      inventory([live({ appRoleGrants: perms.map(grant) })], [assignment('Reader', RG)]),
      NOW,
    );
  it('declared → nothing; undeclared → approle.unexpected; tier-0 → approle.privileged only, even when declared', () => {
    expect(run(['User.Read.All'])).toEqual([]);
    expect(ids(run(['Mail.Send']))).toEqual(['approle.unexpected@Microsoft Graph/Mail.Send']);
    expect(run(['Directory.ReadWrite.All']).map((c) => [c.ruleId, c.severity])).toEqual([
      ['approle.privileged', 'critical'],
    ]);
    expect(rules(run(['Directory.ReadWrite.All'], ['Microsoft Graph/Directory.ReadWrite.All']))).toEqual([
      'approle.privileged',
    ]);
  });
});
