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
