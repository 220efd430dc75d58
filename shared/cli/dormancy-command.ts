/** `wimon dormancy`: the sign-in log check, the same code the daily function runs. */
import type { Command } from 'commander';
import { checkDormancy } from '../app/dormancy';
import { findingsJson, renderFindingsTable } from '../report/findings-report';
import { visibleText } from '../report/safe-text';
import type { CliIo } from './io';
import { terminalStyle } from './io';
import { withProgress } from './progress';
import {
  addRunOptions,
  endOfRun,
  parseFailOn,
  partialRunNotice,
  withPreparedRun,
  type RunOptions,
} from './run-options';

export function registerDormancyCommand(program: Command, io: CliIo): void {
  addRunOptions(
    program
      .command('dormancy')
      .description(
        'find workload identities that hold access or credentials but no longer sign in (Entra sign-in logs in Log Analytics; needs WIMON_LOG_ANALYTICS_WORKSPACE_ID)',
      ),
  )
    .option('--json', 'print {"run": {...}, "findings": [...]} as JSON')
    .action((opts: RunOptions) => {
      const failOn = parseFailOn(opts.failOn);
      return withPreparedRun(opts, io, async ({ tenant, tables, evaluateAt, baseline }) => {
        const { run, findings } = await withProgress(
          io,
          tenant.clients.counter,
          'Reading the tenant and sign-in logs',
          () => checkDormancy({ tables, tenant, evaluateAt, baseline }),
        );
        if (opts.json) {
          io.out(findingsJson(run, findings));
          endOfRun(run, findings, failOn);
          return;
        }
        io.out(renderFindingsTable(findings, terminalStyle(io)));
        const d = run.dormancy;
        io.out(
          `\n${findings.filter((f) => f.state === 'open').length} open · ${d.checked} identities holding access checked against ${d.windowDays} days of sign-in logs` +
            ` (records from ${d.logsCoverFrom?.slice(0, 10) ?? 'none'}) · this run: ${run.changes.opened} new, ${run.changes.resolved} resolved · ${run.requests.total} API requests`,
        );
        for (const u of d.undetermined) io.out(`undetermined: ${visibleText(u.name)}: ${u.reason}`);
        const partial = partialRunNotice(run);
        if (partial) io.out(partial);
        endOfRun(run, findings, failOn);
      });
    });
}
