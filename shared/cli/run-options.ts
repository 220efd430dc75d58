/** What `scan` and `dormancy` share: the tenant, storage, "now" and baseline of one evaluating run. */
import type { Command } from 'commander';
import type { Baseline } from '../baseline/schema';
import { NoBaselineError } from '../app/run-support';
import type { TenantConnection } from '../app/tenant';
import { gapsOf, type RunRecord } from '../findings/runs';
import type { Finding } from '../model/finding';
import { SEVERITIES, type Severity } from '../rules/rule';
import { FindingsAtOrAboveError, IncompleteReadError, UsageError } from '../errors';
import type { Tables } from '../storage/tables';
import { readBaselineFile } from './baseline-file';
import { type CliIo } from './io';
import { parseNow } from './options';
import { FIXTURE_HELP, throwIfUnauthorisedEverywhere, withCliServices } from './cli-services';
import { FAULTS_HELP } from '../../emulator/fault-spec';

export interface RunOptions {
  baseline?: string;
  fixture?: string;
  faults?: string;
  now?: string;
  json?: boolean;
  failOn?: string;
}

export function addRunOptions(command: Command): Command {
  return command
    .option(
      '--baseline <file>',
      'evaluate against this baseline file instead of the stored one (the stored one is not changed)',
    )
    .option('--fixture <dir>', FIXTURE_HELP)
    .option('--faults <spec>', FAULTS_HELP)
    .option(
      '--now <date>',
      "evaluate time-based rules as of this date (default: now; a fixture's recording time when replaying one)",
    )
    .option(
      '--fail-on <severity>',
      'exit 5 when open findings at or above this severity (critical, high, medium, low) exist: a gate for CI',
    );
}

export interface PreparedRun {
  tenant: TenantConnection;
  tables: Tables;
  ephemeral: boolean;
  evaluateAt: Date;
  baseline?: { baseline: Baseline; source: string };
}

/** Opens everything a run needs, runs it, and always closes what it opened. */
export async function withPreparedRun(
  opts: RunOptions,
  io: CliIo,
  work: (run: PreparedRun) => Promise<void>,
): Promise<void> {
  await withCliServices(
    io,
    { fixture: opts.fixture, faults: opts.faults, storage: true, readsTenant: true },
    async (services) => {
      const tenant = services.tenant();
      const evaluateAt = opts.now ? parseNow(opts.now) : (tenant.recordedAt ?? new Date());
      const baseline = opts.baseline
        ? { baseline: readBaselineFile(opts.baseline, io, evaluateAt), source: opts.baseline }
        : undefined;
      await work({
        tenant,
        tables: services.tables,
        ephemeral: services.ephemeralTables,
        evaluateAt,
        baseline,
      }).catch((error: unknown) => {
        // The use case cannot know this command also takes a file: say so here.
        throw error instanceof NoBaselineError ? new NoBaselineError(' (or pass --baseline FILE)') : error;
      });
      if (services.ephemeralTables && !opts.json)
        io.out(
          '(No storage configured: findings were kept in a temporary in-memory store. Set WIMON_STORAGE_CONNECTION_STRING or WIMON_TABLE_ENDPOINT to keep them.)',
        );
    },
  );
}

/** The line a person must not miss when a run could not see everything. */
export function partialRunNotice(run: RunRecord): string | undefined {
  const gaps = gapsOf(run);
  if (!gaps.length) return undefined;
  return `PARTIAL RUN: ${gaps.join('; ')}. Findings there were neither raised from absence nor resolved.`;
}

/** Checks --fail-on before anything is read, so a typo does not cost a scan. */
export function parseFailOn(value: string | undefined): Severity | undefined {
  if (value === undefined) return undefined;
  if (!(SEVERITIES as readonly string[]).includes(value))
    throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}, got '${value}'`);
  return value as Severity;
}

/**
 * How a run that printed its findings ends: exit 4 when it did not see everything (one gap per
 * line, in the API's words), else exit 5 when --fail-on finds open findings at or above it.
 */
export function endOfRun(run: RunRecord, findings: readonly Finding[], failOn: Severity | undefined): void {
  throwIfUnauthorisedEverywhere(run.scopes);
  const gaps = gapsOf(run);
  if (gaps.length)
    throw new IncompleteReadError(
      `the run could not read everything; nothing there was resolved:\n${gaps.map((g) => `  ${g}`).join('\n')}`,
    );
  if (!failOn) return;
  const limit = SEVERITIES.indexOf(failOn);
  const over = findings.filter((f) => f.state === 'open' && SEVERITIES.indexOf(f.severity) <= limit);
  if (over.length)
    throw new FindingsAtOrAboveError(
      `${over.length} open finding${over.length === 1 ? '' : 's'} at or above ${failOn}`,
    );
}
