import { describe, expect, it } from 'vitest';
import { parseBaseline, BaselineValidationError, type BaselineProblem } from '../../shared/baseline/parse';
import { positionOf, replaceOnce, sampleBaselineText, SAMPLE_NOW } from '../support/sample';

function problemsOf(text: string, now = SAMPLE_NOW): BaselineProblem[] {
  try {
    parseBaseline(text, 'baseline.yaml', now);
  } catch (error) {
    if (error instanceof BaselineValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the baseline to be rejected');
}

describe('baseline parsing and validation', () => {
  it('accepts the contoso sample and fills defaults', () => {
    const b = parseBaseline(sampleBaselineText(), 'baseline.yaml', SAMPLE_NOW);
    expect(b.identities).toHaveLength(16);
    expect(b.identities.find((i) => i.name === 'payments-ci')?.federatedCredentials[0]?.audiences).toEqual([
      'api://AzureADTokenExchange',
    ]);
    expect(b.identities.find((i) => i.name === 'orders-worker')?.status).toBe('active');
    expect(b.policy.environments.prod).toEqual([
      '/providers/Microsoft.Management/managementGroups/contoso-prod',
    ]);
  });

  // Each case breaks the sample in one place; the expected position is computed from the
  // broken text itself, so the assertion checks the line/column mapping, not a copied number.
  const cases: Array<{
    name: string;
    find: string;
    replace: string;
    at: string;
    after?: string;
    path: string;
    message: RegExp;
  }> = [
    {
      name: 'malformed scope',
      find: 'scope: /subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-orders\n',
      replace: 'scope: subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-orders\n',
      at: 'subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-orders',
      path: 'identities[2].roles[0].scope',
      message: /must be an ARM scope starting with \//,
    },
    {
      name: 'malformed GUID',
      find: 'objectId: 10000000-0000-4000-8000-000000000004',
      replace: 'objectId: 10000000-0000-4000-8000-00000000zz04',
      at: '10000000-0000-4000-8000-00000000zz04',
      path: 'identities[3].objectId',
      message: /must be a GUID/,
    },
    {
      name: 'malformed email',
      find: 'owners: [carol@contoso.com]',
      replace: 'owners: [carol-at-contoso]',
      at: 'carol-at-contoso',
      path: 'identities[2].owners[0]',
      message: /must be an email address/,
    },
    {
      name: 'malformed date',
      find: 'reviewBy: 2027-04-01',
      replace: 'reviewBy: 2027-02-30',
      at: '2027-02-30',
      path: 'identities[2].reviewBy',
      message: /real date/,
    },
    {
      name: 'unknown key',
      find: '    purpose: batch\n    owners: [dave@contoso.com]',
      replace: '    purpose: batch\n    ownr: [dave@contoso.com]\n    owners: [dave@contoso.com]',
      at: 'ownr',
      path: 'identities[3].ownr',
      message: /unknown key 'ownr'/,
    },
    {
      name: 'identity without an owner',
      find: 'owners: [carol@contoso.com]',
      replace: 'owners: []',
      at: '[]',
      after: 'name: orders-worker',
      path: 'identities[2].owners',
      message: /at least one owner/,
    },
    {
      name: 'duplicate objectId',
      find: 'objectId: 10000000-0000-4000-8000-000000000003',
      replace: 'objectId: 10000000-0000-4000-8000-000000000002',
      at: '10000000-0000-4000-8000-000000000002',
      after: 'name: orders-worker',
      path: 'identities[2].objectId',
      message: /duplicate identity objectId .* identities\[1\]/,
    },
    {
      name: 'duplicate name',
      find: 'name: orders-worker',
      replace: 'name: payments-ci',
      at: 'payments-ci',
      after: 'name: payments-ci\n    objectId: 10000000-0000-4000-8000-000000000003',
      path: 'identities[2].name',
      message: /duplicate identity name 'payments-ci'/,
    },
    {
      name: 'exemption without owner',
      find: '    owner: bob@contoso.com\n',
      replace: '',
      at: 'rule: role.privileged-broad',
      path: 'exemptions[0].owner',
      message: /is required/,
    },
    {
      name: 'exemption without reason',
      find: '    reason: Legacy scheduler manages VMs across the subscription; retirement planned for Q1 2027\n',
      replace: '',
      at: 'rule: role.privileged-broad',
      path: 'exemptions[0].reason',
      message: /is required/,
    },
    {
      name: 'exemption without expiry',
      find: '    expires: 2027-01-31\n',
      replace: '',
      at: 'rule: role.privileged-broad',
      path: 'exemptions[0].expires',
      message: /is required/,
    },
    {
      name: 'exemption longer than the policy maximum',
      find: 'expires: 2027-01-31',
      replace: 'expires: 2027-12-31',
      at: '2027-12-31',
      path: 'exemptions[0].expires',
      message: /more than policy.maxExemptionDays \(90\) days after 2026-11-22/,
    },
    {
      name: 'exemption with a wildcard rule',
      find: 'rule: role.privileged-broad',
      replace: 'rule: role.*',
      at: 'role.*',
      path: 'exemptions[0].rule',
      message: /one rule id from the catalogue/,
    },
    {
      name: 'exemption with a wildcard target',
      find: 'target: /subscriptions/11111111-1111-4111-8111-111111111111\n',
      replace: 'target: /subscriptions/*\n',
      at: '/subscriptions/*',
      path: 'exemptions[0].target',
      message: /exact target/,
    },
    {
      name: 'exemption naming an unknown identity',
      find: 'identity: legacy-scheduler',
      replace: 'identity: legacy-schedular',
      at: 'legacy-schedular',
      path: 'exemptions[0].identity',
      message: /not an identity name or object id/,
    },
    {
      name: 'a date written as a number',
      find: 'reviewBy: 2026-12-31',
      replace: 'reviewBy: 20270301',
      at: '20270301',
      path: 'identities[8].reviewBy',
      message: /^must be a date written YYYY-MM-DD, not the number 20270301 \(write 2027-03-01\)$/,
    },
    {
      name: 'a number too large to hold',
      find: 'maxCredentialLifetimeDays: 180',
      replace: 'maxCredentialLifetimeDays: 1e400',
      at: '1e400',
      path: 'policy.maxCredentialLifetimeDays',
      message: /^must be a number within range, not a number too large to hold/,
    },
    {
      name: "a scope with '..'",
      find: 'scope: /subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-orders\n',
      replace: 'scope: /subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-orders/../..\n',
      at: '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-orders/../..',
      path: 'identities[2].roles[0].scope',
      message: /must not contain '\.' or '\.\.' segments/,
    },
    {
      name: 'a scope with a query string',
      find: 'scope: /subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-orders\n',
      replace:
        'scope: /subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-orders?api-version=1\n',
      at: '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-orders?api-version=1',
      path: 'identities[2].roles[0].scope',
      message: /no query string or fragment/,
    },
    {
      name: 'a percent-encoded scope',
      find: 'scope: /subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-orders\n',
      replace: 'scope: /subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg%2Dorders\n',
      at: '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg%2Dorders',
      path: 'identities[2].roles[0].scope',
      message: /not percent-encoded/,
    },
    {
      name: 'a mail address with a look-alike Cyrillic letter',
      find: 'owners: [carol@contoso.com]',
      replace: 'owners: [carol@c\u043entoso.com]',
      at: 'carol@c\u043entoso.com',
      path: 'identities[2].owners[0]',
      message: /contains '\u043e' \(U\+043E\), which is not ASCII and can pass for another letter/,
    },
  ];

  for (const c of cases) {
    it(`rejects ${c.name} with file:line:col and path`, () => {
      const text = replaceOnce(sampleBaselineText(), c.find, c.replace);
      const problems = problemsOf(text);
      const pos = positionOf(text, c.at, c.after);
      const match = problems.find((p) => p.path === c.path);
      expect(match, `problems: ${JSON.stringify(problems)}`).toBeDefined();
      expect(match!.message).toMatch(c.message);
      expect({ line: match!.line, col: match!.col }).toEqual(pos);
      expect(match!.file).toBe('baseline.yaml');
    });
  }

  it('rejects a YAML alias bomb at its first alias, with a specific message', () => {
    const bomb =
      'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n';
    const text = bomb + sampleBaselineText();
    const [problem, ...rest] = problemsOf(text);
    expect(rest).toEqual([]);
    expect(problem!.message).toMatch(/^YAML aliases expand to too many values \(more than 100 copies\)/);
    expect({ line: problem!.line, col: problem!.col }).toEqual(positionOf(text, '*a'));
  });

  it.each([
    ['flow brackets', (n: number) => `version: 1\nx: ${'['.repeat(n)}${']'.repeat(n)}\n`, 2],
    [
      'block sequences',
      (n: number) =>
        `version: 1\nx:\n${Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}- `).join('\n')}a\n`,
      undefined,
    ],
  ] as const)(
    'rejects runaway nesting (%s) with its position, before the YAML parser exhausts the stack',
    (_, make, line) => {
      for (const depth of [65, 20_000]) {
        const [problem] = problemsOf(make(depth));
        expect(problem!.message).toMatch(/^YAML nests deeper than 64 levels here/);
        if (line) expect(problem!.line).toBe(line);
        expect(problem!.line).toBeGreaterThan(1);
      }
      // 64 levels are still read (and judged by the schema, not refused as too deep)
      expect(problemsOf(make(60)).some((p) => /nests deeper/.test(p.message))).toBe(false);
    },
  );

  it("rejects a '__proto__' key (a JavaScript object would drop it silently) at its position", () => {
    const text = replaceOnce(
      sampleBaselineText(),
      '  environments:\n',
      '  environments:\n    __proto__: [/subscriptions/11111111-1111-4111-8111-111111111111]\n',
    );
    const problems = problemsOf(text);
    const problem = problems.find((p) => p.message.includes('__proto__'));
    expect(problem, JSON.stringify(problems)).toBeDefined();
    expect(problem!.message).toBe("'__proto__' cannot be a key (it would be dropped, not read): rename it");
    expect({ line: problem!.line, col: problem!.col }).toEqual(positionOf(text, '__proto__'));
  });

  it('formats the message as file:line:col path: message', () => {
    const text = replaceOnce(
      sampleBaselineText(),
      'scope: /subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-orders\n',
      'scope: rg-orders\n',
    );
    const pos = positionOf(text, 'rg-orders\n');
    expect(() => parseBaseline(text, 'baseline.yaml', SAMPLE_NOW)).toThrow(
      `baseline.yaml:${pos.line}:${pos.col} identities[2].roles[0].scope: must be an ARM scope starting with /`,
    );
  });

  it('reports YAML syntax errors and duplicate keys with their position', () => {
    const text = replaceOnce(
      sampleBaselineText(),
      '    purpose: batch\n    owners: [dave',
      '    purpose: batch\n    purpose: runtime\n    owners: [dave',
    );
    const problems = problemsOf(text);
    expect(problems[0]!.message).toMatch(/YAML: Map keys must be unique/);
    expect(problems[0]!.line).toBe(positionOf(text, 'purpose: runtime', 'name: reporting-app').line);
  });

  it('names the owner placeholder written by export', () => {
    const text = replaceOnce(sampleBaselineText(), 'owners: [frank@contoso.com]', 'owners: [OWNER-REQUIRED]');
    const problem = problemsOf(text).find((p) => p.path === 'identities[6].owners[0]');
    expect(problem?.message).toMatch(/owner placeholder/);
    expect(problem?.line).toBe(positionOf(text, 'OWNER-REQUIRED').line);
  });

  it('rejects an environment the policy does not map', () => {
    const text = replaceOnce(
      sampleBaselineText(),
      'environment: dev\n    purpose: runtime\n    owners: [erin',
      'environment: staging\n    purpose: runtime\n    owners: [erin',
    );
    const problem = problemsOf(text).find((p) => p.path === 'identities[5].environment');
    expect(problem?.message).toMatch(/unknown environment 'staging' \(policy.environments has: prod, dev\)/);
  });

  it('accepts an exemption that expires exactly at the policy maximum and rejects one a day later', () => {
    const onEdge = replaceOnce(sampleBaselineText(), 'expires: 2027-01-31', 'expires: 2027-02-20');
    expect(() => parseBaseline(onEdge, 'b.yaml', SAMPLE_NOW)).not.toThrow();
    const past = replaceOnce(sampleBaselineText(), 'expires: 2027-01-31', 'expires: 2027-02-21');
    expect(problemsOf(past).map((p) => p.path)).toContain('exemptions[0].expires');
  });

  it('rejects a document that is not a mapping', () => {
    expect(problemsOf('- just\n- a list\n')[0]!.message).toMatch(/YAML mapping/);
  });
});
