/**
 * Local HTTPS emulator of the Azure APIs the monitor and its tests use, serving a tenant fixture
 * of real wire-format JSON. This module is the router and what every API shares: one HTTPS
 * listener per API, bearer-token check, faults, throttling and capacity, paging, the request log.
 * Each API answers in its own module: arm.ts (+ arm-account.ts, management-groups.ts), graph.ts
 * (+ graph-delta.ts, graph-directory.ts), log-analytics.ts, resource-graph.ts,
 * communication-email.ts, event-grid-topic.ts; conformance.ts says what all of them refuse.
 * Any bearer token is accepted; a request without one gets 401.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ensureEmulatorCertificate } from './certificate';
import { entitiesOf, hierarchyOf } from './management-groups';
import { isAnonymousArmRoute } from './arm-account';
import { getByIds } from './graph-directory';
import { refusal } from './conformance';
import { Fixture, hasValueArray, type Api } from './fixture';
import { GraphDelta } from './graph-delta';
import { errorReply, filterItems, select, selectFields, type ApiContext, type Reply } from './replies';
import { createEmailApi, HELD, type EmailHold } from './communication-email';
import { armListRoute, armObjectRoute } from './arm';
import { graphDeltaRoute, graphRelationRoute } from './graph';
import { createEventGridTopic } from './event-grid-topic';
import { createTeamsWorkflow, type TeamsPost } from './teams-workflow';
import { answerLogsQuery } from './log-analytics';
import { answerResourceQuery } from './resource-graph';
import {
  documentedLimits,
  graphResourceUnits,
  Throttler,
  type Admission,
  type ThrottlingLimits,
} from './throttling';

export interface FaultRule {
  api?: Api;
  /** Case-insensitive substring of the request path (or of a $batch item's URL). */
  path?: string;
  method?: string;
  /** Only requests for a page after the first (the listing fails mid-way). */
  laterPagesOnly?: boolean;
  status: number;
  retryAfterSeconds?: number;
  /** How many matching requests fail (default 1); Infinity for every one. */
  times?: number;
  /** Instead of `times`: every Nth matching request fails, for as long as the emulator runs. */
  every?: number;
  /** Log Analytics only: answer 200 with half the rows and a `PartialError` (status is ignored). */
  partialResult?: boolean;
  /**
   * Answer with this body and `status` instead: replays a published or recorded payload through
   * the real SDK client and reader (test/fixtures/published/).
   */
  body?: unknown;
}

export interface ReceivedEmail {
  operationId: string;
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
}

export interface RequestRecord {
  api: Api;
  method: string;
  route: string;
  /** The query string as sent (`?api-version=…&$filter=…`), empty when there was none. */
  query?: string;
  status: number;
  /** true for an item inside a Graph $batch (not an HTTP request of its own) */
  batchItem: boolean;
}

export interface ApiStats {
  requests: number;
  throttled: number;
  retryAfterSeconds: number;
  /** Graph only: resource units of the requests and $batch items served (throttling.ts). */
  resourceUnits?: number;
  /** Graph only: $batch items answered 429 by the documented limits. */
  throttledItems?: number;
}

export interface EmulatorOptions {
  fixture: Fixture | string;
  latencyMs?: number;
  /**
   * Requests each API serves at once (the others wait their turn), so that latency × requests /
   * capacity is a real lower bound on a client's wall time. Unlimited by default.
   */
  capacity?: Partial<Record<Api, number>>;
  /** Every `every`-th HTTP request to ARM or Graph is answered 429 with this Retry-After (deterministic). */
  throttle?: { every: number; retryAfterSeconds: number };
  /**
   * Azure's documented token buckets (throttling.ts): Graph resource units per 10 s by tenant size,
   * ARM reads/writes/deletes per subscription. `'documented'` sizes Graph's quota by the users the
   * fixture lists.
   */
  limits?: 'documented' | ThrottlingLimits;
  faults?: FaultRule[];
  certificateDir?: string;
  /** Fixed ports per API (0 or absent: any free port), so a client can be configured once. */
  ports?: Partial<Record<Api, number>>;
}

