/**
 * Every wait has a deadline, through the CLI as a user runs it:
 * - Graph throttling (every item of a $batch answered 429, for a while or for good) ends: the run
 *   completes once Graph admits the items, or exits 4 after the retry budget naming the gap in
 *   Graph's words; never the pacer's wait for ever (TimeoutOverflowWarning: Infinity).
 * - One transient 500 on a list page or on one $batch item is retried, not reported as partial.
 * - Table Storage that accepts connections and never answers, or refuses them, stops `findings` and
 *   `baseline apply` with exit 6 and a message naming Table Storage, its endpoint and the setting.
 * The deadlines asserted are derived from the budgets, not from what the code measured: Graph's
 * 12 throttled rounds × the drill's 1 s Retry-After, storage's 3 tries × 10 s.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../shared/errors';
import { STORAGE_DEADLINE } from '../../shared/storage/tables';
import { AZURITE_ACCOUNT, AZURITE_KEY } from '../../emulator/azurite';
import { wimonAsync } from '../support/cli';

const CONTOSO = ['--fixture', 'examples/contoso', '--baseline', 'examples/contoso/baseline.yaml', '--json'];
/** Graph's throttled-round budget (graph-reader MAX_THROTTLED_ROUNDS) × the drill's Retry-After, plus start-up. */
const THROTTLE_DEADLINE_MS = 12 * 1_000 + 30_000;

interface Out {
  run: { complete: boolean };
  findings: Array<{ key: string; state: string }>;
}
const openKeys = (o: Out) =>
  o.findings
    .filter((f) => f.state === 'open')
    .map((f) => f.key)
    .sort();

describe('Graph throttling and transient errors end within their budget', () => {
  let clean: Out;
  beforeAll(async () => {
    const r = await wimonAsync(['scan', ...CONTOSO]);
    expect(r.code).toBe(EXIT.ok);
    clean = JSON.parse(r.stdout) as Out;
  }, 60_000);

  it.each([
    ['every appRoleAssignedTo item throttled twice', 'graph:appRoleAssignedTo:429:2'],
    ['the first applications page answering 500 once', 'graph:/applications?:500:1'],
    ['one owners item in a $batch answering 500 once', 'graph:/owners:500:1'],
    ['one owners item answering 502 once', 'graph:/owners:502:1'],
  ])(
    '%s: the scan completes with the same findings as without',
    async (_, fault) => {
      const r = await wimonAsync(['scan', ...CONTOSO, '--faults', fault], {}, THROTTLE_DEADLINE_MS);
      expect(r.killed, r.stderr).toBe(false);
      expect(r.stderr).not.toMatch(/TimeoutOverflowWarning/);
      expect(r.code, r.stderr).toBe(EXIT.ok);
      const out = JSON.parse(r.stdout) as Out;
      expect(out.run.complete).toBe(true);
      expect(openKeys(out)).toEqual(openKeys(clean));
    },
    120_000,
  );

  it("owners throttled for good: exit 4 after the budget, the gap in Graph's words", async () => {
    const r = await wimonAsync(
      ['scan', ...CONTOSO, '--faults', 'graph:owners:429:always'],
      {},
      THROTTLE_DEADLINE_MS,
    );
    expect(r.killed).toBe(false);
    expect(r.stderr).not.toMatch(/TimeoutOverflowWarning/);
    expect(r.code).toBe(EXIT.incomplete);
    expect(r.stderr).toMatch(/\/owners\?\$select=id,displayName,mail answered HTTP 429 TooManyRequests/);
    // Graph's retry budget was spent, not skipped: 12 rounds of the 1 s Retry-After.
    expect(r.ms).toBeGreaterThan(11_000);
  }, 120_000);

  it("notify --dry-run with the owners' managers throttled for good: ends, exit 4, notices to the owners as declared", async () => {
    const r = await wimonAsync(
      [
        'notify',
        '--dry-run',
        '--baseline',
        'examples/contoso/baseline.yaml',
        '--fixture',
        'examples/contoso',
        '--faults',
        'graph:manager:429:always',
      ],
      {},
      THROTTLE_DEADLINE_MS,
    );
    expect(r.killed).toBe(false);
    expect(r.stderr).not.toMatch(/TimeoutOverflowWarning/);
    expect(r.code).toBe(EXIT.incomplete);
    expect(r.stdout).toMatch(/notices go to the owners as declared/);
    expect(r.stderr).toMatch(
      /^wimon: owner accounts could not be checked in Microsoft Entra: .*\/manager.* answered HTTP 429/m,
    );
  }, 120_000);
});

describe('Table Storage that never answers, or refuses', () => {
  let server: net.Server;
  let silentPort = 0;
  const sockets = new Set<net.Socket>();
  beforeAll(async () => {
    server = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    silentPort = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });
  const env = (port: number) => ({
    WIMON_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`,
    WIMON_TABLE_PREFIX: 'silent',
  });
  const { tryTimeoutMs, maxRetries } = STORAGE_DEADLINE;
  // Every try runs to its deadline; the SDK's back-off between tries is a few seconds at most.
  const bound = (maxRetries + 1) * tryTimeoutMs + 15_000;

  it('`findings` and `baseline apply` against a silent endpoint: exit 6 within the deadline, naming storage, endpoint and setting', async () => {
    const runs = await Promise.all([
      wimonAsync(['findings'], env(silentPort), bound + 30_000),
      wimonAsync(['baseline', 'apply', 'examples/contoso/baseline.yaml'], env(silentPort), bound + 30_000),
    ]);
    for (const r of runs) {
      expect(r.killed).toBe(false);
      expect(r.code, r.stderr).toBe(EXIT.failed);
      expect(r.ms).toBeLessThan(bound);
      expect(r.stderr).toContain(
        `Table Storage at http://127.0.0.1:${silentPort} did not answer within ${tryTimeoutMs / 1000} s, ${maxRetries + 1} tries: check WIMON_STORAGE_CONNECTION_STRING`,
      );
      expect(r.stderr).not.toMatch(/socket hang up|ECONNRESET|AccountKey/);
    }
  }, 180_000);

  it('a refused connection: exit 6 with the same kind of message, not a bare ECONNREFUSED', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const r = await wimonAsync(['findings'], env(port), bound);
    expect(r.code).toBe(EXIT.failed);
    expect(r.stderr).toMatch(
      new RegExp(
        `^wimon: Table Storage at http://127\\.0\\.0\\.1:${port} refused the connection, ${maxRetries + 1} tries: check WIMON_STORAGE_CONNECTION_STRING`,
        'm',
      ),
    );
  }, 120_000);
});
