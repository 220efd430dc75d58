/**
 * A matching exemption (same rule, same identity by name or object id, same exact target) that
 * has not ended turns a finding into `exempted`; one that ended raises exemption.expired and
 * the finding stays live. An exemption is valid through its `expires` day (UTC).
 */
import type { Baseline, Exemption } from '../baseline/schema';
import type { FindingCandidate } from '../model/finding';
import { candidate, dateOf } from './context';
import type { Evaluation, RuleDescriptor } from './rule';

const norm = (s: string) => s.trim().replace(/\/+$/, '').toLowerCase();

export function exemptionMatches(e: Exemption, c: FindingCandidate): boolean {
  const who = e.identity.toLowerCase();
  return (
    e.rule === c.ruleId &&
    (who === c.identity.name?.toLowerCase() || who === c.identity.objectId) &&
    norm(e.target) === norm(c.target)
  );
}

export function applyExemptions(
  candidates: readonly FindingCandidate[],
  baseline: Baseline,
  now: Date,
): FindingCandidate[] {
  const today = dateOf(now);
  const out: FindingCandidate[] = [];
  for (const c of candidates) {
    const e = baseline.exemptions.find((x) => exemptionMatches(x, c));
    if (!e) {
      out.push(c);
    } else if (e.expires >= today) {
      out.push({ ...c, exemption: { owner: e.owner, reason: e.reason, expires: e.expires } });
    } else {
      out.push(c);
      out.push(
        candidate('exemption.expired', {
          identity: c.identity,
          target: `${e.rule} ${e.target}`,
          message: `The exemption for ${e.rule} on ${e.target} (owner ${e.owner}) ended on ${e.expires} and the finding is live again: fix it, or renew the exemption after review.`,
          evidence: { rule: e.rule, target: e.target, owner: e.owner, expired: e.expires, reason: e.reason },
          readScope: c.readScope,
        }),
      );
    }
  }
  return out;
}

const BY_EXEMPTIONS: Evaluation = {
  per: 'elsewhere',
  by: 'applyExemptions (evaluate(), after every other rule)',
};

export const EXEMPTION_RULES = [
  {
    id: 'exemption.expired',
    severity: 'medium',
    title: 'Exemption expired; its finding is live again',
    fix: 'Fix the underlying finding, or renew the exemption after review.',
    source: 'tenant',
    inputs: ['baseline'],
    absence: false,
    evaluation: BY_EXEMPTIONS,
  },
] as const satisfies readonly RuleDescriptor[];
