/* global process -- a Node script */
// The test command's last step (`npm test`): Vitest twice.
//  1. Every test, on the machine's clock.
//  2. The tests that touch dates, with the clock moved SHIFT ahead (Debian's faketime, for every
//     process the tests start: Azurite, the emulator, the CLI, Chromium, the Azure CLI). A test
//     that mixes a fixed date with the wall clock fails here today, not on a later date: the
//     suite once turned red by itself on 2026-12-06 when links signed at a fixture's date expired.
//     Left out of this pass: lint and infrastructure invariants (no dates) and the deadline tests
//     (they measure elapsed time, which the shift does not change). The browser tests run in it;
//     the Chromium they start drops the preload (test/support/real-clock.ts): it hangs under it.
// Each pass prints its own labelled count; the last line is the sum, `N passed, N failed`, the
// closing line CI reads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const SHIFT = '+400d';
const VITEST = path.join('node_modules', 'vitest', 'vitest.mjs');
const NOT_SHIFTED = ['test/architecture/**', 'test/infra/**', 'test/e2e/cli-deadlines.test.ts'];

const tallyDir = mkdtempSync(path.join(os.tmpdir(), 'wimon-tally-'));
const passes = [
  { label: 'wall clock', command: process.execPath, args: [VITEST, 'run'] },
  {
    label: `clock moved ${SHIFT}`,
    command: 'faketime',
    args: ['-f', SHIFT, process.execPath, VITEST, 'run', ...NOT_SHIFTED.flatMap((g) => ['--exclude', g])],
    // Monotonic clocks stay real: timers and timeouts keep their length.
    env: { FAKETIME_DONT_FAKE_MONOTONIC: '1' },
  },
];
const total = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;
for (const [i, pass] of passes.entries()) {
  const tally = path.join(tallyDir, `${i}.json`);
  process.stdout.write(`\n=== Vitest, ${pass.label} ===\n`);
  const run = spawnSync(pass.command, pass.args, {
    stdio: 'inherit',
    env: { ...process.env, ...pass.env, WIMON_TEST_TALLY: tally, WIMON_TEST_PASS: pass.label },
  });
  let counts = { passed: 0, failed: 1, skipped: 0 };
  try {
    counts = JSON.parse(readFileSync(tally, 'utf8'));
  } catch {
    process.stdout.write(
      `(${pass.label}: Vitest did not report; counted as one failure: ${run.error?.message ?? `exit ${run.status}`})\n`,
    );
  }
  for (const k of Object.keys(total)) total[k] += counts[k];
  if (run.status !== 0 || counts.failed > 0) exitCode = 1;
}
rmSync(tallyDir, { recursive: true, force: true });
process.stdout.write(
  `\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}\n`,
);
process.exit(exitCode);
