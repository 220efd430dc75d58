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

export function armThrottlePolicy(
  options: { maxWaits?: number; sleep?: (ms: number) => Promise<void> } = {},
): PipelinePolicy {
  const maxWaits = options.maxWaits ?? 12;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return {
    name: 'wimonArmThrottle',
    sendRequest: async (request, next) => {
      for (let waits = 0; ; waits++) {
        const response = await next(request);
        if (response.status !== 429 || waits >= maxWaits || request.abortSignal?.aborted) return response;
        const seconds = retryAfterSeconds(response.headers.get('retry-after')) ?? Math.min(32, 2 ** waits);
        await sleep(seconds * 1000);
      }
    },
  };
}
