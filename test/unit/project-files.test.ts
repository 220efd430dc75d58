import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselineJsonSchemaText } from '../../shared/baseline/json-schema';
import { settingsSchema } from '../../shared/config/settings';
import { ROOT } from '../support/sample';

describe('generated and mirrored project files', () => {
  it('schema/baseline.schema.json is up to date with the zod schema (run `npm run schema`)', () => {
    expect(readFileSync(path.join(ROOT, 'schema', 'baseline.schema.json'), 'utf8')).toBe(
      baselineJsonSchemaText(),
    );
  });

  it('local.settings.sample.json lists every setting the code reads, with no comments', () => {
    const sample = JSON.parse(readFileSync(path.join(ROOT, 'local.settings.sample.json'), 'utf8')) as {
      Values: Record<string, string>;
    };
    for (const key of Object.keys(settingsSchema.shape)) expect(sample.Values, key).toHaveProperty(key);
  });

  it('the README documents every setting', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const key of Object.keys(settingsSchema.shape)) expect(readme, key).toContain(`\`${key}\``);
  });
});
