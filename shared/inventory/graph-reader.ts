/**
 * Reads applications, service principals and their per-object relations (owners, federated
 * credentials, app role assignments) from Microsoft Graph with the fewest requests: `$select`,
 * `$top=999` pages, and `$batch` (20 per batch) for per-object lookups. A batch item throttled
 * on its own (429/503/504) is retried after its own Retry-After.
 *
 * Permissions: Microsoft Graph application permission Application.Read.All (and User.Read.All for
 * the owner accounts in shared/notify/owner-accounts.ts).
 */
import { EXIT, MonitorError } from '../errors';
import { z } from 'zod';
import { federatedCredentialWireSchema } from './federated-credential-schema';
import { describeIssues } from './errors';
import { Quarantine } from './quarantine';
import { credentialPurposes, thumbprintOf } from './credential-purpose';
import type { Client } from '@microsoft/microsoft-graph-client';
import type {
  AppRoleGrant,
  LiveCredential,
  LiveFederatedCredential,
  LiveOwner,
  UnreadableObject,
} from '../model/inventory';
import { limiter, mapLimit } from './concurrency';
import { GraphPacer } from './graph-pacer';
import type { RequiredAccess } from '../azure/access';
import type { RequestCounter } from '../azure/request-counter';
import { MAX_RETRY_AFTER_SECONDS, retryAfterSeconds } from '../azure/throttle-policy';

export const GRAPH_ACCESS: RequiredAccess = {
  by: 'shared/inventory/graph-reader.ts',
  why: 'read applications, service principals, their owners, federated credentials and application permissions',
  grant: {
    kind: 'graphAppRole',
    permission: 'Application.Read.All',
    appRoleId: '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
  },
};

const MAX_BATCH = 20;
/** Twelve $batch requests (240 lookups) at once: what the three lookups used to run side by side. */
const DEFAULT_BATCH_CONCURRENCY = 12;
/** Rounds of a $batch with throttled items waited out before an item is given up as unreadable. */
const MAX_THROTTLED_ROUNDS = 12;
/**
 * Server errors a $batch item (or a page) is retried on, with the reader's item budget: 500 and
 * 502 as well as 503/504 (one transient 500 on one owners item must not blind the run to it).
 */
const TRANSIENT_ITEM_STATUS = [500, 502, 503, 504];
const PAGE = 999;

const passwordSchema = z.object({
  keyId: z.string(),
  customKeyIdentifier: z.string().nullish(),
  displayName: z.string().nullish(),
  hint: z.string().nullish(),
  startDateTime: z.string().nullish(),
  endDateTime: z.string().nullish(),
});
const keySchema = z.object({
  keyId: z.string(),
  customKeyIdentifier: z.string().nullish(),
  usage: z.string().nullish(),
  displayName: z.string().nullish(),
  startDateTime: z.string().nullish(),
  endDateTime: z.string().nullish(),
});
const applicationSchema = z.object({
  id: z.string(),
  appId: z.string(),
  displayName: z.string().nullish(),
  createdDateTime: z.string().nullish(),
  passwordCredentials: z.array(passwordSchema).default([]),
  keyCredentials: z.array(keySchema).default([]),
  tokenEncryptionKeyId: z.string().nullish(),
});
// Only read to name permissions and find the services that grant them: a role missing a field
// leaves that one role unnamed, never the whole service principal unreadable.
const appRoleSchema = z.object({
  id: z.string().nullish(),
  value: z.string().nullish(),
  allowedMemberTypes: z.array(z.string()).nullish(),
});
const servicePrincipalSchema = z.object({
  id: z.string(),
  appId: z.string(),
  displayName: z.string().nullish(),
  servicePrincipalType: z.string().nullish(),
  accountEnabled: z.boolean().nullish(),
  alternativeNames: z.array(z.string()).default([]),
  createdDateTime: z.string().nullish(),
  passwordCredentials: z.array(passwordSchema).default([]),
  keyCredentials: z.array(keySchema).default([]),
  tokenEncryptionKeyId: z.string().nullish(),
  preferredTokenSigningKeyThumbprint: z.string().nullish(),
  // The app roles it defines: a resource others are granted (read from the granting side).
  appRoles: z.array(appRoleSchema).nullish(),
});
const ownerSchema = z.object({
  '@odata.type': z.string().optional(),
  id: z.string(),
  displayName: z.string().nullish(),
  mail: z.string().nullish(),
});
const appRoleAssignmentSchema = z.object({
  id: z.string(),
  appRoleId: z.string(),
  resourceId: z.string(),
  resourceDisplayName: z.string().nullish(),
  createdDateTime: z.string().nullish(),
});
const appRoleAssignedToSchema = appRoleAssignmentSchema.extend({
  principalId: z.string(),
  principalType: z.string().nullish(),
});
const resourceSchema = z.object({
  id: z.string(),
  displayName: z.string().nullish(),
  appRoles: z.array(z.object({ id: z.string(), value: z.string().nullish() })).default([]),
});
/** The wire schemas of the Graph objects the monitor reads (the published-examples corpus is checked against them). */
export const GRAPH_WIRE = {
  application: applicationSchema,
  servicePrincipal: servicePrincipalSchema,
  owner: ownerSchema,
  appRoleAssignment: appRoleAssignmentSchema,
};

