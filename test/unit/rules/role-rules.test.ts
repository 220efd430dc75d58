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
  it('an ABAC condition narrows what a role grants but not which role is held: judged as granted, and said', () => {
    const condition =
      "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'logs'))";
    const declaredWithCondition = { ...assignment('Reader', RG), condition };
    expect(evaluate(baseline(), inventory([live()], [declaredWithCondition]), NOW)).toEqual([]);
    const undeclared = { ...assignment('Storage Blob Data Reader', RG), condition };
    const [f] = evaluate(baseline(), inventory([live()], [assignment('Reader', RG), undeclared]), NOW);
    expect(f!.ruleId).toBe('role.unexpected');
    expect(f!.message).toContain(`at ${RG} (under an ABAC condition), which the baseline does not declare`);
    expect(f!.evidence.condition).toBe(condition);
    const [plain] = evaluate(
      baseline(),
      inventory([live()], [assignment('Reader', RG), assignment('Storage Blob Data Reader', RG)]),
      NOW,
    );
    expect(plain!.evidence).not.toHaveProperty('condition');
    expect(plain!.message).not.toContain('ABAC');
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
      // Rules stand alone: undeclared, so role.unexpected as well.
      expect(ids(found)).toEqual([`role.privileged-broad@${scope}`, `role.unexpected@${scope}`]);
      expect(found.find((c) => c.ruleId === 'role.privileged-broad')!.severity).toBe('critical');
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
    expect(rules(evaluate(byGuid, inventory([live()], [owner]), NOW))).toEqual([
      'role.privileged-broad',
      'role.unexpected',
    ]);
    const byName = baseline({ roles: [] });
    byName.policy.privilegedRoles = ['oWnEr'];
    expect(rules(evaluate(byName, inventory([live()], [owner]), NOW))).toEqual([
      'role.privileged-broad',
      'role.unexpected',
    ]);
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

describe('role rules: roles by GUID, several roles at one scope, and what each finding says', () => {
  const MG = '/providers/Microsoft.Management/managementGroups/contoso';
  const KV = `${RG}/providers/Microsoft.KeyVault/vaults/kv`;
  const at = (list: ReturnType<typeof evaluate>, rule: string) => list.filter((c) => c.ruleId === rule);

  it('a role declared by its definition GUID matches the assignment of that role, and is held broader by GUID too', () => {
    const reader = assignment('Reader', RG);
    const byGuid = baseline({ roles: [{ role: reader.roleDefinitionId, scope: RG }] });
    expect(evaluate(byGuid, inventory([live()], [reader]), NOW)).toEqual([]);
    const broader = evaluate(byGuid, inventory([live()], [assignment('Reader', PROD)]), NOW);
    expect(ids(broader)).toEqual([`role.scope-broader@${PROD}`]);
    // Another role's GUID does not match.
    expect(rules(evaluate(byGuid, inventory([live()], [assignment('Contributor', RG)]), NOW))).toEqual([
      'role.missing',
      'role.unexpected',
    ]);
  });

  it('two undeclared roles at one scope: one finding per rule, naming both roles', () => {
    const found = evaluate(
      baseline(),
      inventory(
        [live()],
        [
          assignment('Reader', RG),
          assignment('Storage Blob Data Reader', PROD),
          assignment('Monitoring Reader', PROD),
        ],
      ),
      NOW,
    );
    expect(ids(found)).toEqual([`role.unexpected@${PROD}`]);
    expect(found[0]!.evidence.roles).toEqual(['Storage Blob Data Reader', 'Monitoring Reader']);
    // Two declared roles missing at one scope: one role.missing naming both.
    const missing = evaluate(
      baseline({
        roles: [
          { role: 'Reader', scope: RG },
          { role: 'Monitoring Reader', scope: RG },
        ],
      }),
      inventory([live()], []),
      NOW,
    );
    expect(ids(missing)).toEqual([`role.missing@${RG}`]);
    expect(missing[0]!.evidence.roles).toEqual(['Reader', 'Monitoring Reader']);
  });

  it('Reader on a subscription is not privileged; Owner on a resource group is not broad', () => {
    expect(
      rules(evaluate(baseline({ roles: [] }), inventory([live()], [assignment('Reader', PROD)]), NOW)),
    ).toEqual(['role.unexpected']);
    expect(
      rules(evaluate(baseline({ roles: [] }), inventory([live()], [assignment('Owner', RG)]), NOW)),
    ).toEqual(['role.unexpected']);
  });

  it('role.privileged-broad names the level of the scope and carries the assignment as evidence', () => {
    const words: [string, string][] = [
      [PROD, 'subscription'],
      [MG, 'management group'],
      ['/', 'root'],
    ];
    for (const [scope, word] of words) {
      const owner = { ...assignment('Owner', scope), createdOn: '2026-11-01T00:00:00Z', createdBy: 'u1' };
      const [f] = at(
        evaluate(baseline({ roles: [] }), inventory([live()], [owner]), NOW),
        'role.privileged-broad',
      );
      expect(f!.message).toBe(
        `app-one holds Owner at ${word} scope ${scope}, and policy.privilegedRoles lists it: narrow it to the resource group or resource the workload uses.`,
      );
      expect(f!.evidence).toEqual({
        assignmentId: owner.id,
        role: 'Owner',
        roleDefinitionId: owner.roleDefinitionId,
        scope,
        createdOn: '2026-11-01T00:00:00Z',
        createdBy: 'u1',
        privilegedBecause: 'policy.privilegedRoles lists it',
        entraOwners: ['o@contoso.com'],
      });
    }
  });

  it('role.scope-broader: at the root, with the declared scope in the evidence', () => {
    // (Through a management group: issue 19 models the hierarchy; today an MG is nobody's ancestor.)
    for (const scope of ['/']) {
      const [f] = evaluate(
        baseline({ roles: [{ role: 'Reader', scope: RG }] }),
        inventory([live()], [assignment('Reader', scope)]),
        NOW,
      );
      expect([f!.ruleId, f!.target]).toEqual(['role.scope-broader', scope]);
      expect(f!.message).toBe(
        `app-one holds Reader at ${scope}, broader than the declared ${RG}: re-create it at the declared scope and remove this one.`,
      );
      expect(f!.evidence.declaredScope).toBe(RG);
    }
  });

  it('messages and evidence of role.unexpected, role.missing, role.cross-environment and role.secret-manager-on-runtime', () => {
    const found = evaluate(
      baseline({ roles: [{ role: 'Reader', scope: RG }] }),
      inventory(
        [live()],
        [assignment('Storage Blob Data Reader', DEV), assignment('Key Vault Secrets Officer', KV)],
      ),
      NOW,
    );
    const one = (rule: string, target: string) =>
      found.find((c) => c.ruleId === rule && c.target === target)!;
    expect(one('role.unexpected', DEV).message).toBe(
      `app-one holds Storage Blob Data Reader at ${DEV}, which the baseline does not declare: remove it or declare it.`,
    );
    expect(one('role.missing', RG).message).toBe(
      `app-one is declared to hold Reader on ${RG} but does not: create it if the workload needs it, or remove it from the baseline.`,
    );
    expect(one('role.missing', RG).evidence).toMatchObject({ declaredRole: 'Reader', declaredScope: RG });
    const cross = one('role.cross-environment', DEV);
    expect(cross.message).toBe(
      `app-one (prod) holds Storage Blob Data Reader on ${DEV}, which belongs to dev: use a separate dev identity.`,
    );
    expect(cross.evidence).toMatchObject({
      identityEnvironment: 'prod',
      scopeEnvironment: 'dev',
      role: 'Storage Blob Data Reader',
    });
    const secret = one('role.secret-manager-on-runtime', KV);
    expect(secret.message).toBe(
      `Runtime identity app-one holds Key Vault Secrets Officer on ${KV}, and policy.secretManagerRoles lists it: give it Key Vault Secrets User and manage secrets from a deployment identity.`,
    );
    expect(secret.evidence).toMatchObject({ role: 'Key Vault Secrets Officer', scope: KV });
  });

  it('role.missing: each declared role on its own (one held exactly, one absent); held at an ancestor is broader, not missing', () => {
    const two = baseline({
      roles: [
        { role: 'Reader', scope: RG },
        { role: 'Monitoring Reader', scope: RG },
      ],
    });
    expect(ids(evaluate(two, inventory([live()], [assignment('Reader', RG)]), NOW))).toEqual([
      `role.missing@${RG}`,
    ]);
    expect(
      ids(
        evaluate(
          two,
          inventory([live()], [assignment('Reader', RG), assignment('Monitoring Reader', PROD)]),
          NOW,
        ),
      ),
    ).toEqual([`role.scope-broader@${PROD}`]);
    // The same role held twice does not stand in for another declared role.
    expect(
      ids(evaluate(two, inventory([live()], [assignment('Reader', RG), assignment('Reader', RG)]), NOW)),
    ).toEqual([`role.missing@${RG}`]);
  });

  it('role.cross-environment: a scope outside every environment is nobody’s; a scope of the own environment is fine', () => {
    const OUTSIDE = '/subscriptions/33333333-3333-4333-8333-333333333333';
    expect(
      rules(evaluate(baseline({ roles: [] }), inventory([live()], [assignment('Reader', OUTSIDE)]), NOW)),
    ).toEqual(['role.unexpected']);
    expect(
      rules(evaluate(baseline({ roles: [] }), inventory([live()], [assignment('Reader', RG)]), NOW)),
    ).toEqual(['role.unexpected']);
  });
});

describe('assignments whose role definition could not be read', () => {
  const unknown = (scope: string) => ({ ...assignment('Owner', scope), roleName: null, roleType: 'Unknown' });
  it('raise nothing (not unexpected, not privileged-broad), and the identity still holds them', () => {
    const found = evaluate(baseline({ roles: [] }), inventory([live()], [unknown(PROD), unknown(DEV)]), NOW);
    expect(found).toEqual([]);
    const stranger = 'eeeeeeee-0000-4000-8000-000000000009';
    const held = evaluate(
      baseline(),
      inventory(
        [live(), live({ objectId: stranger })],
        [assignment('Reader', RG), { ...unknown(PROD), principalId: stranger }],
      ),
      NOW,
    );
    // It is still access the stranger holds; only its role is unknown.
    expect(held.map((c) => [c.ruleId, c.evidence.holds])).toEqual([
      ['identity.unbaselined', ['1 role assignment']],
    ]);
  });
  it('an unknown role never satisfies a declared one by name, only by the GUID ARM gave', () => {
    const reader = assignment('Reader', RG);
    const byName = evaluate(baseline(), inventory([live()], [{ ...reader, roleName: null }]), NOW);
    expect(byName.map((c) => c.ruleId)).toEqual(['role.missing']);
  });
});
