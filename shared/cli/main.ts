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
import { addCommandHelp, EXIT_MEANING } from './command-help';

function packageVersion(): string {
  // Compiled, this file sits in dist/shared/cli; from source in shared/cli. Walk up to package.json.
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

/** Every exit code, on `wimon --help` (each command's own help lists the ones it can end with). */
export const EXIT_CODES_HELP = `
Exit codes:
${Object.entries(EXIT_MEANING)
  .map(([code, meaning]) => `  ${code}  ${meaning}`)
  .join('\n')}`;

export function buildProgram(io: CliIo): Command {
  const program = new Command('wimon')
    .description(
      'workload-identity-monitor: compare Azure and Entra workload identities with a declared baseline and report drift',
    )
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  registerBaselineCommands(program, io);
  registerDemoCommand(program, io);
  registerScanCommands(program, io);
  registerDormancyCommand(program, io);
  registerEventCommand(program, io);
  registerSweepCommand(program, io);
  registerRecordCommand(program, io);
  registerNotifyCommands(program, io);
  registerInventoryCommands(program, io);
  addCommandHelp(program);
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
