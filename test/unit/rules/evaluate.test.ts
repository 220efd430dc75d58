/** shared/rules/evaluate.ts: which loops run which rules, Entra owners as evidence, partial reads. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/rules/evaluate';
import { assignment, baseline, inventory, live, NOW, OID, PROD } from './builders';
import { RG } from './helpers';

const STRANGER = 'eeeeeeee-0000-4000-8000-000000000009';

describe('evaluate', () => {
  it('declared identity with Entra owners that have a mailbox: they are added to the evidence of its findings', () => {
    const found = evaluate(
      baseline({ roles: [] }),
      inventory(
        [
          live({
            owners: [
              { objectId: 'o1', displayName: 'A', mail: 'a@contoso.com', type: 'user' },
              { objectId: 'o2', displayName: 'SP', mail: null, type: 'servicePrincipal' },
            ],
          }),
        ],
        [assignment('Reader', RG)],
      ),
      NOW,
    );
    expect(found.map((c) => c.evidence.entraOwners)).toEqual([['a@contoso.com']]);
  });

  it('declared identity whose Entra owners have no mailbox: nothing is added (the baseline owners are who to tell)', () => {
    const found = evaluate(
      baseline({ roles: [] }),
      inventory(
        [live({ owners: [{ objectId: 'o2', displayName: 'SP', mail: null, type: 'servicePrincipal' }] })],
        [assignment('Reader', RG)],
      ),
      NOW,
    );
    expect(found).toHaveLength(1);
    expect('entraOwners' in found[0]!.evidence).toBe(false);
  });

  it('declared identity absent from the tenant: no Entra owners to add', () => {
    const found = evaluate(baseline(), inventory([], []), NOW);
    expect(found.map((c) => 'entraOwners' in c.evidence)).toEqual([false, false]);
  });

  it('undeclared identity: Entra owners always recorded, even none (notices fall back to them)', () => {
    const found = evaluate(
      baseline(),
      inventory(
        [live(), live({ objectId: STRANGER, owners: [] })],
        [assignment('Reader', RG), assignment('Reader', RG, STRANGER)],
      ),
      NOW,
    );
    expect(found.map((c) => [c.ruleId, c.evidence.entraOwners])).toEqual([
      ['identity.unbaselined', []],
      ['identity.no-owner', []],
    ]);
  });

  it('two privileged roles of an undeclared identity at one scope: one role.privileged-broad naming both', () => {
    const found = evaluate(
      baseline(),
      inventory(
        [live(), live({ objectId: STRANGER })],
        [
          assignment('Reader', RG),
          assignment('Owner', PROD, STRANGER),
          assignment('User Access Administrator', PROD, STRANGER),
        ],
      ),
      NOW,
    ).filter((c) => c.ruleId === 'role.privileged-broad');
    expect(found).toHaveLength(1);
    expect(found[0]!.evidence.roles).toEqual(['Owner', 'User Access Administrator']);
  });

  it('rules per live identity skip identities declared retired (retired-present covers them) but run for the rest', () => {
    const disabled = { accountEnabled: false };
    expect(
      evaluate(
        baseline({ status: 'retired' }),
        inventory([live(disabled)], [assignment('Reader', RG)]),
        NOW,
      ).map((c) => c.ruleId),
    ).toEqual(['identity.retired-present']);
    expect(
      evaluate(baseline(), inventory([live(disabled)], [assignment('Reader', RG)]), NOW).map((c) => c.ruleId),
    ).toEqual(['identity.disabled-with-access']);
  });

  it('absence rules are withheld from a partial read, other rules are not', () => {
    const found = evaluate(
      baseline({ roles: [{ role: 'Reader', scope: RG }] }),
      inventory([live()], [assignment('Contributor', RG)], [PROD]),
      NOW,
    );
    expect(found.map((c) => c.ruleId)).toEqual(['role.unexpected']);
    expect(found[0]!.identity.objectId).toBe(OID);
  });
});
