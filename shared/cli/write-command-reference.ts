/** `npm run docs`: writes the command reference (docs/cli.md) from the program's own help (command-help.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withCommandReference } from './command-help';
import { buildProgram } from './main';

// Compiled, this file sits in dist/shared/cli.
const reference = path.resolve(__dirname, '..', '..', '..', 'docs', 'cli.md');
const quiet = { out: () => undefined, err: () => undefined, env: {}, cwd: '.', isTty: false };
writeFileSync(reference, withCommandReference(readFileSync(reference, 'utf8'), buildProgram(quiet)));
process.stdout.write('Wrote the command reference in docs/cli.md.\n');
