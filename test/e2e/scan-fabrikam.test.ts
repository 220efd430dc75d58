/**
 * The fabrikam test tenant (test/fixtures/tenants/fabrikam, README there): shapes from Microsoft's
 * published payloads that the contoso sample lacks, scanned through the CLI and the emulator.
 * Each case is reported with its rule; the two unreadable objects make the run exit 4 with one
 * line each, and every other identity is judged exactly as in the same tenant without them.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../shared/errors';
import { wimon } from '../support/cli';
import { ROOT } from '../support/sample';

const FABRIKAM = path.join(ROOT, 'test', 'fixtures', 'tenants', 'fabrikam');
const BASELINE = path.join(FABRIKAM, 'baseline.yaml');
const SUB = '33333333-3333-4333-8333-333333333333';
const LEGACY = 'f1000000-0000-4000-8000-000000000005';
const API = 'f1000000-0000-4000-8000-000000000006';
const DELETED = 'f1000000-0000-4000-8000-0000000000dd';

/** What the fixture was built to show (README.md there), as rule · identity. */
const EXPECTED = [
  'fic.broad-subject · fab-deployer',
  'fic.unexpected · fab-batch',
  'fic.broad-subject · fab-batch',
  'role.unexpected · fab-sync',
  'identity.unbaselined · fab-reporter',
  'identity.no-owner · fab-reporter',
  `role.orphaned-principal · ${DELETED}`,
  'inventory.unreadable-object · fab-legacy',
  'inventory.unreadable-object · fab-api',
].sort();

interface JsonFinding {
  ruleId: string;
  identity: { name: string | null; displayName: string | null; objectId: string };
  target: string;
  message: string;
  evidence: Record<string, unknown>;
}

type Item = { id?: string; properties?: { roleDefinitionId?: unknown } };

const scan = (fixture: string) => {
  const r = wimon(['scan', '--fixture', fixture, '--baseline', BASELINE, '--json']);
  return { ...r, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings };
};
const who = (f: JsonFinding) => f.identity.name ?? f.identity.displayName ?? f.identity.objectId;

describe('wimon scan --fixture test/fixtures/tenants/fabrikam', () => {
  const result = scan(FABRIKAM);

  it('reports each case with its rule, and nothing for groups, users, foreign groups or an untyped principal', () => {
    expect(result.findings.map((f) => `${f.ruleId} · ${who(f)}`).sort()).toEqual(EXPECTED);
    const unexpected = result.findings.find((f) => f.ruleId === 'role.unexpected')!;
    expect(unexpected.message).toContain('Storage Blob Data Contributor');
    expect(unexpected.message).toContain('(under an ABAC condition)');
    expect(unexpected.evidence.condition).toMatch(/^\(\(!\(ActionMatches/);
    const noOwner = result.findings.find((f) => f.ruleId === 'identity.no-owner')!;
    expect(noOwner.message).toContain('only by service principal fab-deployer');
    const flexible = result.findings.filter((f) => f.ruleId === 'fic.broad-subject');
    for (const f of flexible) expect(f.message).toContain("claims['sub'] matches");
  });

  it('exits 4 naming each unreadable object, the path it came from and what is wrong', () => {
    expect(result.code).toBe(EXIT.incomplete);
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('  '));
    expect(lines).toHaveLength(2);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^  /subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments object \\S+ unreadable \\(properties\\.roleDefinitionId: .*received number\\)$`,
          ),
        ),
        expect.stringMatching(
          new RegExp(`^  /servicePrincipals object ${LEGACY} unreadable \\(appId: .*received null\\)$`),
        ),
      ]),
    );
  });

  it('every other identity is judged exactly as in the same tenant without the two unreadable objects', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fabrikam-'));
    cpSync(FABRIKAM, dir, { recursive: true });
    const edit = (rel: string, keep: (item: Item) => boolean) => {
      const file = path.join(dir, rel);
      const body = JSON.parse(readFileSync(file, 'utf8')) as { value: Item[] };
      writeFileSync(file, JSON.stringify({ ...body, value: body.value.filter(keep) }));
    };
    edit('graph/v1.0/servicePrincipals.json', (sp) => sp.id !== LEGACY);
    edit(
      `arm/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments.json`,
      (a) => typeof a.properties?.roleDefinitionId === 'string',
    );
    const without = scan(dir);
    expect(without.code).toBe(EXIT.ok);
    const others = (list: JsonFinding[]) =>
      list
        .filter((f) => f.ruleId !== 'inventory.unreadable-object')
        .filter((f) => ![LEGACY, API].includes(f.identity.objectId))
        .map((f) => `${f.ruleId} · ${who(f)} · ${f.target} · ${f.message}`)
        .sort();
    expect(others(result.findings)).toEqual(others(without.findings));
    // And without them, their absence is what the rules say about those two (so the quarantine mattered).
    const aboutThem = without.findings.filter((f) => [LEGACY, API].includes(f.identity.objectId));
    expect(aboutThem.map((f) => f.ruleId).sort()).toEqual(
      ['identity.not-found', 'role.missing', 'role.orphaned-principal'].sort(),
    );
    expect(
      result.findings.filter((f) => [LEGACY, API].includes(f.identity.objectId)).map((f) => f.ruleId),
    ).toEqual(['inventory.unreadable-object', 'inventory.unreadable-object']);
  });
});
