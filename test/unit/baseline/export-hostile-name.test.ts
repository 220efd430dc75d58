import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { draftBaselineYaml } from '../../../shared/baseline/export';
import { inventory, live, NOW, PROD } from '../rules/builders';

describe('baseline export: a tenant-chosen display name in a YAML comment', () => {
  it('is shown with control, bidi and zero-width characters made visible, and cannot break out of the comment', () => {
    const name = 'payroll\u202egpj.exe\u2066\u200b\ufeff\r\nenvironments: [evil]\u001b[2J';
    const yaml = draftBaselineYaml(inventory([live({ displayName: name })], []), NOW, [PROD]);
    const comment = yaml.split('\n').find((l) => l.includes('payroll'))!;
    expect(comment).toMatch(/^\s*#/);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(yaml).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/);
    expect(comment).toContain('payroll\ufffdgpj.exe\ufffd\ufffd\ufffd');
    // still one document whose only top-level keys are the baseline's own
    const doc = parseDocument(yaml);
    expect(doc.errors).toEqual([]);
    expect(yaml.split('\n').some((l) => l.startsWith('environments: [evil]'))).toBe(false);
  });
});
