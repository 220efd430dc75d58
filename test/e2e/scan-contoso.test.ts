import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { contosoBaselineApplied, wimon } from '../support/cli';
import { testPrefix } from '../support/tables';
import { secretsAtRest, workingTokens } from '../support/secrets-at-rest';
import { randomBytes } from 'node:crypto';
import { resourceEvent } from '../support/events';
import { SAMPLE_NOW } from '../support/sample';
import { ruleIds } from '../../shared/rules/catalogue';
const RULE_IDS = ruleIds();
import { parseBaseline } from '../../shared/baseline/parse';

/** The drift seeded in examples/contoso (its README lists the same cases), as rule · identity · severity · state. */
const SEEDED = [
  'approle.privileged · crm-connector · critical · open',
  'approle.unexpected · crm-connector · high · open',
  'approle.unexpected · crm-connector · high · open',
  'credential.expired · reporting-app · low · open',
  'credential.expiring · reporting-app · medium · open',
  'credential.lifetime-too-long · reporting-app · medium · open',
  'credential.sso-certificate-expiring · hr-portal-sso · low · open',
  'credential.type-not-allowed · payments-ci · high · open',
  'exemption.expired · data-sync · medium · open',
  'fic.audience-nonstandard · web-frontend · medium · open',
  'fic.broad-subject · github-deployer-dev · high · open',
  'fic.issuer-untrusted · web-frontend · high · open',
  'fic.missing · github-deployer-dev · low · open',
  'fic.unexpected · github-deployer-dev · high · open',
  'identity.disabled-with-access · legacy-scheduler · medium · open',
  'identity.no-owner · shadow-app · medium · open',
  'identity.not-found · billing-export · low · open',
  'identity.retired-present · old-importer · high · open',
  'identity.review-overdue · hr-sync · medium · open',
  'identity.unattached-managed-identity · inventory-api · low · open',
  'identity.unbaselined · shadow-app · high · open',
  'role.cross-environment · data-sync · high · open',
  'role.missing · inventory-api · low · open',
  'role.orphaned-principal · null · medium · open',
  'role.privileged-broad · legacy-scheduler · critical · exempted',
  'role.privileged-broad · payments-ci · critical · open',
  'role.scope-broader · analytics-batch · high · open',
  'role.scope-broader · github-deployer-dev · high · open',
  'role.secret-manager-on-runtime · data-sync · high · open',
  'role.secret-manager-on-runtime · orders-worker · high · open',
  'role.unexpected · orders-worker · high · open',
  'role.unexpected · payments-ci · high · open',
].sort();

/** The dormancy seeded in examples/contoso/logs (found by `wimon dormancy` and the demo, not by scan). */
const SEEDED_DORMANCY = [
  'credential.unused · payments-ci · low · open',
  'identity.dormant · analytics-batch · medium · open',
  'identity.dormant · legacy-scheduler · medium · open',
  'identity.dormant · shadow-app · medium · open',
  'identity.never-signed-in · web-frontend · medium · open',
].sort();

/** Open seeded findings of one severity; the counts the CLI's summaries must show. */
const seeded = (severity: string) => SEEDED.filter((d) => d.endsWith(` · ${severity} · open`));
const OPEN = SEEDED.filter((d) => d.endsWith(' · open')).length;
const EXEMPTED = SEEDED.filter((d) => d.endsWith(' · exempted')).length;

const describeFinding = (f: JsonFinding) =>
  `${f.ruleId} · ${f.identity.name ?? f.identity.displayName} · ${f.severity} · ${f.state}`;

interface JsonFinding {
  key: string;
  ruleId: string;
  severity: string;
  state: string;
  identity: { name: string | null; displayName: string | null; objectId: string };
  target: string;
  message: string;
  firstSeen: string;
}

