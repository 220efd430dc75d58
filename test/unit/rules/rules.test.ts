import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/rules/evaluate';
import { expiryStage } from '../../../shared/rules/credential-rules';
import { broadSubjectReason } from '../../../shared/rules/fic-rules';
import { allRules } from '../../../shared/rules/catalogue';
const RULES = allRules();
import type { LiveCredential } from '../../../shared/model/inventory';
import { assignment, baseline, DEV, inventory, live, NOW, PROD } from './builders';

const RG = `${PROD}/resourceGroups/rg`;
const ids = (list: ReturnType<typeof evaluate>) => list.map((c) => `${c.ruleId}@${c.target}`).sort();
const rules = (list: ReturnType<typeof evaluate>) => list.map((c) => c.ruleId).sort();
const iso = (daysFromNow: number) => new Date(NOW.getTime() + daysFromNow * 86_400_000).toISOString();
const secret = (start: string, end: string, keyId = 'k1') => ({
  keyId,
  type: 'secret' as const,
  displayName: 'deploy-key',
  hint: 'abc',
  start,
  end,
  on: 'application' as const,
});
const cert = (start: string, end: string, keyId = 'k1') => ({
  ...secret(start, end, keyId),
  type: 'certificate' as const,
  hint: null,
});

describe('role rules', () => {
  it('matching tenant → no findings', () => {
    expect(evaluate(baseline(), inventory([live()], [assignment('Reader', RG)]), NOW)).toEqual([]);
  });
  it('role.unexpected: undeclared role; scope compared case-insensitively', () => {
    expect(
      ids(
        evaluate(
          baseline(),
          inventory(
            [live()],
            [assignment('Reader', RG.toUpperCase()), assignment('Storage Blob Data Reader', RG)],
          ),
          NOW,
        ),
      ),
    ).toEqual([`role.unexpected@${RG}`]);
  });
  it('role.missing: declared role absent, but not when the read of its subscription was partial', () => {
    expect(rules(evaluate(baseline(), inventory([live()], []), NOW))).toEqual(['role.missing']);
    expect(evaluate(baseline(), inventory([live()], [], [PROD]), NOW)).toEqual([]);
  });
  it('role.scope-broader: same role at an ancestor; equal scope is fine; a sibling is unexpected + missing', () => {
    expect(ids(evaluate(baseline(), inventory([live()], [assignment('Reader', PROD)]), NOW))).toEqual([
      `role.scope-broader@${PROD}`,
    ]);
    expect(
      rules(
        evaluate(baseline(), inventory([live()], [assignment('Reader', `${PROD}/resourceGroups/rg2`)]), NOW),
      ),
    ).toEqual(['role.missing', 'role.unexpected']);
  });
  it('role.privileged-broad: privileged role at subscription, management group or root; not at a resource group', () => {
    for (const scope of [PROD, '/providers/Microsoft.Management/managementGroups/contoso', '/']) {
      const found = evaluate(baseline({ roles: [] }), inventory([live()], [assignment('Owner', scope)]), NOW);
      expect(ids(found)).toEqual([`role.privileged-broad@${scope}`]);
      expect(found[0]!.severity).toBe('critical');
    }
    expect(
      rules(
        evaluate(
          baseline({ roles: [{ role: 'Contributor', scope: RG }] }),
          inventory([live()], [assignment('Contributor', RG)]),
          NOW,
        ),
      ),
    ).toEqual([]);
  });
  it('policy role lists match a role by definition GUID or by name in any casing, per evaluation', () => {
    const owner = assignment('Owner', PROD);
    const byGuid = baseline({ roles: [] });
    byGuid.policy.privilegedRoles = [owner.roleDefinitionId.toUpperCase().replace('GUID', 'guid')];
    expect(rules(evaluate(byGuid, inventory([live()], [owner]), NOW))).toEqual(['role.privileged-broad']);
    const byName = baseline({ roles: [] });
    byName.policy.privilegedRoles = ['oWnEr'];
    expect(rules(evaluate(byName, inventory([live()], [owner]), NOW))).toEqual(['role.privileged-broad']);
    // A later evaluation with another policy is judged on that policy, not on remembered answers.
    const none = baseline({ roles: [] });
    none.policy.privilegedRoles = [];
    expect(rules(evaluate(none, inventory([live()], [owner]), NOW))).toEqual(['role.unexpected']);
  });
  it('role.privileged-broad applies to undeclared identities too, and declared privileged-broad is still reported', () => {
    const other = live({ objectId: 'eeeeeeee-0000-4000-8000-000000000009', displayName: 'stranger' });
    expect(
      rules(
        evaluate(
          baseline(),
          inventory([live(), other], [assignment('Reader', RG), assignment('Owner', PROD, other.objectId)]),
          NOW,
        ),
      ),
    ).toEqual(['identity.unbaselined', 'role.privileged-broad']);
    expect(
      rules(
        evaluate(
          baseline({ roles: [{ role: 'Owner', scope: PROD }] }),
          inventory([live()], [assignment('Owner', PROD)]),
          NOW,
        ),
      ),
    ).toEqual(['role.privileged-broad']);
  });
  it('role.cross-environment: a dev scope for a prod identity, unless allowedEnvironments lists dev', () => {
    const declared = {
      roles: [
        { role: 'Reader', scope: RG },
        { role: 'Reader', scope: `${DEV}/resourceGroups/x` },
      ],
    };
    const inv = inventory(
      [live()],
      [assignment('Reader', RG), assignment('Reader', `${DEV}/resourceGroups/x`)],
    );
    expect(ids(evaluate(baseline(declared), inv, NOW))).toEqual([
      `role.cross-environment@${DEV}/resourceGroups/x`,
    ]);
    expect(evaluate(baseline({ ...declared, allowedEnvironments: ['dev'] }), inv, NOW)).toEqual([]);
  });
  it('role.secret-manager-on-runtime: Secrets Officer on a runtime identity, not on a deployment identity', () => {
    const kv = `${RG}/providers/Microsoft.KeyVault/vaults/kv`;
    const roles = [
      { role: 'Reader', scope: RG },
      { role: 'Key Vault Secrets Officer', scope: kv },
    ];
    const inv = inventory([live()], [assignment('Reader', RG), assignment('Key Vault Secrets Officer', kv)]);
    expect(ids(evaluate(baseline({ roles }), inv, NOW))).toEqual([`role.secret-manager-on-runtime@${kv}`]);
    expect(evaluate(baseline({ roles, purpose: 'deployment' }), inv, NOW)).toEqual([]);
  });
});

