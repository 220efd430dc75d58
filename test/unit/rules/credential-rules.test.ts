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

describe('credential rules: what each finding says', () => {
  const inv = (c: LiveCredential) => inventory([live({ credentials: [c] })], [assignment('Reader', RG)]);
  const run = (c: LiveCredential, credentials = ['secret', 'certificate']) =>
    evaluate(baseline({ credentials }), inv(c), NOW);
  const EVIDENCE = (c: LiveCredential) => ({
    keyId: c.keyId,
    type: c.type,
    displayName: c.displayName,
    hint: c.hint,
    start: c.start,
    end: c.end,
    attachedTo: 'application',
  });

  it('credential.type-not-allowed names the credential and the allowed types (or none)', () => {
    const c = secret(iso(-10), iso(100));
    const [f] = run(c, ['federated', 'certificate']);
    expect(f!.message).toBe(
      "app-one has a secret 'deploy-key', but only federated, certificate credentials are allowed: remove it.",
    );
    expect(f!.evidence).toEqual({
      ...EVIDENCE(c),
      allowed: ['federated', 'certificate'],
      entraOwners: ['o@contoso.com'],
    });
    expect([f!.target, f!.readScope]).toEqual(['k1', 'directory']);
    const [none] = run({ ...c, displayName: null }, []);
    expect(none!.message).toBe("app-one has a secret 'k1', but only no credentials are allowed: remove it.");
  });

  it('credential.lifetime-too-long: lifetime and maximum in message and evidence', () => {
    const c = cert(iso(-300), iso(65));
    const [f] = run(c);
    expect(f!.message).toBe(
      "certificate 'deploy-key' on app-one is valid for 365 days, more than the 180 allowed: replace it with a shorter-lived one.",
    );
    expect(f!.evidence).toMatchObject({ lifetimeDays: 365, maxDays: 180, keyId: 'k1' });
  });

  it('credential.expired: the day it ended; a credential with no end date never expires', () => {
    const [f] = run(secret(iso(-100), iso(-3)));
    expect(f!.ruleId).toBe('credential.expired');
    expect(f!.message).toBe(
      `secret 'deploy-key' on app-one expired on ${iso(-3).slice(0, 10)} and is still attached: remove it.`,
    );
    expect(run(secret(iso(-100), iso(0)))[0]!.ruleId).toBe('credential.expired');
    expect(run({ ...secret(iso(-100), iso(1)), end: null })).toEqual([]);
  });

  it('credential.expiring: days left (rounded up, singular for one) and its end date', () => {
    const [f] = run(secret(iso(-10), iso(0.5)));
    expect(f!.message).toBe(
      `secret 'deploy-key' on app-one expires in 1 day (${iso(0.5).slice(0, 10)}): rotate or remove it.`,
    );
    expect(f!.evidence).toMatchObject({ daysLeft: 1, stage: 1 });
    const [g] = run(secret(iso(-10), iso(13.2)));
    expect(g!.message).toMatch(/ expires in 14 days \(/);
    expect(g!.evidence).toMatchObject({ daysLeft: 14, stage: 14 });
    // Beyond the largest window: nothing.
    expect(run(secret(iso(-10), iso(31)))).toEqual([]);
  });

  it('a credential with no start date: its lifetime is unknown, not too long', () => {
    expect(run({ ...secret(iso(-10), iso(100)), start: null })).toEqual([]);
  });
});
