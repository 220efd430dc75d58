/** `wimon event FILE`: feeds recorded Event Grid events through the same handler the function uses. */
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors';
import path from 'node:path';
import type { Command } from 'commander';
import { handleEvents } from '../app/handle-events';
import { NoBaselineError } from '../app/run-support';
import { readBaselineFile } from './baseline-file';
import { describeOutcome } from '../app/event-summary';
import { type CliIo } from './io';
import { FIXTURE_HELP, withCliServices } from './cli-services';
import { FAULTS_HELP } from '../../emulator/fault-spec';

export function registerEventCommand(program: Command, io: CliIo): void {
  program
    .command('event')
    .description(
      'process a file of Event Grid events (one event or an array; Event Grid or CloudEvents schema) against the stored baseline and print the finding changes',
    )
    .argument('<file>', 'JSON file with the event(s), e.g. as delivered to a webhook')
    .option('--fixture <dir>', FIXTURE_HELP)
    .option('--faults <spec>', FAULTS_HELP)
    .option('--json', 'print the outcome of every event as JSON')
    .option(
      '--baseline <file>',
      'judge by this baseline file instead of the stored one (the stored one is not changed)',
    )
    .action(
      async (
        file: string,
        opts: { fixture?: string; faults?: string; json?: boolean; baseline?: string },
      ) => {
        const baseline = opts.baseline
          ? { baseline: readBaselineFile(opts.baseline, io, new Date()), source: opts.baseline }
          : undefined;
        let body: unknown;
        try {
          body = JSON.parse(readFileSync(path.resolve(io.cwd, file), 'utf8'));
        } catch (error) {
          throw new UsageError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
        }
        await withCliServices(
          io,
          { fixture: opts.fixture, faults: opts.faults, storage: true, readsTenant: true },
          async (services) => {
            const outcomes = await handleEvents(body, {
              tables: services.tables,
              tenant: services.tenant(),
              baseline,
              keyVaultDnsSuffix: services.settings.WIMON_VAULT_DNS_SUFFIX,
            }).catch((error: unknown) => {
              throw error instanceof NoBaselineError
                ? new NoBaselineError(' (or pass --baseline FILE)')
                : error;
            });
            if (opts.json) io.out(JSON.stringify({ outcomes }, null, 2));
            else for (const o of outcomes) io.out(describeOutcome(o));
          },
        );
      },
    );
}
