/**
 * Paces $batch requests to the rate Microsoft Graph refills its resource-unit bucket, learned from
 * Graph's own answers, so that a large read drains the bucket once and then runs just under the
 * refill rate instead of being throttled over and over (every throttled item is a resend, and a
 * round of 429s costs a whole Retry-After).
 *
 * Graph does not publish a tenant's quota in its answers, only what each request cost
 * (`x-ms-resource-unit`) and, when throttled, how long to wait. So: until the first 429, batches go
 * as fast as the reader's slots allow (the bucket starts full). A 429 pauses every batch for its
 * Retry-After. The units admitted between one throttling and the next are what the bucket refilled
 * in that time: that rate, a little under it, is the pace from then on. A 429 while pacing lowers
 * the pace a little and pauses again.
 *
 * A round in which every item was throttled admitted nothing: that says the bucket is empty, not
 * that it refills at 0 a second, so it pauses for the Retry-After and learns no pace from it (a
 * pace of 0 would wait for ever). A Retry-After is honoured up to MAX_RETRY_AFTER_SECONDS.
 */
import { MAX_RETRY_AFTER_SECONDS } from '../azure/throttle-policy';

export class GraphPacer {
  /** Resource units per second this reader may spend; undefined until learned. */
  private rate: number | undefined;
  private tokens = 0;
  private at: number;
  private pausedUntil = 0;
  /** Since the last throttling: when, and how many units were admitted since. */
  private since: { at: number; admitted: number } | undefined;

  /** Time a sleep did not really take (a test's instant sleep): the pacer's clock moves on anyway. */
  private skipped = 0;

  constructor(
    private readonly realClock: () => number = () => performance.now(),
    private readonly realSleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.at = this.clock();
  }

  private clock(): number {
    return this.realClock() + this.skipped;
  }

  private async sleep(ms: number): Promise<void> {
    const started = this.realClock();
    await this.realSleep(ms);
    this.skipped += Math.max(0, ms - (this.realClock() - started));
  }

  /** The pace learned so far (resource units a second), for tests and diagnostics. */
  get pace(): number | undefined {
    return this.rate;
  }

  /** Waits until a batch expected to cost `units` may be sent. */
  async acquire(units: number): Promise<void> {
    for (;;) {
      const now = this.clock();
      if (now < this.pausedUntil) {
        await this.sleep(this.pausedUntil - now);
        continue;
      }
      if (this.rate === undefined || !(this.rate > 0)) return;
      // A fifth of a second's worth at most: the pace, not bursts above it.
      this.tokens = Math.min(
        Math.max(units, this.rate / 5),
        this.tokens + ((now - this.at) / 1000) * this.rate,
      );
      this.at = now;
      if (this.tokens >= units) {
        this.tokens -= units;
        return;
      }
      await this.sleep(((units - this.tokens) / this.rate) * 1000);
    }
  }

  /** What one $batch answer said: units its items cost, how many were throttled, the longest Retry-After. */
  report(admittedUnits: number, throttledItems: number, retryAfter: number): void {
    const now = this.clock();
    const retryAfterSeconds = Number.isFinite(retryAfter)
      ? Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, retryAfter))
      : MAX_RETRY_AFTER_SECONDS;
    // Units admitted during a pause went to batches sent before it: not part of the refill.
    if (this.since && now >= this.pausedUntil) this.since.admitted += admittedUnits;
    if (throttledItems === 0) return;
    const elapsed = this.since ? (now - this.since.at) / 1000 : 0;
    // Throttled again after at least one pause: the bucket refilled what was admitted since.
    const refill = this.since && elapsed > 0 ? this.since.admitted / elapsed : 0;
    if (this.since && elapsed >= Math.max(0.5, retryAfterSeconds) && refill > 0) {
      this.rate = this.rate === undefined ? refill * 0.98 : Math.min(this.rate * 0.97, refill * 0.98);
    } else if (this.rate !== undefined && now >= this.pausedUntil) {
      this.rate *= 0.97;
    }
    // Answers of batches sent before the pause began do not start a new measurement.
    if (!this.since || now >= this.pausedUntil) this.since = { at: now, admitted: 0 };
    this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterSeconds * 1000);
    this.tokens = 0;
    this.at = this.pausedUntil;
  }
}
