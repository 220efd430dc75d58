/**
 * Azure Resource Graph (`POST /providers/Microsoft.ResourceGraph/resources`) over the resources
 * of a fixture (`arm/providers/Microsoft.ResourceGraph/resources.json`, `{"value":[…]}` with each
 * resource as Resource Graph returns it: id, name, type, identity, properties).
 *
 * Not a Kusto engine: it evaluates only the shape the monitor sends,
 *   Resources
 *   | where isnotempty(<path>) or isnotempty(<path>) …
 *   | project <col>, <Name> = bag_keys(<path>) | tostring(<path>), …
 * in the objectArray result format, scoped to the request's subscriptions, paged with $top and
 * $skipToken (at most 1000 rows a page, as the real API). Anything else gets the API's 400.
 */
import { EXIT, MonitorError } from '../shared/errors';
import { hasValueArray, type Fixture } from './fixture';
import { errorReply, type Reply } from './replies';
/** A query the emulated Resource Graph does not understand (answered with the API's 400). */
export class ResourceGraphQueryError extends MonitorError {
  readonly exitCode = EXIT.usage;
  readonly transient = false;
}

type Projection = { name: string; fn: 'value' | 'bag_keys' | 'tostring'; path: string[] };
interface ParsedQuery {
  nonEmpty: string[][];
  project: Projection[];
}

const PATH = '[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*';

export function parseResourceQuery(text: string): ParsedQuery {
  const stages = text
    .split('|')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  if (stages.length !== 3 || stages[0]!.toLowerCase() !== 'resources')
    throw new ResourceGraphQueryError('the emulator evaluates only `Resources | where … | project …`');
  const where = /^where (.+)$/.exec(stages[1]!);
  if (!where) throw new ResourceGraphQueryError(`unsupported operator: ${stages[1]}`);
  const nonEmpty = where[1]!.split(/ or /).map((term) => {
    const m = new RegExp(`^isnotempty\\((${PATH})\\)$`).exec(term.trim());
    if (!m) throw new ResourceGraphQueryError(`unsupported condition: ${term}`);
    return m[1]!.split('.');
  });
  const project = /^project (.+)$/.exec(stages[2]!);
  if (!project) throw new ResourceGraphQueryError(`unsupported operator: ${stages[2]}`);
  const columns = project[1]!.split(/,(?![^(]*\))/).map((col): Projection => {
    const c = col.trim();
    const plain = new RegExp(`^(${PATH})$`).exec(c);
    if (plain) return { name: plain[1]!.split('.').pop()!, fn: 'value', path: plain[1]!.split('.') };
    const named = new RegExp(`^([A-Za-z_][A-Za-z0-9_]*) = (bag_keys|tostring)\\((${PATH})\\)$`).exec(c);
    if (!named) throw new ResourceGraphQueryError(`unsupported column: ${c}`);
    return { name: named[1]!, fn: named[2] as Projection['fn'], path: named[3]!.split('.') };
  });
  return { nonEmpty, project: columns };
}

function at(item: unknown, path: string[]): unknown {
  let v = item;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    // Resource Graph property names are case-insensitive.
    const entry = Object.entries(v).find(([k]) => k.toLowerCase() === key.toLowerCase());
    v = entry?.[1];
  }
  return v;
}

const isEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === '' ||
  (typeof v === 'object' && Object.keys(v as object).length === 0);

export function evaluateResourceQuery(
  query: ParsedQuery,
  resources: unknown[],
): Array<Record<string, unknown>> {
  return resources
    .filter((r) => query.nonEmpty.some((p) => !isEmpty(at(r, p))))
    .map((r) =>
      Object.fromEntries(
        query.project.map((p) => {
          const v = at(r, p.path);
          if (p.fn === 'bag_keys')
            return [p.name, typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v) : null];
          if (p.fn === 'tostring') return [p.name, v === undefined || v === null ? '' : String(v)];
          return [p.name, v ?? null];
        }),
      ),
    );
}

export const RESOURCE_GRAPH_MAX_PAGE = 1000;

export function resourceGraphPage(
  rows: Array<Record<string, unknown>>,
  options: { top?: unknown; skipToken?: unknown },
  pageSize: number,
): Record<string, unknown> {
  const offset =
    typeof options.skipToken === 'string'
      ? Number(JSON.parse(Buffer.from(options.skipToken, 'base64').toString('utf8')).offset)
      : 0;
  if (!Number.isInteger(offset) || offset < 0) throw new ResourceGraphQueryError('invalid $skipToken');
  const top = Math.min(Number(options.top ?? RESOURCE_GRAPH_MAX_PAGE), RESOURCE_GRAPH_MAX_PAGE, pageSize);
  const data = rows.slice(offset, offset + top);
  const next = offset + data.length;
  return {
    totalRecords: rows.length,
    count: data.length,
    resultTruncated: 'false',
    facets: [],
    ...(next < rows.length
      ? { $skipToken: Buffer.from(JSON.stringify({ offset: next })).toString('base64') }
      : {}),
    data,
  };
}

/** `POST /providers/Microsoft.ResourceGraph/resources` over the fixture's resources (see the module comment). */
export function answerResourceQuery(fixture: Fixture, body: unknown): Reply {
  const request = body as
    | { query?: unknown; subscriptions?: unknown; options?: { $top?: unknown; $skipToken?: unknown } }
    | undefined;
  try {
    if (typeof request?.query !== 'string') throw new ResourceGraphQueryError('query is required');
    const subscriptions = Array.isArray(request.subscriptions)
      ? request.subscriptions.map((s) => `/subscriptions/${String(s).toLowerCase()}/`)
      : undefined;
    const stored = fixture.get('arm', 'providers/Microsoft.ResourceGraph/resources');
    const resources = (hasValueArray(stored) ? stored.value : []).filter(
      (r) =>
        !subscriptions ||
        subscriptions.some((s) =>
          String((r as { id?: unknown }).id ?? '')
            .toLowerCase()
            .startsWith(s),
        ),
    );
    const rows = evaluateResourceQuery(parseResourceQuery(request.query), resources);
    return {
      status: 200,
      body: resourceGraphPage(
        rows,
        { top: request.options?.$top, skipToken: request.options?.$skipToken },
        fixture.manifest.pageSize.arm,
      ),
    };
  } catch (error) {
    if (!(error instanceof ResourceGraphQueryError) && !(error instanceof SyntaxError)) throw error;
    return errorReply(
      'arm',
      400,
      'BadRequest',
      `Please provide below info when asking for support: ${error.message}`,
    );
  }
}