const pageSchema = z.object({ value: z.array(z.unknown()), '@odata.nextLink': z.string().optional() });

export type GraphApplication = z.output<typeof applicationSchema>;
export type GraphServicePrincipal = z.output<typeof servicePrincipalSchema>;

const MISSING = Symbol('missing');
const REJECTED = Symbol('rejected');
const isRejected = (body: unknown): boolean => typeof body === 'object' && body !== null && REJECTED in body;

export type DeltaCollection = 'applications' | 'servicePrincipals';

export interface DeltaRound {
  collection: DeltaCollection;
  /** The link was refused (expired token): a full read is needed. */
  expired: boolean;
  /** Objects added or changed (object id; appId where the object has one). */
  changed: Array<{ id: string; appId: string | null }>;
  /** Object ids removed. */
  removed: string[];
  deltaLink: string | undefined;
}

/** Only the properties whose change matters: credentials and what identifies the object. */
const DELTA_SELECT: Record<DeltaCollection, string> = {
  applications: 'id,appId,displayName,passwordCredentials,keyCredentials',
  servicePrincipals: 'id,appId,displayName,accountEnabled,passwordCredentials,keyCredentials',
};

const deltaPageSchema = z.object({
  value: z.array(
    z.looseObject({ id: z.string(), appId: z.string().nullish(), '@removed': z.unknown().optional() }),
  ),
  '@odata.nextLink': z.string().optional(),
  '@odata.deltaLink': z.string().optional(),
});

/**
 * A delta page, or a GraphReadError saying what was wrong: an item without an id cannot say what
 * changed, so the round (not the next full reconcile) fails, in words a person can act on.
 */
function deltaPage(body: unknown, collection: DeltaCollection): z.output<typeof deltaPageSchema> {
  const parsed = deltaPageSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new GraphReadError(
    `unexpected ${collection} delta page: ${describeIssues(parsed.error.issues, '(the page)')}`,
    200,
  );
}

/** `$batch` items take paths relative to the version: https://graph…/v1.0/applications/delta?… → /applications/delta?… */
function relativeGraphUrl(link: string): string {
  const u = new URL(link);
  return `${u.pathname.replace(/^\/(v1\.0|beta)/, '')}${u.search}`;
}

/** A Graph request still failed after its retries: what it was for could not be read. */
export class GraphReadError extends MonitorError {
  readonly exitCode = EXIT.incomplete;
  readonly transient: boolean;
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    // Throttling and server errors pass; a 4xx other than 429 will answer the same next time.
    this.transient = statusCode === undefined || statusCode === 429 || statusCode >= 500;
  }
}

