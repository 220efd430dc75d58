/**
 * `wimon record --redact`: tenant-chosen text (display names, mail addresses, UPNs, descriptions,
 * managed identity names — which also appear inside resource ids and paths) replaced by stable
 * pseudonyms, the same input always giving the same pseudonym, so a recording and its baseline
 * can be attached to a bug report and still replay to the same rules and severities. Object ids,
 * application ids, role names and scopes' Azure-given parts stay: the rules match on them.
 */
import { createHash } from 'node:crypto';

const TEXT_FIELDS = new Set([
  'displayName',
  'appDisplayName',
  'principalDisplayName',
  'mail',
  'userPrincipalName',
  'description',
  'notes',
]);
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const MICROSOFT_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class Redactor {
  private readonly map = new Map<string, string>();
  /** Objects that are Microsoft's (first-party service principals), however they were read. */
  private readonly microsoft = new Set<string>();
  private ordered: string[] | undefined;

  private pseudonym(original: string): string {
    const h = createHash('sha256').update(original.toLowerCase()).digest('hex').slice(0, 10);
    return original.includes('@') ? `user-${h}@example.invalid` : `name-${h}`;
  }

  /** Learns one piece of tenant-chosen text (ids and GUIDs are not: the rules match on them). */
  add(original: string): void {
    if (original.length < 3 || this.map.has(original) || GUID.test(original)) return;
    const p = this.pseudonym(original);
    this.map.set(original, p);
    this.map.set(original.toLowerCase(), p.toLowerCase());
    this.ordered = undefined;
  }

  /** Notes Microsoft's own objects (first-party service principals) in a body: their names are not learnt. */
  noteMicrosoft(value: unknown): void {
    if (Array.isArray(value)) return value.forEach((v) => this.noteMicrosoft(v));
    if (!value || typeof value !== 'object') return;
    const o = value as Record<string, unknown>;
    if (
      (o.appId === MICROSOFT_GRAPH_APP_ID || o.appOwnerOrganizationId === MICROSOFT_TENANT) &&
      typeof o.id === 'string'
    )
      this.microsoft.add(o.id.toLowerCase());
    for (const v of Object.values(o)) this.noteMicrosoft(v);
  }

  /** Learns the tenant-chosen text of a recorded body (call for every file first). */
  learn(value: unknown, key?: string, type?: unknown): void {
    if (typeof value === 'string') {
      if (key && TEXT_FIELDS.has(key)) this.add(value);
      for (const m of value.matchAll(EMAIL)) this.add(m[0]);
      return;
    }
    if (Array.isArray(value)) return value.forEach((v) => this.learn(v));
    if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      // A user-assigned identity's name is its resource name (and its service principal's display name).
      if (
        typeof o.name === 'string' &&
        String(o.type ?? type).toLowerCase() === 'microsoft.managedidentity/userassignedidentities'
      )
        this.add(o.name);
      // Tag values are chosen by the tenant too.
      if (o.tags && typeof o.tags === 'object' && !Array.isArray(o.tags))
        for (const v of Object.values(o.tags as Record<string, unknown>))
          if (typeof v === 'string') this.add(v);
      // Microsoft's own applications and the hierarchy's ids (entities' names) are not the tenant's words.
      if (o.appId === MICROSOFT_GRAPH_APP_ID || o.appOwnerOrganizationId === MICROSOFT_TENANT) return;
      if (typeof o.id === 'string' && this.microsoft.has(o.id.toLowerCase())) return;
      if (o.type === 'Microsoft.Management/managementGroups' || o.type === '/subscriptions') return;
      for (const [k, v] of Object.entries(o)) if (k !== 'tags') this.learn(v, k, o.type);
    }
  }

  /**
   * A value with learnt originals replaced: a whole value equal to one, a segment of a resource id
   * or path equal to one, and any mail address. Nothing else is touched, so a display name that
   * happens to be a word of the API ("Application") never rewrites that word elsewhere.
   */
  text(s: string): string {
    const exact = this.map.get(s) ?? this.map.get(s.toLowerCase());
    if (exact !== undefined && (this.map.has(s) || s === s.toLowerCase())) return this.map.get(s) ?? exact;
    const out =
      s.includes('/') && !s.includes(' ')
        ? s
            .split('/')
            .map((segment) => this.map.get(segment) ?? segment)
            .join('/')
        : s;
    return out.replace(EMAIL, (m) => (m.endsWith('@example.invalid') ? m : this.pseudonymFor(m)));
  }

  /** A baseline's text: declared names and descriptions, and every mail address. */
  baseline(text: string): string {
    return text
      .replace(
        /^(\s*(?:- )?(?:name|description|identity): *)(\S.*?)\s*$/gm,
        (_all, head: string, value: string) => {
          this.add(value);
          return `${head}${this.map.get(value) ?? value}`;
        },
      )
      .replace(/\/[^\s'"]+/g, (path) => this.text(path))
      .replace(EMAIL, (m) => (m.endsWith('@example.invalid') ? m : this.pseudonymFor(m)));
  }

  private pseudonymFor(m: string): string {
    this.add(m);
    return this.map.get(m)!;
  }

  value(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    // Keys can be resource ids too (Resource Graph's userAssignedIdentities).
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k.startsWith('/') ? this.text(k) : k, this.value(x)]),
      );
    return v;
  }
}