describe('wimon scan --fixture examples/contoso (CLI, emulator, Azurite)', () => {
  it('finds every seeded drift with the right rule and severity, and nothing else', () => {
    const env = contosoBaselineApplied();
    const r = wimon(['scan', '--fixture', 'examples/contoso', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      run: { complete: boolean; evaluatedAt: string; changes: { opened: number } };
      findings: JsonFinding[];
    };
    const got = out.findings.map(describeFinding).sort();
    expect(got).toEqual(SEEDED);
    expect(out.run.complete).toBe(true);
    expect(out.run.evaluatedAt).toBe('2026-11-22T09:00:00.000Z');
    // the catalogue is covered by scan and the dormancy check, except the Key Vault event rules
    const covered = new Set([
      ...out.findings.map((f) => f.ruleId),
      ...SEEDED_DORMANCY.map((d) => d.split(' · ')[0]!),
    ]);
    for (const id of [
      'keyvault.secret-expiring',
      'keyvault.secret-expired',
      'keyvault.certificate-expiring',
      'keyvault.certificate-expired',
      // A sample tenant that reads cleanly has nothing unreadable: test/integration/quarantine.test.ts shows it.
      'inventory.unreadable-object',
    ])
      covered.add(id);
    expect([...RULE_IDS].filter((id) => !covered.has(id))).toEqual([]);
    // a second scan: same findings, no duplicates, nothing new
    const again = JSON.parse(
      wimon(['scan', '--fixture', 'examples/contoso', '--json'], env).stdout,
    ) as typeof out;
    expect(again.findings.map((f) => f.key).sort()).toEqual(out.findings.map((f) => f.key).sort());
    expect(again.run.changes.opened).toBe(0);
    expect(again.findings.find((f) => f.ruleId === 'role.unexpected')?.firstSeen).toBe(
      out.findings.find((f) => f.ruleId === 'role.unexpected')?.firstSeen,
    );
    const listed = JSON.parse(
      wimon(['findings', '--state', 'exempted', '--json'], env).stdout,
    ) as JsonFinding[];
    expect(listed.map((f) => f.identity.name)).toEqual(['legacy-scheduler']);
  });

  it('prints a readable table grouped by severity without a stored baseline when given --baseline', () => {
    const env = {
      WIMON_STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      WIMON_TABLE_PREFIX: testPrefix(),
    };
    const r = wimon(
      ['scan', '--fixture', 'examples/contoso', '--baseline', 'examples/contoso/baseline.yaml'],
      env,
    );
    expect(r.code).toBe(0);
    const order = [
      ...['critical', 'high', 'medium', 'low'].map((s) => `${s.toUpperCase()} (${seeded(s).length})`),
      `EXEMPTED (${EXEMPTED})`,
    ].map((h) => r.stdout.indexOf(h));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(r.stdout).toContain(
      `${OPEN} open, ${EXEMPTED} exempted · this run: ${OPEN} new, 0 reopened, 0 resolved`,
    );
  });

  it('explains that a baseline is needed', () => {
    const env = {
      WIMON_STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      WIMON_TABLE_PREFIX: testPrefix(),
    };
    const r = wimon(['scan', '--fixture', 'examples/contoso'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no baseline has been applied yet: run `wimon baseline apply FILE` first/);
  });
});

describe('wimon dormancy --fixture examples/contoso (CLI, emulator with sign-in logs, Azurite)', () => {
  it('reports the seeded dormant and never-signed-in identities, and keeps them on a second run', () => {
    const env = contosoBaselineApplied();
    const r = wimon(['dormancy', '--fixture', 'examples/contoso', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { run: { kind: string; complete: boolean }; findings: JsonFinding[] };
    expect(out.run).toMatchObject({ kind: 'dormancy', complete: true });
    expect(out.findings.map(describeFinding).sort()).toEqual(SEEDED_DORMANCY);
    const text = wimon(['dormancy', '--fixture', 'examples/contoso'], env);
    expect(text.stdout).toMatch(
      /5 open · 14 identities holding access checked against 180 days of sign-in logs \(records from 2026-06-01\) · this run: 0 new, 0 resolved/,
    );
    // Two dormancy runs, one row each.
    const runRows = wimon(['runs', '--kind', 'dormancy'], env)
      .stdout.split('\n')
      .filter((l) => /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(l));
    expect(runRows).toHaveLength(2);
  });
});

describe('wimon event FILE --fixture examples/contoso', () => {
  it('processes a file of events through the function handler code and prints the finding changes', () => {
    const env = contosoBaselineApplied();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wimon-event-'));
    const file = path.join(dir, 'events.json');
    // orders-worker's undeclared Storage Queue Data Contributor, as its creation event; plus junk
    const assignment =
      '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-orders/providers/Microsoft.Authorization/roleAssignments/60000000-0000-4000-8000-000000000006';
    writeFileSync(
      file,
      JSON.stringify([
        resourceEvent({
          operation: 'write',
          resourceUri: assignment,
          operationName: 'Microsoft.Authorization/roleAssignments/write',
          id: 'evt-1',
        }),
        { id: 'evt-bad' },
      ]),
    );
    const r = wimon(['event', file, '--fixture', 'examples/contoso'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'event evt-1 Microsoft.Resources.ResourceWriteSuccess: opened 2 (role.unexpected, role.secret-manager-on-runtime)',
    );
    expect(r.stdout).toMatch(/event evt-bad: skipped \(not an Event Grid event/);
    const again = wimon(['event', file, '--fixture', 'examples/contoso', '--json'], env);
    const out = JSON.parse(again.stdout) as { outcomes: Array<{ id: string; status: string }> };
    expect(out.outcomes.map((o) => [o.id, o.status])).toEqual([
      ['evt-1', 'duplicate'],
      ['evt-bad', 'skipped'],
    ]);
    writeFileSync(file, '{ not json');
    const bad = wimon(['event', file], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/events\.json: .*JSON/);
  });
});

describe('npm run demo (wimon demo)', () => {
  it('leaves no working attestation link and no attestation key in any table it wrote (--keep-tables)', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'wimon-demo-'));
    const key = `demo-key-${randomBytes(16).toString('hex')}`;
    const env = {
      WIMON_STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      WIMON_TABLE_PREFIX: testPrefix(),
      WIMON_ATTESTATION_KEY: key,
    };
    const r = wimon(['demo', '--out', out, '--keep-tables'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The emails it sent hold working links (signed with this key): the scan can find them.
    const sent = readdirSync(path.join(out, 'emails'))
      .map((f) => readFileSync(path.join(out, 'emails', f), 'utf8'))
      .join('\n');
    // The demo evaluates and sends as of the sample's recording time: its links are signed then.
    expect(workingTokens(sent, key, SAMPLE_NOW).length).toBeGreaterThan(0);
    const atRest = await secretsAtRest(
      env.WIMON_STORAGE_CONNECTION_STRING,
      env.WIMON_TABLE_PREFIX,
      key,
      SAMPLE_NOW,
    );
    for (const t of ['outbox', 'findings', 'runs', 'baseline'])
      expect(atRest.tables).toContain(`${env.WIMON_TABLE_PREFIX}${t}`);
    expect(atRest.rows).toBeGreaterThan(50);
    expect(atRest.tokens).toEqual([]);
    expect(atRest.keyFound).toEqual([]);
  }, 120_000);

  it('--keep-tables without configured Table Storage is a configuration error (exit 2)', () => {
    const r = wimon(['demo', '--keep-tables'], {
      WIMON_STORAGE_CONNECTION_STRING: '',
      WIMON_TABLE_ENDPOINT: '',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--keep-tables .*WIMON_STORAGE_CONNECTION_STRING/);
  });

  it('runs on the embedded default and leaves the reports in the output folder', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'wimon-demo-'));
    const r = wimon(['demo', '--out', out], { WIMON_STORAGE_CONNECTION_STRING: '' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${OPEN + SEEDED_DORMANCY.length} open findings, ${EXEMPTED} exempted`);
    expect(existsSync(path.join(out, 'findings.html'))).toBe(true);
    // The SAML certificate's expiry goes to the app's owner (heidi), not to security operations only.
    expect(readFileSync(path.join(out, 'emails', '03-owner-digest-heidi@contoso.com.txt'), 'utf8')).toContain(
      "SAML token-signing certificate 'CN=Microsoft Azure Federated SSO Certificate' of hr-portal-sso",
    );
    const report = JSON.parse(readFileSync(path.join(out, 'findings.json'), 'utf8')) as {
      findings: JsonFinding[];
    };
    expect(report.findings.map(describeFinding).sort()).toEqual([...SEEDED, ...SEEDED_DORMANCY].sort());
    expect(readFileSync(path.join(out, 'findings.html'), 'utf8')).toContain(
      '<h1>Workload identity findings</h1>',
    );
    // the notices it emailed: one owner digest per owner of an identity with an open finding
    // (security operations for the one nobody owns), a security alert and digest, each as .html and .txt
    const baseline = parseBaseline(
      readFileSync('examples/contoso/baseline.yaml', 'utf8'),
      'b.yaml',
      new Date('2026-11-22'),
    );
    // an owner whose Entra account is disabled is replaced by their manager (the owner chain)
    const users = (
      JSON.parse(readFileSync('examples/contoso/graph/v1.0/users.json', 'utf8')) as {
        value: Array<{ id: string; mail: string; accountEnabled: boolean }>;
      }
    ).value;
    const managerOf = (id: string) =>
      (
        JSON.parse(readFileSync(`examples/contoso/graph/v1.0/users/${id}/manager.json`, 'utf8')) as {
          mail: string;
        }
      ).mail;
    const reached = (o: string) => {
      const user = users.find((u) => u.mail.toLowerCase() === o.toLowerCase());
      return user && !user.accountEnabled ? managerOf(user.id) : o;
    };
    const owners = new Set<string>();
    for (const f of report.findings.filter((x) => x.state === 'open')) {
      const declared = baseline.identities.find((i) => i.objectId.toLowerCase() === f.identity.objectId);
      for (const o of declared?.owners ?? baseline.policy.securityContacts)
        owners.add(reached(o).toLowerCase());
    }
    expect(owners.has('bob@contoso.com')).toBe(false);
    const emails = readdirSync(path.join(out, 'emails'));
    const digestsTo = emails
      .filter((e) => e.endsWith('.html') && e.includes('-owner-digest-'))
      .map((e) => e.replace(/^\d+-owner-digest-/, '').replace(/\.html$/, ''));
    expect(digestsTo.sort()).toEqual([...owners].sort());
    for (const kind of ['secops-alert', 'secops-digest'])
      expect(emails).toContain(emails.find((e) => e.includes(kind) && e.endsWith('.txt')));
    expect(emails.filter((e) => e.endsWith('.txt'))).toHaveLength(
      emails.filter((e) => e.endsWith('.html')).length,
    );
  });
});

describe('wimon baseline plan with --fixture', () => {
  it('lists the findings a baseline change would raise and clear against the live tenant', () => {
    const env = contosoBaselineApplied();
    const text = readFileSync('examples/contoso/baseline.yaml', 'utf8')
      // declare orders-worker's extra queue role (clears role.unexpected) …
      .replace(
        '      - role: Storage Queue Data Message Processor\n',
        '      - role: Storage Queue Data Contributor\n        scope: /subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-orders\n      - role: Storage Queue Data Message Processor\n',
      )
      // … and move hr-sync's review date into the past further (no change in findings) while making web-frontend's review overdue (raises one)
      .replace(
        'reviewBy: 2027-06-30\n    credentials: [managed]\n    roles:\n      - role: Key Vault Secrets User\n        scope: /subscriptions/22222222',
        'reviewBy: 2026-11-01\n    credentials: [managed]\n    roles:\n      - role: Key Vault Secrets User\n        scope: /subscriptions/22222222',
      );
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wimon-plan-'));
    const file = path.join(dir, 'changed.yaml');
    writeFileSync(file, text);
    const r = wimon(['baseline', 'plan', file, '--fixture', 'examples/contoso', '--now', '2026-11-22'], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/~ orders-worker/);
    // Every seeded finding but the one the change clears is kept.
    expect(r.stdout).toContain(`would raise 1, clear 1, keep ${OPEN + EXEMPTED - 1} finding(s)`);
    expect(r.stdout).toMatch(/\+ identity.review-overdue web-frontend/);
    expect(r.stdout).toMatch(
      /- role.unexpected orders-worker \/subscriptions\/11111111-1111-4111-8111-111111111111\/resourceGroups\/rg-orders/,
    );
  });
});

describe('the sample events in examples/events (the README’s `wimon event` example)', () => {
  it.each([
    ['role-assignment-write.json', /opened 2 \(role\.unexpected, role\.secret-manager-on-runtime\)/],
    ['federated-credential-write.json', /opened \d+ \(fic\./],
  ])('%s is processed against the sample tenant and opens its findings', (file, expected) => {
    const r = wimon(
      [
        'event',
        `examples/events/${file}`,
        '--fixture',
        'examples/contoso',
        '--baseline',
        'examples/contoso/baseline.yaml',
      ],
      { WIMON_STORAGE_CONNECTION_STRING: '' },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(expected);
  });
});
