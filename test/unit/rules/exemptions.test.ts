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
    expect(found.map((c) => [c.ruleId, c.exemption?.expires])).toEqual([
      ['role.privileged-broad', '2026-11-22'],
    ]);
  });
  it('an exemption that ended yesterday raises exemption.expired and the finding is live', () => {
    const found = run('2026-11-21');
    expect(found.map((c) => [c.ruleId, c.exemption])).toEqual([
      ['role.privileged-broad', undefined],
      ['exemption.expired', undefined],
    ]);
  });
  it('an exemption for another target does not apply', () => {
    const other = evaluate(
      baseline({ roles: [] }, { exemptions: [{ ...exemption('2026-12-01').exemptions[0], target: DEV }] }),
      inventory([live()], [assignment('Owner', PROD)]),
      NOW,
    );
    expect(other.map((c) => c.exemption)).toEqual([undefined]);
  });
});
