// Rotates the attestation link key: `node infra/hooks/rotate-attestation-key.mjs`, then `azd provision`.
// Writes a new version of the vault's attestation-key secret (from a file, never on a command line)
// and keeps the version before it in the azd environment (WIMON_ATTESTATION_PREVIOUS_KEY_VERSION):
// the next provision gives the app that version as WIMON_ATTESTATION_PREVIOUS_KEY, so links already
// in inboxes keep working for their 14 days. After those 14 days:
// `azd env set WIMON_ATTESTATION_PREVIOUS_KEY_VERSION ""` and `azd provision`. Needs Key Vault
// Secrets Officer on the vault (data plane; Owner alone cannot write secrets).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { azdEnvSet, azMust, hook, isEntryPoint, required } from './azure-cli.mjs';

export function main() {
  const vault = required('WIMON_VAULT_NAME');
  const current = azMust(
    [
      'keyvault',
      'secret',
      'show',
      '--vault-name',
      vault,
      '--name',
      'attestation-key',
      '--query',
      'id',
      '-o',
      'tsv',
    ],
    "reading the current key's version",
  );
  const previousVersion = current.split('/').pop();
  const dir = mkdtempSync(path.join(tmpdir(), 'wimon-key-'));
  const file = path.join(dir, 'key');
  try {
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
    azMust(
      [
        'keyvault',
        'secret',
        'set',
        '--vault-name',
        vault,
        '--name',
        'attestation-key',
        '--file',
        file,
        '--encoding',
        'utf-8',
        '--content-type',
        'HMAC key for attestation links',
        '-o',
        'none',
      ],
      'writing the new key',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  azdEnvSet('WIMON_ATTESTATION_PREVIOUS_KEY_VERSION', previousVersion);
  console.log(
    `new attestation key written; version ${previousVersion} kept as the previous key. Run azd provision now, and in 14 days clear WIMON_ATTESTATION_PREVIOUS_KEY_VERSION and provision again.`,
  );
}

if (isEntryPoint(import.meta.url)) hook('rotate-attestation-key', main);
