/**
 * A rule is named in one place: its descriptor. Everything else asks the descriptor (notice
 * cadence, portal page, which event or sweep re-checks it, whether it reports an absence), so a
 * new rule with its own cadence, link and re-check touches only its module. This reads every
 * source file of the app outside shared/rules/ for a string that is a rule id or a rule family
 * prefix (`'role.'`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleIds } from '../../shared/rules/catalogue';
import { ROOT } from '../support/sample';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return file.endsWith(path.join('shared', 'rules')) ? [] : sources(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

describe('rule ids live in their descriptors', () => {
  const ids = new Set<string>(ruleIds());
  const families = new Set([...ids].map((id) => `${id.split('.')[0]}.`));
  const files = ['shared', 'functions'].flatMap((d) => sources(path.join(ROOT, d)));

  it('reads the app (a check that reads nothing proves nothing)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.includes(`${path.sep}rules${path.sep}`))).toBe(false);
  });

  it('no module outside shared/rules/ names a rule id or compares a rule family prefix', () => {
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/'([^'\n]*)'|"([^"\n]*)"|`([^`\n$]*)`/g)) {
        const literal = m[1] ?? m[2] ?? m[3]!;
        if (ids.has(literal) || families.has(literal))
          found.push(`${path.relative(ROOT, file)}: '${literal}'`);
      }
    }
    expect(found).toEqual([]);
  });

  it('the check finds what it looks for', () => {
    const literals = ["ruleId === 'role.missing'", "f.ruleId.startsWith('fic.')"].flatMap((t) =>
      [...t.matchAll(/'([^'\n]*)'/g)].map((m) => m[1]!),
    );
    expect(literals.filter((l) => ids.has(l) || families.has(l))).toEqual(['role.missing', 'fic.']);
  });
});
