/** shared/rules/exemptions.ts: cases per rule. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/rules/evaluate';
import { assignment, baseline, DEV, inventory, live, NOW, PROD } from './builders';

describe('exemptions', () => {
  const exemption = (expires: string) => ({
    exemptions: [
      {
        rule: 'role.privileged-broad',
        identity: 'app-one',
        target: PROD.toUpperCase(),
        owner: 'b@contoso.com',
        reason: 'r',
        compensatingControls: 'c',
        expires,
      },
    ],
  });
  const run = (expires: string) =>
    evaluate(
      baseline({ roles: [] }, exemption(expires)),
      inventory([live()], [assignment('Owner', PROD)]),
      NOW,
    );
  it('an exemption expiring today still applies; the finding is exempted, not dropped', () => {
    const found = run('2026-11-22');
    // Only the rule it names: the same assignment's role.unexpected stays open.
    expect(found.map((c) => [c.ruleId, c.exemption?.expires])).toEqual([
      ['role.privileged-broad', '2026-11-22'],
      ['role.unexpected', undefined],
    ]);
  });
  it('an exemption that ended yesterday raises exemption.expired and the finding is live', () => {
    const found = run('2026-11-21');
    expect(found.map((c) => [c.ruleId, c.exemption])).toEqual([
      ['role.privileged-broad', undefined],
      ['exemption.expired', undefined],
      ['role.unexpected', undefined],
    ]);
  });
  it('an exemption for another target does not apply', () => {
    const other = evaluate(
      baseline({ roles: [] }, { exemptions: [{ ...exemption('2026-12-01').exemptions[0], target: DEV }] }),
      inventory([live()], [assignment('Owner', PROD)]),
      NOW,
    );
    expect(other.map((c) => c.exemption)).toEqual([undefined, undefined]);
  });
});

describe('exemptions silence one rule, one identity, one target', () => {
  const OTHER = 'aaaaaaaa-0000-4000-8000-000000000002';
  const ex = (over: Record<string, unknown>) => ({
    rule: 'role.cross-environment',
    identity: 'app-one',
    target: `${DEV}/`,
    owner: 'b@contoso.com',
    reason: 'migration',
    compensatingControls: 'c',
    expires: '2026-12-01',
    ...over,
  });
  // A prod identity holding an undeclared Reader on the dev subscription: role.unexpected and
  // role.cross-environment, both on the same identity and target.
  const run = (
    exemptions: Record<string, unknown>[],
    identities = [live()],
    assignments = [assignment('Reader', DEV)],
  ) => evaluate(baseline({ roles: [] }, { exemptions }), inventory(identities, assignments), NOW);
  const state = (list: ReturnType<typeof run>) =>
    list.map((c) => `${c.ruleId}@${c.identity.objectId}:${c.exemption ? 'exempted' : 'open'}`).sort();

  it('only the named rule is exempted; the other rule on the same identity and target stays open', () => {
    expect(state(run([ex({})]))).toEqual([
      'role.cross-environment@aaaaaaaa-0000-4000-8000-000000000001:exempted',
      'role.unexpected@aaaaaaaa-0000-4000-8000-000000000001:open',
    ]);
  });

  it('by object id as well as by name (case-insensitive); another identity is not covered', () => {
    expect(state(run([ex({ identity: 'AAAAAAAA-0000-4000-8000-000000000001' })]))[0]).toMatch(/:exempted$/);
    expect(state(run([ex({ identity: 'APP-ONE' })]))[0]).toMatch(/:exempted$/);
    const second = {
      name: 'app-two',
      objectId: OTHER,
      appId: 'bbbbbbbb-0000-4000-8000-000000000002',
      type: 'application',
      environment: 'prod',
      purpose: 'runtime',
      owners: ['o@contoso.com'],
      reviewBy: '2027-01-01',
      credentials: ['federated'],
    };
    const found = evaluate(
      baseline(
        { roles: [] },
        {
          identities: [{ ...baseline().identities[0], roles: [] }, second].map((i) => ({ ...i, roles: [] })),
          exemptions: [ex({})],
        },
      ),
      inventory(
        [live(), live({ objectId: OTHER, displayName: 'app-two' })],
        [assignment('Reader', DEV), assignment('Reader', DEV, OTHER)],
      ),
      NOW,
    );
    expect(state(found)).toEqual([
      'role.cross-environment@aaaaaaaa-0000-4000-8000-000000000001:exempted',
      'role.cross-environment@aaaaaaaa-0000-4000-8000-000000000002:open',
      'role.unexpected@aaaaaaaa-0000-4000-8000-000000000001:open',
      'role.unexpected@aaaaaaaa-0000-4000-8000-000000000002:open',
    ]);
  });

  it('targets compare after trimming, trailing slashes and case; another target is not covered', () => {
    expect(state(run([ex({ target: ` ${DEV.toUpperCase()}// ` })]))[0]).toMatch(/:exempted$/);
    expect(state(run([ex({ target: `${DEV}/resourceGroups/rg` })]))[0]).toMatch(/:open$/);
  });

  it('an expired exemption: exemption.expired names the rule, target, owner and reason, on the exempted rule’s reads', () => {
    const found = run([ex({ expires: '2026-11-01' })]);
    const expired = found.find((c) => c.ruleId === 'exemption.expired')!;
    const live = found.find((c) => c.ruleId === 'role.cross-environment')!;
    expect(expired.target).toBe(`role.cross-environment ${DEV}/`);
    expect(expired.message).toBe(
      `The exemption for role.cross-environment on ${DEV}/ (owner b@contoso.com) ended on 2026-11-01 and the finding is live again: fix it, or renew the exemption after review.`,
    );
    expect(expired.evidence).toMatchObject({
      rule: 'role.cross-environment',
      target: `${DEV}/`,
      owner: 'b@contoso.com',
      expired: '2026-11-01',
      reason: 'migration',
    });
    expect(expired.readScope).toBe(live.readScope);
    expect([expired.severity, live.exemption]).toEqual(['medium', undefined]);
    expect(expired.identity).toEqual(live.identity);
  });
});
