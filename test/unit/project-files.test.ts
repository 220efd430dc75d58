import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

  it('the published JSON Schema says what the README promises (fragments written by hand)', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'baseline.schema.json'), 'utf8'));
    expect(schema.required).toEqual(['version', 'policy']);
    expect(schema.properties.version).toEqual({ type: 'number', const: 1 });
    expect(schema.additionalProperties).toBe(false);
    const identity = schema.properties.identities.items;
    expect(identity.required).toEqual([
      'name',
      'objectId',
      'type',
      'environment',
      'purpose',
      'owners',
      'reviewBy',
    ]);
    expect(identity.properties.type).toEqual({ type: 'string', enum: ['managedIdentity', 'application'] });
    expect(identity.properties.status).toEqual({
      default: 'active',
      type: 'string',
      enum: ['active', 'retired'],
    });
    expect(identity.properties.purpose.enum).toEqual([
      'runtime',
      'deployment',
      'batch',
      'automation',
      'other',
    ]);
    expect(identity.properties.credentials.items.enum).toEqual([
      'federated',
      'certificate',
      'secret',
      'managed',
    ]);
    expect(identity.properties.objectId.pattern).toBe(
      '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
    );
    const exemption = schema.properties.exemptions.items;
    expect(exemption.required).toEqual([
      'rule',
      'identity',
      'target',
      'owner',
      'reason',
      'compensatingControls',
      'expires',
    ]);
    // One exact rule id, never a wildcard: a few ids of the design's catalogue, and no pattern.
    for (const id of [
      'role.unexpected',
      'role.privileged-broad',
      'fic.broad-subject',
      'identity.dormant',
      'keyvault.secret-expired',
    ])
      expect(exemption.properties.rule.enum).toContain(id);
    expect(exemption.properties.rule.enum).not.toContain('*');
    expect(exemption.properties.rule.pattern).toBeUndefined();
  });

  it('local.settings.sample.json lists every setting the code reads, with no comments', () => {
    const sample = JSON.parse(readFileSync(path.join(ROOT, 'local.settings.sample.json'), 'utf8')) as {
      Values: Record<string, string>;
    };
    for (const key of Object.keys(settingsSchema.shape)) expect(sample.Values, key).toHaveProperty(key);
  });

  it('the README is a front door: under 250 lines, the two set-up commands on its first screen', () => {
    const lines = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');
    expect(lines.length).toBeLessThan(250);
    const firstScreen = lines.slice(0, 25).join('\n');
    expect(firstScreen).toMatch(/^npm ci && npm run demo\b/m);
    expect(firstScreen).toMatch(/^npm ci && npm test\b/m);
  });

  it('every relative link in the README and docs/ names a file that exists', () => {
    const pages = [
      'README.md',
      ...readdirSync(path.join(ROOT, 'docs')).map((f) => path.join('docs', f)),
    ].filter((f) => f.endsWith('.md'));
    const broken: string[] = [];
    for (const page of pages) {
      const text = readFileSync(path.join(ROOT, page), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!) || target!.startsWith('#')) continue;
        const file = target!.split('#')[0]!;
        if (!existsSync(path.resolve(ROOT, path.dirname(page), file))) broken.push(`${page}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('docs/settings.md documents every setting', () => {
    const readme = readFileSync(path.join(ROOT, 'docs', 'settings.md'), 'utf8');
    for (const key of Object.keys(settingsSchema.shape)) expect(readme, key).toContain(`\`${key}\``);
  });
});
