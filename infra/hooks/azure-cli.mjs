// What the azd hooks share: run the Azure CLI (and azd) the same way on Linux, macOS and Windows,
// and say clearly what is missing. Plain Node (no build step, no dependencies): azd runs these
// before the project is built, and Node is the one tool every platform here already has.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const windows = process.platform === 'win32';

/** A command-line argument as cmd.exe reads it (az and azd are .cmd files on Windows). */
function quoteForCmd(arg) {
  return /^[\w@%+=:,./\\-]+$/.test(arg) ? arg : `"${arg.replace(/"/g, '""')}"`;
}

/**
 * Runs `tool args…`; returns { status, stdout, stderr } (stdout trimmed). Node refuses to start a
 * .cmd without a shell, so on Windows the arguments go through cmd.exe, quoted.
 */
export function run(tool, args, options = {}) {
  const result = windows
    ? spawnSync([tool, ...args.map(quoteForCmd)].join(' '), { shell: true, encoding: 'utf8', ...options })
    : spawnSync(tool, args, { encoding: 'utf8', ...options });
  if (result.error) {
    const missing = result.error.code === 'ENOENT';
    throw new Error(
      missing
        ? `${tool} is not installed or not on PATH (${hint(tool)})`
        : `${tool}: ${result.error.message}`,
    );
  }
  return {
    status: result.status ?? 1,
    stdout: (result.stdout ?? '').trim(),
    stderr: (result.stderr ?? '').trim(),
  };
}

/** Like run, but a non-zero exit is an error that quotes what the tool said. */
export function must(tool, args, what) {
  const r = run(tool, args);
  if (r.status !== 0)
    throw new Error(`${what}: ${tool} ${args[0]} ${args[1] ?? ''} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

export const az = (args) => run('az', args);
export const azMust = (args, what) => must('az', args, what);

function hint(tool) {
  return tool === 'az'
    ? 'https://learn.microsoft.com/cli/azure/install-azure-cli'
    : 'https://learn.microsoft.com/azure/developer/azure-developer-cli/install-azd';
}

/** A value azd passes to hooks (its environment's values and the template's outputs); a clear stop when absent. */
export function required(name, advice) {
  const value = process.env[name];
  if (value === undefined || value.trim() === '')
    throw new Error(
      `${name} is not set${advice ? `: ${advice}` : ' (run this through azd: azd up, azd provision or azd deploy)'}`,
    );
  return value.trim();
}

/** Stores a value in the azd environment (.azure/<env>/.env), where the next provision reads it. */
export function azdEnvSet(name, value) {
  must('azd', ['env', 'set', name, value], `storing ${name} in the azd environment`);
}

/** Runs a hook's main function: its errors end the hook with exit code 1 and one readable line. */
export function hook(name, main) {
  Promise.resolve()
    .then(main)
    .catch((error) => {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether this module is the script Node was started with (a hook), not imported (by a test). */
export const isEntryPoint = (moduleUrl) =>
  process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
