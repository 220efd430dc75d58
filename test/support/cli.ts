import { spawn, spawnSync } from 'node:child_process';
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

/**
 * The same without blocking this process (a test that serves sockets itself must keep its event
 * loop free), killed at `deadlineMs`; also says how long it took.
 */
export function wimonAsync(
  args: string[],
  env: Record<string, string> = {},
  deadlineMs = 120_000,
): Promise<CliResult & { ms: number; killed: boolean }> {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'wimon.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, deadlineMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - started, killed });
    }),
  );
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
