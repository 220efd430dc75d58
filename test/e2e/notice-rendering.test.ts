/**
 * What people look at, in Debian's Chromium (headless): the owner digest, the security alert,
 * the security digest and a Teams card preview (rendered by Microsoft's Adaptive Cards JS
 * renderer), each at 400 px (a phone) and 1280 px. Tenant-chosen names carry markup, script,
 * header injection, bidi overrides and zero-width characters: in every one the browser shows
 * them as text, with the deceptive characters made visible, nothing runs, nothing overflows.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/model/finding';
import { renderOwnerDigest, renderSecopsAlert, renderSecopsDigest } from '../../shared/notify/render';
import { teamsAlertCard } from '../../shared/notify/teams-card';
import { linkPlaceholder, newClaim, resolveLinks } from '../../shared/attest/links';
import { adaptiveCardErrors } from '../support/adaptive-card-schema';
import { ROOT } from '../support/sample';
import { realClockEnv } from '../support/real-clock';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = path.join(ROOT, 'test', 'output', 'notices');
const NOW = new Date('2026-11-22T09:00:00Z');
const WIDTHS = [400, 1280] as const;
// Tenant-controlled text trying markup, script, header and line injection, Markdown links, a
// right-to-left override (shows "gpj.exe" as "exe.jpg") and zero-width characters at once.
const HOSTILE =
  "<img src=x onerror=\"document.title='pwned'\">\r\nBcc: evil@attacker.test<script>document.title='pwned'</script>[Sign in](https://evil.example)\u202egpj.exe\u200b\ufeff";
/** What must never reach the reader: controls (but white space), bidi controls, zero-width. */
const DECEPTIVE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

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
    message: `Application ${HOSTILE} holds 1 role assignment but is not in the baseline: declare it with an owner, or remove its access.`,
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
        appId: 'dddddddd-0000-4000-8000-000000000002',
        displayName: 'payments-ci',
      },
      message: "secret 'deploy-key' on payments-ci expires in 7 days (2026-11-29): rotate or remove it.",
      evidence: { end: '2026-11-29T08:00:00Z' },
    }),
    via: 'owner of payments-ci in the baseline',
  },
  {
    finding: finding({
      key: 'k3',
      ruleId: 'role.privileged-broad',
      severity: 'critical',
      target: '/subscriptions/11111111-1111-4111-8111-111111111111',
      message: `${HOSTILE} holds Owner at subscription scope /subscriptions/11111111-1111-4111-8111-111111111111, and it can assign roles: narrow it to the resource group or resource the workload uses.`,
    }),
    via: 'security contact',
  },
];
// The monitor's own link placeholders, signed as the notice is sent (attest/links.ts).
const RCPT = 'alice@contoso.com';
const links = {
  stillNeeded: () => ({
    url: linkPlaceholder(newClaim({ act: 'attest', oid: 'o-1', rcpt: RCPT, until: '2027-02-20' }, NOW)),
    until: '2027-02-20',
  }),
  snooze: () => ({
    url: linkPlaceholder(newClaim({ act: 'snooze', oid: 'o-1', key: 'k', rcpt: RCPT, days: 7 }, NOW)),
    days: 7,
  }),
};
const SEND = { baseUrl: 'http://localhost:7071/api/attest', key: 'preview-key' };
const sent = (e: { subject: string; html: string; text: string }) => ({
  ...e,
  html: resolveLinks(e.html, SEND, true, RCPT),
  text: resolveLinks(e.text, SEND, false, RCPT),
});
const trend = Array.from({ length: 14 }, (_, i) => ({
  date: new Date(NOW.getTime() - (13 - i) * 86_400_000).toISOString().slice(0, 10),
  open: [3, 3, 4, 4, 4, 6, 6, 7, 5, 5, 5, 8, 9, 9][i]!,
}));

