import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/model/finding';
import { renderOwnerDigest, renderSecopsAlert } from '../../shared/notify/render';
import { ROOT } from '../support/sample';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = path.join(ROOT, 'test', 'output', 'notices');
const NOW = new Date('2026-11-22T09:00:00Z');
// Tenant-controlled text trying markup, script, header and line injection at once.
const HOSTILE =
  "<img src=x onerror=\"document.title='pwned'\">\r\nBcc: evil@attacker.test<script>document.title='pwned'</script>";

function finding(over: Partial<Finding>): Finding {
  return {
    key: 'k1',
    ruleId: 'identity.unbaselined',
    severity: 'high',
    state: 'open',
    identity: {
      name: null,
      objectId: 'aaaaaaaa-0000-4000-8000-000000000001',
      appId: 'bbbbbbbb-0000-4000-8000-000000000001',
      displayName: HOSTILE,
    },
    target: 'aaaaaaaa-0000-4000-8000-000000000001',
    message: `Application ${HOSTILE} holds 1 role assignment but is not in the baseline.`,
    evidence: {},
    readScope: 'directory',
    firstSeen: '2026-11-20T00:00:00.000Z',
    lastSeen: '2026-11-22T09:00:00.000Z',
    resolvedAt: null,
    exemption: null,
    ...over,
  };
}

const items = [
  { finding: finding({}), via: 'security contact (no owner is known for this identity)' },
  {
    finding: finding({
      key: 'k2',
      ruleId: 'credential.expiring',
      severity: 'medium',
      identity: {
        name: 'payments-ci',
        objectId: 'cccccccc-0000-4000-8000-000000000002',
        appId: null,
        displayName: 'payments-ci',
      },
      message: "secret 'deploy-key' on payments-ci expires in 7 days (2026-11-29): rotate or remove it.",
      evidence: { end: '2026-11-29T08:00:00Z' },
    }),
    via: 'owner of payments-ci in the baseline',
  },
];

describe('notice emails: hostile tenant text cannot inject markup, script or headers', () => {
  const digest = renderOwnerDigest(items, 2, 'https://portal.azure.com', NOW);
  const alert = renderSecopsAlert(items.slice(0, 1), 'https://portal.azure.com', NOW);

  it('escapes tenant text in HTML, keeps it out of subjects, and strips line breaks from text', () => {
    for (const email of [digest, alert]) {
      expect(email.html).not.toMatch(/<img|<script|<[^>]*onerror=/i);
      expect(email.html).toContain('&#60;img src=x onerror=&#34;document.title=&#39;pwned&#39;&#34;&#62;');
      expect(email.subject).not.toMatch(/[\r\n]/);
      expect(email.subject).not.toMatch(/img|script|Bcc|attacker/i);
      expect(email.text).not.toContain('\r');
      expect(email.text).not.toMatch(/^Bcc:/m); // the CR/LF in the name did not start a new line
    }
    expect(digest.text).toMatch(
      /- \[MEDIUM\] Secret 'deploy-key' on payments-ci expires in 7 days \(2026-11-29\)\.\n {2}Do this: Rotate or remove it\./,
    );
    expect(digest.html).toContain(
      'https://portal.azure.com/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Overview/objectId/aaaaaaaa-0000-4000-8000-000000000001/appId/bbbbbbbb-0000-4000-8000-000000000001',
    );
  });

  it('renders in headless Chromium with the expected headings, no script runs, and a phone-sized screenshot', () => {
    expect(
      existsSync(CHROMIUM),
      `Chromium not found at ${CHROMIUM} (.ci/run installs Debian's chromium)`,
    ).toBe(true);
    mkdirSync(OUTPUT, { recursive: true });
    for (const [name, email, headings] of [
      ['owner-digest', digest, ['Workload identities you own need attention', 'payments-ci']],
      ['secops-alert', alert, ['New high-severity workload identity drift']],
    ] as const) {
      const file = path.join(OUTPUT, `${name}.html`);
      writeFileSync(file, email.html);
      const profile = mkdtempSync(path.join(os.tmpdir(), 'wimon-chromium-'));
      const flags = [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
      ];
      const dom = spawnSync(CHROMIUM, [...flags, '--dump-dom', `file://${file}`], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(dom.status, dom.stderr).toBe(0);
      // the page as the browser built it (after any script would have run)
      expect(dom.stdout).toMatch(/<title>[^<]*<\/title>/);
      expect(dom.stdout).not.toContain('pwned</title>');
      expect(dom.stdout).not.toMatch(/<img|<script/i);
      for (const h of headings) expect(dom.stdout).toContain(h);
      expect(dom.stdout).toContain('&lt;img src=x onerror="document.title=\'pwned\'"&gt;');
      const png = path.join(OUTPUT, `${name}.png`);
      const shot = spawnSync(
        CHROMIUM,
        [...flags, `--screenshot=${png}`, '--window-size=412,915', `file://${file}`],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(shot.status, shot.stderr).toBe(0);
      expect(statSync(png).size).toBeGreaterThan(5_000);
    }
  }, 120_000);
});
