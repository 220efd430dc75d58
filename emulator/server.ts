/**
 * Local HTTPS emulator of the Azure APIs the monitor reads (ARM and Microsoft Graph), serving a
 * tenant fixture of real wire-format JSON. It pages like the real APIs (`nextLink`,
 * `@odata.nextLink`, `$top`), implements the `$filter`s and `$batch` the monitor uses, counts
 * requests per route, and injects faults on demand (429 + Retry-After, 5xx, 403, latency,
 * failures on later pages). Any bearer token is accepted; a request without one gets 401.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ensureEmulatorCertificate } from './certificate';
import { entitiesOf, hierarchyOf } from './management-groups';
import { armAccountRoute, isAnonymousArmRoute } from './arm-account';
import { appRoleAssignedTo, getByIds } from './graph-directory';
import { scopeChain, type ManagementGroupParents } from '../shared/model/scope-hierarchy';
import { normalizeScope } from '../shared/model/arm-scope';
import { GRAPH_RELATIONS, refusal, unknownSegment } from './conformance';
import { Fixture, hasValueArray, type Api } from './fixture';
import { GraphDelta } from './graph-delta';
import {
  evaluateSignInQuery,
  KustoQueryError,
  parseSignInQuery,
  parseTimespan,
  validateSignInRecords,
} from './log-analytics';
import {
  evaluateResourceQuery,
  parseResourceQuery,
  ResourceGraphQueryError,
  resourceGraphPage,
} from './resource-graph';

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
  faults?: FaultRule[];
  certificateDir?: string;
  /** Fixed ports per API (0 or absent: any free port), so a client can be configured once. */
  ports?: Partial<Record<Api, number>>;
}

