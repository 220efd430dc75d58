/**
 * `wimon emulator` for a client configured once (fixed ports) and stopped cleanly; and a command
 * that re-runs itself to trust the emulator passes SIGTERM on, so no child is left running.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../shared/errors';
import { ROOT } from '../support/sample';
import { wimon } from '../support/cli';

const WIMON = path.join(ROOT, 'bin', 'wimon.js');
const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
const output = (child: ChildProcess, text: string) =>
  new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) resolve(seen);
    });
    child.once('exit', () => reject(new Error(`exited before printing '${text}': ${seen}`)));
  });
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('wimon emulator', () => {
  it('--port N serves ARM on N and Graph on N+1, and SIGTERM stops it with exit 0', async () => {
    const port = 20_000 + (process.pid % 20_000);
    const child = spawn(
      process.execPath,
      [WIMON, 'emulator', '--fixture', 'examples/contoso', '--port', String(port)],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    const end = exited(child);
    const printed = await output(child, 'Ctrl+C stops it');
    expect(printed).toContain(`WIMON_ARM_ENDPOINT=https://127.0.0.1:${port}`);
    expect(printed).toContain(`WIMON_GRAPH_ENDPOINT=https://127.0.0.1:${port + 1}`);
    const r = await fetch(`https://127.0.0.1:${port + 1}/v1.0/applications?$top=1`, {
      headers: { authorization: 'Bearer test' },
    });
    expect(r.status).toBe(200);
    child.kill('SIGTERM');
    expect(await end).toEqual({ code: EXIT.ok, signal: null });
    await expect(fetch(`https://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('--port that is not a port is a usage error', () => {
    const r = wimon(['emulator', '--fixture', 'examples/contoso', '--port', 'http']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("--port must be a port number between 1 and 65530, got 'http'");
  });

  it('SIGTERM to a command that re-ran itself to trust the emulator reaches the child too', async () => {
    // Role definitions failing on every try keep the scan busy with retries for several seconds.
    const parent = spawn(
      process.execPath,
      [
        WIMON,
        'scan',
        '--fixture',
        'examples/contoso',
        '--baseline',
        'examples/contoso/baseline.yaml',
        '--faults',
        'arm:roleDefinitions:500:always',
      ],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', NODE_EXTRA_CA_CERTS: '' } },
    );
    const end = exited(parent);
    let childPid: number | undefined;
    for (let i = 0; i < 50 && childPid === undefined; i++) {
      await new Promise((r) => setTimeout(r, 100));
      // The re-run itself (not a helper the parent may run first, such as openssl for the certificate).
      const ps = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(parent.pid)], { encoding: 'utf8' });
      const line = ps.stdout.split('\n').find((l) => l.includes('wimon.js'));
      childPid = line ? Number(line.trim().split(/\s+/)[0]) || undefined : undefined;
    }
    expect(childPid).toBeDefined();
    parent.kill('SIGTERM');
    const { code } = await end;
    expect(code).toBe(143); // the child's end, reported as a shell would
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(childPid!)).toBe(false);
  });
});
