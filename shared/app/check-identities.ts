/**
 * Re-checks a few identities (those an event or a delta sweep touched): read just them, evaluate
 * every rule for them against the stored baseline, and bring just their findings in line.
 * The same rules and store as the full reconcile, so both always agree.
 */
import type { Baseline } from '../baseline/schema';
import { FindingStore, type SyncResult } from '../findings/store';
import { readIdentities } from '../inventory/read-identities';
import type { FindingCandidate } from '../model/finding';
import { isComplete, type Inventory } from '../model/inventory';
import { ownerOf } from '../rules/finding-owner';
import { evaluate } from '../rules/evaluate';
import { AttestationStore } from '../attest/store';
import { isScopeReadCompletely } from '../rules/read-scope';
import { keepQuarantined } from '../rules/inventory-rules';
import type { Tables } from '../storage/tables';
import { baselineForRun, seenAt } from './run-support';
import type { TenantConnection } from './tenant';
import type { PublishFindingChanges, PublishResult } from '../notify/finding-events';

export interface IdentityCheckInput {
  tables: Tables;
  tenant: Pick<TenantConnection, 'clients' | 'scope'>;
  objectIds: readonly string[];
  evaluateAt: Date;
  /** Added to the evidence of the findings `relatesTo` picks (the event that caused them). */
  cause?: { evidence: Record<string, unknown>; relatesTo: (c: FindingCandidate) => boolean };
  clock?: () => Date;
  publish?: PublishFindingChanges;
  /** A baseline to judge by instead of the stored one (the CLI's --baseline FILE); the stored one is not changed. */
  baseline?: { baseline: Baseline; source: string };
}

export interface IdentityCheckResult {
  sync: SyncResult;
  inventory: Inventory;
  /** Every scope the check depends on was read completely. */
  complete: boolean;
  published?: PublishResult;
}

export async function checkIdentities(input: IdentityCheckInput): Promise<IdentityCheckResult> {
  const clock = input.clock ?? (() => new Date());
  const ids = new Set(input.objectIds.map((id) => id.toLowerCase()));
  const { baseline } = await baselineForRun(input.tables, input.baseline);
  const inventory = await readIdentities(
    input.tenant.clients,
    input.tenant.scope,
    [...ids],
    input.evaluateAt,
  );
  // Only these identities are in view: the others' declared roles are not "missing" here.
  const scoped: Baseline = {
    ...baseline,
    identities: baseline.identities.filter((i) => ids.has(i.objectId.toLowerCase())),
  };
  const attested = await new AttestationStore(input.tables).attestedUntil();
  const candidates = evaluate(scoped, inventory, input.evaluateAt, attested).map((c) =>
    input.cause?.relatesTo(c) ? { ...c, evidence: { ...c.evidence, event: input.cause.evidence } } : c,
  );
  const sync = await new FindingStore(input.tables).sync(candidates, seenAt(clock(), input.evaluateAt), {
    inView: (f) => ids.has(f.identity.objectId) && ownerOf(f) === 'tenant',
    readCompletely: (scope) => isScopeReadCompletely(scope, inventory),
    keep: keepQuarantined(inventory),
    resolvedBy: input.cause?.evidence,
  });
  const published = input.publish ? await input.publish(sync) : undefined;
  return { sync, inventory, complete: isComplete(inventory), published };
}
