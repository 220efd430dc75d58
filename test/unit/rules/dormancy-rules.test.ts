import { describe, expect, it } from 'vitest';
import { evaluateDormancy, isSignInFinding, signInWindowDays } from '../../../shared/rules/dormancy-rules';
import type { LiveIdentity } from '../../../shared/model/inventory';
import type { SignInActivity, SignInTableName } from '../../../shared/model/sign-in-activity';
import { assignment, baseline, inventory, live, NOW, OID, PROD } from './builders';

const RG = `${PROD}/resourceGroups/rg`;
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
/** A client secret that ended `days` ago (negative: ends in the future). */
const secretEnding = (days: number) => ({
  keyId: 'k',
  type: 'secret' as const,
  displayName: 's',
  hint: 'a',
  start: ago(300),
  end: ago(days),
  on: 'application' as const,
});

function activity(
  entries: Array<[string, string | null, SignInTableName?]> = [],
  coveredFrom: string | null = ago(180),
): SignInActivity {
  return {
    from: ago(180),
    to: NOW.toISOString(),
    coveredFrom,
    byKeyId: new Map(),
    byObjectId: new Map(
      entries.map(([id, lastSuccess, table]) => [
        id,
        { lastSuccess, table: table ?? 'AADServicePrincipalSignInLogs' },
      ]),
    ),
  };
}

/** One declared identity (policy threshold 90 unless the override is given) holding a Reader role. */
function run(opts: {
  signIns?: Array<[string, string | null, SignInTableName?]>;
  coveredFrom?: string | null;
  created?: string;
  holdsRole?: boolean;
  identity?: Partial<LiveIdentity>;
  declared?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}) {
  const identity = live({ createdDateTime: opts.created ?? '2025-01-01T00:00:00Z', ...opts.identity });
  return evaluateDormancy(
    baseline(opts.declared ?? {}, opts.extra ?? {}),
    inventory([identity], opts.holdsRole === false ? [] : [assignment('Reader', RG)]),
    activity(opts.signIns ?? [], opts.coveredFrom === undefined ? ago(180) : opts.coveredFrom),
    NOW,
  );
}
const rulesOf = (e: ReturnType<typeof run>) => e.candidates.map((c) => c.ruleId);

