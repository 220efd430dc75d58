/** `wimon findings` says what is true: nothing ran yet, or exactly the findings of the state asked for. */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../shared/errors';
import { contosoBaselineApplied, wimon } from '../support/cli';

describe('wimon findings', () => {
  it('before any scan: says no scan has run (not "the tenant matches the baseline")', () => {
    const env = contosoBaselineApplied();
    const r = wimon(['findings'], env);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout.trim()).toBe(
      'No scan has run yet: run `wimon scan` (or `wimon scan --fixture DIR` to try a recorded tenant).',
    );
    expect(r.stdout).not.toContain('matches the baseline');
  });

  it('after a scan: --state exempted lists exactly the exempted ones; --state resolved says there are none', () => {
    const env = contosoBaselineApplied();
    expect(wimon(['scan', '--fixture', 'examples/contoso'], env).code).toBe(EXIT.ok);
    const stored = JSON.parse(wimon(['findings', '--json'], env).stdout) as Array<{
      state: string;
      ruleId: string;
    }>;
    const exempted = stored.filter((f) => f.state === 'exempted');
    expect(exempted.length).toBeGreaterThan(0);
    const r = wimon(['findings', '--state', 'exempted'], env);
    expect(r.stdout).toContain(`EXEMPTED (${exempted.length})`);
    expect(r.stdout).not.toMatch(/^(CRITICAL|HIGH|MEDIUM|LOW) \(/m);
    const resolved = wimon(['findings', '--state', 'resolved'], env);
    expect(resolved.stdout.trim()).toMatch(/^No resolved findings \(last reconcile \d{4}-\d\d-\d\dT/);
    const open = wimon(['findings', '--state', 'open'], env);
    expect(open.stdout).not.toContain('EXEMPTED');
  });
});

describe('wimon runs', () => {
  it('has a header, a duration, completeness and a legend; says when nothing ran', () => {
    const env = contosoBaselineApplied();
    expect(wimon(['runs'], env).stdout.trim()).toBe('No reconcile run has been recorded yet.');
    expect(wimon(['scan', '--fixture', 'examples/contoso'], env).code).toBe(EXIT.ok);
    expect(
      wimon(['scan', '--fixture', 'examples/contoso', '--faults', 'arm:getEntities:500:always'], env).code,
    ).toBe(EXIT.incomplete);
    const out = wimon(['runs'], { ...env, COLUMNS: '200' }).stdout;
    expect(out).toMatch(/started \(UTC\).*took.*read.*open.*new.*reopened.*resolved.*requests.*Graph RU/);
    // The complete run's resource units, as Graph reported them (the emulator costs every request).
    expect(out).toMatch(/complete +\d+ +\d+ +\d+ +\d+ +\d+ +[1-9]\d*$/m);
    const rows = out.split('\n').filter((l) => /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(l));
    expect(rows).toHaveLength(2);
    // Newest first: the partial one, with its gap counted; then the complete one.
    expect(rows[0]).toMatch(/PARTIAL \(1 gap\)/);
    expect(rows[1]).toMatch(/complete/);
    for (const row of rows) expect(row).toMatch(/\d+\.\d s/);
    expect(out).toContain('read: complete, or PARTIAL with how many scopes or objects could not be read');
  });
});

describe('wimon findings and runs at the terminal width (piped: no colour, no boxes)', () => {
  it.each([80, 120, 200])('COLUMNS=%i: no line is longer; below 120 one block per finding', (columns) => {
    const env = contosoBaselineApplied();
    expect(wimon(['scan', '--fixture', 'examples/contoso'], env).code).toBe(EXIT.ok);
    for (const args of [['findings'], ['runs']]) {
      const r = wimon(args, { ...env, COLUMNS: String(columns) });
      expect(r.code).toBe(EXIT.ok);
      const lines = r.stdout.split('\n');
      expect(Math.max(...lines.map((l) => [...l].length)), r.stdout).toBeLessThanOrEqual(columns);
      expect(r.stdout).not.toMatch(/[─│┌┐└┘]/); // not a terminal: no box drawing
      // eslint-disable-next-line no-control-regex -- ANSI escapes are the point
      expect(r.stdout).not.toMatch(/\u001b\[/);
    }
    const findings = wimon(['findings'], { ...env, COLUMNS: String(columns) }).stdout;
    const blocks = findings.split('\n').filter((l) => /^(CRITICAL|HIGH|MEDIUM|LOW) · /.test(l));
    if (columns < 120) expect(blocks.length).toBeGreaterThan(10);
    else expect(blocks).toEqual([]);
  });
});

describe('wimon scan --html and wimon report write the findings dashboard', () => {
  it('scan --html includes what each identity holds; report rebuilds it from the stored findings and runs', () => {
    const env = contosoBaselineApplied();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wimon-report-'));
    const scanned = path.join(dir, 'scan.html');
    expect(wimon(['scan', '--fixture', 'examples/contoso', '--html', scanned], env).code).toBe(EXIT.ok);
    const fromScan = readFileSync(scanned, 'utf8');
    expect(fromScan).toContain('What it holds (');
    expect(fromScan).toMatch(/Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
    expect(fromScan).not.toMatch(/<(link|img|iframe)\b|src="http|href="\/\//);
    expect(wimon(['scan', '--fixture', 'examples/contoso'], env).code).toBe(EXIT.ok);
    const reported = path.join(dir, 'report.html');
    const r = wimon(['report', '--out', reported], env);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/^Wrote .*report\.html \(\d+ findings, 2 runs in the trend\)\./);
    const html = readFileSync(reported, 'utf8');
    expect(html).toContain('Open findings over the last 2 reconciles');
    expect(html.match(/<tr class="finding"/g)?.length).toBe(fromScan.match(/<tr class="finding"/g)?.length);
  });
});
