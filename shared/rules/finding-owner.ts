/**
 * Which process may raise and resolve a finding: the source its rule's descriptor names
 * (shared/rules/rule.ts, RuleSource). `exemption.expired` belongs to the owner of the rule it
 * exempted (its target starts with that rule's id).
 */
import { allRules } from './catalogue';
import type { RuleSource } from './rule';

export type FindingOwner = RuleSource;

let sources: ReadonlyMap<string, RuleSource> | undefined;

export function ownerOf(f: { ruleId: string; target: string }): FindingOwner {
  sources ??= new Map(allRules().map((r) => [r.id, r.source]));
  const rule = f.ruleId === 'exemption.expired' ? (f.target.split(' ')[0] ?? '') : f.ruleId;
  return sources.get(rule) ?? 'tenant';
}