export interface RunningEmulator {
  /** `teamsWebhook` carries its signature (a Workflows URL is a secret in Azure; here a test value). */
  endpoints: {
    arm: string;
    graph: string;
    logs: string;
    eventgrid: string;
    email: string;
    teamsWebhook: string;
  };
  /** Messages posted to the Teams Workflows webhook, in order. */
  readonly receivedTeamsPosts: TeamsPost[];
  /** Emails accepted by the Communication Services endpoint, every send (a repeated operation id too), in order. */
  readonly receivedEmails: ReceivedEmail[];
  /** A crash drill for the email sender (see EmailHold); undefined ends it. Counts sends from now. */
  holdEmails(drill: EmailHold | undefined): void;
  /** CloudEvents received on the Event Grid topic endpoint (POST /api/events), in order. */
  readonly receivedEvents: unknown[];
  fixture: Fixture;
  /** Every HTTP request and $batch item served, in order. */
  readonly requests: RequestRecord[];
  /** HTTP requests (not batch items), optionally for one API. */
  requestCount(api?: Api): number;
  /** Count per `METHOD api route`, ids replaced by {id}. */
  requestsByRoute(): Record<string, number>;
  resetRequests(): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  /** Replaces the throttling limits (undefined: none); the buckets start full. */
  setLimits(limits: EmulatorOptions['limits']): void;
  /** Per API: HTTP requests answered, of them throttled (429), and the Retry-After seconds asked for. */
  stats(): Record<string, ApiStats>;
  /** Makes every Graph delta token issued so far invalid (as if it had expired). */
  expireDeltaTokens(): void;
  stop(): Promise<void>;
}

