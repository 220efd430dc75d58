/** `wimon event FILE`: feeds recorded Event Grid events through the same handler the function uses. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { handleEvents } from '../app/handle-events';
import { describeOutcome } from '../app/event-summary';
import { CliError, EXIT, type CliIo } from './io';
import { openTables } from './storage-options';
import { FIXTURE_HELP, openTenant } from './tenant-options';

export function registerEventCommand(program: Command, io: CliIo): void {
  program
    .command('event')
    .description(
      'process a file of Event Grid events (one event or an array; Event Grid or CloudEvents schema) against the stored baseline and print the finding changes',
    )
    .argument('<file>', 'JSON file with the event(s), e.g. as delivered to a webhook')
    .option('--fixture <dir>', FIXTURE_HELP)
    .option('--json', 'print the outcome of every event as JSON')
    .action(async (file: string, opts: { fixture?: string; json?: boolean }) => {
      let body: unknown;
      try {
        body = JSON.parse(readFileSync(path.resolve(io.cwd, file), 'utf8'));
      } catch (error) {
        throw new CliError(`${file}: ${error instanceof Error ? error.message : String(error)}`, EXIT.usage);
      }
      const tenant = await openTenant(opts, io);
      try {
        const storage = await openTables(io);
        try {
          const outcomes = await handleEvents(body, { tables: storage.tables, tenant });
          if (opts.json) io.out(JSON.stringify({ outcomes }, null, 2));
          else for (const o of outcomes) io.out(describeOutcome(o));
        } finally {
          await storage.close();
        }
      } finally {
        await tenant.close();
      }
    });
}
