/* global process -- a Node script */
// Runs before `npm test` (the "pretest" script): the browser test renders notices in Debian's
// Chromium, which npm cannot install. On a fresh Debian/Ubuntu machine this installs it (as root,
// or with password-less sudo); otherwise it stops with the one command to run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(CHROMIUM)) process.exit(0);

const hasAptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = !root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
const command = 'apt-get update -qq && apt-get install -y -qq chromium';
if (!hasAptGet || (!root && !sudo)) {
  process.stderr.write(
    `The notice rendering test needs Chromium at ${CHROMIUM}. Install it once with:\n  sudo sh -c '${command}'\n(or set CHROMIUM_PATH to a Chromium binary).\n`,
  );
  process.exit(1);
}
process.stdout.write(`Installing Debian's Chromium for the browser test (once): ${command}\n`);
execFileSync(root ? 'sh' : 'sudo', root ? ['-c', command] : ['sh', '-c', command], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
});
if (!existsSync(CHROMIUM)) {
  process.stderr.write(`Chromium was installed but is not at ${CHROMIUM}; set CHROMIUM_PATH.\n`);
  process.exit(1);
}
