import { describe, expect, it } from 'vitest';
import { limiter, mapLimit } from '../../shared/inventory/concurrency';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('limiter', () => {
  it('never runs more than its limit, serves in arrival order, and frees a slot when a task fails', async () => {
    const slot = limiter(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const tasks = Array.from({ length: 3000 }, (_, i) =>
      slot(async () => {
        started.push(i);
        running += 1;
        most = Math.max(most, running);
        await tick();
        running -= 1;
        if (i % 7 === 0) throw new Error(`task ${i}`);
        return i;
      }),
    );
    // Newcomers while the queue is long must wait their turn too.
    const late = slot(async () => 'late');
    const results = await Promise.allSettled([...tasks, late]);
    expect(most).toBe(3);
    expect(started).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(Math.ceil(3000 / 7));
    expect(results.at(-1)).toEqual({ status: 'fulfilled', value: 'late' });
  });
});

describe('mapLimit', () => {
  it('keeps the order of the items and at most `limit` in flight', async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimit([5, 4, 3, 2, 1, 0], 2, async (n) => {
      running += 1;
      most = Math.max(most, running);
      for (let i = 0; i < n; i++) await tick();
      running -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 40, 30, 20, 10, 0]);
    expect(most).toBe(2);
  });
});
