/**
 * Node reads NODE_EXTRA_CA_CERTS only at start-up, so a command that talks to the local emulator
 * re-runs itself once with the emulator's certificate trusted.
 */
import { spawnSync } from 'node:child_process';
import { ensureEmulatorCertificate } from '../../emulator/certificate';

export function needsEmulatorTrust(argv: readonly string[]): boolean {
  return argv.includes('--fixture') || argv.some((a) => a.startsWith('--fixture=')) || argv[0] === 'demo';
}

/** Returns the child's exit code when it re-ran itself, undefined when this process already trusts the emulator. */
export function rerunTrustingEmulator(argv: readonly string[], env: NodeJS.ProcessEnv): number | undefined {
  const { certPath } = ensureEmulatorCertificate();
  if (env.NODE_EXTRA_CA_CERTS === certPath) return undefined;
  const script = process.argv[1];
  if (!script) return undefined;
  const child = spawnSync(process.execPath, [script, ...argv], {
    stdio: 'inherit',
    env: { ...env, NODE_EXTRA_CA_CERTS: certPath },
  });
  return child.status ?? 1;
}