const APP_SELECT =
  'id,appId,displayName,createdDateTime,passwordCredentials,keyCredentials,tokenEncryptionKeyId';
const SP_SELECT =
  'id,appId,displayName,servicePrincipalType,accountEnabled,alternativeNames,createdDateTime,passwordCredentials,keyCredentials,tokenEncryptionKeyId,preferredTokenSigningKeyThumbprint,appRoles';

export class GraphReader {
  /** Every $batch request of this reader takes one of these slots (see batchConcurrency). */
  private readonly slot: <R>(task: () => Promise<R>) => Promise<R>;
  private readonly concurrency: number;

  constructor(
    private readonly graph: Client,
    private readonly options: {
      /** $batch requests in flight at once, shared by all lookups (owners, federated credentials, grants). */
      batchConcurrency?: number;
      maxItemAttempts?: number;
      sleep?: (ms: number) => Promise<void>;
      /** Where items that do not validate are set aside (one unreadable object never fails a list). */
      quarantine?: Quarantine;
      /** Counts the resource units Graph reports on each $batch item (the envelope's are counted by the client). */
      counter?: Pick<RequestCounter, 'addResourceUnits'>;
    } = {},
  ) {
    this.concurrency = options.batchConcurrency ?? DEFAULT_BATCH_CONCURRENCY;
    this.slot = limiter(this.concurrency);
    this.quarantine = options.quarantine ?? new Quarantine();
    this.pacer = new GraphPacer(undefined, options.sleep);
  }
  private readonly quarantine: Quarantine;
  /** Shared by every $batch of this reader: the pace Graph's throttling allows (graph-pacer.ts). */
  private readonly pacer: GraphPacer;
  /** Resource units a $batch item has cost on average so far (what a batch is expected to cost). */
  private unitsPerItem = 1;

  /** What this reader has set aside so far (objects it could not read). */
  unreadable(): readonly UnreadableObject[] {
    return this.quarantine.objects;
  }

  /** Every item of a collection, page by page; `onPage` sees each page as it arrives. */
  private async listAll<T>(path: string, schema: z.ZodType<T>, onPage?: (items: T[]) => void): Promise<T[]> {
    const out: T[] = [];
    let page = pageSchema.parse(await this.getPage(path));
    // A service principal's object id is its id; an application's findings are its service principal's (by appId).
    const where = {
      api: 'graph' as const,
      source: path,
      scope: 'directory',
      objectIdOf: path.startsWith('/servicePrincipals')
        ? (raw: Record<string, unknown>) => raw.id
        : undefined,
    };
    for (;;) {
      const items = this.quarantine.parseAll(schema, page.value, where);
      for (const item of items) out.push(item);
      onPage?.(items);
      const next = page['@odata.nextLink'];
      if (!next) return out;
      page = pageSchema.parse(await this.getPage(next));
    }
  }

