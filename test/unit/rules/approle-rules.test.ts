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
  it('declared → nothing; undeclared → approle.unexpected; tier-0 → approle.privileged, and approle.unexpected too when undeclared', () => {
    expect(run(['User.Read.All'])).toEqual([]);
    expect(ids(run(['Mail.Send']))).toEqual(['approle.unexpected@Microsoft Graph/Mail.Send']);
    expect(run(['Directory.ReadWrite.All']).map((c) => [c.ruleId, c.severity])).toEqual([
      ['approle.privileged', 'critical'],
      ['approle.unexpected', 'high'],
    ]);
    expect(rules(run(['Directory.ReadWrite.All'], ['Microsoft Graph/Directory.ReadWrite.All']))).toEqual([
      'approle.privileged',
    ]);
  });
});

describe('application permission rules: what each finding says', () => {
  const grant = {
    id: 'grant-1',
    resourceId: 'ffffffff-0000-4000-8000-000000000001',
    resourceDisplayName: 'Microsoft Graph',
    appRoleId: 'role-1',
    permission: 'Mail.Send',
    createdDateTime: '2026-10-01T00:00:00Z',
  };
  const EVIDENCE = {
    grantId: 'grant-1',
    resource: 'Microsoft Graph',
    resourceId: 'ffffffff-0000-4000-8000-000000000001',
    permission: 'Mail.Send',
    appRoleId: 'role-1',
    granted: '2026-10-01T00:00:00Z',
  };
  it('approle.unexpected: message, evidence, target; declared in another case is declared', () => {
    const inv = inventory([live({ appRoleGrants: [grant] })], [assignment('Reader', RG)]);
    const [f] = evaluate(baseline(), inv, NOW);
    expect(f!.message).toBe(
      'app-one holds Microsoft Graph/Mail.Send, which the baseline does not declare: revoke it or declare it.',
    );
    expect(f!.evidence).toEqual({ ...EVIDENCE, entraOwners: ['o@contoso.com'] });
    expect([f!.target, f!.readScope]).toEqual(['Microsoft Graph/Mail.Send', 'directory']);
    expect(evaluate(baseline({ appRoles: ['microsoft graph/mail.send'] }), inv, NOW)).toEqual([]);
  });
  it('approle.privileged: message and evidence; policy names compared in any case', () => {
    const tier0 = { ...grant, permission: 'RoleManagement.ReadWrite.Directory' };
    const [f] = evaluate(
      baseline(),
      inventory([live({ appRoleGrants: [tier0] })], [assignment('Reader', RG)]),
      NOW,
    );
    expect(f!.message).toBe(
      'app-one holds the tier-0 permission Microsoft Graph/RoleManagement.ReadWrite.Directory, which lets it take over the tenant: revoke it.',
    );
    expect(f!.evidence).toMatchObject({
      permission: 'RoleManagement.ReadWrite.Directory',
      grantId: 'grant-1',
    });
  });
});
