/**
 * Starts one real Azurite (in memory, free port) for the whole run; each test isolates itself
 * with its own table prefix. Nothing needs to be running before `npm test`.
 */
import type { TestProject } from 'vitest/node';
import { startAzurite, type RunningAzurite } from '../../emulator/azurite';
import { ensureEmulatorCertificate } from '../../emulator/certificate';

declare module 'vitest' {
  export interface ProvidedContext {
    azuriteConnectionString: string;
  }
}

let azurite: RunningAzurite | undefined;

export async function setup(project: TestProject): Promise<void> {
  // Node reads extra CAs only at start-up: set it here, before the test workers are forked, so
  // the real SDK clients in the workers trust the emulator's self-signed certificate.
  process.env.NODE_EXTRA_CA_CERTS = ensureEmulatorCertificate().certPath;
  azurite = await startAzurite();
  project.provide('azuriteConnectionString', azurite.connectionString);
}

export async function teardown(): Promise<void> {
  await azurite?.stop();
}