const GUID_SEGMENT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function routeOf(path: string): string {
  return path
    .split('/')
    .map((s) => (GUID_SEGMENT.test(s) ? '{id}' : s))
    .join('/');
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const fixture = typeof options.fixture === 'string' ? Fixture.load(options.fixture) : options.fixture;
  const certificate = ensureEmulatorCertificate(options.certificateDir);
  type ActiveFault = FaultRule & { remaining: number; seen: number };
  const activate = (f: FaultRule): ActiveFault => ({ ...f, remaining: f.times ?? 1, seen: 0 });
  const faults: ActiveFault[] = (options.faults ?? []).map(activate);
  let latencyMs = options.latencyMs ?? 0;
  const requests: RequestRecord[] = [];
  const delta = new GraphDelta(() => fixture.manifest.pageSize.graph, selectFields);
  const origins: Partial<Record<Api, string>> = {};

  const takeFault = (api: Api, method: string, path: string, laterPage: boolean): FaultRule | undefined => {
    const lower = path.toLowerCase();
    for (const f of faults) {
      const matches =
        (f.api === undefined || f.api === api) &&
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.path === undefined || lower.includes(f.path.toLowerCase())) &&
        (!f.laterPagesOnly || laterPage);
      if (!matches) continue;
      if (f.every !== undefined) {
        f.seen += 1;
        if (f.seen % f.every === 0) return f;
      } else if (f.remaining > 0) {
        f.remaining -= 1;
        return f;
      }
    }
    return undefined;
  };

  const handle = (
    api: Api,
    method: string,
    rawUrl: string,
    body: unknown,
    batchItem: boolean,
    headers: Record<string, string | string[] | undefined> = {},
  ): Reply => {
    // ARM SDKs build '/{scope}/providers/...' and scopes start with '/': real ARM accepts the '//'.
    const url = new URL(rawUrl.replace(/^\/+/, '/'), origins[api]);
    const path = decodeURIComponent(url.pathname);
    // Resource Graph pages by a $skipToken in the POST body rather than in the URL.
    const skip =
      url.searchParams.get('$skiptoken') ??
      url.searchParams.get('$skipToken') ??
      (body as { options?: { $skipToken?: string } } | undefined)?.options?.$skipToken ??
      null;
    const fault = takeFault(api, method, `${path}${url.search}`, skip !== null);
    let reply: Reply;
    try {
      const logsQuery = /^\/v1\/workspaces\/([^/]+)\/query$/i.exec(path);
      const refused = api === 'arm' || api === 'graph' ? refusal(api, url) : undefined;
      if (fault && !fault.partialResult) reply = faultReply(api, fault, path);
      else if (refused) reply = errorReply(api, refused.status, refused.code, refused.message);
      else if (api === 'eventgrid' && method === 'POST' && path === '/api/events')
        reply = receiveEvents(body);
      else if (api === 'workflows') reply = workflow.invoke(method, path, url, body, headers.authorization);
      else if (api === 'email' && method === 'POST' && path === '/emails:send')
        reply = sendEmail(body, headers['operation-id'], url);
      else if (api === 'email' && method === 'GET' && /^\/emails\/operations\/[^/]+$/.test(path))
        reply = emailStatus(path.split('/').pop()!);
      else if (api === 'logs' && method === 'POST' && logsQuery)
        reply = queryLogs(logsQuery[1]!, body, fault?.partialResult === true);
      else if (api === 'graph' && method === 'POST' && /\/\$batch$/.test(path)) reply = batch(path, body);
      else if (
        api === 'graph' &&
        method === 'POST' &&
        /^\/(v1\.0|beta)\/directoryObjects\/getByIds$/i.test(path)
      ) {
        const answer = getByIds(fixture, path.split('/')[1]!, body);
        reply = 'error' in answer ? errorReply(api, 400, 'BadRequest', answer.error) : answer;
      } else if (
        api === 'arm' &&
        method === 'POST' &&
        /^\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(path)
      )
        reply = queryResources(body);
      else if (
        api === 'arm' &&
        method === 'POST' &&
        /^\/providers\/Microsoft\.Management\/getEntities$/i.test(path)
      )
        reply = page('arm', url, { value: entitiesOf(fixture) });
      else if (method === 'GET') reply = get(api, url, path);
      else reply = errorReply(api, 405, 'MethodNotAllowed', `${method} is not emulated for ${path}`);
    } catch (error) {
      reply = errorReply(api, 400, 'BadRequest', error instanceof Error ? error.message : String(error));
    }
    requests.push({ api, method, route: routeOf(path), query: url.search, status: reply.status, batchItem });
    return reply;
  };

  const batch = (path: string, body: unknown): Reply => {
    const version = path.split('/')[1] ?? 'v1.0';
    const items = (body as { requests?: unknown })?.requests;
    if (!Array.isArray(items) || items.length === 0 || items.length > 20) {
      return errorReply('graph', 400, 'BadRequest', 'A $batch holds between 1 and 20 requests.');
    }
    const responses = items.map((raw) => {
      const item = raw as { id?: string; method?: string; url?: string; body?: unknown };
      const itemUrl = new URL(`/${String(item.url ?? '').replace(/^\//, '')}`, 'https://emulator');
      const admission = admitGraph(
        (item.method ?? 'GET').toUpperCase(),
        decodeURIComponent(itemUrl.pathname),
        itemUrl.searchParams,
      );
      if (!admission.ok) {
        const c = counter('graph');
        c.throttledItems = (c.throttledItems ?? 0) + 1;
        c.retryAfterSeconds += admission.retryAfterSeconds;
        return {
          id: item.id,
          status: 429,
          headers: { 'Content-Type': 'application/json', 'Retry-After': String(admission.retryAfterSeconds) },
          body: errorReply(
            'graph',
            429,
            'TooManyRequests',
            'Too many requests; retry after the time in the Retry-After header.',
          ).body,
        };
      }
      const units = admission.resourceUnits;
      const inner = handle(
        'graph',
        (item.method ?? 'GET').toUpperCase(),
        `/${version}/${String(item.url ?? '').replace(/^\//, '')}`,
        item.body,
        true,
      );
      return {
        id: item.id,
        status: inner.status,
        headers: {
          'Content-Type': 'application/json',
          ...(units !== undefined ? { 'x-ms-resource-unit': String(units) } : {}),
          ...(inner.headers ?? {}),
        },
        body: inner.body,
      };
    });
    return { status: 200, body: { responses } };
  };

  const ctx: ApiContext = {
    fixture,
    origins,
    // page is defined below; called only once requests arrive.
    page: (api, url, body) => page(api, url, body),
  };
  const mail = createEmailApi(() => origins.email);
  const workflow = createTeamsWorkflow();
  const topic = createEventGridTopic();
  const { receivedEmails } = mail;
  const { receivedEvents } = topic;
  const queryLogs = (workspaceId: string, body: unknown, partial: boolean) =>
    answerLogsQuery(fixture, workspaceId, body, partial);
  const queryResources = (body: unknown) => answerResourceQuery(fixture, body);
  const sendEmail = mail.sendEmail;
  const emailStatus = mail.emailStatus;
  const receiveEvents = topic.receiveEvents;

  const get = (api: Api, url: URL, path: string): Reply => {
    const fixturePath = path.replace(/^\/+/, '');
    if (api === 'graph') {
      const changes = graphDeltaRoute(ctx, delta, url, fixturePath);
      if (changes) return changes;
    }
    const direct = fixture.get(api, fixturePath);
    if (direct !== undefined)
      return hasValueArray(direct) ? page(api, url, direct) : { status: 200, body: select(direct, url) };
    if (api === 'arm') {
      const list = armListRoute(ctx, url, path);
      if (list) return list;
    }
    // GET one object of a listed collection: .../collection/{id}
    const segments = fixturePath.split('/');
    const parent = fixture.get(api, segments.slice(0, -1).join('/'));
    if (hasValueArray(parent)) {
      const item = fixture.itemOf(
        api,
        segments.slice(0, -1).join('/'),
        (segments.at(-1) ?? '').toLowerCase(),
      );
      if (item) return { status: 200, body: select(item, url) };
    }
    const answer =
      api === 'arm' ? armObjectRoute(ctx, fixturePath) : graphRelationRoute(ctx, url, fixturePath);
    if (answer) return answer;
    return errorReply(
      api,
      404,
      api === 'arm' ? 'ResourceNotFound' : 'Request_ResourceNotFound',
      `Resource '${path}' does not exist.`,
    );
  };

  const page = (api: Api, url: URL, body: { value: unknown[]; [key: string]: unknown }): Reply => {
    const items = filterItems(api, body.value, url.searchParams.get('$filter'), () => ({
      scope:
        decodeURIComponent(url.pathname).replace(
          /\/providers\/Microsoft\.Authorization\/roleAssignments$/i,
          '',
        ) || '/',
      parents: hierarchyOf(fixture),
    }));
    const max = fixture.manifest.pageSize[api === 'arm' ? 'arm' : 'graph'];
    const top = Number(url.searchParams.get('$top') ?? max);
    const size = Math.max(1, Math.min(Number.isFinite(top) && top > 0 ? top : max, max));
    const tokenName = api === 'arm' ? '$skipToken' : '$skiptoken';
    const offset =
      Number(
        url.searchParams.get(tokenName) ??
          url.searchParams.get('$skiptoken') ??
          url.searchParams.get('$skipToken') ??
          0,
      ) || 0;
    const slice = items.slice(offset, offset + size).map((i) => (api === 'graph' ? select(i, url) : i));
    const out: Record<string, unknown> = { ...body, value: slice };
    if (offset + size < items.length) {
      const next = new URL(url.toString());
      next.searchParams.delete('$skiptoken');
      next.searchParams.delete('$skipToken');
      next.searchParams.set(tokenName, String(offset + size));
      const link = `${origins[api]}${next.pathname}${next.search}`;
      if (api === 'arm') out.nextLink = link;
      else out['@odata.nextLink'] = link;
    } else {
      delete out.nextLink;
      delete out['@odata.nextLink'];
    }
    return { status: 200, body: out };
  };

  const inService: Partial<Record<Api, number>> = {};
  const waiting: Partial<Record<Api, Array<() => void>>> = {};
  const counters: Record<string, ApiStats> = {};
  const users = () => {
    const list = fixture.get('graph', 'v1.0/users');
    return hasValueArray(list) ? list.value.length : 0;
  };
  const throttlerFor = (limits: EmulatorOptions['limits']) =>
    limits === undefined
      ? undefined
      : new Throttler(limits === 'documented' ? documentedLimits(users()) : limits);
  let throttler = throttlerFor(options.limits);
  /** Every Graph request and $batch item is costed (its answer says so); the limits, when set, throttle. */
  const admitGraph = (method: string, path: string, search: URLSearchParams): Admission => {
    const units = graphResourceUnits(method, path, search);
    const admission = throttler ? throttler.admitGraph(units) : { ok: true as const };
    if (!admission.ok) return admission;
    const c = counter('graph');
    c.resourceUnits = (c.resourceUnits ?? 0) + units;
    return { ok: true, resourceUnits: units };
  };
  const counter = (api: Api) => (counters[api] ??= { requests: 0, throttled: 0, retryAfterSeconds: 0 });
  /** `wait`: seconds to ask the client to wait when this request is throttled; `units`: what it cost. */
  const throttleNext = (api: Api, req: IncomingMessage): { wait?: number; units?: number } => {
    const c = counter(api);
    c.requests += 1;
    if (api !== 'arm' && api !== 'graph') return {};
    let wait: number | undefined;
    let units: number | undefined;
    const t = options.throttle;
    if (t && c.requests % t.every === 0) wait = t.retryAfterSeconds;
    else {
      const method = (req.method ?? 'GET').toUpperCase();
      const url = new URL((req.url ?? '/').replace(/^\/+/, '/'), 'https://emulator');
      const path = decodeURIComponent(url.pathname);
      // A $batch envelope costs nothing itself: its items are admitted one by one (batch below).
      if (api === 'arm') {
        const admission = throttler?.admitArm(method, path);
        if (admission && !admission.ok) wait = admission.retryAfterSeconds;
      } else if (!/\/\$batch$/.test(path)) {
        const admission = admitGraph(method, path, url.searchParams);
        if (!admission.ok) wait = admission.retryAfterSeconds;
        else units = admission.resourceUnits;
      }
    }
    if (wait === undefined) return { units };
    c.throttled += 1;
    c.retryAfterSeconds += wait;
    return { wait };
  };
  const respondThrottled = (api: Api, req: IncomingMessage, res: ServerResponse, wait: number): void => {
    const reply = errorReply(
      api,
      429,
      'TooManyRequests',
      'Too many requests; retry after the time in the Retry-After header.',
      { 'Retry-After': String(wait) },
    );
    requests.push({
      api,
      method: req.method ?? 'GET',
      route: routeOf(req.url ?? ''),
      status: 429,
      batchItem: false,
    });
    res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', ...(reply.headers ?? {}) });
    res.end(JSON.stringify(reply.body));
  };

  const listener = (api: Api) => (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const respond = (units?: number): void => {
        let reply: Reply;
        if (
          !/^Bearer \S+/.test(req.headers.authorization ?? '') &&
          !(api === 'arm' && isAnonymousArmRoute(req.url ?? '')) &&
          api !== 'workflows' // shared access: the signature in the URL (teams-workflow.ts)
        ) {
          reply = errorReply(
            api,
            401,
            api === 'arm' ? 'AuthenticationFailed' : 'InvalidAuthenticationToken',
            'Authentication failed: no bearer token.',
          );
          requests.push({
            api,
            method: req.method ?? 'GET',
            route: routeOf(req.url ?? ''),
            status: 401,
            batchItem: false,
          });
        } else {
          let body: unknown;
          try {
            body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
          } catch {
            body = undefined;
          }
          reply = handle(api, (req.method ?? 'GET').toUpperCase(), req.url ?? '/', body, false, req.headers);
        }
        if (reply === HELD) return; // a crash drill: this answer never comes
        const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          'content-type':
            api === 'graph'
              ? 'application/json;odata.metadata=minimal;charset=utf-8'
              : 'application/json; charset=utf-8',
          [api === 'arm' ? 'x-ms-request-id' : 'request-id']: randomUUID(),
          ...(units !== undefined ? { 'x-ms-resource-unit': String(units) } : {}),
          ...(reply.headers ?? {}),
        });
        res.end(text);
      };
      const { wait, units } = throttleNext(api, req);
      const run = wait !== undefined ? () => respondThrottled(api, req, res, wait) : () => respond(units);
      const limit = options.capacity?.[api];
      if (!limit) {
        if (latencyMs > 0) setTimeout(run, latencyMs);
        else run();
        return;
      }
      // A server with `limit` workers: each request holds one for the latency, the rest queue.
      const queue = (waiting[api] ??= []);
      const start = (): void => {
        inService[api] = (inService[api] ?? 0) + 1;
        setTimeout(() => {
          run();
          inService[api]! -= 1;
          const next = queue.shift();
          if (next) next();
        }, latencyMs);
      };
      if ((inService[api] ?? 0) < limit) start();
      else queue.push(start);
    });
  };

  const servers: Server[] = [];
  const listen = async (api: Api): Promise<string> => {
    const server = createServer({ key: certificate.key, cert: certificate.cert }, listener(api));
    // undici (global fetch) subtracts 1 s from the hint: a short one would mean a new TLS connection per request.
    server.keepAliveTimeout = 10_000;
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.ports?.[api] ?? 0, '127.0.0.1', () => resolve());
    });
    const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    origins[api] = origin;
    return origin;
  };
  const arm = await listen('arm');
  const graph = await listen('graph');
  const logs = await listen('logs');
  const eventgrid = await listen('eventgrid');
  const email = await listen('email');
  const workflows = await listen('workflows');

  return {
    endpoints: {
      arm,
      graph,
      logs,
      eventgrid: `${eventgrid}/api/events`,
      email,
      teamsWebhook: workflow.endpoint(workflows),
    },
    receivedEvents,
    receivedTeamsPosts: workflow.receivedTeamsPosts,
    receivedEmails,
    fixture,
    requests,
    requestCount: (api) =>
      requests.filter((r) => !r.batchItem && (api === undefined || r.api === api)).length,
    requestsByRoute: () => {
      const counts: Record<string, number> = {};
      for (const r of requests) {
        const key = `${r.batchItem ? 'BATCH-ITEM' : r.method} ${r.api} ${r.route}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
    resetRequests: () => {
      requests.length = 0;
    },
    addFault: (rule) => faults.push(activate(rule)),
    holdEmails: mail.holdEmails,
    clearFaults: () => {
      faults.length = 0;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    setLimits: (limits) => {
      throttler = throttlerFor(limits);
    },
    stats: () => structuredClone(counters),
    expireDeltaTokens: () => delta.expireTokens(),
    stop: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}

function faultReply(api: Api, fault: FaultRule, path: string): Reply {
  const headers: Record<string, string> = {};
  if (fault.body !== undefined) return { status: fault.status, body: fault.body, headers };
  if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
  if (fault.status === 429)
    return errorReply(
      api,
      429,
      api === 'arm' ? 'TooManyRequests' : 'TooManyRequests',
      'Too many requests, retry later.',
      headers,
    );
  if (fault.status === 403) {
    return api === 'arm'
      ? errorReply(
          api,
          403,
          'AuthorizationFailed',
          `The client does not have authorization to perform action over scope '${path}' or the scope is invalid.`,
          headers,
        )
      : errorReply(
          api,
          403,
          'Authorization_RequestDenied',
          'Insufficient privileges to complete the operation.',
          headers,
        );
  }
  const code = fault.status === 503 ? 'ServiceUnavailable' : 'InternalServerError';
  return errorReply(api, fault.status, code, `Injected ${fault.status}.`, headers);
}
