/**
 * The rule catalogue: every rule module's descriptors, in the order findings are evaluated and
 * listed. Ids are a public contract (exemptions, finding keys, alerts and SIEM routing refer to
 * them): never rename one. A new rule is one descriptor in its module (shared/rules/rule.ts
 * says what it holds) plus its test; a new module is also one line here.
 *
 * The list is built on first use, not at load: rule modules import helpers that lead back here,
 * and Node must be able to load them in any order.
 */
import { ROLE_RULES } from './role-rules';
import { IDENTITY_RULES } from './identity-rules';
import { ORPHAN_RULES } from './orphan-rules';
import { CREDENTIAL_RULES } from './credential-rules';
import { FIC_RULES } from './fic-rules';
import { APP_ROLE_RULES } from './approle-rules';
import { KEY_VAULT_RULES } from './keyvault-rules';
import { EXEMPTION_RULES } from './exemptions';
import { SIGN_IN_RULES } from './dormancy-rules';
import { INVENTORY_RULES } from './inventory-rules';
import type { Recheck, RuleDescriptor } from './rule';

export { SEVERITIES, type Severity } from './rule';

type Descriptors =
  | typeof ROLE_RULES
  | typeof IDENTITY_RULES
  | typeof ORPHAN_RULES
  | typeof CREDENTIAL_RULES
  | typeof FIC_RULES
  | typeof APP_ROLE_RULES
  | typeof KEY_VAULT_RULES
  | typeof EXEMPTION_RULES
  | typeof SIGN_IN_RULES
  | typeof INVENTORY_RULES;
export type RuleId = Descriptors[number]['id'];

let all: readonly (RuleDescriptor & { id: RuleId })[] | undefined;
let byId: Map<string, RuleDescriptor & { id: RuleId }> | undefined;

/** Every rule, in catalogue order. */
export function allRules(): readonly (RuleDescriptor & { id: RuleId })[] {
  return (all ??= [
    ...ROLE_RULES,
    ...IDENTITY_RULES,
    ...ORPHAN_RULES,
    ...CREDENTIAL_RULES,
    ...FIC_RULES,
    ...APP_ROLE_RULES,
    ...SIGN_IN_RULES,
    ...KEY_VAULT_RULES,
    ...EXEMPTION_RULES,
    ...INVENTORY_RULES,
  ]);
}

export function ruleIds(): [RuleId, ...RuleId[]] {
  return allRules().map((r) => r.id) as [RuleId, ...RuleId[]];
}

export function ruleDefinition(id: RuleId): RuleDescriptor {
  byId ??= new Map(allRules().map((r) => [r.id, r]));
  const rule = byId.get(id);
  if (!rule) throw new Error(`unknown rule id ${id}`);
  return rule;
}

/**
 * The descriptor of a rule id read from storage or an event, or undefined for an id this version
 * does not know (a finding of a rule since removed): everything outside shared/rules asks the
 * descriptor, never compares ids.
 */
export function ruleOf(id: string): RuleDescriptor | undefined {
  return isRuleId(id) ? ruleDefinition(id) : undefined;
}

/** Whether a rule is re-checked by this event or sweep (its descriptor's `rechecks`). */
export function rechecks(id: string, by: Recheck): boolean {
  return ruleOf(id)?.rechecks?.includes(by) ?? false;
}

export function isRuleId(id: string): id is RuleId {
  byId ??= new Map(allRules().map((r) => [r.id, r]));
  return byId.has(id);
}
