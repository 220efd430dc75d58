/** shared/rules/role-rules.ts: cases per rule. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/rules/evaluate';
import { assignment, baseline, DEV, inventory, live, NOW, PROD } from './builders';
import { RG, ids, rules } from './helpers';

describe('role rules', () => {
  it('matching tenant → no findings', () => {
    expect(evaluate(baseline(), inventory([live()], [assignment('Reader', RG)]), NOW)).toEqual([]);
  });
  it('role.unexpected: undeclared role; scope compared case-insensitively', () => {
    expect(
      ids(
        evaluate(
          baseline(),
          inventory(
            [live()],
            [assignment('Reader', RG.toUpperCase()), assignment('Storage Blob Data Reader', RG)],
          ),
          NOW,
        ),
      ),
    ).toEqual([`role.unexpected@${RG}`]);
  });
  it('role.missing: declared role absent, but not when the read of its subscription was partial', () => {
    expect(rules(evaluate(baseline(), inventory([live()], []), NOW))).toEqual(['role.missing']);
    expect(evaluate(baseline(), inventory([live()], [], [PROD]), NOW)).toEqual([]);
  });
  it('role.scope-broader: same role at an ancestor; equal scope is fine; a sibling is unexpected + missing', () => {
    expect(ids(evaluate(baseline(), inventory([live()], [assignment('Reader', PROD)]), NOW))).toEqual([
      `role.scope-broader@${PROD}`,
    ]);
    expect(
      rules(
        evaluate(baseline(), inventory([live()], [assignment('Reader', `${PROD}/resourceGroups/rg2`)]), NOW),
      ),
    ).toEqual(['role.missing', 'role.unexpected']);
  });
  it('role.privileged-broad: privileged role at subscription, management group or root; not at a resource group', () => {
    for (const scope of [PROD, '/providers/Microsoft.Management/managementGroups/contoso', '/']) {
      const found = evaluate(baseline({ roles: [] }), inventory([live()], [assignment('Owner', scope)]), NOW);
      expect(ids(found)).toEqual([`role.privileged-broad@${scope}`]);
      expect(found[0]!.severity).toBe('critical');
    }
    expect(
      rules(
        evaluate(
          baseline({ roles: [{ role: 'Contributor', scope: RG }] }),
          inventory([live()], [assignment('Contributor', RG)]),
          NOW,
        ),
      ),
    ).toEqual([]);
  });
  it('policy role lists match a role by definition GUID or by name in any casing, per evaluation', () => {
    const owner = assignment('Owner', PROD);
    const byGuid = baseline({ roles: [] });
    byGuid.policy.privilegedRoles = [owner.roleDefinitionId.toUpperCase().replace('GUID', 'guid')];
    expect(rules(evaluate(byGuid, inventory([live()], [owner]), NOW))).toEqual(['role.privileged-broad']);
    const byName = baseline({ roles: [] });
    byName.policy.privilegedRoles = ['oWnEr'];
    expect(rules(evaluate(byName, inventory([live()], [owner]), NOW))).toEqual(['role.privileged-broad']);
    // A later evaluation with another policy is judged on that policy, not on remembered answers.
    const none = baseline({ roles: [] });
    none.policy.privilegedRoles = [];
    expect(rules(evaluate(none, inventory([live()], [owner]), NOW))).toEqual(['role.unexpected']);
  });
  it('role.privileged-broad applies to undeclared identities too, and declared privileged-broad is still reported', () => {
    const other = live({ objectId: 'eeeeeeee-0000-4000-8000-000000000009', displayName: 'stranger' });
    expect(
      rules(
        evaluate(
          baseline(),
          inventory([live(), other], [assignment('Reader', RG), assignment('Owner', PROD, other.objectId)]),
          NOW,
        ),
      ),
    ).toEqual(['identity.unbaselined', 'role.privileged-broad']);
    expect(
      rules(
        evaluate(
          baseline({ roles: [{ role: 'Owner', scope: PROD }] }),
          inventory([live()], [assignment('Owner', PROD)]),
          NOW,
        ),
      ),
    ).toEqual(['role.privileged-broad']);
  });
  it('role.cross-environment: a dev scope for a prod identity, unless allowedEnvironments lists dev', () => {
    const declared = {
      roles: [
        { role: 'Reader', scope: RG },
        { role: 'Reader', scope: `${DEV}/resourceGroups/x` },
      ],
    };
    const inv = inventory(
      [live()],
      [assignment('Reader', RG), assignment('Reader', `${DEV}/resourceGroups/x`)],
    );
    expect(ids(evaluate(baseline(declared), inv, NOW))).toEqual([
      `role.cross-environment@${DEV}/resourceGroups/x`,
    ]);
    expect(evaluate(baseline({ ...declared, allowedEnvironments: ['dev'] }), inv, NOW)).toEqual([]);
  });
  it('role.secret-manager-on-runtime: Secrets Officer on a runtime identity, not on a deployment identity', () => {
    const kv = `${RG}/providers/Microsoft.KeyVault/vaults/kv`;
    const roles = [
      { role: 'Reader', scope: RG },
      { role: 'Key Vault Secrets Officer', scope: kv },
    ];
    const inv = inventory([live()], [assignment('Reader', RG), assignment('Key Vault Secrets Officer', kv)]);
    expect(ids(evaluate(baseline({ roles }), inv, NOW))).toEqual([`role.secret-manager-on-runtime@${kv}`]);
    expect(evaluate(baseline({ roles, purpose: 'deployment' }), inv, NOW)).toEqual([]);
  });
});
