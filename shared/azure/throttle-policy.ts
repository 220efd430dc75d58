/**
 * ARM answers 429 with Retry-After when a token bucket is empty (reads refill 25 a second per
 * subscription): at tens of thousands of identities that is expected, not a failure. The SDKs'
 * retry policy shares one budget of 3 retries between throttling and server errors; this policy
 * waits out up to `maxWaits` 429s itself (Retry-After, else exponential) before the SDK sees one,
 * so a throttled read is slowed down rather than reported as unreadable, while a failing server
 * still fails after the SDK's few retries.
 */
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** Seconds a Retry-After header asks for (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/**
 * ARM's documented budget per principal and subscription (requests without one: the tenant's),
 * kept on this side too: reads 250 refilling 25 a second, writes and deletes 200 refilling 10. A
 * reader that stays within it is not throttled, where one that relies on 429s resends a share of
 * its requests and waits whole seconds for each.
 */
export class ArmBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly clock: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async take(url: string, method: string): Promise<void> {
    const subscription =
      /\/subscriptions\/([^/?]+)/i.exec(new URL(url).pathname)?.[1]?.toLowerCase() ?? 'tenant';
    const kind = method === 'GET' ? 'reads' : method === 'DELETE' ? 'deletes' : 'writes';
    const { size, refill } = kind === 'reads' ? { size: 250, refill: 25 } : { size: 200, refill: 10 };
    const key = `${subscription}|${kind}`;
    for (;;) {
      const now = this.clock();
      const b = this.buckets.get(key) ?? { tokens: size, at: now };
      b.tokens = Math.min(size, b.tokens + ((now - b.at) / 1000) * refill);
      b.at = now;
      this.buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      await this.sleep(((1 - b.tokens) / refill) * 1000);
    }
  }
}

/** The longest single wait a Retry-After is honoured for (ARM and Graph alike). */
export const MAX_RETRY_AFTER_SECONDS = 60;

export function armThrottlePolicy(
  options: { maxWaits?: number; sleep?: (ms: number) => Promise<void>; budget?: ArmBudget } = {},
): PipelinePolicy {
  const maxWaits = options.maxWaits ?? 12;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return {
    name: 'wimonArmThrottle',
    sendRequest: async (request, next) => {
      for (let waits = 0; ; waits++) {
        await options.budget?.take(request.url, request.method);
        const response = await next(request);
        if (response.status !== 429 || waits >= maxWaits || request.abortSignal?.aborted) return response;
        // Honoured up to a minute a wait: a header asking for more (or for a date far ahead) must
        // not park a run beyond its deadline; after maxWaits the 429 goes to the SDK and is reported.
        const seconds = retryAfterSeconds(response.headers.get('retry-after')) ?? Math.min(32, 2 ** waits);
        await sleep(Math.min(MAX_RETRY_AFTER_SECONDS, seconds) * 1000);
      }
    },
  };
}
