/**
 * The layer rules of eslint.config.mjs hold on the tree, and each one really fails on an import
 * it forbids (a rule that cannot fail proves nothing).
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/sample';

const eslint = new ESLint({ cwd: ROOT });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message);
}

describe('layer rules (eslint no-restricted-imports)', () => {
  it('the whole tree passes lint', async () => {
    const results = await eslint.lintFiles(['.']);
    const errors = results.flatMap((r) =>
      r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(errors).toEqual([]);
  }, 120_000);

  const forbidden: [string, string, RegExp][] = [
    ['functions/x.ts', "import { evaluate } from '../shared/rules/evaluate';", /thin triggers/],
    ['functions/x.ts', "import { Tables } from '../shared/storage/tables';", /thin triggers/],
    ['functions/x.ts', "import { startEmulator } from '../emulator/server';", /never load the emulator/],
    ['functions/x.ts', "import { x } from '../shared/app/deeper/module';", /thin triggers/],
    ['shared/app/x.ts', "import { startEmulator } from '../../emulator/server';", /only the CLI/],
    ['shared/inventory/x.ts', "import { startAzurite } from '../../emulator/azurite';", /only the CLI/],
    ['shared/app/x.ts', "import { run } from '../cli/main';", /entry point/],
    ['shared/rules/x.ts', "import { readFileSync } from 'node:fs';", /pure/],
    ['shared/rules/x.ts', "import { AzureClients } from '../azure/clients';", /pure/],
    ['shared/rules/x.ts', "import { readInventory } from '../inventory/read-inventory';", /pure/],
    ['shared/rules/x.ts', "import { Tables } from '../storage/tables';", /pure/],
    ['shared/model/x.ts', "import { TableClient } from '@azure/data-tables';", /pure/],
    ['shared/rules/x.ts', "import { startEmulator } from '../../emulator/server';", /pure/],
  ];

  it.each(forbidden)('%s: %s is refused', async (file, code, message) => {
    const errors = await layerErrors(
      file,
      `${code}\nexport const used = [${code.match(/\{ (\w+) \}/)![1]}];\n`,
    );
    expect(errors.length).toBe(1);
    expect(errors[0]).toMatch(message);
  });

  const allowed: [string, string][] = [
    ['functions/x.ts', "import { reconcile } from '../shared/app/reconcile';"],
    ['functions/x.ts', "import { app } from '@azure/functions';"],
    ['shared/cli/x.ts', "import { startEmulator } from '../../emulator/server';"],
    ['shared/rules/x.ts', "import type { AzureClients } from '../azure/clients';"],
    ['shared/model/x.ts', "import { createHash } from 'node:crypto';"],
    ['shared/rules/x.ts', "import { normalizeScope } from '../model/arm-scope';"],
  ];

  it.each(allowed)('%s: %s is allowed', async (file, code) => {
    const errors = await layerErrors(
      file,
      `${code}\nexport const used = [${code.match(/\{ (\w+) \}/)![1]}];\n`,
    );
    expect(errors).toEqual([]);
  });
});
