/** The `wimon` command line. */
import { Command, CommanderError } from 'commander';
import { CliError, EXIT, processIo, type CliIo } from './io';
import { registerBaselineCommands } from './baseline-commands';
import { registerInventoryCommands } from './inventory-commands';
import { registerScanCommands } from './scan-commands';
import { registerDemoCommand } from './demo-command';
import { needsEmulatorTrust, rerunTrustingEmulator } from './emulator-trust';
import { ConfigurationError } from '../config/settings';

function packageVersion(): string {
  // The compiled file sits in dist/shared/cli; package.json is not part of the TypeScript program.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../../package.json') as { version: string }).version;
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('wimon')
    .description(
      'workload-identity-monitor: compare Azure and Entra workload identities with a declared baseline and report drift',
    )
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run with --help for usage)');
  registerBaselineCommands(program, io);
  registerDemoCommand(program, io);
  registerScanCommands(program, io);
  registerInventoryCommands(program, io);
  return program;
}

export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  if (needsEmulatorTrust(argv)) {
    const code = rerunTrustingEmulator(argv, io.env);
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
    if (error instanceof CliError) {
      io.err(`wimon: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof ConfigurationError) {
      io.err(`wimon: ${error.message}`);
      return EXIT.usage;
    }
    io.err(`wimon: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.problems;
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
