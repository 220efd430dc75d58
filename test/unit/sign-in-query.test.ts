import { describe, expect, it } from 'vitest';
import { SIGN_IN_QUERY } from '../../shared/inventory/sign-in-reader';
import { SIGN_IN_TABLE_NAMES } from '../../shared/model/sign-in-activity';
import { SIGN_IN_TABLES } from '../../emulator/sign-in-log-schema';
import {
  evaluateSignInQuery,
  KustoQueryError,
  parseSignInQuery,
  parseTimespan,
  validateSignInRecords,
} from '../../emulator/log-analytics';

// Column lists: https://learn.microsoft.com/azure/azure-monitor/reference/tables/aadserviceprincipalsigninlogs
// and .../aadmanagedidentitysigninlogs (copied into emulator/sign-in-log-schema.ts with the source).
describe('the dormancy KQL query', () => {
  const parsed = parseSignInQuery(SIGN_IN_QUERY);

  it('reads exactly the service principal and managed identity sign-in tables', () => {
    expect(parsed.tables.sort()).toEqual([...SIGN_IN_TABLE_NAMES].sort());
    expect(Object.keys(SIGN_IN_TABLES).sort()).toEqual([...SIGN_IN_TABLE_NAMES].sort());
  });

  it('uses only columns both tables publish, with their published types', () => {
    const used = new Set<string>();
    for (const a of parsed.aggregates) {
      if (a.fn !== 'count') used.add(a.column);
      if (a.fn === 'maxif') used.add(a.whereColumn);
    }
    for (const c of parsed.by) if (c !== parsed.sourceColumn) used.add(c);
    expect([...used].sort()).toEqual([
      'ResultType',
      'ServicePrincipalCredentialKeyId',
      'ServicePrincipalId',
      'TimeGenerated',
    ]);
    for (const table of SIGN_IN_TABLE_NAMES) {
      expect(SIGN_IN_TABLES[table]!.TimeGenerated).toBe('datetime');
      expect(SIGN_IN_TABLES[table]!.ServicePrincipalId).toBe('string');
      expect(SIGN_IN_TABLES[table]!.ResultType).toBe('string');
    }
  });

  it('compares ResultType with the string "0" (it is a string column), and fails on a missing table (no isfuzzy)', () => {
    expect(SIGN_IN_QUERY).toContain('ResultType == "0"');
    expect(SIGN_IN_QUERY).not.toMatch(/ResultType == 0\b/);
    expect(SIGN_IN_QUERY).not.toContain('isfuzzy');
  });

  it('an unknown column or table is a semantic error, another operator a syntax error', () => {
    const err = (q: string) => {
      try {
        parseSignInQuery(q);
        return undefined;
      } catch (e) {
        return e instanceof KustoQueryError ? `${e.innerCode}: ${e.message}` : String(e);
      }
    };
    expect(err(SIGN_IN_QUERY.replace('ServicePrincipalId', 'SPId'))).toMatch(/^SemanticError: .*'SPId'/);
    expect(err(SIGN_IN_QUERY.replace('AADManagedIdentitySignInLogs', 'SigninLogs'))).toMatch(
      /^SemanticError: .*SigninLogs/,
    );
    expect(err(`${SIGN_IN_QUERY}\n| take 10`)).toMatch(/^SyntaxError/);
  });
});

describe('the emulator evaluating that query', () => {
  const record = (over: Record<string, unknown>) => ({
    TimeGenerated: '2026-11-01T00:00:00Z',
    ServicePrincipalId: 'a',
    ResultType: '0',
    ...over,
  });
  const table = (
    sp: Array<Record<string, unknown>>,
    mi: Array<Record<string, unknown>>,
    window = { start: Date.parse('2026-06-01T00:00:00Z'), end: Date.parse('2026-11-22T00:00:00Z') },
  ) =>
    evaluateSignInQuery(
      parseSignInQuery(SIGN_IN_QUERY),
      (name) => (name === 'AADServicePrincipalSignInLogs' ? sp : mi),
      window,
    );

  it('returns the last success and first record per principal and table, honouring the time range', () => {
    const result = table(
      [
        record({ TimeGenerated: '2026-10-01T00:00:00Z' }),
        record({ TimeGenerated: '2026-11-05T00:00:00Z', ResultType: '7000215' }),
        record({ TimeGenerated: '2026-01-01T00:00:00Z' }), // before the range
        record({ ServicePrincipalId: 'b', ResultType: '50126' }),
      ],
      [record({ ServicePrincipalId: 'c', TimeGenerated: '2026-11-21T00:00:00Z' })],
    );
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'ServicePrincipalId:string',
      'SignInTable:string',
      'ServicePrincipalCredentialKeyId:string',
      'LastSuccess:datetime',
      'FirstRecord:datetime',
    ]);
    expect(result.rows).toEqual([
      ['a', 'AADServicePrincipalSignInLogs', '', '2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z'],
      ['b', 'AADServicePrincipalSignInLogs', '', null, '2026-11-01T00:00:00Z'],
      ['c', 'AADManagedIdentitySignInLogs', '', '2026-11-21T00:00:00Z', '2026-11-21T00:00:00Z'],
    ]);
  });

  it('reads the SDK timespan (start/end) and an ISO day duration', () => {
    const now = new Date('2026-11-22T00:00:00Z');
    expect(parseTimespan('2026-01-01T00:00:00.000Z/2026-02-01T00:00:00.000Z', now)).toEqual({
      start: Date.parse('2026-01-01T00:00:00Z'),
      end: Date.parse('2026-02-01T00:00:00Z'),
    });
    expect(parseTimespan('P10D', now).start).toBe(Date.parse('2026-11-12T00:00:00Z'));
  });

  it('refuses fixture records with columns the real table does not have, or a numeric ResultType', () => {
    expect(() => validateSignInRecords('AADServicePrincipalSignInLogs', [record({ Foo: 'x' })])).toThrow(
      /Foo is not a column/,
    );
    expect(() => validateSignInRecords('AADServicePrincipalSignInLogs', [record({ ResultType: 0 })])).toThrow(
      /must be a string/,
    );
    expect(validateSignInRecords('AADManagedIdentitySignInLogs', [record({})])).toHaveLength(1);
  });
});
