/**
 * One composition root: the Functions runtime and the CLI build their services from the same
 * settings, and what the settings say (endpoints, the sovereign cloud's authority host, the
 * credential) reaches every client. Each client really sends a request to a local HTTPS server
 * standing in for its endpoint; the servers record where each request went and with which token.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureEmulatorCertificate } from '../../emulator/certificate';
import { MonitorCredential } from '../../shared/azure/credential';
import { runtime, useRuntimeForTests } from '../../shared/app/runtime';
import { openCliServices } from '../../shared/cli/cli-services';
import type { Services } from '../../shared/app/services';
import type { Finding } from '../../shared/model/finding';

const ENDPOINTS = ['arm', 'graph', 'logs', 'tables', 'email', 'topic'] as const;
type Endpoint = (typeof ENDPOINTS)[number];
interface Seen {
  endpoint: Endpoint;
  caller: string;
  authorization: string | undefined;
}

const seen: Seen[] = [];
const servers = new Map<Endpoint, Server>();
let caller = '';
const tokenHolders = new Set<MonitorCredential>();
const SOVEREIGN_AUTHORITY = 'https://login.microsoftonline.us';

function url(name: Endpoint): string {
  return `https://127.0.0.1:${(servers.get(name)!.address() as AddressInfo).port}`;
}

function settingsEnv(): Record<string, string> {
  return {
    WIMON_AUTHORITY_HOST: SOVEREIGN_AUTHORITY,
    AZURE_CLIENT_ID: '0f0f0f0f-1111-4222-8333-444444444444',
    WIMON_SUBSCRIPTIONS: '11111111-1111-4111-8111-111111111111',
    WIMON_LOG_ANALYTICS_WORKSPACE_ID: '22222222-2222-4222-8222-222222222222',
    WIMON_ARM_ENDPOINT: url('arm'),
    WIMON_GRAPH_ENDPOINT: url('graph'),
    WIMON_LOGS_ENDPOINT: url('logs'),
    WIMON_TABLE_ENDPOINT: url('tables'),
    WIMON_EMAIL_ENDPOINT: url('email'),
    WIMON_EMAIL_SENDER: 'DoNotReply@example.us',
    WIMON_FINDINGS_TOPIC_ENDPOINT: `${url('topic')}/api/events`,
    WIMON_TABLE_PREFIX: 'wiring',
  };
}

beforeAll(async () => {
  const { cert } = ensureEmulatorCertificate();
  const key = (await import('node:fs')).readFileSync(
    ensureEmulatorCertificate().certPath.replace(/emulator\.crt$/, 'emulator.key'),
    'utf8',
  );
  for (const name of ENDPOINTS) {
    const server = createServer({ cert, key }, (req, res) => {
      seen.push({ endpoint: name, caller, authorization: req.headers.authorization });
      req.resume();
      // A 400 is final for every SDK (no retries): one request per call.
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'Recorded', message: 'recorded by the wiring test' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.set(name, server);
  }
  // The real credential would go to the authority host; here it hands out a token that names it.
  vi.spyOn(MonitorCredential.prototype, 'getToken').mockImplementation(async function (
    this: MonitorCredential,
  ) {
    tokenHolders.add(this);
    return { token: `token-from-${this.authorityHost}`, expiresOnTimestamp: Date.now() + 3_600_000 };
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  for (const s of servers.values()) await new Promise((r) => s.close(r));
});

const finding = {
  key: 'k',
  ruleId: 'role.unexpected',
  severity: 'high',
  state: 'open',
  identity: { name: 'x', objectId: 'o', appId: null, displayName: null },
  target: '/subscriptions/11111111-1111-4111-8111-111111111111',
  message: 'm',
  firstSeen: '2026-11-30T00:00:00.000Z',
  lastSeen: '2026-11-30T00:00:00.000Z',
  resolvedAt: null,
  evidence: {},
  readScope: 'arm',
  exemption: null,
} as unknown as Finding;

/** Makes every client of `services` send one request. */
async function exercise(services: Services): Promise<void> {
  const ignore = () => undefined;
  const tenant = services.tenant();
  const { clients } = tenant;
  await clients
    .authorizationFor('11111111-1111-4111-8111-111111111111')
    .roleAssignments.listForSubscription()
    .next()
    .catch(ignore);
  await clients.graph().api('/applications').get().catch(ignore);
  await clients
    .logs()
    .queryWorkspace(tenant.logAnalyticsWorkspaceId!, 'print 1', { duration: 'P1D' })
    .catch(ignore);
  await clients.resourceGraph().resources({ query: 'Resources | take 1' }).catch(ignore);
  await services.tables.table('runs').catch(ignore);
  await services.email!.transport.send({
    id: '3f1e0c55-1111-4222-8333-444444444444',
    recipient: 'a@example.us',
    subject: 's',
    html: 'h',
    text: 't',
  });
  await services.publish!({ opened: [finding], reopened: [], resolved: [], exempted: [] });
}

describe('services from one composition root', () => {
  it('Functions and CLI: the same credential, authority host and endpoints reach every client', async () => {
    const env = settingsEnv();
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      useRuntimeForTests(undefined);
      caller = 'functions';
      const functions = runtime();
      await exercise(functions);
    } finally {
      process.env = saved;
      useRuntimeForTests(undefined);
    }
    caller = 'cli';
    const cli = await openCliServices(
      { env, cwd: process.cwd(), isTty: false, out: () => undefined, err: () => undefined },
      { storage: true },
    );
    try {
      await exercise(cli);
      expect(cli.ephemeralTables).toBe(false);
    } finally {
      await cli.close();
    }

    for (const who of ['functions', 'cli'])
      for (const endpoint of ENDPOINTS) {
        const hits = seen.filter((s) => s.caller === who && s.endpoint === endpoint);
        expect(hits.length, `${who} → ${endpoint}`).toBeGreaterThan(0);
        for (const h of hits)
          expect(h.authorization, `${who} → ${endpoint}`).toBe(`Bearer token-from-${SOVEREIGN_AUTHORITY}`);
      }
    // One credential object for the process and these settings, configured from them.
    expect(tokenHolders.size).toBe(1);
    const [credential] = [...tokenHolders];
    expect(credential!.kind).toBe('DefaultAzureCredential');
    expect(credential!.authorityHost).toBe(SOVEREIGN_AUTHORITY);
    expect(credential!.managedIdentityClientId).toBe(env.AZURE_CLIENT_ID);
  }, 60_000);
});
