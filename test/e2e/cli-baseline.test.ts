import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Command } from 'commander';
import { wimon } from '../support/cli';
import { buildProgram } from '../../shared/cli/main';
import { processIo } from '../../shared/cli/io';
import { positionOf, replaceOnce, sampleBaselineText } from '../support/sample';
import { testPrefix } from '../support/tables';

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wimon-cli-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('wimon baseline (CLI, built, separate process)', () => {
  it('validates the contoso sample', () => {
    const r = wimon(['baseline', 'validate', 'examples/contoso/baseline.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid \(16 identities, 2 exemptions, 2 Key Vault routes\)/);
  });

  it('rejects a broken copy with file:line:col messages and a non-zero exit', () => {
    let text = replaceOnce(sampleBaselineText(), 'owners: [carol@contoso.com]', 'owners: [carol]');
    text = replaceOnce(text, 'objectId: 10000000-0000-4000-8000-000000000004', 'objectId: nope');
    const file = tempFile('broken.yaml', text);
    const r = wimon(['baseline', 'validate', file]);
    expect(r.code).toBe(1);
    const email = positionOf(text, 'carol]');
    const guid = positionOf(text, 'nope');
    expect(r.stderr).toContain(
      `${file}:${email.line}:${email.col} identities[2].owners[0]: must be an email address`,
    );
    expect(r.stderr).toContain(`${file}:${guid.line}:${guid.col} identities[3].objectId: must be a GUID`);
    expect(r.stderr).toMatch(/2 problems; the baseline is not valid/);
  });

  it('explains a missing file and missing storage configuration', () => {
    expect(wimon(['baseline', 'validate', 'nope.yaml']).stderr).toMatch(
      /cannot read baseline file nope.yaml: ENOENT/,
    );
    const r = wimon(['baseline', 'show'], { WIMON_STORAGE_CONNECTION_STRING: '', WIMON_TABLE_ENDPOINT: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no Table Storage configured: set WIMON_TABLE_ENDPOINT/);
  });

  it('plan → apply → show round-trips through Azurite, and a stale apply is refused', () => {
    const env = {
      WIMON_STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      WIMON_TABLE_PREFIX: testPrefix(),
    };
    const plan = wimon(['baseline', 'plan', 'examples/contoso/baseline.yaml'], env);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Stored baseline: none yet');
    expect(plan.stdout).toContain('+ payments-api (new)');
    expect(plan.stdout).toContain('--expect-sequence 0');

    const apply = wimon(
      ['baseline', 'apply', 'examples/contoso/baseline.yaml', '--actor', 'platform@contoso.com'],
      env,
    );
    expect(apply.stderr).toBe('');
    expect(apply.stdout).toMatch(/Applied .* as sequence 1 \(identities \+16/);

    const shown = wimon(['baseline', 'show'], env);
    expect(shown.code).toBe(0);
    const file = tempFile('shown.yaml', shown.stdout);
    expect(wimon(['baseline', 'validate', file]).code).toBe(0);
    const replan = wimon(['baseline', 'plan', file], env);
    expect(replan.stdout).toContain('No changes: the stored baseline already matches this file.');

    const stale = wimon(
      ['baseline', 'apply', 'examples/contoso/baseline.yaml', '--expect-sequence', '0'],
      env,
    );
    expect(stale.code).toBe(3);
    expect(stale.stderr).toMatch(/conflict: the stored baseline changed since it was planned/);

    const history = wimon(['baseline', 'history', '--json'], env);
    expect(JSON.parse(history.stdout)).toEqual([
      expect.objectContaining({ sequence: 1, appliedBy: 'platform@contoso.com' }),
    ]);
  });

  it('has --help on every command', () => {
    const paths: string[][] = [[]];
    const walk = (cmd: Command, prefix: string[]): void => {
      for (const sub of cmd.commands) {
        paths.push([...prefix, sub.name()]);
        walk(sub, [...prefix, sub.name()]);
      }
    };
    walk(buildProgram(processIo()), []);
    expect(paths.length).toBeGreaterThan(10);
    for (const args of paths) {
      const r = wimon([...args, '--help']);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: wimon/);
      expect(r.stdout.length).toBeGreaterThan(60);
    }
  });
});
