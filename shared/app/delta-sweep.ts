/**
 * The delta sweep (every few minutes): app registrations and service principals have no Event
 * Grid source, so Microsoft Graph delta queries find the ones whose credentials changed since
 * the last sweep, and only those identities are re-checked.
 * - First run: establishes the delta links and evaluates nothing (the reconcile has done that).
 * - A link Graph refuses (expired after about 7 days, or invalid): new links, and a full
 *   reconcile instead, so nothing that changed meanwhile is missed.
 * - The links advance only after the re-check succeeded; a failed sweep is simply redone.
 * Not seen by delta: owner changes and app registrations' federated credentials (the reconcile
 * catches those). Also purges the event ledger past its retention.
 */
import { EXIT, MonitorError } from '../errors';
import { randomUUID } from 'node:crypto';
import { CursorStore } from '../events/cursors';
import { EventLedger } from '../events/event-ledger';
import { RunStore, type RunRecord } from '../findings/runs';
import { GraphReader, type DeltaCollection, type DeltaRound } from '../inventory/graph-reader';
import type { Tables } from '../storage/tables';
import { checkIdentities } from './check-identities';
import { rechecks } from '../rules/catalogue';
import { reconcile } from './reconcile';
import type { TenantConnection } from './tenant';
import type { PublishFindingChanges } from '../notify/finding-events';

const COLLECTIONS: DeltaCollection[] = ['applications', 'servicePrincipals'];

/** The delta could not be read to its end: nothing was recorded, the next sweep tries again. */
export class IncompleteSweepError extends MonitorError {
  readonly exitCode = EXIT.incomplete;
  readonly transient = true;
}

export interface DeltaSweepResult {
  /** The sweep's run record id. */
  runId: string;
  mode: 'initial' | 'incremental' | 'resync';
  /** Objects the delta reported added, changed or removed. */
  changedObjects: number;
  /** Service principals re-checked (or, on resync, the full reconcile's run). */
  recheckedIdentities: string[];
  opened: number;
  resolved: number;
  requests: RunRecord['requests'];
  purgedEvents: number;
}

export async function deltaSweep(input: {
  tables: Tables;
  tenant: Pick<TenantConnection, 'clients' | 'scope'>;
  evaluateAt: Date;
  clock?: () => Date;
  publish?: PublishFindingChanges;
}): Promise<DeltaSweepResult> {
  const clock = input.clock ?? (() => new Date());
  const startedAt = clock();
  const cursors = new CursorStore(input.tables);
  const graph = new GraphReader(input.tenant.clients.graph(), { counter: input.tenant.clients.counter });
  const links = await Promise.all(COLLECTIONS.map((c) => cursors.get('delta', c)));
  const rounds = await graph.delta(COLLECTIONS.map((collection, i) => ({ collection, link: links[i] })));
  const purgedEvents = await new EventLedger(input.tables).purge(clock());
  const save = async (list: DeltaRound[]) => {
    for (const r of list) if (r.deltaLink) await cursors.put('delta', r.collection, r.deltaLink, clock());
  };

  let result: Omit<DeltaSweepResult, 'runId' | 'requests' | 'purgedEvents'>;
  if (rounds.some((r) => r.expired)) {
    const fresh = await graph.delta(
      rounds.filter((r) => r.expired).map((r) => ({ collection: r.collection })),
    );
    const full = await reconcile({
      tables: input.tables,
      tenant: input.tenant,
      evaluateAt: input.evaluateAt,
      clock,
      publish: input.publish,
    });
    if (!full.run.complete)
      throw new IncompleteSweepError('the full read after an expired delta link was partial');
    await save([...rounds.filter((r) => !r.expired), ...fresh]);
    result = {
      mode: 'resync',
      changedObjects: 0,
      recheckedIdentities: full.inventory.identities.map((i) => i.objectId),
      opened: full.sync.opened.length + full.sync.reopened.length,
      resolved: full.sync.resolved.length,
    };
  } else if (links.some((l) => l === undefined)) {
    await save(rounds);
    result = { mode: 'initial', changedObjects: 0, recheckedIdentities: [], opened: 0, resolved: 0 };
  } else {
    const [apps, sps] = rounds as [DeltaRound, DeltaRound];
    const ids = new Set([...sps.changed.map((c) => c.id), ...sps.removed]);
    const appIds = apps.changed.map((c) => c.appId).filter((a): a is string => a !== null);
    if (appIds.length)
      for (const sp of await graph.servicePrincipalsByAppId(appIds)) ids.add(sp.id.toLowerCase());
    let opened = 0;
    let resolved = 0;
    if (ids.size) {
      const check = await checkIdentities({
        tables: input.tables,
        tenant: input.tenant,
        objectIds: [...ids],
        evaluateAt: input.evaluateAt,
        cause: {
          evidence: { source: 'graph delta', sweptAt: startedAt.toISOString() },
          relatesTo: (c) => rechecks(c.ruleId, 'deltaSweep'),
        },
        clock,
        publish: input.publish,
      });
      if (!check.complete)
        throw new IncompleteSweepError(
          `could not re-check ${ids.size} changed identities completely; the delta links were not advanced and the next sweep retries`,
        );
      opened = check.sync.opened.length + check.sync.reopened.length;
      resolved = check.sync.resolved.length;
    }
    await save(rounds);
    result = {
      mode: 'incremental',
      changedObjects: apps.changed.length + apps.removed.length + sps.changed.length + sps.removed.length,
      recheckedIdentities: [...ids],
      opened,
      resolved,
    };
  }
  const requests = input.tenant.clients.counter.snapshot();
  const runId = randomUUID();
  await new RunStore(input.tables).appendSweep({
    id: runId,
    kind: 'delta',
    startedAt: startedAt.toISOString(),
    endedAt: clock().toISOString(),
    mode: result.mode,
    changedObjects: result.changedObjects,
    rechecked: result.recheckedIdentities.length,
    opened: result.opened,
    resolved: result.resolved,
    requests,
    purgedEvents,
  });
  return { ...result, runId, requests, purgedEvents };
}
