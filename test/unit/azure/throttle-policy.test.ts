import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { ArmBudget, armThrottlePolicy, retryAfterSeconds } from '../../../shared/azure/throttle-policy';

const answer = (status: number, retryAfter?: string): PipelineResponse => ({
  status,
  headers: createHttpHeaders(retryAfter ? { 'retry-after': retryAfter } : {}),
  request: createPipelineRequest({ url: 'https://management.azure.com/x' }),
});

describe('ARM throttling policy', () => {
  it('waits out 429s for as long as Retry-After says, then returns the answer', async () => {
    const waits: number[] = [];
    const replies = [answer(429, '2'), answer(429, '1'), answer(200)];
    const policy = armThrottlePolicy({ sleep: async (ms) => void waits.push(ms) });
    const response = await policy.sendRequest(createPipelineRequest({ url: 'https://x' }), async () =>
      replies.shift()!,
    );
    expect(response.status).toBe(200);
    expect(waits).toEqual([2000, 1000]);
  });

  it('gives the SDK the 429 after maxWaits, and never waits on other statuses', async () => {
    const waits: number[] = [];
    let sent = 0;
    const policy = armThrottlePolicy({ maxWaits: 3, sleep: async (ms) => void waits.push(ms) });
    const throttled = await policy.sendRequest(createPipelineRequest({ url: 'https://x' }), async () => {
      sent += 1;
      return answer(429);
    });
    expect(throttled.status).toBe(429);
    expect(sent).toBe(4);
    expect(waits).toEqual([1000, 2000, 4000]); // no Retry-After: exponential
    const failed = await policy.sendRequest(createPipelineRequest({ url: 'https://x' }), async () =>
      answer(503, '5'),
    );
    expect(failed.status).toBe(503);
    expect(waits).toHaveLength(3);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds('Wed, 21 Oct 2026 07:28:05 GMT', Date.parse('2026-10-21T07:28:00Z'))).toBe(5);
    expect(retryAfterSeconds('soon')).toBeUndefined();
    expect(retryAfterSeconds(null)).toBeUndefined();
  });
});

describe("ARM's documented budget, kept on the client side", () => {
  it('lets 250 reads of a subscription go at once, then 25 a second; other subscriptions and writes have their own', async () => {
    let now = 0;
    const budget = new ArmBudget(
      () => now,
      async (ms) => {
        now += ms;
      },
    );
    const sub = 'https://management.azure.com/subscriptions/A/providers/x?api-version=1';
    for (let i = 0; i < 250; i++) await budget.take(sub, 'GET');
    expect(now).toBe(0);
    for (let i = 0; i < 50; i++) await budget.take(sub, 'GET');
    expect(now).toBeCloseTo(2000, -1);
    const before = now;
    await budget.take('https://management.azure.com/subscriptions/B/x', 'GET');
    await budget.take(sub, 'PUT');
    await budget.take('https://management.azure.com/providers/Microsoft.Management/getEntities', 'POST');
    expect(now).toBe(before);
  });
});
