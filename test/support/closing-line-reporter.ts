/**
 * Prints the plain closing line the workplace CI reads: `N passed, N failed[, N skipped]`. Under
 * test/support/run-tests.mjs (two passes) each pass writes its counts to WIMON_TEST_TALLY and
 * prints them labelled; the runner prints the sum as the closing line.
 */
import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

export default class ClosingLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      // A file that failed to load has no tests but must count as a failure.
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    failed += unhandledErrors.length;
    const tally = process.env.WIMON_TEST_TALLY;
    if (tally) {
      writeFileSync(tally, JSON.stringify({ passed, failed, skipped }));
      process.stdout.write(
        `\nthis pass (${process.env.WIMON_TEST_PASS ?? 'vitest'}) ${passed} passed, ${failed} failed, ${skipped} skipped\n`,
      );
    } else
      process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