describe('identity.dormant / identity.never-signed-in', () => {
  it.each([
    ['signed in yesterday → active', { signIns: [[OID, ago(1)]] }, []],
    ['last success 89 days ago (threshold 90) → active', { signIns: [[OID, ago(89)]] }, []],
    ['last success exactly 90 days ago → dormant', { signIns: [[OID, ago(90)]] }, ['identity.dormant']],
    ['last success 120 days ago → dormant', { signIns: [[OID, ago(120)]] }, ['identity.dormant']],
    ['only failed sign-ins in the logs → dormant', { signIns: [[OID, null]] }, ['identity.dormant']],
    [
      'no sign-in, created before the logs begin, logs cover 180 days → dormant',
      { created: ago(400) },
      ['identity.dormant'],
    ],
    [
      'no sign-in, created inside the logs 100 days ago → never-signed-in',
      { created: ago(100) },
      ['identity.never-signed-in'],
    ],
    ['no sign-in, created 30 days ago → too young, nothing', { created: ago(30) }, []],
    ['dormant but holds nothing → no finding', { signIns: [[OID, ago(200)]], holdsRole: false }, []],
    [
      'dormant, holds only an expired secret → no finding',
      {
        signIns: [[OID, ago(200)]],
        holdsRole: false,
        identity: { credentials: [secretEnding(10)] },
      },
      [],
    ],
    [
      'dormant, holds only an unexpired secret → dormant',
      {
        signIns: [[OID, ago(200)]],
        holdsRole: false,
        identity: { credentials: [secretEnding(-10)] },
      },
      ['identity.dormant'],
    ],
    [
      'per-identity override 30: last success 45 days ago → dormant',
      { signIns: [[OID, ago(45)]], declared: { dormantAfterDays: 30 } },
      ['identity.dormant'],
    ],
    [
      'per-identity override 120: last success 100 days ago → active',
      { signIns: [[OID, ago(100)]], declared: { dormantAfterDays: 120 } },
      [],
    ],
    [
      'retired identity → left to identity.retired-present',
      { signIns: [[OID, ago(200)]], declared: { status: 'retired' } },
      [],
    ],
  ] as Array<[string, Parameters<typeof run>[0], string[]]>)('%s', (_name, opts, expected) => {
    expect(rulesOf(run(opts))).toEqual(expected);
  });

  it('managed identities and applications are judged alike; the evidence names the log each came from', () => {
    const mi = live({
      objectId: 'eeeeeeee-0000-4000-8000-000000000001',
      kind: 'managedIdentity',
      servicePrincipalType: 'ManagedIdentity',
      applicationObjectId: null,
      createdDateTime: '2025-01-01T00:00:00Z',
    });
    const app = live({ createdDateTime: '2025-01-01T00:00:00Z' });
    const result = evaluateDormancy(
      baseline(),
      inventory([app, mi], [assignment('Reader', RG), assignment('Reader', RG, mi.objectId)]),
      activity([
        [OID, ago(100), 'AADServicePrincipalSignInLogs'],
        [mi.objectId, ago(95), 'AADManagedIdentitySignInLogs'],
      ]),
      NOW,
    );
    expect(result.candidates.map((c) => [c.identity.objectId, c.ruleId, c.evidence.signInLog])).toEqual([
      [OID, 'identity.dormant', 'AADServicePrincipalSignInLogs'],
      [mi.objectId, 'identity.dormant', 'AADManagedIdentitySignInLogs'],
    ]);
  });

  it('the finding says when it last signed in and what it still holds', () => {
    const [finding] = run({ signIns: [[OID, ago(120)]] }).candidates;
    expect(finding!.message).toContain(
      `last signed in successfully on ${ago(120).slice(0, 10)} (120 days ago; threshold 90)`,
    );
    expect(finding!.message).toContain('1 role assignment');
    expect(finding!.evidence).toMatchObject({ lastSuccessfulSignIn: ago(120), dormantAfterDays: 90 });
    expect(finding!.target).toBe(OID);
  });

  it('logs covering less than the threshold make the identity undetermined, not dormant', () => {
    const result = run({ coveredFrom: ago(40), created: ago(400) });
    expect(result.candidates).toEqual([]);
    expect(result.undetermined).toHaveLength(1);
    expect(result.undetermined[0]!.reason).toContain('cover only 40 days');
  });

  it('a sign-in row about it that could not be read makes it undetermined, whatever the other rows say', () => {
    const withUnreadable = (a: SignInActivity): SignInActivity => ({
      ...a,
      unreadable: new Map([[OID, 'sign-in row 3: SignInTable: Invalid option']]),
    });
    const identity = live({ createdDateTime: ago(400) });
    const evaluateWith = (a: SignInActivity) =>
      evaluateDormancy(baseline({}), inventory([identity], [assignment('Reader', RG)]), a, NOW);
    // The same logs without the unreadable row say dormant: the row is what stops it.
    expect(evaluateWith(activity([[OID, ago(120)]])).candidates.map((c) => c.ruleId)).toEqual([
      'identity.dormant',
    ]);
    const result = evaluateWith(withUnreadable(activity([[OID, ago(120)]])));
    expect(result.candidates).toEqual([]);
    expect(result.undetermined).toEqual([
      {
        objectId: OID,
        name: expect.any(String),
        reason: 'a sign-in log row about it could not be read (sign-in row 3: SignInTable: Invalid option)',
      },
    ]);
  });

  it('a workspace with no records at all says so and raises nothing', () => {
    const result = run({ coveredFrom: null });
    expect(result.candidates).toEqual([]);
    expect(result.undetermined[0]!.reason).toContain('diagnostic setting');
  });

  it('an unexpired exemption covers a dormant identity', () => {
    const result = run({
      signIns: [[OID, ago(120)]],
      extra: {
        exemptions: [
          {
            rule: 'identity.dormant',
            identity: 'app-one',
            target: OID,
            owner: 'o@contoso.com',
            reason: 'quarterly job',
            compensatingControls: 'none needed',
            expires: '2026-12-31',
          },
        ],
      },
    });
    expect(result.candidates.map((c) => [c.ruleId, Boolean(c.exemption)])).toEqual([
      ['identity.dormant', true],
    ]);
  });
});

describe('what the dormancy check owns and how far back it reads', () => {
  it('owns its two rules and the expiry of their exemptions, nothing else', () => {
    expect(isSignInFinding({ ruleId: 'identity.dormant', target: OID })).toBe(true);
    expect(isSignInFinding({ ruleId: 'identity.never-signed-in', target: OID })).toBe(true);
    expect(isSignInFinding({ ruleId: 'exemption.expired', target: `identity.dormant ${OID}` })).toBe(true);
    expect(isSignInFinding({ ruleId: 'exemption.expired', target: `role.privileged-broad ${PROD}` })).toBe(
      false,
    );
    expect(isSignInFinding({ ruleId: 'role.unexpected', target: PROD })).toBe(false);
  });

  it('queries twice the largest threshold, at most 730 days', () => {
    expect(signInWindowDays(baseline())).toBe(180);
    expect(signInWindowDays(baseline({ dormantAfterDays: 200 }))).toBe(400);
    expect(signInWindowDays(baseline({ dormantAfterDays: 500 }))).toBe(730);
  });
});

