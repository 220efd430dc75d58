/** `npm run docs`: writes the README's command reference from the program's own help (command-help.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withCommandReference } from './command-help';
import { buildProgram } from './main';

// Compiled, this file sits in dist/shared/cli.
const readme = path.resolve(__dirname, '..', '..', '..', 'README.md');
const quiet = { out: () => undefined, err: () => undefined, env: {}, cwd: '.', isTty: false };
writeFileSync(readme, withCommandReference(readFileSync(readme, 'utf8'), buildProgram(quiet)));
process.stdout.write('Wrote the command reference in README.md.\n');
