/**
 * A progress line on stderr for reads that take more than a few seconds: requests so far by API,
 * throttled answers waited out, elapsed time. Only when stderr is a terminal (CliIo.progress);
 * cleared when the read ends, so the output that follows starts on a clean line.
 */
import type { RequestCounter } from '../azure/request-counter';
import type { CliIo } from './io';

export const PROGRESS_AFTER_MS = 3000;

export function progressLine(counter: RequestCounter, elapsedMs: number, what: string): string {
  const total = counter.arm + counter.graph + counter.logs;
  const parts = [
    `ARM ${counter.arm}`,
    `Graph ${counter.graph}`,
    ...(counter.logs ? [`Log Analytics ${counter.logs}`] : []),
  ];
  const throttled = counter.throttled ? `, ${counter.throttled} throttled (waiting as Azure asks)` : '';
  return `${what}: ${total} requests (${parts.join(', ')})${throttled}, ${Math.round(elapsedMs / 1000)} s`;
}

/** Runs `work`, showing progress after PROGRESS_AFTER_MS; returns its result. */
export async function withProgress<T>(
  io: CliIo,
  counter: RequestCounter,
  what: string,
  work: () => Promise<T>,
  clock: () => number = Date.now,
): Promise<T> {
  const draw = io.progress;
  if (!draw) return work();
  const started = clock();
  let shown = false;
  const timer = setInterval(() => {
    if (clock() - started < PROGRESS_AFTER_MS) return;
    shown = true;
    draw(progressLine(counter, clock() - started, what));
  }, 1000);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
    if (shown) draw(undefined);
  }
}