describe('dormancy: boundaries and what each finding says', () => {
  it('dormant: the full message and evidence of a declared identity (no Entra owners: the baseline names owners)', () => {
    const e = run({ signIns: [[OID, ago(100)]] });
    expect(e.checked).toBe(1);
    const [f] = e.candidates;
    expect(f!.message).toBe(
      `app-one last signed in successfully on ${ago(100).slice(0, 10)} (100 days ago; threshold 90) and still holds 1 role assignment: remove its access and credentials, or retire the identity.`,
    );
    expect(f!.evidence).toEqual({
      lastSuccessfulSignIn: ago(100),
      signInLog: 'AADServicePrincipalSignInLogs',
      onlyFailedSignIns: false,
      logsCoverFrom: ago(180),
      createdDateTime: '2025-01-01T00:00:00Z',
      dormantAfterDays: 90,
      holds: ['1 role assignment'],
    });
    expect(f!.readScope).toBe('signinlogs + directory + arm');
  });

  it('only failed sign-ins: onlyFailedSignIns; no record at all: not', () => {
    expect(run({ signIns: [[OID, null]] }).candidates[0]!.evidence.onlyFailedSignIns).toBe(true);
    expect(run({ created: ago(400) }).candidates[0]!.evidence).toMatchObject({
      onlyFailedSignIns: false,
      signInLog: null,
    });
  });

  it('an undeclared identity’s dormancy carries its Entra owners (only those with a mailbox)', () => {
    const stranger = live({
      objectId: 'eeeeeeee-0000-4000-8000-000000000009',
      owners: [
        { objectId: 'u', displayName: 'U', mail: 'u@contoso.com', type: 'user' },
        { objectId: 's', displayName: 'S', mail: null, type: 'servicePrincipal' },
      ],
    });
    const e = evaluateDormancy(
      baseline(),
      inventory([live(), stranger], [assignment('Reader', RG), assignment('Reader', RG, stranger.objectId)]),
      activity([[OID, ago(1)]]),
      NOW,
    );
    expect(e.candidates.map((c) => [c.identity.objectId, c.evidence.entraOwners])).toEqual([
      [stranger.objectId, ['u@contoso.com']],
    ]);
  });

  it('never signed in: created inside the logs’ cover, at least the threshold ago; message says "yet" and what to confirm', () => {
    const e = run({ created: ago(100), coveredFrom: ago(180) });
    const [f] = e.candidates;
    expect(f!.ruleId).toBe('identity.never-signed-in');
    expect(f!.message).toBe(
      `app-one was created on ${ago(100).slice(0, 10)} (100 days ago; threshold 90) and has never signed in successfully, yet still holds 1 role assignment: confirm the workload still exists, otherwise remove its access and credentials, or retire the identity.`,
    );
    expect(run({ created: ago(90), coveredFrom: ago(180) }).candidates.map((c) => c.ruleId)).toEqual([
      'identity.never-signed-in',
    ]);
    expect(run({ created: ago(89), coveredFrom: ago(180) }).candidates).toEqual([]);
    // Created exactly when the logs begin: still its whole life.
    expect(run({ created: ago(180), coveredFrom: ago(180) }).candidates.map((c) => c.ruleId)).toEqual([
      'identity.never-signed-in',
    ]);
  });

  it('logs covering exactly the threshold decide; one day less leaves it undetermined', () => {
    const e = run({ created: ago(400), coveredFrom: ago(90) });
    expect(e.candidates.map((c) => c.ruleId)).toEqual(['identity.dormant']);
    expect(e.candidates[0]!.message).toBe(
      `app-one has not signed in successfully in the 90 days the sign-in logs cover (since ${ago(90).slice(0, 10)}; threshold 90) and still holds 1 role assignment: remove its access and credentials, or retire the identity.`,
    );
    const short = run({ created: ago(400), coveredFrom: ago(89) });
    expect(short.candidates).toEqual([]);
    expect(short.undetermined).toEqual([
      {
        objectId: OID,
        name: 'app-one',
        reason: `the sign-in logs cover only 89 days (since ${ago(89).slice(0, 10)}), less than its 90-day threshold`,
      },
    ]);
  });

  it('an identity that holds nothing is not checked; a retired one is left to identity.retired-present', () => {
    expect(run({ holdsRole: false, signIns: [[OID, ago(300)]] }).checked).toBe(0);
    const retired = run({ declared: { status: 'retired' }, signIns: [[OID, ago(300)]] });
    expect([retired.checked, retired.candidates]).toEqual([0, []]);
  });

  it('only unexpired credentials count as holdings', () => {
    const expired = run({
      holdsRole: false,
      identity: { credentials: [secretEnding(1)] },
      signIns: [[OID, ago(300)]],
    });
    expect(expired.checked).toBe(0);
    const valid = run({
      holdsRole: false,
      identity: { credentials: [secretEnding(-10)] },
      signIns: [[OID, ago(300)]],
    });
    expect(valid.candidates[0]!.evidence.holds).toEqual(['1 secret/certificate credential']);
    const noEnd = run({
      holdsRole: false,
      identity: { credentials: [{ ...secretEnding(1), end: null }] },
      signIns: [[OID, ago(300)]],
    });
    expect(noEnd.checked).toBe(1);
  });
});
