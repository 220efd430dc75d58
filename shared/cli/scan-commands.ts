/** `wimon scan`, `wimon findings`, `wimon runs`. */
import type { Command } from 'commander';
import { reconcile, NoBaselineError } from '../app/reconcile';
import { FindingStore } from '../findings/store';
import { RunStore } from '../findings/runs';
import type { FindingState } from '../model/finding';
import { findingsJson, renderFindingsTable, sortFindings } from '../report/findings-report';
import { readBaselineFile } from './baseline-commands';
import { CliError, EXIT, type CliIo } from './io';
import { parseNow } from './options';
import { openTables } from './storage-options';
import { FIXTURE_HELP, openTenant } from './tenant-options';

export function registerScanCommands(program: Command, io: CliIo): void {
  program
    .command('scan')
    .description(
      'run one full reconcile: read the tenant, evaluate every rule against the baseline, update the findings store, print the findings',
    )
    .option(
      '--baseline <file>',
      'evaluate against this baseline file instead of the stored one (the stored one is not changed)',
    )
    .option('--fixture <dir>', FIXTURE_HELP)
    .option(
      '--now <date>',
      "evaluate time-based rules as of this date (default: now; a fixture's recording time when replaying one)",
    )
    .option('--json', 'print {"run": {...}, "findings": [...]} as JSON')
    .action(async (opts: { baseline?: string; fixture?: string; now?: string; json?: boolean }) => {
      const tenant = await openTenant(opts, io);
      const storage = await openTables(io);
      try {
        const evaluateAt = opts.now ? parseNow(opts.now) : (tenant.recordedAt ?? new Date());
        const baseline = opts.baseline
          ? { baseline: readBaselineFile(opts.baseline, io, evaluateAt), source: opts.baseline }
          : undefined;
        const result = await reconcile({ tables: storage.tables, tenant, evaluateAt, baseline });
        if (opts.json) {
          io.out(findingsJson(result.run, result.findings));
        } else {
          io.out(renderFindingsTable(result.findings, io.isTty && !io.env.NO_COLOR));
          const c = result.run.changes;
          io.out(
            `\n${result.findings.filter((f) => f.state === 'open').length} open, ${result.run.exempted} exempted · this run: ${c.opened} new, ${c.reopened} reopened, ${c.resolved} resolved · ${result.run.requests.total} API requests` +
              (opts.fixture ? ` · evaluated as of ${result.run.evaluatedAt}` : ''),
          );
          if (!result.run.complete) {
            io.out(
              `PARTIAL RUN: ${result.run.scopes
                .filter((s) => !s.complete)
                .map((s) => `${s.scope} (${s.error})`)
                .join('; ')}. Findings in those scopes were neither raised from absence nor resolved.`,
            );
          }
          if (storage.ephemeral)
            io.out(
              '(No storage configured: findings were kept in a temporary in-memory store. Set WIMON_STORAGE_CONNECTION_STRING or WIMON_TABLE_ENDPOINT to keep them.)',
            );
        }
      } catch (error) {
        if (error instanceof NoBaselineError) throw new CliError(error.message, EXIT.usage);
        throw error;
      } finally {
        await tenant.close();
        await storage.close();
      }
    });

  program
    .command('findings')
    .description('list the stored findings')
    .option('--state <state>', 'only findings in this state: open, exempted or resolved')
    .option('--json', 'print as JSON')
    .action(async (opts: { state?: string; json?: boolean }) => {
      if (opts.state && !['open', 'exempted', 'resolved'].includes(opts.state))
        throw new CliError('--state must be open, exempted or resolved');
      const storage = await openTables(io);
      try {
        const findings = await new FindingStore(storage.tables).list({
          state: opts.state as FindingState | undefined,
        });
        if (opts.json) io.out(JSON.stringify(sortFindings(findings), null, 2));
        else
          io.out(
            renderFindingsTable(
              findings.filter((f) => f.state !== 'resolved'),
              io.isTty && !io.env.NO_COLOR,
            ) + (opts.state === 'resolved' ? `\n${findings.length} resolved` : ''),
          );
      } finally {
        await storage.close();
      }
    });

  program
    .command('runs')
    .description('list the latest reconcile runs with their completeness and counts')
    .option('--limit <n>', 'how many', '10')
    .option('--json', 'print as JSON')
    .action(async (opts: { limit: string; json?: boolean }) => {
      const storage = await openTables(io);
      try {
        const runs = await new RunStore(storage.tables).latest('reconcile', Number(opts.limit) || 10);
        if (opts.json) io.out(JSON.stringify(runs, null, 2));
        else
          for (const r of runs)
            io.out(
              `${r.startedAt}  ${r.complete ? 'complete' : 'PARTIAL '}  open ${Object.values(r.openBySeverity).reduce((a, b) => a + b, 0)}  +${r.changes.opened} ~${r.changes.reopened} -${r.changes.resolved}  ${r.requests.total} requests`,
            );
      } finally {
        await storage.close();
      }
    });
}
