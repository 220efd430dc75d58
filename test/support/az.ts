/**
 * Debian's Azure CLI (a client we did not write) pointed at the emulator, as ../shared/PLATFORM.md
 * describes: a custom cloud registered from a config file, managed-identity tokens from a local
 * MSI endpoint (az 2.45 reads MSI_ENDPOINT; the token is an unsigned JWT carrying `tid`), the
 * emulator's certificate through REQUESTS_CA_BUNDLE, and a private AZURE_CONFIG_DIR.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureEmulatorCertificate } from '../../emulator/certificate';
import type { RunningEmulator } from '../../emulator/server';
import { ROOT } from './sample';

export const AZ_INSTALL = "sudo sh -c 'apt-get update -qq && apt-get install -y -qq azure-cli'";

/** Fails (never skips) when `az` is missing, saying how to install it. */
export function requireAz(): void {
  if (spawnSync('sh', ['-c', 'command -v az'], { stdio: 'ignore' }).status !== 0)
    throw new Error(`the Azure CLI conformance tests need Debian's azure-cli: ${AZ_INSTALL}`);
}

export interface AzResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface AzHarness {
  az(...args: string[]): Promise<AzResult>;
  /** `az … -o json` parsed; throws with az's own words when it fails. */
  json<T>(...args: string[]): Promise<T>;
  stop(): Promise<void>;
}

export async function azAgainst(emulator: RunningEmulator): Promise<AzHarness> {
  const tid = emulator.fixture.manifest.tenantId;
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const msi = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const resource = new URLSearchParams(body || (req.url ?? '').split('?')[1] || '').get('resource') ?? '';
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        tid,
        oid: 'f0000000-0000-4000-8000-00000000000f',
        aud: resource,
        iat: now,
        nbf: now,
        exp: now + 3600,
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          access_token: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
          expires_in: '3600',
          expires_on: String(now + 3600),
          not_before: String(now),
          resource,
          token_type: 'Bearer',
        }),
      );
    });
  });
  await new Promise<void>((resolve) => msi.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wimon-az-'));
  const env = {
    ...process.env,
    AZURE_CONFIG_DIR: dir,
    REQUESTS_CA_BUNDLE: ensureEmulatorCertificate().certPath,
    MSI_ENDPOINT: `http://127.0.0.1:${(msi.address() as AddressInfo).port}/msi/token`,
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_CORE_ONLY_SHOW_ERRORS: 'true',
    // Test-only: Debian's az 2.45 `role` commands need an alias its packaged SDK lacks.
    PYTHONPATH: path.join(ROOT, 'test', 'support', 'az-shim'),
  };
  const az = (...args: string[]) =>
    new Promise<AzResult>((resolve) => {
      // Asynchronous: the emulator and the MSI endpoint answer from this process's event loop.
      const child = spawn('az', args, { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  const cloud = {
    endpoints: {
      management: `${emulator.endpoints.arm}/`,
      resourceManager: `${emulator.endpoints.arm}/`,
      activeDirectory: 'https://127.0.0.1',
      activeDirectoryResourceId: `${emulator.endpoints.arm}/`,
      activeDirectoryGraphResourceId: `${emulator.endpoints.graph}/`,
      microsoftGraphResourceId: `${emulator.endpoints.graph}/`,
    },
    suffixes: { keyvaultDns: '.vault.azure.net', storageEndpoint: 'core.windows.net' },
  };
  writeFileSync(path.join(dir, 'cloud.json'), JSON.stringify(cloud));
  const must = async (...args: string[]) => {
    const r = await az(...args);
    if (r.code !== 0) throw new Error(`az ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r;
  };
  await must(
    'cloud',
    'register',
    '-n',
    'WimonEmulator',
    '--cloud-config',
    `@${path.join(dir, 'cloud.json')}`,
  );
  await must('cloud', 'set', '-n', 'WimonEmulator');
  await must('login', '--identity', '--allow-no-subscriptions');
  return {
    az,
    json: async <T>(...args: string[]) => JSON.parse((await must(...args, '-o', 'json')).stdout) as T,
    stop: () => new Promise<void>((resolve) => msi.close(() => resolve())),
  };
}
