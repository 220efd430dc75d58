/** The full reconcile: read the whole tenant, evaluate every rule, bring the findings store in line, record the run. */
import type { Baseline } from '../baseline/schema';
import { FindingStore, type SyncResult } from '../findings/store';
import { RunStore, type RunRecord } from '../findings/runs';
import { readInventory } from '../inventory/read-inventory';
import type { Finding } from '../model/finding';
import type { Inventory } from '../model/inventory';
import { ownerOf } from '../rules/finding-owner';
import { evaluate } from '../rules/evaluate';
import { AttestationStore } from '../attest/store';
import { isScopeReadCompletely } from '../rules/read-scope';
import { keepQuarantined } from '../rules/inventory-rules';
import type { Tables } from '../storage/tables';
import { baselineForRun, runRecord, seenAt } from './run-support';
import type { TenantConnection } from './tenant';
import type { PublishFindingChanges } from '../notify/finding-events';
import { keepEventIndexes } from './event-indexes';

export { NoBaselineError } from './run-support';

export const DEFAULT_RESOLVED_RETENTION_DAYS = 90;

export interface ReconcileInput {
  tables: Tables;
  tenant: Pick<TenantConnection, 'clients' | 'scope'>;
  /** When time-based rules are evaluated (expiry, reviews, exemptions). */
  evaluateAt: Date;
  /** Use this baseline instead of the stored one (the stored one is not changed). */
  baseline?: { baseline: Baseline; source: string };
  clock?: () => Date;
  /** Sends the finding changes on (Event Grid topic), when configured. */
  publish?: PublishFindingChanges;
  /** Resolved findings older than this many days are deleted (WIMON_RESOLVED_RETENTION_DAYS, default 90). */
  resolvedRetentionDays?: number;
}

export interface ReconcileResult {
  run: RunRecord;
  /** Open and exempted findings after the run. */
  findings: Finding[];
  sync: SyncResult;
  inventory: Inventory;
}

export async function reconcile(input: ReconcileInput): Promise<ReconcileResult> {
  const clock = input.clock ?? (() => new Date());
  const startedAt = clock();
  const { baseline, info } = await baselineForRun(input.tables, input.baseline);
  const inventory = await readInventory(input.tenant.clients, input.tenant.scope, input.evaluateAt);
  const attested = await new AttestationStore(input.tables).attestedUntil();
  const candidates = evaluate(baseline, inventory, input.evaluateAt, attested);
  const store = new FindingStore(input.tables);
  const retentionDays = input.resolvedRetentionDays ?? DEFAULT_RESOLVED_RETENTION_DAYS;
  const sync = await store.sync(candidates, seenAt(clock(), input.evaluateAt), {
    // Sign-in and Key Vault findings come from sources a tenant read does not see.
    inView: (f) => ownerOf(f) === 'tenant',
    readCompletely: (scope) => isScopeReadCompletely(scope, inventory),
    keep: keepQuarantined(inventory),
    pruneResolvedBefore: new Date(startedAt.getTime() - retentionDays * 86_400_000),
  });
  // What the event path looks up instead of reading the tenant (event-recheck.ts): kept from
  // complete reads only, so a partial read never makes the indexes forget what it did not see.
  await keepEventIndexes(input.tables, inventory);
  const current = await store.current();
  const run = runRecord({
    kind: 'reconcile',
    startedAt,
    endedAt: clock(),
    evaluatedAt: input.evaluateAt,
    scopes: inventory.scopes,
    unreadable: inventory.unreadable,
    requests: inventory.requests,
    baseline: info,
    current,
    sync,
  });
  if (input.publish) run.published = await input.publish(sync);
  await new RunStore(input.tables).append(run);
  return { run, findings: current, sync, inventory };
}
