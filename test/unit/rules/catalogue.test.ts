/** The catalogue of rule descriptors, and what is derived from it. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { allRules, isRuleId, ruleDefinition } from '../../../shared/rules/catalogue';
import { ownerOf } from '../../../shared/rules/finding-owner';
import { withRuleTable } from '../../../shared/rules/rule-table';
import { SEVERITIES } from '../../../shared/rules/rule';
import { ROOT } from '../../support/sample';

describe('rule descriptors', () => {
  const rules = allRules();

  it('ids are unique, dotted lower-case, and every field a person reads is filled', () => {
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.id).toMatch(/^[a-z]+\.[a-z-]+$/);
      expect(SEVERITIES).toContain(r.severity);
      expect(r.title.length).toBeGreaterThan(10);
      expect(r.fix).toMatch(/\.$/);
      expect(r.inputs.length).toBeGreaterThan(0);
      expect(ruleDefinition(r.id)).toBe(r);
      expect(isRuleId(r.id)).toBe(true);
    }
    expect(isRuleId('role.unexpected ')).toBe(false);
    expect(() => ruleDefinition('no.such' as never)).toThrow(/unknown rule id/);
  });

  it('the rules the design names as absence rules are marked so (they resolve nothing from a partial read)', () => {
    const absence = rules.filter((r) => r.absence).map((r) => r.id);
    for (const id of [
      'role.missing',
      'fic.missing',
      'role.orphaned-principal',
      'identity.unattached-managed-identity',
    ])
      expect(absence).toContain(id);
    for (const id of ['role.unexpected', 'fic.unexpected', 'approle.unexpected', 'identity.unbaselined'])
      expect(absence).not.toContain(id);
  });

  it('owner routing follows each rule’s source; exemption.expired follows the rule it exempted', () => {
    expect(ownerOf({ ruleId: 'identity.dormant', target: 'x' })).toBe('signIns');
    expect(ownerOf({ ruleId: 'credential.unused', target: 'x' })).toBe('signIns');
    expect(ownerOf({ ruleId: 'keyvault.secret-expired', target: 'x' })).toBe('keyVault');
    expect(ownerOf({ ruleId: 'role.unexpected', target: 'x' })).toBe('tenant');
    expect(ownerOf({ ruleId: 'exemption.expired', target: 'identity.dormant o' })).toBe('signIns');
    expect(ownerOf({ ruleId: 'exemption.expired', target: 'role.unexpected /subscriptions/1' })).toBe(
      'tenant',
    );
    for (const r of rules) expect(ownerOf({ ruleId: r.id, target: '' })).toBe(r.source);
  });

  it('the README’s rule table is generated from the descriptors (run `npm run docs`)', async () => {
    const file = path.join(ROOT, 'README.md');
    const readme = readFileSync(file, 'utf8');
    const options = { ...(await prettier.resolveConfig(file)), filepath: file };
    expect(readme).toBe(await prettier.format(withRuleTable(readme), options));
    for (const r of rules) expect(readme).toContain(`\`${r.id}\``);
  });
});
