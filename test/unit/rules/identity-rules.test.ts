/** shared/rules/identity-rules.ts: cases per rule. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/rules/evaluate';
import { assignment, baseline, inventory, live, NOW, PROD } from './builders';
import { RG, rules, iso, secret } from './helpers';

describe('identity rules', () => {
  it('identity.unbaselined + identity.no-owner for an unknown identity with access; nothing for one that holds nothing', () => {
    const stranger = live({
      objectId: 'eeeeeeee-0000-4000-8000-000000000009',
      owners: [],
      credentials: [secret(iso(-10), iso(100))],
    });
    expect(
      rules(evaluate(baseline(), inventory([live(), stranger], [assignment('Reader', RG)]), NOW)),
    ).toEqual(['identity.no-owner', 'identity.unbaselined']);
    const idle = live({ objectId: 'eeeeeeee-0000-4000-8000-000000000009', owners: [] });
    expect(evaluate(baseline(), inventory([live(), idle], [assignment('Reader', RG)]), NOW)).toEqual([]);
    const owned = live({
      objectId: 'eeeeeeee-0000-4000-8000-000000000009',
      credentials: [secret(iso(-10), iso(100))],
    });
    expect(rules(evaluate(baseline(), inventory([live(), owned], [assignment('Reader', RG)]), NOW))).toEqual([
      'identity.unbaselined',
    ]);
  });
  it('identity.not-found: a declared identity the complete directory read does not have; not while the directory read is partial; not for retired ones', () => {
    const found = evaluate(baseline({ roles: [] }), inventory([], []), NOW);
    expect(found.map((c) => `${c.ruleId}@${c.target}`)).toEqual([
      'identity.not-found@aaaaaaaa-0000-4000-8000-000000000001',
    ]);
    expect(found[0]!.identity.name).toBe('app-one');
    expect(found[0]!.message).toMatch(/no service principal aaaaaaaa-0000-4000-8000-000000000001/);
    // Present → nothing; unknown (directory read partial) is not absent.
    expect(evaluate(baseline({ roles: [] }), inventory([live()], []), NOW)).toEqual([]);
    expect(evaluate(baseline({ roles: [] }), inventory([], [], ['directory']), NOW)).toEqual([]);
    // A retired identity that is gone is what retired means.
    expect(evaluate(baseline({ roles: [], status: 'retired' }), inventory([], []), NOW)).toEqual([]);
    // Its declared roles are still reported missing, each on its own.
    expect(rules(evaluate(baseline(), inventory([], []), NOW))).toEqual([
      'identity.not-found',
      'role.missing',
    ]);
  });
  it('identity.review-overdue: the day after reviewBy, not on it', () => {
    expect(
      rules(
        evaluate(baseline({ reviewBy: '2026-11-21' }), inventory([live()], [assignment('Reader', RG)]), NOW),
      ),
    ).toEqual(['identity.review-overdue']);
    expect(
      evaluate(baseline({ reviewBy: '2026-11-22' }), inventory([live()], [assignment('Reader', RG)]), NOW),
    ).toEqual([]);
  });
  it('identity.retired-present: retired but present (other rules silent); gone → nothing', () => {
    expect(
      rules(
        evaluate(
          baseline({ status: 'retired' }),
          inventory([live({ credentials: [secret(iso(-400), iso(-1))] })], [assignment('Owner', PROD)]),
          NOW,
        ),
      ),
    ).toEqual(['identity.retired-present']);
    expect(evaluate(baseline({ status: 'retired' }), inventory([], []), NOW)).toEqual([]);
  });
});
