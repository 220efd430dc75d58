/** `wimon sweep`: one Graph delta sweep, the same code the timer function runs. */
import type { Command } from 'commander';
import { deltaSweep } from '../app/delta-sweep';
import type { CliIo } from './io';
import { FIXTURE_HELP, withCliServices } from './cli-services';
import { FAULTS_HELP } from '../../emulator/fault-spec';

export function registerSweepCommand(program: Command, io: CliIo): void {
  program
    .command('sweep')
    .description(
      'run one Graph delta sweep: re-check only the app registrations and service principals whose credentials changed since the last sweep (the first sweep only records where it stands)',
    )
    .option(
      '--fixture <dir>',
      `${FIXTURE_HELP} (a new emulator each time: its delta links never carry over, so a stored link leads to a full reconcile)`,
    )
    .option('--faults <spec>', FAULTS_HELP)
    .option('--json', 'print the sweep result as JSON')
    .action(async (opts: { fixture?: string; faults?: string; json?: boolean }) => {
      await withCliServices(
        io,
        { fixture: opts.fixture, faults: opts.faults, storage: true, readsTenant: true },
        async (services) => {
          const tenant = services.tenant();
          const r = await deltaSweep({
            tables: services.tables,
            tenant,
            evaluateAt: tenant.recordedAt ?? new Date(),
          });
          if (opts.json) io.out(JSON.stringify(r, null, 2));
          else
            io.out(
              `delta sweep (${r.mode}): ${r.changedObjects} changed objects, ${r.recheckedIdentities.length} identities re-checked, ${r.opened} findings opened, ${r.resolved} resolved, ${r.requests.total} API requests`,
            );
        },
      );
    });
}
