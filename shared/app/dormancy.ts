/**
 * The dormancy check (daily): read the tenant and the sign-in logs, raise identity.dormant and
 * identity.never-signed-in, bring those findings in line, record the run. A sign-in read that is
 * partial or failed raises nothing and resolves nothing; so does any identity the logs cannot
 * speak for (coverage shorter than its threshold).
 */
import type { Baseline } from '../baseline/schema';
import { ConfigurationError } from '../config/settings';
import { FindingStore, type SyncResult } from '../findings/store';
import { RunStore, type RunRecord } from '../findings/runs';
import { readInventory } from '../inventory/read-inventory';
import { readSignInActivity } from '../inventory/sign-in-reader';
import type { Finding } from '../model/finding';
import type { ScopeCompleteness, UnreadableObject } from '../model/inventory';
import { keepQuarantined } from '../rules/inventory-rules';
import { evaluateDormancy, isSignInFinding, signInWindowDays } from '../rules/dormancy-rules';
import { DAY_MS } from '../rules/context';
import { isScopeReadCompletely, SIGN_IN_LOGS } from '../rules/read-scope';
import type { Tables } from '../storage/tables';
import { baselineForRun, runRecord, seenAt } from './run-support';
import type { TenantConnection } from './tenant';
import type { PublishFindingChanges } from '../notify/finding-events';

export interface DormancyInput {
  tables: Tables;
  tenant: Pick<TenantConnection, 'clients' | 'scope' | 'logAnalyticsWorkspaceId'>;
  evaluateAt: Date;
  baseline?: { baseline: Baseline; source: string };
  clock?: () => Date;
  publish?: PublishFindingChanges;
}

export interface DormancyResult {
  run: RunRecord & { dormancy: NonNullable<RunRecord['dormancy']> };
  /** Open and exempted dormancy findings after the run. */
  findings: Finding[];
  sync: SyncResult;
}

export async function checkDormancy(input: DormancyInput): Promise<DormancyResult> {
  const workspaceId = input.tenant.logAnalyticsWorkspaceId;
  if (!workspaceId)
    throw new ConfigurationError(
      'the dormancy check needs the Log Analytics workspace that receives the Entra sign-in logs: set WIMON_LOG_ANALYTICS_WORKSPACE_ID',
    );
  const clock = input.clock ?? (() => new Date());
  const startedAt = clock();
  const { baseline, info } = await baselineForRun(input.tables, input.baseline);
  const windowDays = signInWindowDays(baseline);
  const range = { from: new Date(input.evaluateAt.getTime() - windowDays * DAY_MS), to: input.evaluateAt };
  const [inventory, signIns] = await Promise.all([
    readInventory(input.tenant.clients, input.tenant.scope, input.evaluateAt),
    readSignInActivity(input.tenant.clients, workspaceId, range),
  ]);
  const signInScope: ScopeCompleteness = signIns.complete
    ? { scope: SIGN_IN_LOGS, kind: 'signInLogs', complete: true }
    : { scope: SIGN_IN_LOGS, kind: 'signInLogs', complete: false, error: signIns.error };
  const scopes = [...inventory.scopes, signInScope];
  const evaluation = signIns.complete
    ? evaluateDormancy(baseline, inventory, signIns.activity, input.evaluateAt)
    : { candidates: [], undetermined: [], checked: 0 };
  const undetermined = new Set(evaluation.undetermined.map((u) => u.objectId));
  const store = new FindingStore(input.tables);
  const sync = await store.sync(evaluation.candidates, seenAt(clock(), input.evaluateAt), {
    // An identity the logs cannot speak for keeps whatever finding it had.
    inView: (f) => isSignInFinding(f) && !undetermined.has(f.identity.objectId),
    readCompletely: (scope) => isScopeReadCompletely(scope, { scopes }),
    // So does one whose directory object could not be read (absent from the inventory, not gone).
    keep: keepQuarantined(inventory),
  });
  const unreadable = [
    ...(inventory.unreadable ?? []),
    ...[...((signIns.complete && signIns.activity.unreadable) || [])].map(
      ([objectId, problems]): UnreadableObject => ({
        api: 'logs',
        source: `Log Analytics workspace ${workspaceId}`,
        scope: SIGN_IN_LOGS,
        id: null,
        objectId,
        appId: null,
        problems,
      }),
    ),
  ];
  const findings = (await store.current()).filter(isSignInFinding);
  const run = {
    ...runRecord({
      kind: 'dormancy',
      startedAt,
      endedAt: clock(),
      evaluatedAt: input.evaluateAt,
      scopes,
      unreadable,
      requests: input.tenant.clients.counter.snapshot(),
      baseline: info,
      current: findings,
      sync,
    }),
    dormancy: {
      windowDays,
      logsCoverFrom: signIns.complete ? signIns.activity.coveredFrom : null,
      signInRows: signIns.complete ? signIns.rows : 0,
      checked: evaluation.checked,
      undetermined: evaluation.undetermined,
    },
  };
  if (input.publish) run.published = await input.publish(sync);
  await new RunStore(input.tables).append(run);
  return { run, findings, sync };
}
