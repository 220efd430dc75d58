/* global process -- a Node script */
// Runs before `npm test` (the "pretest" script). The tests need Debian packages npm cannot
// install: the browser test renders notices in Chromium, the emulator's conformance test runs
// the Azure CLI against it, and the second Vitest pass moves the clock with faketime
// (test/support/run-tests.mjs). On a fresh Debian/Ubuntu machine this installs what is missing (as
// root, or with password-less sudo); otherwise it stops with the one command to run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const missing = [
  ...(existsSync(CHROMIUM) ? [] : ['chromium']),
  ...(onPath('az') ? [] : ['azure-cli']),
  ...(onPath('faketime') ? [] : ['faketime']),
];
if (missing.length === 0) process.exit(0);

const hasAptGet = onPath('apt-get');
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = !root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
const command = `apt-get update -qq && apt-get install -y -qq ${missing.join(' ')}`;
if (!hasAptGet || (!root && !sudo)) {
  process.stderr.write(
    `The tests need Debian's ${missing.join(' and ')} (Chromium at ${CHROMIUM} for the browser test, the Azure CLI for the emulator conformance test, faketime for the pass with the clock moved ahead). Install once with:\n  sudo sh -c '${command}'\n(or set CHROMIUM_PATH to a Chromium binary).\n`,
  );
  process.exit(1);
}
process.stdout.write(`Installing Debian's ${missing.join(' and ')} for the tests (once): ${command}\n`);
execFileSync(root ? 'sh' : 'sudo', root ? ['-c', command] : ['sh', '-c', command], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
});
if (!existsSync(CHROMIUM)) {
  process.stderr.write(`Chromium was installed but is not at ${CHROMIUM}; set CHROMIUM_PATH.\n`);
  process.exit(1);
}
if (!onPath('az')) {
  process.stderr.write('azure-cli was installed but `az` is not on the PATH.\n');
  process.exit(1);
}
if (!onPath('faketime')) {
  process.stderr.write('faketime was installed but is not on the PATH.\n');
  process.exit(1);
}
