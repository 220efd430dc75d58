/** The catalogue of rule descriptors, and what is derived from it. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { allRules, isRuleId, rechecks, ruleDefinition, ruleOf } from '../../../shared/rules/catalogue';
import { ownerOf } from '../../../shared/rules/finding-owner';
import {
  RULE_TABLE_END,
  RULE_TABLE_START,
  ruleTableMarkdown,
  withRuleTable,
} from '../../../shared/rules/rule-table';
import { SEVERITIES } from '../../../shared/rules/rule';
import { ROOT } from '../../support/sample';

describe('rule descriptors', () => {
  const rules = allRules();

  it('a stored rule id this version does not know has no descriptor and is re-checked by nothing', () => {
    expect(ruleOf('role.missing')).toBe(ruleDefinition('role.missing'));
    expect(ruleOf('role.retired-long-ago')).toBeUndefined();
    expect(rechecks('role.retired-long-ago', 'roleAssignmentEvent')).toBe(false);
  });

  it.each([
    ['role.unexpected', 'roleAssignmentEvent', true],
    ['role.orphaned-principal', 'roleAssignmentEvent', true],
    ['role.unexpected', 'federatedCredentialEvent', false],
    ['fic.missing', 'federatedCredentialEvent', true],
    ['credential.expired', 'deltaSweep', true],
    ['credential.unused', 'deltaSweep', false],
    ['keyvault.secret-expired', 'deltaSweep', false],
  ] as const)('%s is re-checked by %s: %s', (id, by, expected) => {
    expect(rechecks(id, by)).toBe(expected);
  });

  it('every rule a targeted re-check covers is of the source that re-check reads (the tenant)', () => {
    for (const r of rules) if (r.rechecks?.length) expect(r.source, r.id).toBe('tenant');
  });

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

describe('the README rule table', () => {
  it('is replaced between its markers only; missing or reversed markers are an error', () => {
    const text = `before\n${RULE_TABLE_START}\nold table\n${RULE_TABLE_END}\nafter\n`;
    const out = withRuleTable(text);
    expect(out.startsWith(`before\n${RULE_TABLE_START}\n| rule | severity |`)).toBe(true);
    expect(out.endsWith(`\n${RULE_TABLE_END}\nafter\n`)).toBe(true);
    expect(out).not.toContain('old table');
    expect(() => withRuleTable('no markers')).toThrow(/no rule table markers/);
    expect(() => withRuleTable(`${RULE_TABLE_START}\n`)).toThrow(/no rule table markers/);
    expect(() => withRuleTable(`${RULE_TABLE_END}\n${RULE_TABLE_START}`)).toThrow(/no rule table markers/);
    // Markers at the very start of the file are fine.
    expect(withRuleTable(`${RULE_TABLE_START}\n${RULE_TABLE_END}`)).toContain('`role.unexpected`');
  });
  it('one row per rule: id, severity, title (absence noted), source, inputs, fix; pipes escaped', () => {
    const table = ruleTableMarkdown().split('\n');
    expect(table).toHaveLength(allRules().length + 2);
    expect(table).toContain(
      '| `role.missing` | low | Declared role assignment is absent (only on a complete read) | tenant read | baseline, roleAssignments, roleDefinitions | Create the assignment if the workload needs it, or remove it from the baseline. |',
    );
    expect(table.find((r) => r.startsWith('| `identity.dormant`'))).toMatch(/\| sign-in logs \|/);
    expect(table.find((r) => r.startsWith('| `keyvault.secret-expired`'))).toMatch(/\| Key Vault events \|/);
    expect(table.every((r) => !/[^\\]\|[^ ]/.test(r.slice(1, -1)) || r.startsWith('| ---'))).toBe(true);
  });
});