describe('identity rules', () => {
  it('identity.unbaselined + identity.no-owner for an unknown identity with access; nothing for one that holds nothing', () => {
    const stranger = live({
      objectId: 'eeeeeeee-0000-4000-8000-000000000009',
      owners: [],
      credentials: [secret(iso(-10), iso(100))],
    });
    expect(
      rules(evaluate(baseline(), inventory([live(), stranger], [assignment('Reader', RG)]), NOW)),
    ).toEqual(['identity.no-owner', 'identity.unbaselined']);
    const idle = live({ objectId: 'eeeeeeee-0000-4000-8000-000000000009', owners: [] });
    expect(evaluate(baseline(), inventory([live(), idle], [assignment('Reader', RG)]), NOW)).toEqual([]);
    const owned = live({
      objectId: 'eeeeeeee-0000-4000-8000-000000000009',
      credentials: [secret(iso(-10), iso(100))],
    });
    expect(rules(evaluate(baseline(), inventory([live(), owned], [assignment('Reader', RG)]), NOW))).toEqual([
      'identity.unbaselined',
    ]);
  });
  it('identity.review-overdue: the day after reviewBy, not on it', () => {
    expect(
      rules(
        evaluate(baseline({ reviewBy: '2026-11-21' }), inventory([live()], [assignment('Reader', RG)]), NOW),
      ),
    ).toEqual(['identity.review-overdue']);
    expect(
      evaluate(baseline({ reviewBy: '2026-11-22' }), inventory([live()], [assignment('Reader', RG)]), NOW),
    ).toEqual([]);
  });
  it('identity.retired-present: retired but present (other rules silent); gone → nothing', () => {
    expect(
      rules(
        evaluate(
          baseline({ status: 'retired' }),
          inventory([live({ credentials: [secret(iso(-400), iso(-1))] })], [assignment('Owner', PROD)]),
          NOW,
        ),
      ),
    ).toEqual(['identity.retired-present']);
    expect(evaluate(baseline({ status: 'retired' }), inventory([], []), NOW)).toEqual([]);
  });
});

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

describe('application permission rules', () => {
  const grant = (permission: string) => ({
    id: permission,
    resourceId: 'r',
    resourceDisplayName: 'Microsoft Graph',
    appRoleId: 'x',
    permission,
    createdDateTime: null,
  });
  const run = (perms: string[], appRoles: string[] = ['Microsoft Graph/User.Read.All']) =>
    evaluate(
      baseline({ appRoles }),
      inventory([live({ appRoleGrants: perms.map(grant) })], [assignment('Reader', RG)]),
      NOW,
    );
  it('declared → nothing; undeclared → approle.unexpected; tier-0 → approle.privileged only, even when declared', () => {
    expect(run(['User.Read.All'])).toEqual([]);
    expect(ids(run(['Mail.Send']))).toEqual(['approle.unexpected@Microsoft Graph/Mail.Send']);
    expect(run(['Directory.ReadWrite.All']).map((c) => [c.ruleId, c.severity])).toEqual([
      ['approle.privileged', 'critical'],
    ]);
    expect(rules(run(['Directory.ReadWrite.All'], ['Microsoft Graph/Directory.ReadWrite.All']))).toEqual([
      'approle.privileged',
    ]);
  });
});

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

it('the catalogue has stable, unique ids with a title and a fix each', () => {
  expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  for (const r of RULES) {
    expect(r.id).toMatch(/^[a-z]+\.[a-z-]+$/);
    expect(r.title.length).toBeGreaterThan(10);
    expect(r.fix.length).toBeGreaterThan(10);
  }
});
