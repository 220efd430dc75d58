/**
 * The findings dashboard the demo writes, driven in Debian's Chromium (playwright-core, no
 * browser download): tiles, filters, search and portal links checked against the demo's own
 * findings.json; no console errors (its Content-Security-Policy must allow its own script and
 * style); screenshots at 400 and 1280 px in test/output/dashboard.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { realClockEnv } from '../support/real-clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wimon } from '../support/cli';
import { ROOT } from '../support/sample';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = path.join(ROOT, 'test', 'output', 'dashboard');

interface JsonFinding {
  ruleId: string;
  severity: string;
  state: string;
  identity: { name: string | null; displayName: string | null; objectId: string; appId: string | null };
  target: string;
  message: string;
}

describe('findings dashboard in Chromium (from the demo)', () => {
  let browser: Browser;
  let file: string;
  let findings: JsonFinding[];
  const errors: string[] = [];

  beforeAll(async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'wimon-dashboard-'));
    const r = wimon(['demo', '--out', out], { WIMON_STORAGE_CONNECTION_STRING: '' });
    expect(r.code, r.stderr).toBe(0);
    file = path.join(out, 'findings.html');
    findings = (
      JSON.parse(readFileSync(path.join(out, 'findings.json'), 'utf8')) as { findings: JsonFinding[] }
    ).findings;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu'],
      env: realClockEnv(),
    });
    mkdirSync(OUTPUT, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  const open = async (width: number): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${file}`);
    return page;
  };
  const nameOf = (f: JsonFinding) => f.identity.name ?? f.identity.displayName ?? f.identity.objectId;
  const visibleRows = (page: Page) => page.locator('tr.finding:not(.hidden)');

  it('tiles show the counts of the demo’s findings.json', async () => {
    const page = await open(1280);
    for (const severity of ['critical', 'high', 'medium', 'low']) {
      const expected = findings.filter((f) => f.state === 'open' && f.severity === severity).length;
      expect(await page.locator(`[data-tile="${severity}"] b`).textContent(), severity).toBe(
        String(expected),
      );
    }
    expect(await page.locator('[data-tile="exempted"] b').textContent()).toBe(
      String(findings.filter((f) => f.state === 'exempted').length),
    );
    expect(await visibleRows(page).count()).toBe(findings.length);
    expect(await page.locator('#shown').textContent()).toBe(
      `Showing ${findings.length} of ${findings.length} findings`,
    );
    await page.close();
  });

  it('filtering by severity, by identity and the search box change the visible rows as expected', async () => {
    const page = await open(1280);
    await page.selectOption('#f-severity', 'critical');
    expect(await visibleRows(page).count()).toBe(findings.filter((f) => f.severity === 'critical').length);
    await page.selectOption('#f-severity', '');
    await page.selectOption('#f-identity', 'payments-ci');
    const own = findings.filter((f) => nameOf(f) === 'payments-ci');
    expect(own.length).toBeGreaterThan(1);
    expect(await visibleRows(page).count()).toBe(own.length);
    expect(await page.locator('section.identity:not(.hidden)').count()).toBe(1);
    await page.selectOption('#f-identity', '');
    await page.fill('#q', 'kv-orders');
    const matching = findings.filter((f) =>
      `${f.ruleId} ${f.message} ${f.target} ${nameOf(f)}`.toLowerCase().includes('kv-orders'),
    );
    expect(matching.length).toBeGreaterThan(0);
    expect(await visibleRows(page).count()).toBe(matching.length);
    await page.fill('#q', 'no-such-thing-anywhere');
    expect(await visibleRows(page).count()).toBe(0);
    expect(await page.locator('#shown').textContent()).toBe(`Showing 0 of ${findings.length} findings`);
    await page.close();
  });

  it('each finding links to where it is fixed: IAM for a role, Certificates & secrets, Federated credentials', async () => {
    const page = await open(1280);
    const href = (rule: string, identity: string) =>
      page
        .locator(`tr.finding[data-rule="${rule}"][data-identity="${identity}"] a.fix`)
        .first()
        .getAttribute('href');
    expect(await href('role.unexpected', 'orders-worker')).toBe(
      'https://portal.azure.com/#@/resource/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-orders/users',
    );
    const cred = findings.find((f) => f.ruleId === 'credential.expiring' && f.identity.appId)!;
    expect(await href('credential.expiring', nameOf(cred))).toBe(
      `https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Credentials/appId/${cred.identity.appId}`,
    );
    expect(await href('fic.issuer-untrusted', 'web-frontend')).toMatch(
      /^https:\/\/portal\.azure\.com\/#@\/resource\/subscriptions\/[^/]+\/resourceGroups\/rg-web-dev\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/id-web-frontend\/federatedcredentials$/i,
    );
    await page.close();
  });

  it('no console errors (the CSP allows its own script and style), readable at 400 px; screenshots at 400 and 1280 px', async () => {
    for (const width of [400, 1280]) {
      const page = await open(width);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      // the script ran (it writes the count) under the page's own CSP
      expect(await page.locator('#shown').textContent()).toMatch(/^Showing \d+ of \d+ findings$/);
      await page.screenshot({ path: path.join(OUTPUT, `findings-${width}.png`), fullPage: true });
      await page.close();
    }
    expect(errors).toEqual([]);
  });
});
