/** shared/rules/credential-rules.ts: cases per rule. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/rules/evaluate';
import { expiryStage } from '../../../shared/rules/credential-rules';
import type { LiveCredential } from '../../../shared/model/inventory';
import { assignment, baseline, inventory, live, NOW } from './builders';
import { RG, rules, iso, secret, cert } from './helpers';

describe('credential rules', () => {
  const run = (c: LiveCredential, over: Record<string, unknown> = {}) =>
    evaluate(
      baseline({ credentials: ['secret', 'certificate'], ...over }),
      inventory([live({ credentials: [c] })], [assignment('Reader', RG)]),
      NOW,
    );
  it('credential.type-not-allowed: a secret on a federated-only identity; a certificate when certificates are allowed is fine', () => {
    expect(
      rules(
        evaluate(
          baseline(),
          inventory([live({ credentials: [secret(iso(-10), iso(100))] })], [assignment('Reader', RG)]),
          NOW,
        ),
      ),
    ).toEqual(['credential.type-not-allowed']);
    expect(run(cert(iso(-10), iso(100)))).toEqual([]);
  });
  it('credential.lifetime-too-long: 181 days is too long, exactly 180 is not', () => {
    expect(rules(run(secret(iso(-100), iso(81))))).toEqual(['credential.lifetime-too-long']);
    expect(run(secret(iso(-100), iso(80)))).toEqual([]);
  });
  it('credential.expiring: window edges (30, 14, 7 days) and severity rising as it nears', () => {
    const at = (days: number) => run(secret(iso(days - 150), iso(days)));
    expect(at(31)).toEqual([]);
    expect(at(30).map((c) => [c.ruleId, c.severity, c.evidence.stage])).toEqual([
      ['credential.expiring', 'low', 30],
    ]);
    expect(at(14).map((c) => [c.severity, c.evidence.stage])).toEqual([['medium', 14]]);
    expect(at(7).map((c) => [c.severity, c.evidence.stage])).toEqual([['high', 7]]);
    expect(at(0.5).map((c) => [c.severity, c.evidence.stage])).toEqual([['high', 1]]);
    expect(expiryStage(30.0001, [30, 14, 7, 1])).toBeUndefined();
  });
  it('credential.expired: at or after its end, and not expiring any more', () => {
    expect(rules(run(secret(iso(-100), iso(0))))).toEqual(['credential.expired']);
    expect(rules(run(secret(iso(-100), iso(-5))))).toEqual(['credential.expired']);
  });
});
