/** Findings: what a rule reports, and how the store keeps it. JSON names are a public contract (docs/guide.md "Scanning", docs/architecture.md). */
import { createHash } from 'node:crypto';
import type { RuleId, Severity } from '../rules/catalogue';

export type FindingState = 'open' | 'exempted' | 'resolved';

export interface FindingIdentity {
  /** Baseline name, when the identity is declared. */
  name: string | null;
  objectId: string;
  appId: string | null;
  displayName: string | null;
}

/** What a rule produced in one evaluation, before the store gives it a lifecycle. */
export interface FindingCandidate {
  ruleId: RuleId;
  severity: Severity;
  identity: FindingIdentity;
  /** What the finding is about: an ARM scope, a credential key id, a federated credential, an app permission, or the identity's object id. */
  target: string;
  message: string;
  evidence: Record<string, unknown>;
  /** The inventory scope whose complete read is needed to say this finding no longer holds. */
  readScope: string;
  /** Set when an unexpired exemption covers this finding. */
  exemption?: { owner: string; reason: string; expires: string };
}

export interface Finding extends Omit<FindingCandidate, 'readScope' | 'exemption'> {
  key: string;
  state: FindingState;
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
  readScope: string;
  exemption: FindingCandidate['exemption'] | null;
  /** An owner snoozed it (attestation link or CLI): no notices until then; still open and listed. */
  snooze?: { until: string; by: string; at: string } | null;
}

export function findingKey(ruleId: string, objectId: string, target: string): string {
  return createHash('sha256')
    .update(`${ruleId}\n${objectId.toLowerCase()}\n${target.toLowerCase()}`)
    .digest('hex')
    .slice(0, 40);
}
