/** The full reconcile: read the whole tenant, evaluate every rule, bring the findings store in line, record the run. */
import { randomUUID } from 'node:crypto';
import type { Baseline } from '../baseline/schema';
import { BaselineStore } from '../baseline/store';
import { contentHash } from '../baseline/canonical';
import { FindingStore, type SyncResult } from '../findings/store';
import { RunStore, type RunRecord } from '../findings/runs';
import { readInventory } from '../inventory/read-inventory';
import type { Finding } from '../model/finding';
import type { Inventory } from '../model/inventory';
import { evaluate } from '../rules/evaluate';
import { isScopeReadCompletely } from '../rules/read-scope';
import type { Tables } from '../storage/tables';
import type { TenantConnection } from './tenant';

export class NoBaselineError extends Error {
  override name = 'NoBaselineError';
  constructor() {
    super(
      'no baseline has been applied yet: run `wimon baseline apply FILE` first (or pass --baseline FILE)',
    );
  }
}

export interface ReconcileInput {
  tables: Tables;
  tenant: Pick<TenantConnection, 'clients' | 'scope'>;
  /** When time-based rules are evaluated (expiry, reviews, exemptions). */
  evaluateAt: Date;
  /** Use this baseline instead of the stored one (the stored one is not changed). */
  baseline?: { baseline: Baseline; source: string };
  clock?: () => Date;
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
  let baseline: Baseline;
  let baselineInfo: RunRecord['baseline'];
  if (input.baseline) {
    baseline = input.baseline.baseline;
    baselineInfo = { sequence: null, contentHash: contentHash(baseline), source: input.baseline.source };
  } else {
    const stored = await new BaselineStore(input.tables).current();
    if (!stored) throw new NoBaselineError();
    baseline = stored.baseline;
    baselineInfo = { sequence: stored.sequence, contentHash: stored.contentHash, source: 'stored' };
  }
  const inventory = await readInventory(input.tenant.clients, input.tenant.scope, input.evaluateAt);
  const candidates = evaluate(baseline, inventory, input.evaluateAt);
  const store = new FindingStore(input.tables);
  const sync = await store.sync(candidates, clock(), {
    readCompletely: (scope) => isScopeReadCompletely(scope, inventory),
  });
  const current = [...(await store.list({ state: 'open' })), ...(await store.list({ state: 'exempted' }))];
  const openByRule: Record<string, number> = {};
  const openBySeverity: Record<string, number> = {};
  for (const f of current.filter((x) => x.state === 'open')) {
    openByRule[f.ruleId] = (openByRule[f.ruleId] ?? 0) + 1;
    openBySeverity[f.severity] = (openBySeverity[f.severity] ?? 0) + 1;
  }
  const run: RunRecord = {
    id: randomUUID(),
    kind: 'reconcile',
    startedAt: startedAt.toISOString(),
    endedAt: clock().toISOString(),
    evaluatedAt: input.evaluateAt.toISOString(),
    complete: inventory.scopes.every((s) => s.complete),
    scopes: inventory.scopes,
    requests: inventory.requests,
    baseline: baselineInfo,
    openByRule,
    openBySeverity,
    exempted: current.filter((x) => x.state === 'exempted').length,
    changes: {
      opened: sync.opened.length,
      reopened: sync.reopened.length,
      resolved: sync.resolved.length,
      exempted: sync.exempted.length,
      unchanged: sync.unchanged,
      keptUnverified: sync.keptUnverified,
    },
  };
  await new RunStore(input.tables).append(run);
  return { run, findings: current, sync, inventory };
}
