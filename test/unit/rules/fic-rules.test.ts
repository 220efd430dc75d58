/** shared/rules/fic-rules.ts: cases per rule. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/rules/evaluate';
import { broadSubjectReason } from '../../../shared/rules/fic-rules';
import { assignment, baseline, inventory, live, NOW } from './builders';
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
