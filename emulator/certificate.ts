/**
 * A self-signed certificate for the emulator: the Azure SDKs refuse to send bearer tokens over
 * plain HTTP, so the emulator speaks HTTPS. Node only trusts extra CAs given through
 * NODE_EXTRA_CA_CERTS *before* the process starts, so the certificate is kept in a fixed
 * per-user folder and reused: the test setup and the CLI point NODE_EXTRA_CA_CERTS at it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import selfsigned from 'selfsigned';

export interface EmulatorCertificate {
  key: string;
  cert: string;
  certPath: string;
}

export function defaultCertificateDir(): string {
  return path.join(os.tmpdir(), `wimon-emulator-${os.userInfo().uid}`);
}

export function ensureEmulatorCertificate(dir = defaultCertificateDir()): EmulatorCertificate {
  const keyPath = path.join(dir, 'emulator.key');
  const certPath = path.join(dir, 'emulator.crt');
  if (existsSync(keyPath) && existsSync(certPath)) {
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pems = selfsigned.generate([{ name: 'commonName', value: 'wimon local Azure emulator' }], {
    days: 3650,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  // Write the key first and the certificate last: a reader that sees the certificate sees both.
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  return { key: pems.private, cert: pems.cert, certPath };
}
