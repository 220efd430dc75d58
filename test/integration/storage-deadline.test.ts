/**
 * Table Storage that never answers, or refuses, must stop a call within its deadline with one
 * error naming Table Storage, the endpoint and the setting (exit 6), never hang or surface as a
 * bare `socket hang up`. Through the real SDK against real sockets: a TCP listener that accepts and
 * stays silent, one that answers the headers and then stalls the body, and a closed port.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FindingStore } from '../../shared/findings/store';
import { BaselineStore } from '../../shared/baseline/store';
import { StorageUnavailableError, Tables } from '../../shared/storage/tables';
import { exitCodeOf, EXIT } from '../../shared/errors';
import { AZURITE_ACCOUNT, AZURITE_KEY } from '../../emulator/azurite';

const connection = (port: number) =>
  `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`;

function listen(
  onSocket: (socket: net.Socket) => void,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}

/** A closed port: bound once to learn a free number, then released. */
async function closedPort(): Promise<number> {
  const l = await listen(() => undefined);
  await l.close();
  return l.port;
}

const DEADLINE = { tryTimeoutMs: 400, maxRetries: 1, retryDelayInMs: 50 };

describe('Table Storage with a deadline', () => {
  let silent: Awaited<ReturnType<typeof listen>>;
  let stalling: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    silent = await listen(() => undefined); // accepts, reads, never answers
    stalling = await listen((socket) =>
      socket.once('data', () =>
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"va'),
      ),
    );
  });
  afterAll(async () => {
    await silent.close();
    await stalling.close();
  });

  const cases: Array<[string, () => number, RegExp]> = [
    ['accepts and never answers', () => silent.port, /did not answer within 0\.4 s, 2 tries/],
    [
      'answers the headers, then stalls the body',
      () => stalling.port,
      /did not answer within 0\.4 s, 2 tries/,
    ],
  ];
  it.each(cases)(
    '%s: the call fails within its deadline, naming storage, endpoint and setting',
    async (_, port, what) => {
      const tables = new Tables({
        connectionString: connection(port()),
        prefix: 'deadline',
        deadline: DEADLINE,
      });
      const started = performance.now();
      const error = await new FindingStore(tables).list({ state: 'open' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(StorageUnavailableError);
      expect(exitCodeOf(error)).toBe(EXIT.failed);
      const message = (error as Error).message;
      expect(message).toMatch(what);
      expect(message).toContain(`Table Storage at http://127.0.0.1:${port()}`);
      expect(message).toContain('WIMON_STORAGE_CONNECTION_STRING');
      expect(message).not.toContain(AZURITE_KEY);
      // Two tries of 0.4 s and one 50 ms back-off (the SDK adds jitter): well under 3 s.
      expect(elapsed).toBeGreaterThanOrEqual(800);
      expect(elapsed).toBeLessThan(3_000);
    },
  );

  it('a refused connection says so, after the same tries', async () => {
    const port = await closedPort();
    const tables = new Tables({ connectionString: connection(port), prefix: 'deadline', deadline: DEADLINE });
    const error = await new BaselineStore(tables).current().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Table Storage at http://127\\.0\\.0\\.1:${port} refused the connection, 2 tries: check WIMON_STORAGE_CONNECTION_STRING`,
      ),
    );
  });

  it('an endpoint with a managed identity names WIMON_TABLE_ENDPOINT', async () => {
    const tables = new Tables({
      endpoint: `https://127.0.0.1:${silent.port}`,
      credential: { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 3_600_000 }) },
      prefix: 'deadline',
      deadline: DEADLINE,
    });
    const error = await new FindingStore(tables).list({ state: 'open' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as Error).message).toContain('WIMON_TABLE_ENDPOINT');
  });
});
