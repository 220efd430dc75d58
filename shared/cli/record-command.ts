/**
 * `wimon record --out DIR`: records the tenant the monitor is configured for (or a fixture served
 * by the emulator) into the fixture layout, through the monitor's own readers, so a tenant can be
 * replayed with `--fixture DIR` (shared/cli/recording.ts says what is kept; redaction.ts what
 * `--redact` replaces). Not recorded yet: the owners' user accounts (for `notify`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Redactor } from './redaction';
import path from 'node:path';
import type { Command } from 'commander';
import { FAULTS_HELP } from '../../emulator/fault-spec';
import { FIXTURE_HELP, withCliServices } from './cli-services';
import type { CliIo } from './io';
import { recordTenant } from './recording';
import { readBaselineFile } from './baseline-file';
import { parseBaseline } from '../baseline/parse';
import { signInWindowDays } from '../rules/dormancy-rules';

/** A baseline with the default policy and no identities: the default dormancy window. */
const STARTER_FOR_WINDOW = 'version: 1\npolicy:\n  securityContacts: [nobody@example.com]\nidentities: []\n';

export function registerRecordCommand(program: Command, io: CliIo): void {
  program
    .command('record')
    .description(
      'record the tenant (as the monitor reads it: every page, relation and role definition) into a fixture folder that --fixture replays',
    )
    .requiredOption('--out <dir>', 'the fixture folder to write (created; files in it are replaced)')
    .option('--fixture <dir>', FIXTURE_HELP)
    .option('--faults <spec>', FAULTS_HELP)
    .option(
      '--baseline <file>',
      "record the sign-in logs over the window this baseline's dormancy check reads (default: the default policy's)",
    )
    .option(
      '--redact',
      'replace display names, mail addresses, UPNs, descriptions and managed identity names with stable pseudonyms (with --baseline, the baseline too, written beside the recording)',
    )
    .action(
      async (opts: {
        out: string;
        fixture?: string;
        faults?: string;
        baseline?: string;
        redact?: boolean;
      }) => {
        await withCliServices(
          io,
          { fixture: opts.fixture, faults: opts.faults, readsTenant: true },
          async (services) => {
            const tenant = services.tenant();
            const now = tenant.recordedAt ?? new Date();
            const baseline = opts.baseline
              ? readBaselineFile(opts.baseline, io, now)
              : parseBaseline(STARTER_FOR_WINDOW, 'default policy', now);
            const { inventory, exchanges, files } = await recordTenant(
              tenant,
              now,
              signInWindowDays(baseline),
              (n) => io.err(`recorded ${n} requests…`),
            );
            const out = path.resolve(io.cwd, opts.out);
            const redactor = opts.redact ? new Redactor() : undefined;
            if (redactor) {
              for (const body of files.values()) redactor.noteMicrosoft(body);
              for (const body of files.values()) redactor.learn(body);
            }
            for (const [file, body] of files) {
              // Paths hold names too (a managed identity's federated credentials).
              const target = path.join(out, `${redactor ? redactor.text(file) : file}.json`);
              mkdirSync(path.dirname(target), { recursive: true });
              writeFileSync(target, `${JSON.stringify(redactor ? redactor.value(body) : body, null, 2)}\n`);
            }
            if (redactor && opts.baseline)
              writeFileSync(
                path.join(out, 'baseline.yaml'),
                redactor.baseline(readFileSync(path.resolve(io.cwd, opts.baseline), 'utf8')),
              );
            io.out(
              `Recorded ${inventory.identities.length} identities and ${inventory.roleAssignments.length} role assignments from ${exchanges.length} requests into ${opts.out} (${files.size} files). Replay it with --fixture ${opts.out}.`,
            );
          },
        );
      },
    );
}
