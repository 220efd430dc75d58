import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../shared/cli/main';
import {
  commandPath,
  COMMAND_HELP,
  leafCommands,
  withCommandReference,
} from '../../../shared/cli/command-help';
import { settingsSchema } from '../../../shared/config/settings';
import { ROOT } from '../../support/sample';

const program = buildProgram({
  out: () => undefined,
  err: () => undefined,
  env: {},
  cwd: ROOT,
  isTty: false,
});

describe('command help (examples, settings, exit codes)', () => {
  it('every command has an entry and every entry a command', () => {
    const names = leafCommands(program).map(commandPath).sort();
    expect(Object.keys(COMMAND_HELP).sort()).toEqual(names);
  });

  it('every example runs its own command with flags that command has', () => {
    for (const command of leafCommands(program)) {
      const name = commandPath(command);
      const flags = new Set(command.options.flatMap((o) => [o.long, o.short].filter(Boolean)));
      for (const example of COMMAND_HELP[name]!.examples) {
        expect(example.replace(/^npx /, ''), example).toMatch(new RegExp(`^wimon ${name}( |$)`));
        for (const flag of example.match(/(?<= )--?[a-z][a-z-]*/g) ?? [])
          expect(flags, `${example}: ${flag}`).toContain(flag);
      }
    }
  });

  it('every setting named is one the monitor reads', () => {
    const known = new Set([...Object.keys(settingsSchema.shape), 'AZURE_CLIENT_ID']);
    for (const [name, help] of Object.entries(COMMAND_HELP))
      for (const setting of help.settings)
        for (const word of setting.match(/\b[A-Z][A-Z_]{3,}\b/g) ?? [])
          expect(known, `${name}: ${word}`).toContain(word);
  });

  it('the command reference (docs/cli.md) is generated from the same source (run `npm run docs`)', async () => {
    const file = path.join(ROOT, 'docs', 'cli.md');
    const readme = readFileSync(file, 'utf8');
    const options = { ...(await prettier.resolveConfig(file)), filepath: file };
    expect(readme).toBe(await prettier.format(withCommandReference(readme, program), options));
    for (const command of leafCommands(program))
      expect(readme).toContain(`### \`wimon ${commandPath(command)} `);
  });
});
