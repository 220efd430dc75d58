/** The `wimon` command line. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { EXIT, processIo, type CliIo } from './io';
import { exitCodeOf } from '../errors';
import { registerBaselineCommands } from './baseline-commands';
import { registerInventoryCommands } from './inventory-commands';
import { registerScanCommands } from './scan-commands';
import { registerDemoCommand } from './demo-command';
import { registerDormancyCommand } from './dormancy-command';
import { registerEventCommand } from './event-command';
import { registerSweepCommand } from './sweep-command';
import { registerRecordCommand } from './record-command';
import { registerNotifyCommands } from './notify-commands';
import { needsEmulatorTrust, rerunTrustingEmulator } from './emulator-trust';

function packageVersion(): string {
  // Compiled, this file sits in dist/shared/cli; from source in shared/cli. Walk up to package.json.
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

/** The same codes as shared/errors.ts EXIT and the README; a test checks every command's help shows them. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  done; nothing the command checks for was found
  1  problems found (an invalid baseline, a corrupt stored one)
  2  usage, configuration or sign-in error (a flag, file or setting; no baseline applied yet)
  3  conflict: the stored baseline changed since the plan
  4  incomplete read: part of the tenant, or an object in it, could not be read (one line per gap); nothing there was resolved
  5  open findings at or above --fail-on (scan, dormancy)
  6  an Azure or Table Storage call failed in another way`;

export function buildProgram(io: CliIo): Command {
  const program = new Command('wimon')
    .description(
      'workload-identity-monitor: compare Azure and Entra workload identities with a declared baseline and report drift',
    )
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('afterAll', EXIT_CODES_HELP);
  registerBaselineCommands(program, io);
  registerDemoCommand(program, io);
  registerScanCommands(program, io);
  registerDormancyCommand(program, io);
  registerEventCommand(program, io);
  registerSweepCommand(program, io);
  registerRecordCommand(program, io);
  registerNotifyCommands(program, io);
  registerInventoryCommands(program, io);
  return program;
}

export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  if (needsEmulatorTrust(argv)) {
    const code = await rerunTrustingEmulator(argv, io.env);
    if (code !== undefined) return code;
  }
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // The one place errors become exit codes: every error class says its own (shared/errors.ts).
    io.err(`wimon: ${error instanceof Error ? error.message : String(error)}`);
    return exitCodeOf(error);
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
