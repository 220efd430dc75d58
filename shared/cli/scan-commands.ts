/** `wimon scan`, `wimon findings`, `wimon runs`. */
import { block, fitTable } from '../report/terminal';
import type { Command } from 'commander';
import { UsageError } from '../errors';
import { reconcile } from '../app/reconcile';
import { FindingStore } from '../findings/store';
import { gapsOf, RunStore } from '../findings/runs';
import type { FindingState } from '../model/finding';
import { findingsJson, renderFindingsTable, sortFindings } from '../report/findings-report';
import { holdingsFrom, ownersByIdentity, renderDashboard } from '../report/dashboard';
import { BaselineStore } from '../baseline/store';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type CliIo, terminalStyle } from './io';
import { withCliServices } from './cli-services';
import { withProgress } from './progress';
import {
  addRunOptions,
  endOfRun,
  parseFailOn,
  partialRunNotice,
  withPreparedRun,
  type RunOptions,
} from './run-options';

/** The columns of `wimon runs`. */
export const RUNS_TABLE_HEAD = [
  'started (UTC)',
  'took',
  'read',
  'open',
  'new',
  'reopened',
  'resolved',
  'requests',
  'Graph RU',
];

export function registerScanCommands(program: Command, io: CliIo): void {
  addRunOptions(
    program
      .command('scan')
      .description(
        'run one full reconcile: read the tenant, evaluate every rule against the baseline, update the findings store, print the findings',
      ),
  )
    .option('--json', 'print {"run": {...}, "findings": [...]} as JSON')
    .option(
      '--html <file>',
      'also write the findings dashboard (what each identity holds, filters, portal links)',
    )
    .action((opts: RunOptions & { html?: string }) => {
      const failOn = parseFailOn(opts.failOn);
      return withPreparedRun(opts, io, async ({ tenant, tables, evaluateAt, baseline }) => {
        const result = await withProgress(io, tenant.clients.counter, 'Reading the tenant', () =>
          reconcile({ tables, tenant, evaluateAt, baseline }),
        );
        if (opts.html) {
          const declared = baseline?.baseline ?? (await new BaselineStore(tables).current())?.baseline;
          writeFileSync(
            path.resolve(io.cwd, opts.html),
            renderDashboard({
              run: result.run,
              runs: await new RunStore(tables).latest('reconcile', 30),
              findings: result.findings,
              holdings: holdingsFrom(result.inventory),
              owners: ownersByIdentity(declared?.identities ?? [], result.findings),
            }),
          );
        }
        if (opts.json) {
          io.out(findingsJson(result.run, result.findings));
          endOfRun(result.run, result.findings, failOn);
          return;
        }
        io.out(renderFindingsTable(result.findings, terminalStyle(io)));
        const c = result.run.changes;
        io.out(
          `\n${result.findings.filter((f) => f.state === 'open').length} open, ${result.run.exempted} exempted · this run: ${c.opened} new, ${c.reopened} reopened, ${c.resolved} resolved · ${result.run.requests.total} API requests${result.run.requests.graphResourceUnits ? ` (${result.run.requests.graphResourceUnits} Graph resource units)` : ''}` +
            (opts.fixture ? ` · evaluated as of ${result.run.evaluatedAt}` : ''),
        );
        const partial = partialRunNotice(result.run);
        if (partial) io.out(partial);
        endOfRun(result.run, result.findings, failOn);
      });
    });

  program
    .command('findings')
    .description('list the stored findings')
    .option('--state <state>', 'only findings in this state: open, exempted or resolved')
    .option('--json', 'print as JSON')
    .action(async (opts: { state?: string; json?: boolean }) => {
      if (opts.state && !['open', 'exempted', 'resolved'].includes(opts.state))
        throw new UsageError('--state must be open, exempted or resolved');
      await withCliServices(io, { storage: true }, async ({ tables }) => {
        const findings = await new FindingStore(tables).list({
          state: opts.state as FindingState | undefined,
        });
        if (opts.json) {
          io.out(JSON.stringify(sortFindings(findings), null, 2));
          return;
        }
        // Without --state: what is open or exempted; with it: exactly that state.
        const shown = opts.state ? findings : findings.filter((f) => f.state !== 'resolved');
        if (shown.length) {
          io.out(renderFindingsTable(shown, terminalStyle(io)));
          return;
        }
        const runs = new RunStore(tables);
        const [last] = [...(await runs.latest('reconcile', 1)), ...(await runs.latest('dormancy', 1))].sort(
          (a, b) => b.endedAt.localeCompare(a.endedAt),
        );
        if (!last)
          io.out(
            'No scan has run yet: run `wimon scan` (or `wimon scan --fixture DIR` to try a recorded tenant).',
          );
        else if (opts.state) io.out(`No ${opts.state} findings (last ${last.kind} ${last.endedAt}).`);
        else
          io.out(
            `No open findings: the tenant matched the baseline at the last ${last.kind} (${last.endedAt}${last.complete ? '' : ', a PARTIAL run'}).`,
          );
      });
    });

  program
    .command('report')
    .description(
      'write the findings dashboard (one self-contained HTML file: tiles, trend, filters, search, portal links) from the stored findings and runs',
    )
    .option('--out <file>', 'where to write it', 'findings.html')
    .option('--portal <url>', 'Azure portal for the links (default: WIMON_PORTAL_ENDPOINT)')
    .action(async (opts: { out: string; portal?: string }) => {
      await withCliServices(io, { storage: true }, async ({ tables, settings }) => {
        const runStore = new RunStore(tables);
        const runs = await runStore.latest('reconcile', 30);
        if (!runs[0])
          throw new UsageError(
            'no scan has run yet: run `wimon scan` (or `wimon scan --fixture DIR` to try a recorded tenant) first',
          );
        const findings = await new FindingStore(tables).list();
        const stored = await new BaselineStore(tables).current().catch(() => undefined);
        const file = path.resolve(io.cwd, opts.out);
        writeFileSync(
          file,
          renderDashboard({
            run: runs[0],
            runs,
            findings,
            owners: ownersByIdentity(stored?.baseline.identities ?? [], findings),
            portal: opts.portal ?? settings.WIMON_PORTAL_ENDPOINT,
          }),
        );
        io.out(`Wrote ${file} (${findings.length} findings, ${runs.length} runs in the trend).`);
      });
    });

  program
    .command('runs')
    .description('list the latest runs (reconcile or dormancy) with their completeness and counts')
    .option('--kind <kind>', 'reconcile, dormancy or delta', 'reconcile')
    .option('--limit <n>', 'how many', '10')
    .option('--json', 'print as JSON')
    .action(async (opts: { kind: string; limit: string; json?: boolean }) => {
      if (!['reconcile', 'dormancy', 'delta'].includes(opts.kind))
        throw new UsageError('--kind must be reconcile, dormancy or delta');
      await withCliServices(io, { storage: true }, async ({ tables }) => {
        if (opts.kind === 'delta') {
          const sweeps = await new RunStore(tables).latestSweeps(Number(opts.limit) || 10);
          if (opts.json) io.out(JSON.stringify(sweeps, null, 2));
          else
            for (const r of sweeps)
              io.out(
                `${r.startedAt}  ${r.mode.padEnd(11)}  ${r.changedObjects} changed  ${r.rechecked} re-checked  +${r.opened} -${r.resolved}  ${r.requests.total} requests`,
              );
          return;
        }
        const runs = await new RunStore(tables).latest(
          opts.kind as 'reconcile' | 'dormancy',
          Number(opts.limit) || 10,
        );
        if (opts.json) {
          io.out(JSON.stringify(runs, null, 2));
          return;
        }
        if (runs.length === 0) {
          io.out(`No ${opts.kind} run has been recorded yet.`);
          return;
        }
        const style = terminalStyle(io);
        const head = RUNS_TABLE_HEAD;
        const rows = runs.map((r) => {
          const gaps = gapsOf(r).length;
          return [
            r.startedAt.replace('T', ' ').slice(0, 19),
            `${((Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000).toFixed(1)} s`,
            gaps ? `PARTIAL (${gaps} gap${gaps === 1 ? '' : 's'})` : 'complete',
            String(Object.values(r.openBySeverity).reduce((a, b) => a + b, 0)),
            String(r.changes.opened),
            String(r.changes.reopened),
            String(r.changes.resolved),
            String(r.requests.total),
            String(r.requests.graphResourceUnits ?? ''),
          ];
        });
        io.out(
          `${fitTable(head, rows, style)}\n${block('read: complete, or PARTIAL with how many scopes or objects could not be read (nothing there was resolved). open: findings open after the run; new/reopened/resolved: what the run changed. Graph RU: the resource units Microsoft Graph charged the run (its throttling budget).', style.width)}`,
        );
      });
    });
}
