/** shared/rules/fic-rules.ts: cases per rule. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/rules/evaluate';
import { broadSubjectReason } from '../../../shared/rules/fic-rules';
import { assignment, baseline, DEV, inventory, live, NOW, PROD } from './builders';
import { RG, rules } from './helpers';

describe('federated credential rules', () => {
  const GH = 'https://token.actions.githubusercontent.com';
  const fic = (subject: string, issuer = GH, audiences = ['api://AzureADTokenExchange']) => ({
    id: subject,
    name: 'n',
    issuer,
    subject,
    audiences,
    claimsMatchingExpression: null,
    on: 'application' as const,
  });
  const declared = { federatedCredentials: [{ issuer: GH, subject: 'repo:c/r:environment:prod' }] };
  const run = (
    fics: ReturnType<typeof fic>[],
    over: Record<string, unknown> = declared,
    incomplete: string[] = [],
  ) =>
    evaluate(
      baseline(over),
      inventory([live({ federatedCredentials: fics })], [assignment('Reader', RG)], incomplete),
      NOW,
    );
  it('matching credential (issuer trailing slash ignored) → nothing', () => {
    expect(run([fic('repo:c/r:environment:prod', `${GH}/`)])).toEqual([]);
  });
  it('fic.unexpected and fic.missing; missing is not claimed from a partial directory read', () => {
    expect(rules(run([fic('repo:c/r:environment:dev')]))).toEqual(['fic.missing', 'fic.unexpected']);
    expect(rules(run([], declared, ['directory']))).toEqual([]);
  });
  it('fic.issuer-untrusted and fic.audience-nonstandard evaluate declared credentials too', () => {
    const gitlab = {
      federatedCredentials: [
        {
          issuer: 'https://gitlab.example.com',
          subject: 'project_path:c/r:ref_type:branch:ref:main',
          audiences: ['https://gitlab.example.com'],
        },
      ],
    };
    expect(
      rules(
        run(
          [
            fic('project_path:c/r:ref_type:branch:ref:main', 'https://gitlab.example.com', [
              'https://gitlab.example.com',
            ]),
          ],
          gitlab,
        ),
      ),
    ).toEqual(['fic.audience-nonstandard', 'fic.issuer-untrusted']);
  });
  it('fic.broad-subject: pull requests, wildcards and unpinned GitHub subjects; environment and branch are pinned', () => {
    expect(broadSubjectReason(GH, 'repo:c/r:pull_request')).toMatch(/pull-request/);
    expect(broadSubjectReason(GH, 'repo:c/*')).toMatch(/wildcard/);
    expect(
      broadSubjectReason(GH, 'repo:c/r:job_workflow_ref:c/r/.github/workflows/x.yml@refs/heads/main'),
    ).toMatch(/not pinned/);
    expect(broadSubjectReason(GH, 'repo:c/r:environment:prod')).toBeUndefined();
    expect(broadSubjectReason(GH, 'repo:c/r:ref:refs/heads/main')).toBeUndefined();
    expect(
      broadSubjectReason('https://oidc.prod-aks.azure.com/x/', 'system:serviceaccount:ns:sa'),
    ).toBeUndefined();
  });
});

describe('federated credential rules: matching and what each finding says', () => {
  const GH = 'https://token.actions.githubusercontent.com';
  const SUBJECT = 'repo:c/r:environment:prod';
  const fic = (subject: string, issuer = GH, audiences = ['api://AzureADTokenExchange'], name = 'n') => ({
    id: subject,
    name,
    issuer,
    subject,
    audiences,
    claimsMatchingExpression: null,
    on: 'application' as const,
  });
  const policy = (trustedIssuers: string[]) => ({
    policy: {
      securityContacts: ['secops@contoso.com'],
      environments: { prod: [PROD], dev: [DEV] },
      trustedIssuers,
    },
  });
  const run = (
    fics: ReturnType<typeof fic>[],
    declaredFics: Record<string, unknown>[] = [{ issuer: GH, subject: SUBJECT }],
    extra: Record<string, unknown> = {},
    liveOver: Parameters<typeof live>[0] = {},
    incomplete: string[] = [],
  ) =>
    evaluate(
      baseline({ federatedCredentials: declaredFics }, extra),
      inventory([live({ federatedCredentials: fics, ...liveOver })], [assignment('Reader', RG)], incomplete),
      NOW,
    );

  it('the declared subject from another issuer is not the declared credential (fic.unexpected + fic.missing)', () => {
    const other = 'https://gitlab.example.com';
    const found = run([fic(SUBJECT, other)], undefined, policy([GH, other]));
    expect(found.map((c) => `${c.ruleId}@${c.target}`).sort()).toEqual([
      `fic.missing@${GH} ${SUBJECT}`,
      `fic.unexpected@${other} ${SUBJECT}`,
    ]);
  });

  it('issuers match after trimming and trailing slashes, case-insensitively; subjects must match exactly', () => {
    expect(run([fic(SUBJECT, ` ${GH.toUpperCase()}// `.trim())])).toEqual([]);
    expect(rules(run([fic(SUBJECT.toUpperCase())]))).toEqual([
      'fic.broad-subject',
      'fic.missing',
      'fic.unexpected',
    ]);
  });

  it('audiences: a standard audience plus another is non-standard; declared audiences must match as a set', () => {
    const two = ['api://AzureADTokenExchange', 'https://evil'];
    expect(rules(run([fic(SUBJECT, GH, two)], [{ issuer: GH, subject: SUBJECT, audiences: two }]))).toEqual([
      'fic.audience-nonstandard',
    ]);
    // Same set in another order and case → declared; a different set → not.
    expect(
      rules(
        run(
          [fic(SUBJECT, GH, ['HTTPS://EVIL', 'api://AzureADTokenExchange'])],
          [{ issuer: GH, subject: SUBJECT, audiences: two }],
        ),
      ),
    ).toEqual(['fic.audience-nonstandard']);
    expect(
      rules(
        run(
          [fic(SUBJECT, GH, ['https://evil', 'https://other'])],
          [{ issuer: GH, subject: SUBJECT, audiences: two }],
        ),
      ),
    ).toEqual(['fic.audience-nonstandard', 'fic.missing', 'fic.unexpected']);
    expect(
      rules(run([fic(SUBJECT, GH, ['https://evil'])], [{ issuer: GH, subject: SUBJECT, audiences: two }])),
    ).toEqual(['fic.audience-nonstandard', 'fic.missing', 'fic.unexpected']);
    // One audience each: compared case-insensitively, but only the exact standard value is standard.
    expect(
      rules(run([fic(SUBJECT, GH, ['API://AzureADTokenExchange'])], [{ issuer: GH, subject: SUBJECT }])),
    ).toEqual(['fic.audience-nonstandard']);
  });

  it('a declared credential from an untrusted issuer with the standard audience still raises fic.issuer-untrusted, and only that', () => {
    const other = 'https://issuer.example.com';
    const found = run([fic(SUBJECT, other)], [{ issuer: other, subject: SUBJECT }], policy([GH]));
    expect(found.map((c) => c.ruleId)).toEqual(['fic.issuer-untrusted']);
    expect(found[0]!.message).toBe(
      `app-one trusts tokens from ${other}, an issuer not in policy.trustedIssuers: remove the federated credential or review and trust the issuer.`,
    );
    expect(
      run([fic(SUBJECT, other)], [{ issuer: other, subject: SUBJECT }], policy([GH, `${other}/`])),
    ).toEqual([]);
  });

  it('fic.broad-subject through evaluate(): pull-request and unpinned subjects, with the reason in message and evidence', () => {
    const pr = 'repo:c/r:pull_request';
    const [f] = run([fic(pr)], [{ issuer: GH, subject: pr }]);
    expect(f).toMatchObject({
      ruleId: 'fic.broad-subject',
      severity: 'high',
      target: `${GH} ${pr}`,
      readScope: 'directory',
      evidence: {
        name: 'n',
        issuer: GH,
        subject: pr,
        audiences: ['api://AzureADTokenExchange'],
        on: 'application',
        reason: 'pull-request tokens from any branch or fork can use it',
      },
    });
    expect(f!.message).toBe(
      `Federated credential '${pr}' on app-one is too broad because pull-request tokens from any branch or fork can use it: pin it to one environment or branch.`,
    );
    const unpinned = 'repo:c/r:ref:refs/heads/*';
    expect(run([fic(unpinned)], [{ issuer: GH, subject: unpinned }]).map((c) => c.evidence.reason)).toEqual([
      'it contains a wildcard',
    ]);
  });

  it('subjects: anchored patterns (a pull_request or environment segment in the middle is not what the end says)', () => {
    expect(broadSubjectReason(GH, 'repo:c/r:pull_request:x')).toBe(
      'it is not pinned to an environment or branch',
    );
    expect(broadSubjectReason(GH, 'repo:c/r:environment:prod:job')).toBe(
      'it is not pinned to an environment or branch',
    );
    expect(broadSubjectReason(GH, 'repo:c/r:ref:refs/tags/v1')).toBeUndefined();
    expect(broadSubjectReason(`${GH}/`, 'repo:c/r')).toBe('it is not pinned to an environment or branch');
    expect(broadSubjectReason('https://other.example.com', 'anything')).toBeUndefined();
  });

  it('fic.unexpected, fic.audience-nonstandard and fic.missing messages and evidence', () => {
    const found = run([fic('repo:c/r:environment:dev', GH, ['aud-x'], 'dev-cred')]);
    const by = (id: string) => found.find((c) => c.ruleId === id)!;
    expect(by('fic.unexpected').message).toBe(
      `app-one trusts tokens from ${GH} for subject 'repo:c/r:environment:dev', which the baseline does not declare: remove it or declare it.`,
    );
    expect(by('fic.unexpected').evidence).toEqual({
      name: 'dev-cred',
      issuer: GH,
      subject: 'repo:c/r:environment:dev',
      audiences: ['aud-x'],
      on: 'application',
      entraOwners: ['o@contoso.com'],
    });
    expect(by('fic.audience-nonstandard').message).toBe(
      "Federated credential 'repo:c/r:environment:dev' on app-one accepts audience aud-x: use api://AzureADTokenExchange.",
    );
    expect(by('fic.missing').message).toBe(
      `app-one is declared to trust ${GH} for subject '${SUBJECT}' but does not: create it if the workload needs it, or remove it from the baseline.`,
    );
    expect(by('fic.missing').evidence).toEqual({
      issuer: GH,
      subject: SUBJECT,
      audiences: ['api://AzureADTokenExchange'],
      entraOwners: ['o@contoso.com'],
    });
  });

  it('a user-assigned identity’s credentials are read from ARM too: a partial read of its subscription withholds fic.missing', () => {
    const mi = {
      kind: 'managedIdentity' as const,
      servicePrincipalType: 'ManagedIdentity',
      managedIdentityResourceId: `${PROD}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id`,
    };
    const missing = run([], undefined, {}, mi);
    expect(missing.map((c) => [c.ruleId, c.readScope])).toEqual([['fic.missing', `directory + ${PROD}`]]);
    expect(run([], undefined, {}, mi, [PROD])).toEqual([]);
    // An application's credentials come from Graph only.
    expect(run([], undefined, {}, {}, [PROD]).map((c) => [c.ruleId, c.readScope])).toEqual([
      ['fic.missing', 'directory'],
    ]);
    // The resource id alone (not a managed identity) does not make it an ARM read.
    expect(
      run([], undefined, {}, { managedIdentityResourceId: mi.managedIdentityResourceId }, [PROD]).map(
        (c) => c.readScope,
      ),
    ).toEqual(['directory']);
  });
});

describe('flexible federated credentials (claimsMatchingExpression instead of a subject)', () => {
  const AKS = 'https://oidc.prod-aks.azure.com/tenant/issuer';
  const EXPR = { value: "claims['sub'] matches system:serviceaccount:ns:*", languageVersion: 1 };
  const flexible = (expression = EXPR, name = 'flex') => ({
    id: name,
    name,
    issuer: AKS,
    subject: null,
    claimsMatchingExpression: expression,
    audiences: ['api://AzureADTokenExchange'],
    on: 'managedIdentity' as const,
  });
  const policy = {
    policy: {
      securityContacts: ['s@contoso.com'],
      environments: { prod: [PROD], dev: [DEV] },
      trustedIssuers: [AKS],
    },
  };
  const run = (fics: ReturnType<typeof flexible>[], declared: Record<string, unknown>[] = []) =>
    evaluate(
      baseline({ federatedCredentials: declared }, policy),
      inventory([live({ federatedCredentials: fics })], [assignment('Reader', RG)]),
      NOW,
    );

  it('undeclared: fic.unexpected and fic.broad-subject, naming the expression; its target never collides with a subject', () => {
    const found = run([flexible()]);
    expect(found.map((c) => c.ruleId).sort()).toEqual(['fic.broad-subject', 'fic.unexpected']);
    const target = `${AKS} claims v1: ${EXPR.value}`;
    expect(found.map((c) => c.target)).toEqual([target, target]);
    const unexpected = found.find((c) => c.ruleId === 'fic.unexpected')!;
    expect(unexpected.message).toBe(
      `app-one trusts tokens from ${AKS} for claims matching ${EXPR.value}, which the baseline does not declare: remove it or declare it.`,
    );
    expect(unexpected.evidence).toMatchObject({
      subject: null,
      claimsMatchingExpression: EXPR,
      name: 'flex',
    });
    const broad = found.find((c) => c.ruleId === 'fic.broad-subject')!;
    expect(broad.message).toBe(
      `Federated credential 'flex' on app-one is too broad because it matches claims with an expression (${EXPR.value}) instead of one pinned subject: pin it to one environment or branch.`,
    );
  });

  it('declared with the same expression and language version: only fic.broad-subject (the decision is recorded; an exemption accepts it)', () => {
    expect(run([flexible()], [{ issuer: AKS, claimsMatchingExpression: EXPR }]).map((c) => c.ruleId)).toEqual(
      ['fic.broad-subject'],
    );
    // Another expression or version is another credential.
    const other = run(
      [flexible({ ...EXPR, languageVersion: 2 })],
      [{ issuer: AKS, claimsMatchingExpression: EXPR }],
    );
    expect(other.map((c) => c.ruleId).sort()).toEqual(['fic.broad-subject', 'fic.missing', 'fic.unexpected']);
    const missing = other.find((c) => c.ruleId === 'fic.missing')!;
    expect(missing.message).toBe(
      `app-one is declared to trust ${AKS} for claims matching ${EXPR.value} but does not: create it if the workload needs it, or remove it from the baseline.`,
    );
    expect(missing.evidence).toMatchObject({ claimsMatchingExpression: EXPR, issuer: AKS });
    // A declared subject is not a declared expression.
    expect(
      run([flexible()], [{ issuer: AKS, subject: 'system:serviceaccount:ns:sa' }])
        .map((c) => c.ruleId)
        .sort(),
    ).toEqual(['fic.broad-subject', 'fic.missing', 'fic.unexpected']);
  });

  it('the baseline takes a subject or an expression, never both or neither', () => {
    const bad = (fic: Record<string, unknown>) => () => baseline({ federatedCredentials: [fic] }, policy);
    expect(bad({ issuer: AKS, subject: 's', claimsMatchingExpression: EXPR })).toThrow(
      /either subject or claimsMatchingExpression/,
    );
    expect(bad({ issuer: AKS })).toThrow(/either subject or claimsMatchingExpression/);
    expect(bad({ issuer: AKS, claimsMatchingExpression: { value: '', languageVersion: 1 } })).toThrow();
    expect(bad({ issuer: AKS, claimsMatchingExpression: { value: 'x', languageVersion: 0 } })).toThrow();
  });
});
