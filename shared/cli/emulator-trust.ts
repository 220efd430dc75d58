/**
 * Node reads NODE_EXTRA_CA_CERTS only at start-up, so a command that talks to the local emulator
 * re-runs itself once with the emulator's certificate trusted. The parent only waits: it passes
 * SIGINT and SIGTERM on to the child, so stopping `wimon` never leaves a child running.
 */
import { spawn } from 'node:child_process';
import { ensureEmulatorCertificate } from '../../emulator/certificate';

export function needsEmulatorTrust(argv: readonly string[]): boolean {
  // `wimon emulator` serves the emulator; it is not a client of it.
  if (argv[0] === 'emulator') return false;
  return argv.includes('--fixture') || argv.some((a) => a.startsWith('--fixture=')) || argv[0] === 'demo';
}

/** The child's exit code when it re-ran itself, undefined when this process already trusts the emulator. */
export async function rerunTrustingEmulator(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number | undefined> {
  const { certPath } = ensureEmulatorCertificate();
  if (env.NODE_EXTRA_CA_CERTS === certPath) return undefined;
  const script = process.argv[1];
  if (!script) return undefined;
  // Node's own flags (e.g. the benchmark's --expose-gc, a heap limit) go to the re-run as well.
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
    stdio: 'inherit',
    env: { ...env, NODE_EXTRA_CA_CERTS: certPath },
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      // A child ended by a signal exits as a shell would report it: 128 + the signal's number.
      child.once('exit', (code, signal) =>
        resolve(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1)),
      );
    });
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}
