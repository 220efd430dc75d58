/**
 * What every emulated API shares: a reply, the error body in each API's format, `$select`,
 * `$filter` and the context per-API modules are given (the fixture, the origins, paging).
 */
import { randomUUID } from 'node:crypto';
import { scopeChain, type ManagementGroupParents } from '../shared/model/scope-hierarchy';
import { normalizeScope } from '../shared/model/arm-scope';
import type { Api, Fixture } from './fixture';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What a per-API module needs of the running emulator. */
export interface ApiContext {
  fixture: Fixture;
  origins: Partial<Record<Api, string>>;
  /** A list body paged, filtered and `$select`ed as the API does. */
  page(api: Api, url: URL, body: { value: unknown[]; [key: string]: unknown }): Reply;
}

export function matchesId(item: unknown, idLower: string): boolean {
  const o = item as { id?: unknown; name?: unknown };
  if (typeof o.id === 'string') {
    if (o.id.toLowerCase() === idLower) return true;
    if (o.id.toLowerCase().endsWith(`/${idLower}`)) return true;
  }
  return typeof o.name === 'string' && o.name.toLowerCase() === idLower;
}

export function select(item: unknown, url: URL): unknown {
  return selectFields(item, url.searchParams.get('$select'));
}

export function selectFields(item: unknown, fields: string | null): unknown {
  if (!fields || typeof item !== 'object' || item === null) return item;
  const keep = new Set(fields.split(',').map((f) => f.trim()));
  return Object.fromEntries(
    Object.entries(item).filter(([k]) => keep.has(k) || k === 'id' || k.startsWith('@odata.')),
  );
}

/** The `$filter` expressions the monitor sends; anything else is rejected like an unsupported query. */
export function filterItems(
  api: Api,
  items: unknown[],
  filter: string | null,
  at: () => { scope: string; parents: ManagementGroupParents },
): unknown[] {
  if (!filter) return items;
  const f = filter.trim();
  if (api === 'arm') {
    if (/^atScope\(\)$/i.test(f)) {
      // ARM: the assignments at the scope or above it (through management groups), none below.
      const { scope, parents } = at();
      const chain = new Set(scopeChain(scope, parents).scopes);
      return items.filter((i) =>
        chain.has(normalizeScope(String((i as { properties?: { scope?: string } }).properties?.scope ?? ''))),
      );
    }
    const roleName = /^roleName eq '((?:[^']|'')*)'$/i.exec(f);
    if (roleName) {
      const name = roleName[1]!.replace(/''/g, "'").toLowerCase();
      return items.filter(
        (i) =>
          String((i as { properties?: { roleName?: string } }).properties?.roleName ?? '').toLowerCase() ===
          name,
      );
    }
    const principal = /^(?:principalId eq|assignedTo\()\s*'([^']+)'\)?$/i.exec(f);
    if (principal) {
      const id = principal[1]!.toLowerCase();
      return items.filter(
        (i) =>
          String(
            (i as { properties?: { principalId?: string } }).properties?.principalId ?? '',
          ).toLowerCase() === id,
      );
    }
  } else {
    // `<prop> eq '<value>'`, several joined by `or` (a quote inside a value is doubled, as in OData)
    const clauses = f.split(/ or /i).map((c) => /^(\w+) eq '((?:[^']|'')*)'$/.exec(c.trim()));
    if (clauses.every((c) => c !== null))
      return items.filter((i) =>
        clauses.some(
          (c) =>
            String((i as Record<string, unknown>)[c![1]!] ?? '').toLowerCase() ===
            c![2]!.replace(/''/g, "'").toLowerCase(),
        ),
      );
    // servicePrincipalNames/any(c:c eq '…') (how `az ad sp show --id` looks a principal up)
    const any = /^(\w+)\/any\((\w+):\s*\2 eq '((?:[^']|'')*)'\)$/.exec(f);
    if (any) {
      const value = any[3]!.replace(/''/g, "'").toLowerCase();
      return items.filter((i) => {
        const list = (i as Record<string, unknown>)[any[1]!];
        return Array.isArray(list) && list.some((v) => String(v).toLowerCase() === value);
      });
    }
    // startswith(prop,'…')
    const starts = /^startswith\((\w+),\s*'((?:[^']|'')*)'\)$/i.exec(f);
    if (starts) {
      const prefix = starts[2]!.replace(/''/g, "'").toLowerCase();
      return items.filter((i) =>
        String((i as Record<string, unknown>)[starts[1]!] ?? '')
          .toLowerCase()
          .startsWith(prefix),
      );
    }
    const inList = /^(\w+) in \((.*)\)$/.exec(f);
    if (inList) {
      const values = new Set([...inList[2]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!.toLowerCase()));
      return items.filter((i) =>
        values.has(String((i as Record<string, unknown>)[inList[1]!] ?? '').toLowerCase()),
      );
    }
  }
  throw new Error(`the emulator does not implement $filter=${filter}`);
}

export function errorReply(
  api: Api,
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
  innererror?: { code: string; message: string },
): Reply {
  const body =
    api === 'arm' || api === 'workflows'
      ? { error: { code, message } }
      : api === 'logs'
        ? { error: { message, code, correlationId: randomUUID(), ...(innererror ? { innererror } : {}) } }
        : {
            error: {
              code,
              message,
              innerError: {
                date: new Date().toISOString().slice(0, 19),
                'request-id': randomUUID(),
                'client-request-id': randomUUID(),
              },
            },
          };
  return { status, body, headers };
}
