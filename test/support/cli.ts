import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, inject } from 'vitest';
import { ROOT } from './sample';
import { testPrefix } from './tables';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `wimon` exactly as a user would (a separate Node process). */
export function wimon(args: string[], env: Record<string, string> = {}, cwd = ROOT): CliResult {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'wimon.js'), ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** The env for `wimon` on a fresh table prefix of the tests' Azurite, with the contoso baseline applied. */
export function contosoBaselineApplied(): Record<string, string> {
  const env = {
    WIMON_STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
    WIMON_TABLE_PREFIX: testPrefix(),
  };
  expect(wimon(['baseline', 'apply', 'examples/contoso/baseline.yaml'], env).code).toBe(0);
  return env;
}
