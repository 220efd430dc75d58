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
