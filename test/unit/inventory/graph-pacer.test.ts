import { describe, expect, it } from 'vitest';
import { GraphPacer } from '../../../shared/inventory/graph-pacer';
import { TokenBucket } from '../../../emulator/throttling';

/** A pacer on a virtual clock: sleeping moves the clock, nothing really waits. */
function virtual() {
  let now = 0;
  const pacer = new GraphPacer(
    () => now,
    async (ms) => {
      // A wait with no end would spin this virtual clock for ever: fail instead.
      if (!Number.isFinite(ms) || ms < 0) throw new Error(`asked to sleep ${ms} ms`);
      now += ms;
    },
  );
  return { pacer, now: () => now, advance: (ms: number) => (now += ms) };
}

describe('Graph pacer', () => {
  it('a round with every item throttled twice learns no pace of zero: it waits the Retry-After, not for ever', async () => {
    const v = virtual();
    v.pacer.report(0, 20, 1); // all 20 items throttled
    await v.pacer.acquire(20);
    v.pacer.report(0, 20, 1); // and again, a second later: nothing admitted in between
    const start = v.now();
    await v.pacer.acquire(20);
    expect(v.now() - start).toBe(1000);
    expect(v.pacer.pace === undefined || v.pacer.pace > 0).toBe(true);
    // Then the items are admitted and batches go out again at once.
    v.pacer.report(20, 0, 0);
    const next = v.now();
    await v.pacer.acquire(20);
    expect(Number.isFinite(v.now())).toBe(true);
    expect(v.now() - next).toBeLessThan(1000);
  });

  it('a Retry-After of hours, Infinity or NaN pauses at most a minute', async () => {
    for (const asked of [7200, Infinity, NaN]) {
      const v = virtual();
      v.pacer.report(0, 1, asked);
      await v.pacer.acquire(1);
      expect(v.now(), String(asked)).toBe(60_000);
    }
  });

  it('sends freely until throttled, then pauses every batch for the Retry-After', async () => {
    const v = virtual();
    await v.pacer.acquire(20);
    expect(v.now()).toBe(0);
    v.pacer.report(10, 10, 2);
    await v.pacer.acquire(20);
    expect(v.now()).toBe(2000);
    expect(v.pacer.pace).toBeUndefined();
  });

  it('learns the refill rate from what was admitted between two throttlings, and paces just under it', async () => {
    const v = virtual();
    v.pacer.report(0, 5, 1); // throttled at t=0: pause 1 s
    await v.pacer.acquire(20);
    v.advance(1000); // by t=2 s, 1,600 units were admitted (800 a second refilled since t=0)
    v.pacer.report(1600, 3, 1);
    expect(v.pacer.pace).toBeCloseTo(784, 0);
    // Paced: 100 batches of 20 units take 2,000 / 784 seconds after the pause.
    const start = v.now();
    for (let i = 0; i < 100; i++) await v.pacer.acquire(20);
    expect((v.now() - start) / 1000).toBeGreaterThan(1 + 1900 / 784);
    expect((v.now() - start) / 1000).toBeLessThan(1 + 2100 / 784);
  });

  it('slows down when throttled while pacing', async () => {
    const v = virtual();
    v.pacer.report(0, 1, 1);
    await v.pacer.acquire(1);
    v.advance(1000);
    v.pacer.report(1000, 1, 1);
    const learned = v.pacer.pace!;
    await v.pacer.acquire(1);
    v.pacer.report(0, 1, 1);
    expect(v.pacer.pace!).toBeLessThan(learned);
  });

  it("against a token bucket like Graph's, a paced reader is throttled a few times, not once a round", async () => {
    const v = virtual();
    const bucket = new TokenBucket({ size: 8000, refillPerSecond: 800 }, 0);
    let throttled = 0;
    let admitted = 0;
    // 40,000 units in batches of 20, one at a time, 10 ms a request (up to 2,000 units a second).
    let pending = 2000;
    while (pending > 0) {
      await v.pacer.acquire(20);
      v.advance(10);
      let ok = 0;
      for (let i = 0; i < 20; i++) if (bucket.take(1, v.now()).ok) ok += 1;
      const refused = 20 - ok;
      if (refused) throttled += 1;
      admitted += ok;
      v.pacer.report(ok, refused, refused ? 1 : 0);
      if (ok === 20) pending -= 1;
    }
    expect(admitted).toBeGreaterThanOrEqual(40_000);
    expect(throttled).toBeLessThan(10);
    // The floor: (40,000 - 8,000) / 800 = 40 s; the pacer is within a tenth of it.
    expect(v.now() / 1000).toBeLessThan(44);
  });
});
