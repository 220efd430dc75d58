/**
 * Per-object quarantine: an item of a list that does not validate is set aside with what is wrong
 * with it, instead of failing the whole list (and with it the scope or the directory). The
 * readers parse each item through here; the inventory carries what was set aside.
 */
import type { z } from 'zod';
import type { UnreadableObject } from '../model/inventory';
import { describeIssues } from './errors';

export type Where = Pick<UnreadableObject, 'api' | 'source' | 'scope'> & {
  /** The service principal an item is about, read from the raw item (e.g. properties.principalId). */
  objectIdOf?: (raw: Record<string, unknown>) => unknown;
};

export class Quarantine {
  readonly objects: UnreadableObject[] = [];

  /** The parsed item, or undefined when it was set aside. */
  parse<T>(schema: z.ZodType<T>, raw: unknown, where: Where): T | undefined {
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    const record = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
    this.objects.push({
      api: where.api,
      source: where.source.split('?')[0]!,
      scope: where.scope,
      id: text(record.id),
      objectId: text(where.objectIdOf?.(record))?.toLowerCase() ?? null,
      appId: text(record.appId)?.toLowerCase() ?? null,
      problems: describeIssues(result.error.issues),
    });
    return undefined;
  }

  /** Parses every item of a page, keeping those that read. */
  parseAll<T>(schema: z.ZodType<T>, items: readonly unknown[], where: Where): T[] {
    const out: T[] = [];
    for (const raw of items) {
      const item = this.parse(schema, raw, where);
      if (item !== undefined) out.push(item);
    }
    return out;
  }
}

/** Reads a nested field of a raw item without trusting its shape. */
export function field(raw: Record<string, unknown>, ...path: string[]): unknown {
  let v: unknown = raw;
  for (const key of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}
