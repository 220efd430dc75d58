/**
 * `wimon record` (issue 20, in part): the emulator serving contoso recorded through the monitor's
 * own readers, then replayed with --fixture: the same findings (keys, rules, severities), from a
 * recording that holds no secret value.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../shared/errors';
import { wimon } from '../support/cli';

interface Finding {
  key: string;
  ruleId: string;
  severity: string;
  state: string;
}
const scan = (fixture: string) => {
  const r = wimon(['scan', '--fixture', fixture, '--baseline', 'examples/contoso/baseline.yaml', '--json']);
  expect(r.code).toBe(EXIT.ok);
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings
    .map((f) => `${f.key} ${f.ruleId} ${f.severity} ${f.state}`)
    .sort();
};
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });

describe('wimon record', () => {
  it('records the contoso emulator into a fixture that replays to the same findings', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'wimon-record-'));
    const r = wimon(['record', '--fixture', 'examples/contoso', '--out', out]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/^Recorded 16 identities and \d+ role assignments from \d+ requests into /);
    const original = scan('examples/contoso');
    expect(original.length).toBeGreaterThan(20);
    expect(scan(out)).toEqual(original);
    // Nothing that could be a secret value: Graph never returns one to a reader, and the writer drops the fields anyway.
    for (const file of filesUnder(out)) expect(readFileSync(file, 'utf8')).not.toMatch(/"(secretText|key)":/);
  });

  it('refuses to record a partial read, in the API’s words, and writes nothing', () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'wimon-record-')), 'rec');
    const r = wimon([
      'record',
      '--fixture',
      'examples/contoso',
      '--out',
      out,
      '--faults',
      'graph:servicePrincipals:403:always',
    ]);
    expect(r.code).toBe(EXIT.incomplete);
    expect(r.stderr).toMatch(/cannot record a partial read:\n {2}directory \(HTTP 403/);
    expect(() => readdirSync(out)).toThrow();
  });
});

describe('wimon record with the sign-in logs', () => {
  it('records sign-in rows that give the dormancy check the same answer on replay', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'wimon-record-'));
    expect(
      wimon([
        'record',
        '--fixture',
        'examples/contoso',
        '--out',
        out,
        '--baseline',
        'examples/contoso/baseline.yaml',
      ]).code,
    ).toBe(EXIT.ok);
    const dormancy = (fixture: string) => {
      const r = wimon([
        'dormancy',
        '--fixture',
        fixture,
        '--baseline',
        'examples/contoso/baseline.yaml',
        '--json',
      ]);
      expect(r.code).toBe(EXIT.ok);
      return (JSON.parse(r.stdout) as { findings: Finding[] }).findings
        .map((f) => `${f.key} ${f.ruleId} ${f.severity}`)
        .sort();
    };
    const original = dormancy('examples/contoso');
    expect(original.length).toBeGreaterThan(3);
    expect(dormancy(out)).toEqual(original);
  });
});

describe('wimon record --redact', () => {
  it('replays to the same rules and severities with its redacted baseline, and no original name, mail or UPN is left in any file', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'wimon-record-'));
    const baseline = 'examples/contoso/baseline.yaml';
    expect(
      wimon(['record', '--fixture', 'examples/contoso', '--out', out, '--baseline', baseline, '--redact'])
        .code,
    ).toBe(EXIT.ok);
    const rules = (fixture: string, file: string) => {
      const r = wimon(['scan', '--fixture', fixture, '--baseline', file, '--json']);
      expect(r.stderr).toBe('');
      return (JSON.parse(r.stdout) as { findings: Finding[] }).findings
        .map((f) => `${f.ruleId} ${f.severity} ${f.state}`)
        .sort();
    };
    expect(rules(out, path.join(out, 'baseline.yaml'))).toEqual(rules('examples/contoso', baseline));

    // What the tenant chose, from the original fixture: display names (not Microsoft's own), mail addresses, UPNs.
    const read = (rel: string) =>
      JSON.parse(readFileSync(path.join('examples/contoso', rel), 'utf8')) as {
        value: Array<Record<string, unknown>>;
      };
    const chosen = new Set<string>();
    for (const rel of [
      'graph/v1.0/applications.json',
      'graph/v1.0/servicePrincipals.json',
      'graph/v1.0/users.json',
    ])
      for (const o of read(rel).value) {
        if (
          o.appOwnerOrganizationId === 'f8cdef31-a31e-4b4a-93e4-5f571e91255a' &&
          o.appId === '00000003-0000-0000-c000-000000000000'
        )
          continue;
        for (const k of ['displayName', 'mail', 'userPrincipalName'])
          if (typeof o[k] === 'string') chosen.add(o[k] as string);
      }
    for (const m of readFileSync(baseline, 'utf8').matchAll(/[\w.+-]+@[\w.-]+\.\w+/g)) chosen.add(m[0]);
    expect(chosen.size).toBeGreaterThan(20);
    const leaks: string[] = [];
    for (const file of filesUnder(out)) {
      const text = `${path.relative(out, file)}\n${readFileSync(file, 'utf8')}`;
      for (const c of chosen) if (text.includes(c)) leaks.push(`${path.relative(out, file)}: ${c}`);
    }
    expect(leaks).toEqual([]);
  });
});
