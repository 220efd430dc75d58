import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { wimon } from '../support/cli';
import { testPrefix } from '../support/tables';

describe('wimon baseline export --fixture examples/contoso', () => {
  it('drafts a baseline whose only problems are owner placeholders; once filled, the tenant shows no role, federated-credential or app-role drift', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wimon-export-'));
    const draft = path.join(dir, 'draft.yaml');
    const exported = wimon(['baseline', 'export', '--fixture', 'examples/contoso', '--out', draft]);
    expect(exported.stderr).toBe('');
    expect(exported.stdout).toMatch(/draft baseline with 16 identities/);

    const invalid = wimon(['baseline', 'validate', draft]);
    expect(invalid.code).toBe(1);
    const problems = invalid.stderr
      .split('\n')
      .filter((l) => /^\S+:\d+:\d+ /.test(l.replace(/^wimon: /, '')));
    expect(problems.length).toBeGreaterThan(0);
    const text = readFileSync(draft, 'utf8');
    const lines = text.split('\n');
    for (const p of problems) {
      expect(p).toMatch(/owner placeholder: replace OWNER-REQUIRED/);
      const line = Number(/:(\d+):\d+ /.exec(p)![1]);
      expect(lines[line - 1]).toContain('OWNER-REQUIRED'); // the message points at the placeholder's line
    }
    expect(problems).toHaveLength(text.split('OWNER-REQUIRED').length - 1 - 1); // every placeholder except the one in the header comment

    const filled = path.join(dir, 'filled.yaml');
    writeFileSync(
      filled,
      text
        .replace(/- OWNER-REQUIRED\n/, '- secops@contoso.com\n')
        .replaceAll('[ OWNER-REQUIRED ]', '[ platform@contoso.com ]'),
    );
    const valid = wimon(['baseline', 'validate', filled]);
    expect(valid.stderr).toBe('');
    expect(valid.code).toBe(0);

    const env = {
      WIMON_STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      WIMON_TABLE_PREFIX: testPrefix(),
    };
    const scan = wimon(['scan', '--fixture', 'examples/contoso', '--baseline', filled, '--json'], env);
    expect(scan.code).toBe(0);
    const rules = (JSON.parse(scan.stdout) as { findings: Array<{ ruleId: string }> }).findings.map(
      (f) => f.ruleId,
    );
    const drift = [
      'role.unexpected',
      'role.missing',
      'role.scope-broader',
      'fic.unexpected',
      'fic.missing',
      'approle.unexpected',
      'identity.unbaselined',
    ];
    expect(rules.filter((r) => drift.includes(r))).toEqual([]);
    // what remains is policy, not drift: e.g. tier-0 permissions and privileged broad roles still show
    expect(rules).toContain('approle.privileged');
    expect(rules).toContain('role.privileged-broad');
  });
});
