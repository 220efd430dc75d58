/**
 * Starts the real Azurite table service (from the `azurite` npm package) in memory on a free
 * loopback port. Used by the tests and by `wimon demo`; never by the deployed app.
 * Port 10002 may be taken on a shared machine, so we always pick our own port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

/** The well-known Azurite development account; it is public and grants nothing outside a local emulator. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningAzurite {
  port: number;
  connectionString: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('could not read the port of a probe socket'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

export function azuriteConnectionString(port: number): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`
  );
}

function azuriteTableMain(): string {
  let pkg: string;
  try {
    pkg = require.resolve('azurite/package.json');
  } catch {
    throw new Error(
      'The local Table Storage emulator (npm package "azurite") is not installed. Run `npm ci` in the project folder first.',
    );
  }
  return path.join(path.dirname(pkg), 'dist', 'src', 'table', 'main.js');
}

async function launch(port: number): Promise<{ child: ChildProcess; ready: Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      azuriteTableMain(),
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--loose',
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(port),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const ready = new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Azurite did not start within 20 s: ${output}`)), 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('successfully started')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code} before it started: ${output.trim()}`));
    });
  });
  return { child, ready };
}

export async function startAzurite(): Promise<RunningAzurite> {
  // Another process may grab the probed port between probe and bind: retry a few times.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const { child, ready } = await launch(port);
    try {
      await ready;
    } catch (error) {
      lastError = error;
      child.kill();
      continue;
    }
    child.stdout?.removeAllListeners('data');
    child.stderr?.removeAllListeners('data');
    child.stdout?.resume();
    child.stderr?.resume();
    return {
      port,
      connectionString: azuriteConnectionString(port),
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            resolve();
            return;
          }
          child.once('exit', () => resolve());
          child.kill();
        }),
    };
  }
  throw lastError instanceof Error ? lastError : new Error('Azurite could not be started');
}
