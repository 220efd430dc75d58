/**
 * Field-by-field difference between the stored baseline and a proposed one, for `plan` and the
 * audit summary. Lists of scalars or records (roles, federated credentials, owners…) are
 * compared as sets, because their order carries no meaning.
 */
import type { Baseline } from './schema';
import { canonicalJson } from './canonical';

export interface FieldChange {
  path: string;
  kind: 'set' | 'added' | 'removed';
  before?: unknown;
  after?: unknown;
}

export interface EntryChanges {
  added: string[];
  removed: string[];
  changed: Array<{ key: string; changes: FieldChange[] }>;
}

export interface BaselineDiff {
  policy: FieldChange[];
  identities: EntryChanges;
  exemptions: EntryChanges;
  keyVaultSecrets: EntryChanges;
}

function diffValues(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
  if (canonicalJson(before) === canonicalJson(after)) return;
  if (Array.isArray(before) && Array.isArray(after)) {
    const b = new Map(before.map((v) => [canonicalJson(v), v]));
    const a = new Map(after.map((v) => [canonicalJson(v), v]));
    for (const [k, v] of a) if (!b.has(k)) out.push({ path, kind: 'added', after: v });
    for (const [k, v] of b) if (!a.has(k)) out.push({ path, kind: 'removed', before: v });
    return;
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) diffValues(before[key], after[key], path ? `${path}.${key}` : key, out);
    return;
  }
  out.push({ path, kind: 'set', before, after });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function diffEntries<T>(before: readonly T[], after: readonly T[], keyOf: (t: T) => string): EntryChanges {
  const b = new Map(before.map((t) => [keyOf(t), t]));
  const a = new Map(after.map((t) => [keyOf(t), t]));
  const result: EntryChanges = { added: [], removed: [], changed: [] };
  for (const [key, value] of a) {
    const old = b.get(key);
    if (old === undefined) result.added.push(key);
    else {
      const changes: FieldChange[] = [];
      diffValues(old, value, '', changes);
      if (changes.length) result.changed.push({ key, changes });
    }
  }
  for (const key of b.keys()) if (!a.has(key)) result.removed.push(key);
  return result;
}

export const exemptionKey = (e: Baseline['exemptions'][number]): string =>
  `${e.rule} ${e.identity} ${e.target}`;
export const keyVaultRouteKey = (k: Baseline['keyVaultSecrets'][number]): string =>
  `${k.vault}/${k.secret ?? '*'}`;

export function diffBaselines(stored: Baseline | undefined, proposed: Baseline): BaselineDiff {
  const policy: FieldChange[] = [];
  diffValues(stored?.policy ?? {}, proposed.policy, '', policy);
  return {
    policy,
    identities: diffEntries(stored?.identities ?? [], proposed.identities, (i) => i.name),
    exemptions: diffEntries(stored?.exemptions ?? [], proposed.exemptions, exemptionKey),
    keyVaultSecrets: diffEntries(stored?.keyVaultSecrets ?? [], proposed.keyVaultSecrets, keyVaultRouteKey),
  };
}

export function isEmptyDiff(d: BaselineDiff): boolean {
  const empty = (e: EntryChanges): boolean => !e.added.length && !e.removed.length && !e.changed.length;
  return d.policy.length === 0 && empty(d.identities) && empty(d.exemptions) && empty(d.keyVaultSecrets);
}

/** One line, e.g. "identities +2 ~1 -0; exemptions +1 ~0 -0; policy 1 field(s) changed". */
export function summarizeDiff(d: BaselineDiff): string {
  if (isEmptyDiff(d)) return 'no changes';
  const part = (name: string, e: EntryChanges): string =>
    `${name} +${e.added.length} ~${e.changed.length} -${e.removed.length}`;
  return [
    part('identities', d.identities),
    part('exemptions', d.exemptions),
    part('keyVaultSecrets', d.keyVaultSecrets),
    `policy ${d.policy.length} field(s) changed`,
  ].join('; ');
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function renderChange(c: FieldChange): string {
  const where = c.path || '(value)';
  if (c.kind === 'added') return `+ ${where}: ${show(c.after)}`;
  if (c.kind === 'removed') return `- ${where}: ${show(c.before)}`;
  if (c.before === undefined) return `+ ${where}: ${show(c.after)}`;
  if (c.after === undefined) return `- ${where}: ${show(c.before)}`;
  return `~ ${where}: ${show(c.before)} → ${show(c.after)}`;
}

/** Human-readable plan text, one change per line. */
export function renderDiff(d: BaselineDiff): string {
  if (isEmptyDiff(d)) return 'No changes: the stored baseline already matches this file.';
  const lines: string[] = [];
  if (d.policy.length) {
    lines.push('policy:');
    for (const c of d.policy) lines.push(`  ${renderChange(c)}`);
  }
  const section = (title: string, e: EntryChanges): void => {
    if (!e.added.length && !e.removed.length && !e.changed.length) return;
    lines.push(`${title}:`);
    for (const k of e.added) lines.push(`  + ${k} (new)`);
    for (const k of e.removed) lines.push(`  - ${k} (removed)`);
    for (const c of e.changed) {
      lines.push(`  ~ ${c.key}`);
      for (const f of c.changes) lines.push(`      ${renderChange(f)}`);
    }
  };
  section('identities', d.identities);
  section('exemptions', d.exemptions);
  section('keyVaultSecrets', d.keyVaultSecrets);
  lines.push('', `Summary: ${summarizeDiff(d)}`);
  return lines.join('\n');
}
