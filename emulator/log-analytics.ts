/**
 * The Log Analytics query API (`POST /v1/workspaces/{id}/query`) over the sign-in records of a
 * fixture (`logs/<Table>.json`, an array of records with the table's real columns).
 *
 * It is not a Kusto engine: it evaluates only the query shape the monitor sends,
 *   union withsource=<Col> <Table>, <Table>
 *   | summarize <Name> = max|min(<Col>) | maxif(<Col>, <Col> == "<value>") | count(), ... by <Col>, ...
 * over the request's `timespan` (`start/end`), and answers anything else with the API's 400
 * BadArgumentError, so a change to the monitor's query cannot pass unnoticed.
 */
import { EXIT, MonitorError } from '../shared/errors';
import { SIGN_IN_TABLES, type KustoType } from './sign-in-log-schema';
import type { Fixture } from './fixture';
import { errorReply, type Reply } from './replies';

export interface QueryTable {
  name: string;
  columns: Array<{ name: string; type: KustoType }>;
  rows: unknown[][];
}

/** A query the emulated Log Analytics does not understand (answered with the API's 400). */
export class KustoQueryError extends MonitorError {
  readonly exitCode = EXIT.usage;
  readonly transient = false;
  constructor(
    readonly innerCode: 'SyntaxError' | 'SemanticError',
    message: string,
  ) {
    super(message);
  }
}

type Aggregate =
  | { name: string; fn: 'max' | 'min'; column: string }
  | { name: string; fn: 'maxif'; column: string; whereColumn: string; equals: string }
  | { name: string; fn: 'count' };

interface ParsedQuery {
  tables: string[];
  sourceColumn: string | undefined;
  aggregates: Aggregate[];
  by: string[];
}

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';

export function parseSignInQuery(text: string): ParsedQuery {
  const stages = text
    .split('|')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  if (stages.length !== 2)
    throw new KustoQueryError(
      'SyntaxError',
      'the emulator evaluates only `union … | summarize … by …` (see docs/emulator.md)',
    );
  const union = new RegExp(`^union (?:withsource=(${IDENT}) )?(${IDENT}(?: ?, ?${IDENT})*)$`).exec(
    stages[0]!,
  );
  const single = new RegExp(`^(${IDENT})$`).exec(stages[0]!);
  if (!union && !single) throw new KustoQueryError('SyntaxError', `unsupported source: ${stages[0]}`);
  const tables = union ? union[2]!.split(',').map((t) => t.trim()) : [single![1]!];
  const summarize = /^summarize (.+) by (.+)$/.exec(stages[1]!);
  if (!summarize) throw new KustoQueryError('SyntaxError', `unsupported operator: ${stages[1]}`);
  const aggregates = splitTopLevel(summarize[1]!).map(parseAggregate);
  const by = summarize[2]!.split(',').map((c) => c.trim());
  const parsed = { tables, sourceColumn: union?.[1], aggregates, by };
  for (const t of tables)
    if (!SIGN_IN_TABLES[t])
      throw new KustoQueryError(
        'SemanticError',
        `'union' operator: Failed to resolve table expression named '${t}'`,
      );
  for (const column of [...by, ...aggregates.flatMap(columnsOf)])
    if (column !== parsed.sourceColumn && !tables.every((t) => SIGN_IN_TABLES[t]![column]))
      throw new KustoQueryError('SemanticError', `Failed to resolve scalar expression named '${column}'`);
  return parsed;
}

function columnsOf(a: Aggregate): string[] {
  if (a.fn === 'count') return [];
  return a.fn === 'maxif' ? [a.column, a.whereColumn] : [a.column];
}

function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function parseAggregate(text: string): Aggregate {
  let m = new RegExp(`^(${IDENT}) ?= ?(max|min)\\((${IDENT})\\)$`).exec(text);
  if (m) return { name: m[1]!, fn: m[2] as 'max' | 'min', column: m[3]! };
  m = new RegExp(`^(${IDENT}) ?= ?maxif\\((${IDENT}) ?, ?(${IDENT}) ?== ?"([^"]*)"\\)$`).exec(text);
  if (m) return { name: m[1]!, fn: 'maxif', column: m[2]!, whereColumn: m[3]!, equals: m[4]! };
  m = new RegExp(`^(${IDENT}) ?= ?count\\(\\)$`).exec(text);
  if (m) return { name: m[1]!, fn: 'count' };
  throw new KustoQueryError('SyntaxError', `unsupported aggregation: ${text}`);
}

/** `start/end` (what the SDK sends for {startTime, endTime}); a bare ISO duration ends now. */
export function parseTimespan(timespan: unknown, now: Date): { start: number; end: number } {
  if (typeof timespan !== 'string') return { start: -Infinity, end: Infinity };
  const [a, b] = timespan.split('/');
  if (a && b) {
    const start = Date.parse(a);
    const end = Date.parse(b);
    if (Number.isFinite(start) && Number.isFinite(end)) return { start, end };
  }
  const days = /^P(\d+)D$/.exec(timespan);
  if (days) return { start: now.getTime() - Number(days[1]) * 86_400_000, end: now.getTime() };
  throw new KustoQueryError('SyntaxError', `unsupported timespan: ${timespan}`);
}

