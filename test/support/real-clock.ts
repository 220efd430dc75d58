/**
 * The environment for a browser the tests start: the process's own, without libfaketime's preload
 * and settings. Chromium does not start under the preload (it hangs), and what the browser tests
 * render carries the dates the test passed in, so the browser itself may run on the real clock
 * while the test runs with the clock moved (test/support/run-tests.mjs).
 */
export function realClockEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || k.startsWith('FAKETIME') || k === 'DONT_FAKE_MONOTONIC') continue;
    out[k] =
      k === 'LD_PRELOAD'
        ? v
            .split(/[:\s]+/)
            .filter((lib) => lib && !/libfaketime/.test(lib))
            .join(':')
        : v;
  }
  if (out.LD_PRELOAD === '') delete out.LD_PRELOAD;
  return out;
}