  /**
   * One page. The Graph client retries 429, 503 and 504 itself; a 500 or 502 it passes on at
   * once, so those are retried here with the item budget (attempts and backoff as for $batch items).
   */
  private async getPage(path: string): Promise<unknown> {
    const maxAttempts = this.options.maxItemAttempts ?? 5;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.graph.api(path).get()) as unknown;
      } catch (error) {
        const status = (error as { statusCode?: unknown }).statusCode;
        if (attempt >= maxAttempts || typeof status !== 'number' || ![500, 502].includes(status)) throw error;
        await sleep(Math.min(MAX_RETRY_AFTER_SECONDS, 2 ** attempt) * 1000);
      }
    }
  }

  listApplications(onPage?: (page: GraphApplication[]) => void): Promise<GraphApplication[]> {
    return this.listAll(`/applications?$select=${APP_SELECT}&$top=${PAGE}`, applicationSchema, onPage);
  }

  listServicePrincipals(onPage?: (page: GraphServicePrincipal[]) => void): Promise<GraphServicePrincipal[]> {
    return this.listAll(
      `/servicePrincipals?$select=${SP_SELECT}&$top=${PAGE}`,
      servicePrincipalSchema,
      onPage,
    );
  }

  /**
   * GETs many relative URLs through $batch and returns each URL's complete list (following
   * nextLinks). Throws GraphReadError when an item still fails after its retries.
   */
  async batchLists<T>(urls: readonly string[], schema: z.ZodType<T>): Promise<Map<string, T[]>> {
    const lists = this.lists(schema);
    for (const url of urls) lists.add(url);
    return lists.finish();
  }

  /**
   * The same as batchLists, fed one URL at a time: every 20 go out as one $batch at once (within
   * the reader's shared budget), so lookups start while the objects are still being listed.
   */
  lists<T>(
    schema: z.ZodType<T>,
    /** The service principal an unreadable item is about (default: the object the list belongs to). */
    objectIdOf?: (raw: Record<string, unknown>) => unknown,
  ): { add(url: string): void; finish(): Promise<Map<string, T[]>> } {
    const results = new Map<string, T[]>();
    const seen = new Set<string>();
    const sent: Promise<void>[] = [];
    let pending: string[] = [];
    const send = (): void => {
      const chunk = pending;
      pending = [];
      const work = this.readLists(chunk, schema, results, objectIdOf);
      // Awaited by finish(); until then a failure must not surface as an unhandled rejection.
      work.catch(() => undefined);
      sent.push(work);
    };
    return {
      add: (url) => {
        if (seen.has(url)) return;
        seen.add(url);
        pending.push(url);
        if (pending.length === MAX_BATCH) send();
      },
      finish: async () => {
        if (pending.length) send();
        await Promise.all(sent);
        return results;
      },
    };
  }

  private async readLists<T>(
    chunk: string[],
    schema: z.ZodType<T>,
    results: Map<string, T[]>,
    objectIdOf?: (raw: Record<string, unknown>) => unknown,
  ): Promise<void> {
    const bodies = await this.batchGet(chunk);
    for (const [url, body] of bodies) {
      const page = pageSchema.parse(body);
      const where = {
        api: 'graph' as const,
        source: url,
        scope: 'directory',
        objectIdOf: objectIdOf ?? (() => ownerOfList(url)),
      };
      const items = this.quarantine.parseAll(schema, page.value, where);
      let next = page['@odata.nextLink'];
      while (next) {
        const link = next;
        const more = pageSchema.parse(await this.slot(() => this.graph.api(link).get()));
        items.push(...this.quarantine.parseAll(schema, more.value, where));
        next = more['@odata.nextLink'];
      }
      results.set(url, items);
    }
  }

  /** GETs objects through $batch; with `missingOk` a 404 leaves the URL out of the result instead of failing. */
  async batchObjects<T>(
    urls: readonly string[],
    schema: z.ZodType<T>,
    options: { missingOk?: boolean } = {},
  ): Promise<Map<string, T>> {
    const results = new Map<string, T>();
    const chunks: string[][] = [];
    for (let i = 0; i < urls.length; i += MAX_BATCH) chunks.push(urls.slice(i, i + MAX_BATCH));
    await mapLimit(chunks, this.concurrency, async (chunk) => {
      for (const [url, body] of await this.batchGet(chunk, options.missingOk)) {
        if (body === MISSING) continue;
        // One object that cannot be read is set aside, not fatal to the others.
        const item = this.quarantine.parse(schema, body, {
          api: 'graph',
          source: url,
          scope: 'directory',
          objectIdOf: () => ownerOfList(`${url}/`),
        });
        if (item !== undefined) results.set(url, item);
      }
    });
    return results;
  }

  /** The service principals with these object ids; those that do not exist are absent. */
  async servicePrincipalsById(ids: readonly string[]): Promise<GraphServicePrincipal[]> {
    const found = await this.batchObjects(
      ids.map((id) => `/servicePrincipals/${id}?$select=${SP_SELECT}`),
      servicePrincipalSchema,
      { missingOk: true },
    );
    return [...found.values()];
  }

  /** Service principals of these application ids (existing ones only). */
  servicePrincipalsByAppId(appIds: readonly string[]): Promise<GraphServicePrincipal[]> {
    return this.listByAppIds('servicePrincipals', SP_SELECT, servicePrincipalSchema, appIds);
  }

  /**
   * One round of delta queries, all collections' first pages in one $batch. Without a link a
   * round starts from scratch (every object, then a deltaLink); with one it returns what changed.
   * A link Graph no longer accepts (410 Gone, or 400 for a malformed token) comes back `expired`.
   */
  async delta(
    requests: ReadonlyArray<{ collection: DeltaCollection; link?: string }>,
  ): Promise<DeltaRound[]> {
    const urls = requests.map((r) =>
      r.link ? relativeGraphUrl(r.link) : `/${r.collection}/delta?$select=${DELTA_SELECT[r.collection]}`,
    );
    const first = await this.batchGet(urls, false, [400, 410]);
    const rounds: DeltaRound[] = [];
    for (const [i, r] of requests.entries()) {
      const body = first.get(urls[i]!);
      if (isRejected(body)) {
        rounds.push({
          collection: r.collection,
          expired: true,
          changed: [],
          removed: [],
          deltaLink: undefined,
        });
        continue;
      }
      const round: DeltaRound = {
        collection: r.collection,
        expired: false,
        changed: [],
        removed: [],
        deltaLink: undefined,
      };
      let page = deltaPage(body, r.collection);
      for (;;) {
        for (const item of page.value) {
          if (item['@removed']) round.removed.push(item.id.toLowerCase());
          else round.changed.push({ id: item.id.toLowerCase(), appId: item.appId?.toLowerCase() ?? null });
        }
        if (page['@odata.deltaLink']) {
          round.deltaLink = page['@odata.deltaLink'];
          break;
        }
        const next = page['@odata.nextLink'];
        if (!next) throw new GraphReadError(`Graph delta of ${r.collection} ended without a deltaLink`);
        try {
          page = deltaPage(await this.graph.api(next).get(), r.collection);
        } catch (error) {
          const status = (error as { statusCode?: number }).statusCode;
          if (status === 410 || status === 400) {
            round.expired = true;
            break;
          }
          throw error;
        }
      }
      rounds.push(round);
    }
    return rounds;
  }

  /** The app registrations (of this tenant) with these application ids. */
  applicationsByAppId(appIds: readonly string[]): Promise<GraphApplication[]> {
    return this.listByAppIds('applications', APP_SELECT, applicationSchema, appIds);
  }

  private async listByAppIds<T>(
    collection: DeltaCollection,
    select: string,
    schema: z.ZodType<T>,
    appIds: readonly string[],
  ): Promise<T[]> {
    const out: T[] = [];
    // Graph allows at most 15 values in an `in` filter on directory objects.
    for (let i = 0; i < appIds.length; i += 15) {
      const list = appIds
        .slice(i, i + 15)
        .map((id) => `'${id.replace(/'/g, "''")}'`)
        .join(',');
      out.push(
        ...(await this.listAll(`/${collection}?$filter=appId in (${list})&$select=${select}`, schema)),
      );
    }
    return out;
  }

  private async batchGet(
    urls: readonly string[],
    missingOk = false,
    passStatuses: readonly number[] = [],
  ): Promise<Map<string, unknown>> {
    // The slot is held through Retry-After waits: a throttled reader slows down instead of letting
    // ever more batches join the queue for the same refilling bucket.
    return this.slot(() => this.batchGetHoldingSlot(urls, missingOk, passStatuses));
  }

  private async batchGetHoldingSlot(
    urls: readonly string[],
    missingOk: boolean,
    passStatuses: readonly number[],
  ): Promise<Map<string, unknown>> {
    const done = new Map<string, unknown>();
    let pending = [...urls];
    const maxAttempts = this.options.maxItemAttempts ?? 5;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let throttledRounds = 0;
    for (let attempt = 1; pending.length > 0; attempt++) {
      await this.pacer.acquire(pending.length * this.unitsPerItem);
      const requests = pending.map((url, i) => ({ id: String(i), method: 'GET', url }));
      const response = (await this.graph.api('/$batch').post({ requests })) as {
        responses?: Array<{ id: string; status: number; headers?: Record<string, string>; body?: unknown }>;
      };
      const retry: string[] = [];
      let waitSeconds = 0;
      let admitted = 0;
      let admittedItems = 0;
      for (const item of response.responses ?? []) {
        const url = pending[Number(item.id)];
        if (url === undefined) continue;
        const units = Number(headerOf(item.headers, 'x-ms-resource-unit'));
        this.options.counter?.addResourceUnits(units);
        if (item.status !== 429) {
          admitted += Number.isFinite(units) && units > 0 ? units : 1;
          admittedItems += 1;
        }
        if (item.status >= 200 && item.status < 300) {
          done.set(url, item.body);
        } else if (item.status === 404 && missingOk) {
          done.set(url, MISSING);
        } else if (passStatuses.includes(item.status)) {
          done.set(url, { [REJECTED]: item.status });
        } else if (
          // Throttling is waited out longer than a failing server: the bucket refills.
          (item.status === 429 && throttledRounds < MAX_THROTTLED_ROUNDS) ||
          (TRANSIENT_ITEM_STATUS.includes(item.status) && attempt < maxAttempts)
        ) {
          retry.push(url);
          const header = retryAfterSeconds(headerOf(item.headers, 'retry-after'));
          waitSeconds = Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(waitSeconds, header ?? 2 ** attempt));
        } else {
          const code = (item.body as { error?: { code?: string } } | undefined)?.error?.code ?? '';
          throw new GraphReadError(`Graph ${url} answered HTTP ${item.status} ${code}`.trim(), item.status);
        }
      }
      const missing = pending.filter((u) => !done.has(u) && !retry.includes(u));
      if (missing.length)
        throw new GraphReadError(`Graph $batch returned no response for ${missing.length} request(s)`);
      pending = retry;
      const throttled = (response.responses ?? []).filter((r) => r.status === 429).length;
      if (admittedItems) this.unitsPerItem = 0.9 * this.unitsPerItem + (0.1 * admitted) / admittedItems;
      this.pacer.report(admitted, throttled, waitSeconds);
      if (throttled) throttledRounds += 1;
      if (pending.length) await sleep(waitSeconds * 1000);
    }
    return done;
  }

  async owners(paths: readonly string[]): Promise<Map<string, LiveOwner[]>> {
    return addAll(this.ownerLookups(), paths);
  }

  /** Owners of directory objects by path (`/applications/{id}`), fed one at a time. */
  ownerLookups(): Lookups<LiveOwner[]> {
    return this.keyedLookups(
      (path) => `${path}/owners?$select=id,displayName,mail`,
      ownerSchema,
      async () => (owners) =>
        owners.map((o) => ({
          objectId: o.id.toLowerCase(),
          displayName: o.displayName ?? null,
          mail: o.mail ?? null,
          type:
            o['@odata.type'] === '#microsoft.graph.user'
              ? 'user'
              : o['@odata.type'] === '#microsoft.graph.servicePrincipal'
                ? 'servicePrincipal'
                : 'other',
        })),
    );
  }

  async applicationFederatedCredentials(
    applicationIds: readonly string[],
  ): Promise<Map<string, LiveFederatedCredential[]>> {
    return addAll(this.applicationFederatedCredentialLookups(), applicationIds);
  }

  /** Federated credentials of applications by object id, fed one at a time. */
  applicationFederatedCredentialLookups(): Lookups<LiveFederatedCredential[]> {
    return this.keyedLookups(
      (id) => `/applications/${id}/federatedIdentityCredentials`,
      federatedCredentialWireSchema,
      async () => (credentials) => credentials.map(toApplicationFederatedCredential),
    );
  }

  /** App role assignments of each service principal, with permission names resolved from each resource's appRoles. */
  async appRoleGrants(servicePrincipalIds: readonly string[]): Promise<Map<string, AppRoleGrant[]>> {
    return addAll(this.appRoleGrantLookups(), servicePrincipalIds);
  }

  /** App role grants of service principals by object id, fed one at a time. */
  appRoleGrantLookups(): Lookups<AppRoleGrant[]> {
    return this.keyedLookups(
      (id) => `/servicePrincipals/${id}/appRoleAssignments`,
      appRoleAssignmentSchema,
      async (found) => {
        // Permission names come from each granting resource's appRoles: one lookup per resource.
        const resourceIds = [...new Set([...found.values()].flat().map((a) => a.resourceId.toLowerCase()))];
        const resources = await this.batchObjects(
          resourceIds.map((id) => `/servicePrincipals/${id}?$select=id,displayName,appRoles`),
          resourceSchema,
        );
        const roleNames = new Map<string, string>();
        for (const r of resources.values())
          for (const role of r.appRoles)
            if (role.value) roleNames.set(`${r.id.toLowerCase()}|${role.id.toLowerCase()}`, role.value);
        return (grants) => grants.map((a) => toGrant(a, roleNames));
      },
    );
  }

  /**
   * App role grants read from the granting side: `appRoleAssignedTo` of each service principal
   * that defines an app role an application can hold (20 to a $batch, following nextLinks), instead
   * of one lookup per service principal that might hold one. Fed the listed service principals page
   * by page, and the ids of any that could not be read (they may grant too: they are asked as well,
   * their permissions then named by app role id). Grants to users and groups are left out.
   */
  grantingSideLookups(): {
    addResources(page: readonly GraphServicePrincipal[]): void;
    addUnreadable(servicePrincipalId: string): void;
    finish(): Promise<Map<string, AppRoleGrant[]>>;
  } {
    const lists = this.lists(appRoleAssignedToSchema, (raw) => raw.principalId);
    const roleNames = new Map<string, string>();
    const ask = (id: string) => lists.add(`/servicePrincipals/${id}/appRoleAssignedTo?$top=${PAGE}`);
    return {
      addResources: (page) => {
        for (const sp of page) {
          const roles = sp.appRoles ?? [];
          // A role without allowedMemberTypes is read as grantable: unknown is not "users only".
          if (
            !roles.some((r) => !r.allowedMemberTypes?.length || r.allowedMemberTypes.includes('Application'))
          )
            continue;
          for (const role of roles)
            if (role.value && role.id)
              roleNames.set(`${sp.id.toLowerCase()}|${role.id.toLowerCase()}`, role.value);
          ask(sp.id);
        }
      },
      addUnreadable: ask,
      finish: async () => {
        const grants = new Map<string, AppRoleGrant[]>();
        for (const list of (await lists.finish()).values())
          for (const a of list) {
            if (a.principalType && a.principalType !== 'ServicePrincipal') continue;
            const principal = a.principalId.toLowerCase();
            const held = grants.get(principal);
            if (held) held.push(toGrant(a, roleNames));
            else grants.set(principal, [toGrant(a, roleNames)]);
          }
        return grants;
      },
    };
  }

  /**
   * Lookups of one relation by key: each key's list is read through `lists` (20 to a $batch) and
   * turned into domain values by the converter `prepare` returns once every list is in.
   */
  private keyedLookups<T, V>(
    urlOf: (key: string) => string,
    schema: z.ZodType<T>,
    prepare: (found: Map<string, T[]>) => Promise<(items: T[]) => V>,
  ): Lookups<V> {
    const lists = this.lists(schema);
    const keys: string[] = [];
    return {
      add: (key) => {
        keys.push(key);
        lists.add(urlOf(key));
      },
      finish: async () => {
        const found = await lists.finish();
        const convert = await prepare(found);
        return new Map(keys.map((key) => [key, convert(found.get(urlOf(key)) ?? [])]));
      },
    };
  }
}