export interface RunningEmulator {
  endpoints: { arm: string; graph: string; logs: string; eventgrid: string; email: string };
  /** Emails accepted by the Communication Services endpoint (one per operation id), in order. */
  readonly receivedEmails: ReceivedEmail[];
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
  /** Per API: HTTP requests answered, of them throttled (429), and the Retry-After seconds asked for. */
  stats(): Record<string, { requests: number; throttled: number; retryAfterSeconds: number }>;
  /** Makes every Graph delta token issued so far invalid (as if it had expired). */
  expireDeltaTokens(): void;
  stop(): Promise<void>;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
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
        headers: { 'Content-Type': 'application/json', ...(inner.headers ?? {}) },
        body: inner.body,
      };
    });
    return { status: 200, body: { responses } };
  };

  const receivedEvents: unknown[] = [];
  // Communication Services Email (2025-09-01): an operation id seen before is the same operation.
  const receivedEmails: ReceivedEmail[] = [];
  const emailOperations = new Set<string>();
  const sendEmail = (body: unknown, operationHeader: unknown, url: URL): Reply => {
    const m = body as {
      senderAddress?: string;
      content?: { subject?: string; html?: string; plainText?: string };
      recipients?: { to?: Array<{ address?: string }> };
    };
    const to = m?.recipients?.to?.map((r) => r.address ?? '') ?? [];
    if (!m?.senderAddress || !m.content?.subject || to.length === 0 || to.some((a) => !a.includes('@')))
      return errorReply(
        'email',
        400,
        'BadRequest',
        'senderAddress, content.subject and recipients.to are required.',
      );
    if (/[\r\n]/.test(m.content.subject))
      return errorReply('email', 400, 'BadRequest', 'The subject contains a line break.');
    const id = typeof operationHeader === 'string' && operationHeader ? operationHeader : randomUUID();
    if (!emailOperations.has(id)) {
      emailOperations.add(id);
      receivedEmails.push({
        operationId: id,
        from: m.senderAddress,
        to,
        subject: m.content.subject,
        html: m.content.html ?? '',
        text: m.content.plainText ?? '',
      });
    }
    return {
      status: 202,
      body: { id, status: 'Running' },
      headers: {
        'Operation-Location': `${origins.email}/emails/operations/${id}?${url.searchParams.toString()}`,
        'retry-after': '0',
      },
    };
  };
  const emailStatus = (id: string): Reply =>
    emailOperations.has(id)
      ? { status: 200, body: { id, status: 'Succeeded' } }
      : errorReply('email', 404, 'NotFound', `Operation ${id} not found.`);
  // An Event Grid topic in the CloudEvents input schema: a JSON array of events, 200 with no body.
  const receiveEvents = (body: unknown): Reply => {
    const events = Array.isArray(body) ? body : [];
    if (events.length === 0 || events.some((e) => (e as { specversion?: unknown })?.specversion !== '1.0'))
      return errorReply('eventgrid', 400, 'BadRequest', 'Expected a JSON array of CloudEvents 1.0 events.');
    receivedEvents.push(...events);
    return { status: 200 };
  };

  const queryLogs = (workspaceId: string, body: unknown, partial: boolean): Reply => {
    if (workspaceId.toLowerCase() !== (fixture.manifest.logAnalyticsWorkspaceId ?? '').toLowerCase())
      return errorReply(
        'logs',
        404,
        'WorkspaceNotFoundError',
        `The workspace ${workspaceId} could not be found`,
      );
    const request = body as { query?: unknown; timespan?: unknown } | undefined;
    try {
      if (typeof request?.query !== 'string') throw new KustoQueryError('SyntaxError', 'query is required');
      const table = evaluateSignInQuery(
        parseSignInQuery(request.query),
        (name) => {
          const records = fixture.get('logs', name);
          return records === undefined ? undefined : validateSignInRecords(name, records);
        },
        parseTimespan(request.timespan, new Date(fixture.manifest.recordedAt)),
      );
      if (!partial) return { status: 200, body: { tables: [table] } };
      return {
        status: 200,
        body: {
          tables: [{ ...table, rows: table.rows.slice(0, Math.floor(table.rows.length / 2)) }],
          error: {
            code: 'PartialError',
            message: 'There were some errors when processing your query.',
            details: [
              {
                code: 'EngineError',
                message: 'Something went wrong processing your query on the server.',
                innererror: {
                  code: '-2133196797',
                  message: 'Query execution has exceeded the allowed limits (80DA0003).',
                  severity: 2,
                  severityName: 'Error',
                },
              },
            ],
          },
        },
      };
    } catch (error) {
      if (!(error instanceof KustoQueryError)) throw error;
      return errorReply(
        'logs',
        400,
        'BadArgumentError',
        'The request had some invalid properties',
        undefined,
        {
          code: error.innerCode,
          message: error.message,
        },
      );
    }
  };

  const queryResources = (body: unknown): Reply => {
    const request = body as
      | { query?: unknown; subscriptions?: unknown; options?: { $top?: unknown; $skipToken?: unknown } }
      | undefined;
    try {
      if (typeof request?.query !== 'string') throw new ResourceGraphQueryError('query is required');
      const subscriptions = Array.isArray(request.subscriptions)
        ? request.subscriptions.map((s) => `/subscriptions/${String(s).toLowerCase()}/`)
        : undefined;
      const stored = fixture.get('arm', 'providers/Microsoft.ResourceGraph/resources');
      const resources = (hasValueArray(stored) ? stored.value : []).filter(
        (r) =>
          !subscriptions ||
          subscriptions.some((s) =>
            String((r as { id?: unknown }).id ?? '')
              .toLowerCase()
              .startsWith(s),
          ),
      );
      const rows = evaluateResourceQuery(parseResourceQuery(request.query), resources);
      return {
        status: 200,
        body: resourceGraphPage(
          rows,
          { top: request.options?.$top, skipToken: request.options?.$skipToken },
          fixture.manifest.pageSize.arm,
        ),
      };
    } catch (error) {
      if (!(error instanceof ResourceGraphQueryError) && !(error instanceof SyntaxError)) throw error;
      return errorReply(
        'arm',
        400,
        'BadRequest',
        `Please provide below info when asking for support: ${error.message}`,
      );
    }
  };

  const get = (api: Api, url: URL, path: string): Reply => {
    const fixturePath = path.replace(/^\/+/, '');
    const deltaOf = /^(v1\.0|beta)\/(applications|servicePrincipals)\/delta$/i.exec(fixturePath);
    if (api === 'graph' && deltaOf) {
      const collection = fixture.get('graph', `${deltaOf[1]}/${deltaOf[2]}`);
      return delta.respond(
        `${origins.graph}/${fixturePath}`,
        hasValueArray(collection) ? (collection.value as Array<{ id: string }>) : [],
        url.searchParams,
      );
    }
    const direct = fixture.get(api, fixturePath);
    if (direct !== undefined)
      return hasValueArray(direct) ? page(api, url, direct) : { status: 200, body: select(direct, url) };
    if (api === 'arm') {
      const account = armAccountRoute(fixture, path, { arm: origins.arm!, graph: origins.graph! });
      if (account) return account;
    }
    if (api === 'arm') {
      // Role definitions are listable at every scope (the tenant's definitions; az role definition list).
      if (/^(.+\/)?providers\/Microsoft\.Authorization\/roleDefinitions$/i.test(fixturePath)) {
        const all = fixture.get('arm', 'providers/Microsoft.Authorization/roleDefinitions');
        if (hasValueArray(all)) return page(api, url, all);
      }
      // User-assigned identities of one resource group, from its subscription's list.
      const inGroup =
        /^(subscriptions\/[^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities$/i.exec(
          fixturePath,
        );
      if (inGroup) {
        const all = fixture.get(
          'arm',
          `${inGroup[1]}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`,
        );
        const group = `/resourcegroups/${inGroup[2]!.toLowerCase()}/`;
        if (hasValueArray(all))
          return page(api, url, {
            ...all,
            value: all.value.filter((i) =>
              String((i as { id?: string }).id ?? '')
                .toLowerCase()
                .includes(group),
            ),
          });
      }
    }
    // Role assignments below a subscription (a resource group, a resource): ARM lists those at the
    // scope, above it and below it — derived from the subscription's own list.
    const below =
      /^(subscriptions\/[^/]+)\/(.+)\/providers\/Microsoft\.Authorization\/roleAssignments$/i.exec(
        fixturePath,
      );
    if (api === 'arm' && below) {
      const subscriptionList = fixture.get(
        'arm',
        `${below[1]}/providers/Microsoft.Authorization/roleAssignments`,
      );
      if (hasValueArray(subscriptionList)) {
        const scope = normalizeScope(`/${below[1]}/${below[2]}`);
        const related = subscriptionList.value.filter((i) => {
          const s = normalizeScope(
            String((i as { properties?: { scope?: string } }).properties?.scope ?? ''),
          );
          return (
            s === scope ||
            scope.startsWith(`${s}/`) ||
            s.startsWith(`${scope}/`) ||
            !s.startsWith('/subscriptions/')
          );
        });
        return page(api, url, { ...subscriptionList, value: related });
      }
    }
    const segments = fixturePath.split('/');
    // GET one object of a listed collection: .../collection/{id}
    const parent = fixture.get(api, segments.slice(0, -1).join('/'));
    const last = (segments[segments.length - 1] ?? '').toLowerCase();
    if (hasValueArray(parent)) {
      const item = fixture.itemOf(api, segments.slice(0, -1).join('/'), last);
      if (item) return { status: 200, body: select(item, url) };
    }
    if (api === 'arm') {
      const byId = fixture.armById(fixturePath);
      if (byId) return { status: 200, body: byId };
      // Role definitions are tenant-wide: /subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/{guid}
      const def = /providers\/microsoft\.authorization\/roledefinitions\/([^/]+)$/i.exec(fixturePath);
      if (def) {
        const all = fixture.get('arm', 'providers/Microsoft.Authorization/roleDefinitions');
        const found = hasValueArray(all)
          ? all.value.find((v) => matchesId(v, def[1]!.toLowerCase()))
          : undefined;
        if (found) return { status: 200, body: found };
      }
    } else if (segments.length >= 4) {
      // A relation of an existing object with nothing in it: /v1.0/applications/{id}/owners → empty list
      const owner = fixture.get(api, segments.slice(0, -2).join('/'));
      const id = (segments[segments.length - 2] ?? '').toLowerCase();
      if (hasValueArray(owner) && fixture.itemOf(api, segments.slice(0, -2).join('/'), id)) {
        if (!GRAPH_RELATIONS.has(last)) {
          const r = unknownSegment(segments[segments.length - 1]!);
          return errorReply(api, r.status, r.code, r.message);
        }
        if (last === 'approleassignedto')
          return page(api, url, {
            '@odata.context': `${origins.graph}/${segments[0]}/$metadata#appRoleAssignments`,
            value: appRoleAssignedTo(fixture, id),
          });
        // A single-valued relation that is not set: Graph answers 404 (e.g. a user without a manager).
        if (last === 'manager')
          return errorReply(
            api,
            404,
            'Request_ResourceNotFound',
            `Resource 'manager' does not exist or one of its queried reference-property objects are not present.`,
          );
        return page(api, url, {
          '@odata.context': `${origins.graph}/${segments[0]}/$metadata#directoryObjects`,
          value: [],
        });
      }
    }
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
  const counters: Record<string, { requests: number; throttled: number; retryAfterSeconds: number }> = {};
  const counter = (api: Api) => (counters[api] ??= { requests: 0, throttled: 0, retryAfterSeconds: 0 });
  const throttleNext = (api: Api): boolean => {
    const c = counter(api);
    c.requests += 1;
    const t = options.throttle;
    if (!t || (api !== 'arm' && api !== 'graph') || c.requests % t.every !== 0) return false;
    c.throttled += 1;
    c.retryAfterSeconds += t.retryAfterSeconds;
    return true;
  };
  const respondThrottled = (api: Api, req: IncomingMessage, res: ServerResponse): void => {
    const reply = errorReply(
      api,
      429,
      api === 'arm' ? 'TooManyRequests' : 'TooManyRequests',
      'Too many requests; retry after the time in the Retry-After header.',
      { 'Retry-After': String(options.throttle!.retryAfterSeconds) },
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
      const respond = (): void => {
        let reply: Reply;
        if (
          !/^Bearer \S+/.test(req.headers.authorization ?? '') &&
          !(api === 'arm' && isAnonymousArmRoute(req.url ?? ''))
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
        const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          'content-type':
            api === 'graph'
              ? 'application/json;odata.metadata=minimal;charset=utf-8'
              : 'application/json; charset=utf-8',
          [api === 'arm' ? 'x-ms-request-id' : 'request-id']: randomUUID(),
          ...(reply.headers ?? {}),
        });
        res.end(text);
      };
      const throttled = throttleNext(api);
      const run = throttled ? () => respondThrottled(api, req, res) : respond;
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

  return {
    endpoints: { arm, graph, logs, eventgrid: `${eventgrid}/api/events`, email },
    receivedEvents,
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
    clearFaults: () => {
      faults.length = 0;
    },
    setLatency: (ms) => {
      latencyMs = ms;
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

function matchesId(item: unknown, idLower: string): boolean {
  const o = item as { id?: unknown; name?: unknown };
  if (typeof o.id === 'string') {
    if (o.id.toLowerCase() === idLower) return true;
    if (o.id.toLowerCase().endsWith(`/${idLower}`)) return true;
  }
  return typeof o.name === 'string' && o.name.toLowerCase() === idLower;
}

function select(item: unknown, url: URL): unknown {
  return selectFields(item, url.searchParams.get('$select'));
}

function selectFields(item: unknown, fields: string | null): unknown {
  if (!fields || typeof item !== 'object' || item === null) return item;
  const keep = new Set(fields.split(',').map((f) => f.trim()));
  return Object.fromEntries(
    Object.entries(item).filter(([k]) => keep.has(k) || k === 'id' || k.startsWith('@odata.')),
  );
}

/** The `$filter` expressions the monitor sends; anything else is rejected like an unsupported query. */
function filterItems(
  api: Api,
  items: unknown[],
  filter: string | null,
  at: () => { scope: string; parents: ManagementGroupParents },
): unknown[] {
  if (!filter) return items;
  const f = filter.trim();
  if (api === 'arm') {
    if (/^atScope\(\)$/i.test(f)) {
      // ARM: the assignments at the scope or above it (through management groups), none below.
      const { scope, parents } = at();
      const chain = new Set(scopeChain(scope, parents).scopes);
      return items.filter((i) =>
        chain.has(normalizeScope(String((i as { properties?: { scope?: string } }).properties?.scope ?? ''))),
      );
    }
    const roleName = /^roleName eq '((?:[^']|'')*)'$/i.exec(f);
    if (roleName) {
      const name = roleName[1]!.replace(/''/g, "'").toLowerCase();
      return items.filter(
        (i) =>
          String((i as { properties?: { roleName?: string } }).properties?.roleName ?? '').toLowerCase() ===
          name,
      );
    }
    const principal = /^(?:principalId eq|assignedTo\()\s*'([^']+)'\)?$/i.exec(f);
    if (principal) {
      const id = principal[1]!.toLowerCase();
      return items.filter(
        (i) =>
          String(
            (i as { properties?: { principalId?: string } }).properties?.principalId ?? '',
          ).toLowerCase() === id,
      );
    }
  } else {
    // `<prop> eq '<value>'`, several joined by `or` (a quote inside a value is doubled, as in OData)
    const clauses = f.split(/ or /i).map((c) => /^(\w+) eq '((?:[^']|'')*)'$/.exec(c.trim()));
    if (clauses.every((c) => c !== null))
      return items.filter((i) =>
        clauses.some(
          (c) =>
            String((i as Record<string, unknown>)[c![1]!] ?? '').toLowerCase() ===
            c![2]!.replace(/''/g, "'").toLowerCase(),
        ),
      );
    // servicePrincipalNames/any(c:c eq '…') (how `az ad sp show --id` looks a principal up)
    const any = /^(\w+)\/any\((\w+):\s*\2 eq '((?:[^']|'')*)'\)$/.exec(f);
    if (any) {
      const value = any[3]!.replace(/''/g, "'").toLowerCase();
      return items.filter((i) => {
        const list = (i as Record<string, unknown>)[any[1]!];
        return Array.isArray(list) && list.some((v) => String(v).toLowerCase() === value);
      });
    }
    // startswith(prop,'…')
    const starts = /^startswith\((\w+),\s*'((?:[^']|'')*)'\)$/i.exec(f);
    if (starts) {
      const prefix = starts[2]!.replace(/''/g, "'").toLowerCase();
      return items.filter((i) =>
        String((i as Record<string, unknown>)[starts[1]!] ?? '')
          .toLowerCase()
          .startsWith(prefix),
      );
    }
    const inList = /^(\w+) in \((.*)\)$/.exec(f);
    if (inList) {
      const values = new Set([...inList[2]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!.toLowerCase()));
      return items.filter((i) =>
        values.has(String((i as Record<string, unknown>)[inList[1]!] ?? '').toLowerCase()),
      );
    }
  }
  throw new Error(`the emulator does not implement $filter=${filter}`);
}

function errorReply(
  api: Api,
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
  innererror?: { code: string; message: string },
): Reply {
  const body =
    api === 'arm'
      ? { error: { code, message } }
      : api === 'logs'
        ? { error: { message, code, correlationId: randomUUID(), ...(innererror ? { innererror } : {}) } }
        : {
            error: {
              code,
              message,
              innerError: {
                date: new Date().toISOString().slice(0, 19),
                'request-id': randomUUID(),
                'client-request-id': randomUUID(),
              },
            },
          };
  return { status, body, headers };
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
