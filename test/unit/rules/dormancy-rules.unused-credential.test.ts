import { describe, expect, it } from 'vitest';
import { evaluateDormancy } from '../../../shared/rules/dormancy-rules';
import type { SignInActivity } from '../../../shared/model/sign-in-activity';
import { assignment, baseline, inventory, live, NOW, OID, PROD } from './builders';

const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
const secret = (keyId: string, startDaysAgo: number, endInDays = 200) => ({
  keyId,
  type: 'secret' as const,
  displayName: keyId,
  hint: 'abc',
  start: ago(startDaysAgo),
  end: ago(-endInDays),
  on: 'application' as const,
});

function unused(opts: {
  credentials: ReturnType<typeof secret>[];
  identityLast: string | null;
  keys?: Record<string, string>;
  coveredFrom?: string;
  days?: number;
  unreadableRow?: boolean;
}) {
  const activity: SignInActivity = {
    from: ago(180),
    to: NOW.toISOString(),
    coveredFrom: opts.coveredFrom ?? ago(180),
    byObjectId: new Map([
      [OID, { lastSuccess: opts.identityLast, table: 'AADServicePrincipalSignInLogs' as const }],
    ]),
    byKeyId: new Map(Object.entries(opts.keys ?? {})),
    ...(opts.unreadableRow
      ? { unreadable: new Map([[OID, 'sign-in row 0: LastSuccess: Invalid input']]) }
      : {}),
  };
  return evaluateDormancy(
    baseline(
      { credentials: ['secret', 'federated'] },
      opts.days
        ? {
            policy: {
              securityContacts: ['s@contoso.com'],
              environments: { prod: [PROD] },
              credentialUnusedDays: opts.days,
            },
          }
        : {},
    ),
    inventory([live({ credentials: opts.credentials })], [assignment('Reader', `${PROD}/resourceGroups/rg`)]),
    activity,
    NOW,
  ).candidates.filter((c) => c.ruleId === 'credential.unused');
}

describe('credential.unused', () => {
  it('is not judged for an identity with an unreadable sign-in row (that row may be the key’s use)', () => {
    const rotation = {
      credentials: [secret('old', 200), secret('new', 40)],
      identityLast: ago(1),
      keys: { old: ago(45), new: ago(1) },
    };
    expect(unused(rotation).map((c) => c.target)).toEqual(['old']);
    expect(unused({ ...rotation, unreadableRow: true })).toEqual([]);
  });

  it('the old secret after a rotation: the new one signs in, the old one has not for 30 days', () => {
    const found = unused({
      credentials: [secret('old', 200), secret('new', 40)],
      identityLast: ago(1),
      keys: { old: ago(45), new: ago(1) },
    });
    expect(found.map((c) => c.target)).toEqual(['old']);
    expect(found[0]!.evidence).toMatchObject({ lastUsed: ago(45), identityLastSignIn: ago(1) });
  });

  it('a secret left behind after moving to federation (sign-ins carry no key id)', () => {
    expect(unused({ credentials: [secret('s', 100)], identityLast: ago(2) }).map((c) => c.target)).toEqual([
      's',
    ]);
  });

  it.each([
    [
      'used 29 days ago (threshold 30) → fine',
      { credentials: [secret('s', 100)], identityLast: ago(1), keys: { s: ago(29) } },
    ],
    ['added 20 days ago: too new to judge', { credentials: [secret('s', 20)], identityLast: ago(1) }],
    ['expired (credential.expired covers it)', { credentials: [secret('s', 200, -5)], identityLast: ago(1) }],
    [
      'identity does not sign in at all (dormancy covers it)',
      { credentials: [secret('s', 200)], identityLast: ago(60) },
    ],
    [
      'logs cover only 20 days: cannot tell',
      { credentials: [secret('s', 200)], identityLast: ago(1), coveredFrom: ago(20) },
    ],
  ] as const)('%s', (_name, opts) => {
    expect(unused({ ...opts, credentials: [...opts.credentials] })).toEqual([]);
  });

  it('the threshold is policy.credentialUnusedDays', () => {
    const opts = { credentials: [secret('s', 100)], identityLast: ago(1), keys: { s: ago(20) } };
    expect(unused(opts)).toEqual([]);
    expect(unused({ ...opts, days: 14 }).map((c) => c.target)).toEqual(['s']);
  });
});

describe('credential.unused: boundaries and what it says', () => {
  it('the message and evidence, with the key’s last use when the logs have one', () => {
    const [f] = unused({ credentials: [secret('old', 200)], identityLast: ago(1), keys: { old: ago(45) } });
    expect(f!.message).toBe(
      `secret 'old' on app-one has not been used to sign in for 30+ days (last ${ago(45).slice(0, 10)}), while app-one signed in on ${ago(1).slice(0, 10)}: remove it.`,
    );
    expect(f!.evidence).toEqual({
      keyId: 'old',
      type: 'secret',
      start: ago(200),
      end: ago(-200),
      lastUsed: ago(45),
      identityLastSignIn: ago(1),
      days: 30,
      logsCoverFrom: ago(180),
    });
    expect([f!.target, f!.readScope, f!.severity]).toEqual(['old', 'signinlogs + directory', 'low']);
    const [never] = unused({
      credentials: [{ ...secret('K2', 200), displayName: null as unknown as string }],
      identityLast: ago(1),
    });
    expect(never!.message).toMatch(
      /^secret 'K2' on app-one has not been used to sign in for 30\+ days, while/,
    );
    expect(never!.target).toBe('k2');
  });

  it('boundaries: used exactly 30 days ago counts as used; logs that begin exactly 30 days ago suffice; a key started exactly then is judged', () => {
    expect(unused({ credentials: [secret('a', 200)], identityLast: ago(1), keys: { a: ago(30) } })).toEqual(
      [],
    );
    expect(
      unused({ credentials: [secret('a', 200)], identityLast: ago(1), coveredFrom: ago(30) }),
    ).toHaveLength(1);
    expect(unused({ credentials: [secret('a', 200)], identityLast: ago(1), coveredFrom: ago(29) })).toEqual(
      [],
    );
    expect(unused({ credentials: [secret('a', 30)], identityLast: ago(1) })).toHaveLength(1);
    expect(unused({ credentials: [secret('a', 29)], identityLast: ago(1) })).toEqual([]);
  });

  it('the identity must itself have signed in within the period (exactly 30 days ago counts)', () => {
    expect(unused({ credentials: [secret('a', 200)], identityLast: ago(30) })).toHaveLength(1);
    expect(unused({ credentials: [secret('a', 200)], identityLast: ago(31) })).toEqual([]);
    expect(unused({ credentials: [secret('a', 200)], identityLast: null })).toEqual([]);
  });

  it('a credential that ends now is expired (credential.expired says it); one without a start date is not judged', () => {
    expect(unused({ credentials: [secret('a', 200, 0)], identityLast: ago(1) })).toEqual([]);
    expect(
      unused({
        credentials: [{ ...secret('a', 200), start: null as unknown as string }],
        identityLast: ago(1),
      }),
    ).toEqual([]);
  });
});
