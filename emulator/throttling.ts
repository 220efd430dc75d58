/**
 * Azure's documented throttling, so that the emulator refuses as much as Azure would and a
 * client's wall time can be judged against the real floor:
 *
 * - Microsoft Graph, identity and access ("Microsoft Graph service-specific throttling limits",
 *   learn.microsoft.com/graph/throttling-limits): a token bucket of resource units per
 *   application+tenant pair, 3,500 / 5,000 / 8,000 per 10 seconds for a tenant of under 50 / 50 to
 *   500 / over 500 users. Each request costs its base cost from the documented table (GET
 *   `applications` 2, GET `servicePrincipals/{id}/appRoleAssignments` 2, any other identity GET 1),
 *   minus 1 with `$select`, plus 1 with `$expand`, minus 1 with `$top` under 20, never below 1.
 *   Every item of a `$batch` is evaluated on its own (the envelope costs nothing itself); only the
 *   requests exceeding the limit are throttled. Each answer carries `x-ms-resource-unit`.
 * - Azure Resource Manager ("Understand how Azure Resource Manager throttles requests",
 *   learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling):
 *   a token bucket per principal and subscription (requests without a subscription: the tenant's),
 *   per kind: reads 250 refilling 25 a second, writes and deletes 200 refilling 10.
 *
 * A request over a limit gets 429 with `Retry-After`: the whole seconds until the bucket holds its
 * cost again. Throttled requests take nothing from the bucket.
 */

export interface BucketLimit {
  /** Tokens the bucket holds when full. */
  size: number;
  refillPerSecond: number;
}

export interface ThrottlingLimits {
  graph: BucketLimit;
  arm: { reads: BucketLimit; writes: BucketLimit; deletes: BucketLimit };
}

/** Graph's application+tenant resource-unit quota per 10 seconds, by the tenant's number of users. */
export function graphQuotaPer10s(users: number): number {
  if (users < 50) return 3_500;
  if (users <= 500) return 5_000;
  return 8_000;
}

export function documentedLimits(users: number): ThrottlingLimits {
  const quota = graphQuotaPer10s(users);
  return {
    graph: { size: quota, refillPerSecond: quota / 10 },
    arm: {
      reads: { size: 250, refillPerSecond: 25 },
      writes: { size: 200, refillPerSecond: 10 },
      deletes: { size: 200, refillPerSecond: 10 },
    },
  };
}

/** Base resource-unit costs from the documented table; any identity request not listed costs 1. */
const BASE_COSTS: Array<[method: string, path: RegExp, cost: number]> = [
  ['GET', /^applications$/i, 2],
  ['GET', /^applications\/[^/]+\/extensionProperties$/i, 2],
  ['GET', /^contracts$/i, 3],
  ['POST', /^directoryObjects\/getByIds$/i, 3],
  ['POST', /^getObjectsById$/i, 3],
  ['GET', /^groups\/[^/]+\/members$/i, 3],
  ['GET', /^groups\/[^/]+\/transitiveMembers$/i, 5],
  ['GET', /^oauth2PermissionGrants(\/[^/]+)?$/i, 2],
  ['GET', /^servicePrincipals\/[^/]+\/appRoleAssignments$/i, 2],
  ['GET', /^subscribedSkus$/i, 3],
  ['GET', /^users$/i, 2],
];

/** What one Graph request costs in resource units (`path` without the version, query in `search`). */
export function graphResourceUnits(method: string, path: string, search: URLSearchParams): number {
  const relative = path.replace(/^\/+/, '').replace(/^(v1\.0|beta)\//i, '');
  const base = BASE_COSTS.find(([m, p]) => m === method.toUpperCase() && p.test(relative))?.[2] ?? 1;
  const top = Number(search.get('$top'));
  const cost =
    base -
    (search.has('$select') ? 1 : 0) +
    (search.has('$expand') ? 1 : 0) -
    (search.has('$top') && Number.isFinite(top) && top < 20 ? 1 : 0);
  return Math.max(1, cost);
}

export class TokenBucket {
  private tokens: number;
  private at: number;
  constructor(
    private readonly limit: BucketLimit,
    now: number,
  ) {
    this.tokens = limit.size;
    this.at = now;
  }

  /** Takes `cost` tokens, or says how many milliseconds until the bucket would hold them. */
  take(cost: number, now: number): { ok: true } | { ok: false; waitMs: number } {
    this.tokens = Math.min(
      this.limit.size,
      this.tokens + ((now - this.at) / 1000) * this.limit.refillPerSecond,
    );
    this.at = now;
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, waitMs: ((cost - this.tokens) / this.limit.refillPerSecond) * 1000 };
  }
}

export type Admission = { ok: true; resourceUnits?: number } | { ok: false; retryAfterSeconds: number };

/** The emulator's buckets: one for Graph, one per ARM subscription (or the tenant) and kind. */
export class Throttler {
  private readonly graph: TokenBucket;
  private readonly arm = new Map<string, TokenBucket>();
  /** Graph resource units served (throttled requests cost nothing). */
  resourceUnits = 0;

  constructor(
    private readonly limits: ThrottlingLimits,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.graph = new TokenBucket(limits.graph, clock());
  }

  /** Admits a Graph request or $batch item costing `cost` resource units (graphResourceUnits). */
  admitGraph(cost: number): Admission {
    const taken = this.graph.take(cost, this.clock());
    if (!taken.ok) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(taken.waitMs / 1000)) };
    this.resourceUnits += cost;
    return { ok: true, resourceUnits: cost };
  }

  admitArm(method: string, path: string): Admission {
    const subscription = /^\/*subscriptions\/([^/]+)/i.exec(path)?.[1]?.toLowerCase() ?? 'tenant';
    const kind = method === 'GET' ? 'reads' : method === 'DELETE' ? 'deletes' : 'writes';
    const key = `${subscription}|${kind}`;
    let bucket = this.arm.get(key);
    if (!bucket) this.arm.set(key, (bucket = new TokenBucket(this.limits.arm[kind], this.clock())));
    const taken = bucket.take(1, this.clock());
    return taken.ok
      ? { ok: true }
      : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(taken.waitMs / 1000)) };
  }
}
