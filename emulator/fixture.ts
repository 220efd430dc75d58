/**
 * A tenant fixture: a folder that mirrors API paths, each file holding the body the real API
 * returns (`{"value":[...]}` for lists). `fixture.json` at the top says when it was recorded and
 * which scopes it covers. See docs/emulator.md.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { UsageError } from '../shared/errors';
import path from 'node:path';
import { z } from 'zod';

/** `eventgrid` is a topic the monitor publishes to; it has no fixture files. */
export type Api = 'arm' | 'graph' | 'logs' | 'eventgrid' | 'email' | 'workflows';

export const manifestSchema = z.strictObject({
  description: z.string().optional(),
  recordedAt: z.iso.datetime({ offset: true }),
  tenantId: z.string(),
  subscriptions: z.array(z.string()).default([]),
  managementGroups: z.array(z.string()).default([]),
  /**
   * The monitor was granted Reader on the scope, so it reads which resources use each
   * user-assigned identity (Resource Graph; resources in arm/providers/Microsoft.ResourceGraph/resources.json).
   */
  managedIdentityAttachments: z.boolean().default(false),
  /** Workspace (customer) id the Log Analytics API answers for; sign-in records are in logs/<Table>.json. */
  logAnalyticsWorkspaceId: z.string().optional(),
  /** Largest page the emulated API returns, whatever $top asks (real Graph: 999; ARM varies). */
  pageSize: z
    .strictObject({ arm: z.number().int().min(1).default(1000), graph: z.number().int().min(1).default(999) })
    .default({ arm: 1000, graph: 999 }),
});
export type FixtureManifest = z.output<typeof manifestSchema>;

export class Fixture {
  /** lower-cased API path (no extension) → body */
  private readonly files = new Map<string, unknown>();
  /** ARM: lower-cased resource id → item, for GET by id of anything listed in a collection. */
  private armIndex = new Map<string, unknown>();
  private itemIndex = new Map<string, Map<string, unknown>>();

  constructor(
    readonly manifest: FixtureManifest,
    entries: Iterable<[string, unknown]>,
  ) {
    for (const [p, body] of entries) this.files.set(p.toLowerCase(), body);
    this.reindex();
  }

  static load(dir: string): Fixture {
    const manifestPath = path.join(dir, 'fixture.json');
    let manifest: FixtureManifest;
    if (!existsSync(manifestPath))
      throw new UsageError(
        `${dir} is not a tenant fixture folder (it has no fixture.json); examples/contoso is one`,
      );
    try {
      manifest = manifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
    } catch (error) {
      throw new UsageError(
        `${manifestPath}: not a valid fixture manifest (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    const entries: Array<[string, unknown]> = [];
    for (const api of ['arm', 'graph', 'logs'] as const) {
      const root = path.join(dir, api);
      for (const file of walk(root)) {
        const rel = path
          .relative(root, file)
          .split(path.sep)
          .join('/')
          .replace(/\.json$/, '');
        try {
          entries.push([`${api}/${rel}`, JSON.parse(readFileSync(file, 'utf8'))]);
        } catch (error) {
          throw new Error(
            `${file}: invalid JSON (${error instanceof Error ? error.message : String(error)})`,
          );
        }
      }
    }
    return new Fixture(manifest, entries);
  }

  get(api: Api, apiPath: string): unknown {
    return this.files.get(`${api}/${trimSlashes(apiPath)}`.toLowerCase());
  }

  /** Replaces (or with undefined removes) one file's body; tests use this to change the tenant between reads. */
  set(api: Api, apiPath: string, body: unknown): void {
    const key = `${api}/${trimSlashes(apiPath)}`.toLowerCase();
    if (body === undefined) this.files.delete(key);
    else this.files.set(key, body);
    this.reindex();
  }

  /**
   * One item of a collection file by its id (or the last segment of its id, or its name),
   * through an index built on first use, so lookups stay fast in large fixtures.
   */
  itemOf(api: Api, collectionPath: string, idLower: string): unknown {
    const key = `${api}/${trimSlashes(collectionPath)}`.toLowerCase();
    let index = this.itemIndex.get(key);
    if (!index) {
      index = new Map();
      const body = this.files.get(key);
      if (hasValueArray(body))
        for (const item of body.value) {
          const o = item as { id?: unknown; name?: unknown };
          if (typeof o.name === 'string' && !index.has(o.name.toLowerCase()))
            index.set(o.name.toLowerCase(), item);
          if (typeof o.id === 'string') {
            index.set(o.id.toLowerCase(), item);
            index.set(o.id.toLowerCase().split('/').pop()!, item);
          }
        }
      this.itemIndex.set(key, index);
    }
    return index.get(idLower);
  }

  armById(id: string): unknown {
    return this.armIndex.get(trimSlashes(id).toLowerCase());
  }

  /** Every collection file of one API whose path ends with `suffix` (lower-case). */
  collections(api: Api, suffix: string): Array<{ path: string; items: unknown[] }> {
    const out: Array<{ path: string; items: unknown[] }> = [];
    for (const [key, body] of this.files) {
      if (key.startsWith(`${api}/`) && key.endsWith(suffix.toLowerCase()) && hasValueArray(body)) {
        out.push({ path: key.slice(api.length + 1), items: body.value });
      }
    }
    return out;
  }

  private reindex(): void {
    this.itemIndex = new Map();
    this.armIndex = new Map();
    for (const [key, body] of this.files) {
      if (!key.startsWith('arm/') || !hasValueArray(body)) continue;
      for (const item of body.value) {
        const id = (item as { id?: unknown }).id;
        if (typeof id === 'string') this.armIndex.set(trimSlashes(id).toLowerCase(), item);
      }
    }
  }
}

export function hasValueArray(body: unknown): body is { value: unknown[] } {
  return typeof body === 'object' && body !== null && Array.isArray((body as { value?: unknown }).value);
}

function trimSlashes(p: string): string {
  return p.replace(/^\/+|\/+$/g, '');
}

function* walk(dir: string): Generator<string> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* walk(full);
    else if (name.endsWith('.json')) yield full;
  }
}
