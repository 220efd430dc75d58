import { afterEach, describe, expect, it, vi } from 'vitest';
import { RequestCounter } from '../../../shared/azure/request-counter';
import type { CliIo } from '../../../shared/cli/io';
import { withProgress } from '../../../shared/cli/progress';

const io = (progress?: CliIo['progress']): CliIo => ({
  out: () => undefined,
  err: () => undefined,
  env: {},
  cwd: '/',
  isTty: true,
  progress,
});

describe('progress on stderr for long reads', () => {
  afterEach(() => vi.useRealTimers());

  it('after three seconds a line with requests, throttling and time; cleared at the end; nothing for a short read', async () => {
    vi.useFakeTimers();
    const lines: Array<string | undefined> = [];
    const counter = new RequestCounter();
    let finish!: (v: string) => void;
    const reading = withProgress(
      io((l) => lines.push(l)),
      counter,
      'Reading the tenant',
      () => new Promise<string>((r) => (finish = r)),
    );
    counter.arm = 120;
    counter.graph = 30;
    await vi.advanceTimersByTimeAsync(2000);
    expect(lines).toEqual([]); // a short read draws nothing
    counter.throttled = 2;
    await vi.advanceTimersByTimeAsync(2000);
    expect(lines.at(-1)).toBe(
      'Reading the tenant: 150 requests (ARM 120, Graph 30), 2 throttled (waiting as Azure asks), 4 s',
    );
    finish('done');
    expect(await reading).toBe('done');
    expect(lines.at(-1)).toBeUndefined(); // cleared
  });

  it('silent when stderr is not a terminal (no progress function), and the result passes through', async () => {
    vi.useFakeTimers();
    const counter = new RequestCounter();
    const reading = withProgress(
      io(undefined),
      counter,
      'x',
      () => new Promise<number>((r) => setTimeout(() => r(7), 10_000)),
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await reading).toBe(7);
  });

  it('a failed read clears the line and rethrows', async () => {
    vi.useFakeTimers();
    const lines: Array<string | undefined> = [];
    const reading = withProgress(
      io((l) => lines.push(l)),
      new RequestCounter(),
      'x',
      () => new Promise<never>((_, reject) => setTimeout(() => reject(new Error('403')), 5000)),
    );
    const settled = expect(reading).rejects.toThrow('403');
    await vi.advanceTimersByTimeAsync(5000);
    await settled;
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toBeUndefined();
  });
});