const emails = {
  'owner-digest': sent(renderOwnerDigest(items.slice(0, 2), 2, 'https://portal.azure.com', NOW, links)),
  'secops-alert': renderSecopsAlert([items[0]!, items[2]!], 'https://portal.azure.com', NOW),
  'secops-digest': renderSecopsDigest(
    { newLastDay: 2, open: { critical: 1, high: 1, medium: 1 }, resolvedLastDay: 1, trend },
    [items[1]!],
    [items[0]!, items[2]!],
    'https://portal.azure.com',
    NOW,
  ),
};
const card = teamsAlertCard([items[0]!, items[2]!], 'https://portal.azure.com');

const FLAGS = (profile: string) => [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
  '--allow-file-access-from-files',
  `--user-data-dir=${profile}`,
];

function chromium(args: string[]): string {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'wimon-chromium-'));
  const r = spawnSync(CHROMIUM, [...FLAGS(profile), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: realClockEnv(),
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

interface Measured {
  scrollWidth: number;
  width: number;
  title: string;
  text: string;
  links: string[];
  scripts: number;
}

/**
 * Loads `file` in a frame `width` px wide and reports what the browser laid out and shows (a
 * measuring page beside it: the email itself holds no script, and none may run in it).
 */
function measure(file: string, width: number): Measured {
  const page = path.join(path.dirname(file), `measure-${path.basename(file, '.html')}-${width}.html`);
  writeFileSync(
    page,
    `<!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="${path.basename(file)}" style="width:${width}px;height:3000px;border:0"></iframe><pre id="out">pending</pre>
<script>document.getElementById('f').onload=function(){var d=this.contentDocument;document.getElementById('out').textContent=JSON.stringify({scrollWidth:d.documentElement.scrollWidth,width:d.documentElement.clientWidth,title:d.title,text:d.body.innerText,links:Array.from(d.querySelectorAll('a')).map(function(a){return a.getAttribute('href')}),scripts:d.querySelectorAll('script').length});};</script></body></html>`,
  );
  const dom = chromium(['--virtual-time-budget=10000', '--dump-dom', `file://${page}`]);
  const out = /<pre id="out">([\s\S]*?)<\/pre>/.exec(dom)?.[1];
  expect(out, dom.slice(0, 500)).toBeDefined();
  expect(out).not.toBe('pending');
  return JSON.parse(unescape(out!)) as Measured;
}

function screenshot(file: string, width: number): string {
  const png = file.replace(/\.html$/, `-${width}.png`);
  chromium([
    `--screenshot=${png}`,
    `--window-size=${width},1600`,
    '--virtual-time-budget=10000',
    `file://${file}`,
  ]);
  expect(statSync(png).size).toBeGreaterThan(5_000);
  return png;
}

describe('notices as people see them (headless Chromium, 400 and 1280 px)', () => {
  it('Chromium is installed (the README test command installs Debian’s chromium)', () => {
    expect(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}`).toBe(true);
    mkdirSync(OUTPUT, { recursive: true });
  });

  describe.each(Object.entries(emails))('%s', (name, email) => {
    const file = path.join(OUTPUT, `${name}.html`);
    it.each(WIDTHS)(
      'at %i px: hostile text shown as text with deceptive characters made visible, no script, no overflow',
      (width) => {
        mkdirSync(OUTPUT, { recursive: true });
        writeFileSync(file, email.html);
        const seen = measure(file, width);
        expect(seen.scripts).toBe(0);
        expect(seen.title).not.toContain('pwned');
        expect(seen.text).toContain('<img src=x onerror="document.title=\'pwned\'">'); // as text
        expect(seen.text).not.toMatch(DECEPTIVE);
        expect(seen.text).toContain('\ufffdgpj.exe\ufffd\ufffd'); // the override and zero-widths, visible
        expect(
          seen.links.every((href) =>
            /^(https:\/\/portal\.azure\.com\/|http:\/\/localhost:7071\/)/.test(href),
          ),
          JSON.stringify(seen.links),
        ).toBe(true);
        expect(seen.links).not.toContain('https://evil.example');
        expect(seen.scrollWidth, `${name} is wider than ${width} px`).toBeLessThanOrEqual(width);
        screenshot(file, width);
      },
      120_000,
    );
  });

  it('the owner digest has its buttons, badges and deep links; the security digest its tiles and 14-day trend', () => {
    const owner = measure(path.join(OUTPUT, 'owner-digest.html'), 1280);
    expect(owner.text).toMatch(/MEDIUM/);
    expect(owner.text).toContain('Open Certificates & secrets');
    expect(owner.links).toContain(
      'https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Credentials/appId/dddddddd-0000-4000-8000-000000000002',
    );
    expect(owner.text).toContain('Still needed until 2027-02-20');
    const alert = measure(path.join(OUTPUT, 'secops-alert.html'), 1280);
    expect(alert.links).toContain(
      'https://portal.azure.com/#@/resource/subscriptions/11111111-1111-4111-8111-111111111111/users',
    );
    expect(alert.text).toMatch(/CRITICAL[\s\S]*HIGH/);
    const digest = measure(path.join(OUTPUT, 'secops-digest.html'), 400);
    expect(digest.text).toContain('Open findings, last 14 days');
    for (const d of trend) expect(digest.text).toContain(String(d.open));
    expect(readFileSync(path.join(OUTPUT, 'secops-digest.html'), 'utf8')).not.toMatch(/<svg|<img/i);
  }, 120_000);

  it.each(WIDTHS)(
    'Teams card preview at %i px: valid Adaptive Card 1.5, rendered by the Adaptive Cards renderer, names as text',
    (width) => {
      const parsed = JSON.parse(card) as unknown;
      expect(adaptiveCardErrors(parsed)).toEqual([]);
      const renderer = readFileSync(
        path.join(ROOT, 'node_modules', 'adaptivecards', 'dist', 'adaptivecards.min.js'),
        'utf8',
      );
      const file = path.join(OUTPUT, 'teams-alert-card.html');
      writeFileSync(path.join(OUTPUT, 'adaptivecards.min.js'), renderer);
      writeFileSync(
        file,
        `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Teams card preview</title></head><body style="margin:0;font-family:Segoe UI,Helvetica,Arial,sans-serif">
<div id="card" style="width:${width}px;overflow-wrap:anywhere"></div><!-- a host breaks long words (ARM ids) as Teams' does; the card sets no widths --><pre id="out">pending</pre>
<script src="adaptivecards.min.js"></script>
<script>
window.onerror = function (m) { document.getElementById('out').textContent = JSON.stringify({ error: String(m) }); };
var c = new AdaptiveCards.AdaptiveCard();
c.parse(${JSON.stringify(parsed).replace(/</g, '\\u003c')});
var el = c.render();
document.getElementById('card').appendChild(el);
document.getElementById('out').textContent = JSON.stringify({ scrollWidth: el.scrollWidth, width: ${width}, title: document.title, text: el.innerText, links: Array.from(el.querySelectorAll('a')).map(function (a) { return a.getAttribute('href'); }), scripts: 0, buttons: Array.from(el.querySelectorAll('button')).map(function (b) { return b.innerText; }) });
</script></body></html>`,
      );
      const dom = chromium(['--virtual-time-budget=10000', '--dump-dom', `file://${file}`]);
      const seen = JSON.parse(unescape(/<pre id="out">([\s\S]*?)<\/pre>/.exec(dom)![1]!)) as Measured & {
        buttons: string[];
      };
      expect((seen as { error?: string }).error).toBeUndefined();
      expect(seen.text).toContain('New high-severity workload identity drift');
      expect(seen.text).toContain('[Sign in](https://evil.example)'); // Markdown stays text in a TextRun
      expect(seen.links).not.toContain('https://evil.example');
      expect(seen.text).not.toMatch(DECEPTIVE);
      expect(seen.text).toContain('\ufffdgpj.exe\ufffd\ufffd');
      expect(seen.buttons).toEqual(expect.arrayContaining(['Open Access control (IAM)']));
      expect(seen.scrollWidth).toBeLessThanOrEqual(width);
      screenshot(file, width);
    },
    120_000,
  );
});