export function evaluateSignInQuery(
  query: ParsedQuery,
  recordsByTable: (table: string) => Array<Record<string, unknown>> | undefined,
  window: { start: number; end: number },
): QueryTable {
  const groups = new Map<string, { keys: unknown[]; acc: unknown[] }>();
  for (const table of query.tables) {
    const records = recordsByTable(table);
    if (!records)
      throw new KustoQueryError(
        'SemanticError',
        `'union' operator: Failed to resolve table expression named '${table}'`,
      );
    for (const record of records) {
      const time = Date.parse(String(record.TimeGenerated));
      if (!(time >= window.start && time < window.end)) continue;
      const value = (c: string) => (c === query.sourceColumn ? table : (record[c] ?? ''));
      const keys = query.by.map(value);
      const id = JSON.stringify(keys);
      let group = groups.get(id);
      if (!group) {
        group = { keys, acc: query.aggregates.map(() => null) };
        groups.set(id, group);
      }
      query.aggregates.forEach((a, i) => {
        const previous = group.acc[i];
        if (a.fn === 'count') group.acc[i] = ((previous as number | null) ?? 0) + 1;
        else if (a.fn === 'maxif' && String(record[a.whereColumn]) !== a.equals) return;
        else {
          const candidate = String(record[a.column]);
          const better =
            previous === null ||
            (a.fn === 'min'
              ? Date.parse(candidate) < Date.parse(String(previous))
              : Date.parse(candidate) > Date.parse(String(previous)));
          if (better) group.acc[i] = candidate;
        }
      });
    }
  }
  const schema = SIGN_IN_TABLES[query.tables[0]!]!;
  return {
    name: 'PrimaryResult',
    columns: [
      ...query.by.map((c) => ({ name: c, type: c === query.sourceColumn ? 'string' : schema[c]! })),
      ...query.aggregates.map((a) => ({
        name: a.name,
        type: a.fn === 'count' ? ('long' as const) : schema[a.column]!,
      })),
    ],
    rows: [...groups.values()].map((g) => [...g.keys, ...g.acc]),
  };
}

/** Checks fixture records against the published columns, so a fixture cannot invent a schema. */
export function validateSignInRecords(table: string, body: unknown): Array<Record<string, unknown>> {
  const columns = SIGN_IN_TABLES[table];
  if (!columns) throw new Error(`logs/${table}.json: not a sign-in table the emulator knows`);
  if (!Array.isArray(body)) throw new Error(`logs/${table}.json: must be an array of records`);
  return body.map((record, i) => {
    if (typeof record !== 'object' || record === null)
      throw new Error(`logs/${table}.json[${i}]: not an object`);
    for (const [key, value] of Object.entries(record)) {
      const type = columns[key];
      if (!type) throw new Error(`logs/${table}.json[${i}]: ${key} is not a column of ${table}`);
      if (type === 'datetime' && (typeof value !== 'string' || Number.isNaN(Date.parse(value))))
        throw new Error(`logs/${table}.json[${i}].${key}: must be an ISO date-time`);
      if (type === 'string' && typeof value !== 'string')
        throw new Error(`logs/${table}.json[${i}].${key}: must be a string (ResultType too: "0")`);
    }
    return record as Record<string, unknown>;
  });
}

/** `POST /v1/workspaces/{id}/query` over the fixture's sign-in records (see the module comment). */
export function answerLogsQuery(
  fixture: Fixture,
  workspaceId: string,
  body: unknown,
  partial: boolean,
): Reply {
  if (workspaceId.toLowerCase() !== (fixture.manifest.logAnalyticsWorkspaceId ?? '').toLowerCase())
    return errorReply(
      'logs',
      404,
      'WorkspaceNotFoundError',
      `The workspace ${workspaceId} could not be found`,
    );
  const request = body as { query?: unknown; timespan?: unknown } | undefined;
  try {
    if (typeof request?.query !== 'string') throw new KustoQueryError('SyntaxError', 'query is required');
    const table = evaluateSignInQuery(
      parseSignInQuery(request.query),
      (name) => {
        const records = fixture.get('logs', name);
        return records === undefined ? undefined : validateSignInRecords(name, records);
      },
      parseTimespan(request.timespan, new Date(fixture.manifest.recordedAt)),
    );
    if (!partial) return { status: 200, body: { tables: [table] } };
    return {
      status: 200,
      body: {
        tables: [{ ...table, rows: table.rows.slice(0, Math.floor(table.rows.length / 2)) }],
        error: {
          code: 'PartialError',
          message: 'There were some errors when processing your query.',
          details: [
            {
              code: 'EngineError',
              message: 'Something went wrong processing your query on the server.',
              innererror: {
                code: '-2133196797',
                message: 'Query execution has exceeded the allowed limits (80DA0003).',
                severity: 2,
                severityName: 'Error',
              },
            },
          ],
        },
      },
    };
  } catch (error) {
    if (!(error instanceof KustoQueryError)) throw error;
    return errorReply('logs', 400, 'BadArgumentError', 'The request had some invalid properties', undefined, {
      code: error.innerCode,
      message: error.message,
    });
  }
}