function toGrant(
  a: z.output<typeof appRoleAssignmentSchema>,
  roleNames: ReadonlyMap<string, string>,
): AppRoleGrant {
  return {
    id: a.id,
    resourceId: a.resourceId.toLowerCase(),
    resourceDisplayName: a.resourceDisplayName ?? a.resourceId,
    appRoleId: a.appRoleId.toLowerCase(),
    permission: roleNames.get(`${a.resourceId.toLowerCase()}|${a.appRoleId.toLowerCase()}`) ?? a.appRoleId,
    createdDateTime: a.createdDateTime ?? null,
  };
}

/** A header of a $batch item (their names come in any case). */
function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  return Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
}

/** Per-object lookups fed as the objects become known; `finish` waits for all and maps key → result. */
export interface Lookups<V> {
  add(key: string): void;
  finish(): Promise<Map<string, V>>;
}

function addAll<V>(lookups: Lookups<V>, keys: readonly string[]): Promise<Map<string, V>> {
  for (const key of keys) lookups.add(key);
  return lookups.finish();
}

export function credentialsOf(
  obj: {
    passwordCredentials: Array<z.output<typeof passwordSchema>>;
    keyCredentials: Array<z.output<typeof keySchema>>;
    tokenEncryptionKeyId?: string | null;
  },
  on: LiveCredential['on'],
): LiveCredential[] {
  const purposes = credentialPurposes(obj);
  return [
    ...obj.passwordCredentials.map((p) => ({
      keyId: p.keyId.toLowerCase(),
      type: 'secret' as const,
      purpose: purposes.ofPassword(p),
      thumbprint: null,
      displayName: p.displayName ?? null,
      hint: p.hint ?? null,
      start: p.startDateTime ?? null,
      end: p.endDateTime ?? null,
      on,
    })),
    ...obj.keyCredentials.map((k) => ({
      keyId: k.keyId.toLowerCase(),
      type: 'certificate' as const,
      purpose: purposes.ofKey(k),
      thumbprint: thumbprintOf(k.customKeyIdentifier),
      displayName: k.displayName ?? null,
      hint: null,
      start: k.startDateTime ?? null,
      end: k.endDateTime ?? null,
      on,
    })),
  ];
}

/** An application's federated credential from Graph's wire JSON (classic or flexible). */
export function graphFederatedCredential(raw: unknown): LiveFederatedCredential {
  return toApplicationFederatedCredential(federatedCredentialWireSchema.parse(raw));
}

function toApplicationFederatedCredential(
  f: z.output<typeof federatedCredentialWireSchema>,
): LiveFederatedCredential {
  return {
    id: f.id,
    name: f.name,
    issuer: f.issuer,
    subject: f.subject ?? null,
    claimsMatchingExpression: f.claimsMatchingExpression ?? null,
    audiences: f.audiences,
    on: 'application',
  };
}

/**
 * The object a relation list belongs to (`/servicePrincipals/{id}/appRoleAssignments`), so an
 * unreadable item is attributed to it. Application relations name the application's object id,
 * not its service principal's: those are left unattributed.
 */
function ownerOfList(url: string): string | undefined {
  return /^\/?servicePrincipals\/([^/?]+)\//i.exec(url)?.[1];
}
