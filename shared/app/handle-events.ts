/**
 * Event Grid deliveries → finding changes. At-least-once and unordered delivery is expected:
 * - each event id is processed once within the ledger's retention (duplicates are skipped);
 * - role assignment and federated credential events re-read live state instead of trusting the
 *   payload, so an old event processed late cannot undo a newer change;
 * - Key Vault events (no live state to re-read) apply only if newer than the last one applied
 *   to that object;
 * - a malformed or unknown event is reported with its id and skipped, the others go on;
 * - a transient failure (throttling, an unreadable scope, storage down) throws, so Event Grid
 *   redelivers: the event is not recorded as processed.
 */
import { EXIT, MonitorError } from '../errors';
import { ownerOf } from '../rules/finding-owner';
import { keyVaultRules } from '../rules/keyvault-rules';
import { FindingStore, type SyncResult } from '../findings/store';
import type { Finding, FindingCandidate } from '../model/finding';
import { CursorStore } from '../events/cursors';
import { EventLedger } from '../events/event-ledger';
import { eventsOf, parseEvent, type DomainEvent } from '../events/incoming-event';
import { describeApiError } from '../inventory/errors';
import { statusOf, type Tables } from '../storage/tables';
import { baselineForRun } from './run-support';
import type { Baseline } from '../baseline/schema';
import { checkIdentities } from './check-identities';
import type { TenantConnection } from './tenant';
import type { PublishFindingChanges, PublishResult } from '../notify/finding-events';

/** Something an event needs could not be read or written now: Event Grid should deliver it again. */
export class TransientEventError extends MonitorError {
  readonly exitCode = EXIT.incomplete;
  readonly transient = true;
}

export interface EventOutcome {
  id: string | null;
  type: string | null;
  status: 'processed' | 'duplicate' | 'skipped' | 'stale';
  /** Why it was skipped, or what processing found. */
  note?: string;
  /** Identities re-checked. */
  objectIds: string[];
  changes: Pick<SyncResult, 'opened' | 'reopened' | 'resolved' | 'exempted'>;
  published?: PublishResult;
}

export interface EventDeps {
  tables: Tables;
  /** WIMON_VAULT_DNS_SUFFIX (default vault.azure.net): Key Vault events from other hosts are refused. */
  keyVaultDnsSuffix?: string;
  tenant: Pick<TenantConnection, 'clients' | 'scope'>;
  clock?: () => Date;
  publish?: PublishFindingChanges;
  /** A baseline to judge by instead of the stored one (the CLI's --baseline FILE); the stored one is not changed. */
  baseline?: { baseline: Baseline; source: string };
}

const NO_CHANGES = { opened: [], reopened: [], resolved: [], exempted: [] };

/** Handles a delivery (one event or an array, either schema); resolves with one outcome per event. */
export async function handleEvents(body: unknown, deps: EventDeps): Promise<EventOutcome[]> {
  const clock = deps.clock ?? (() => new Date());
  const ledger = new EventLedger(deps.tables);
  const outcomes: EventOutcome[] = [];
  for (const raw of eventsOf(body)) {
    const parsed = parseEvent(raw, { keyVaultDnsSuffix: deps.keyVaultDnsSuffix });
    if (!parsed.ok) {
      outcomes.push({
        id: parsed.id,
        type: null,
        status: 'skipped',
        note: parsed.reason,
        objectIds: [],
        changes: NO_CHANGES,
      });
      continue;
    }
    const event = parsed.event;
    if (await ledger.seen(event.id, clock())) {
      outcomes.push({
        id: event.id,
        type: event.type,
        status: 'duplicate',
        objectIds: [],
        changes: NO_CHANGES,
      });
      continue;
    }
    const outcome = await processEvent(event, deps, clock);
    await ledger.record(event.id, event.type, outcome.status, clock());
    outcomes.push(outcome);
  }
  return outcomes;
}

async function processEvent(event: DomainEvent, deps: EventDeps, clock: () => Date): Promise<EventOutcome> {
  const base = { id: event.id, type: event.type };
  if (event.kind === 'keyVault') return processKeyVault(event, deps, clock);
  const evidence = {
    id: event.id,
    type: event.type,
    time: event.time,
    operation: event.operation,
    actor: event.actor,
    ...(event.kind === 'roleAssignment'
      ? { assignmentId: event.assignmentId }
      : { identityResourceId: event.identityResourceId, credential: event.credentialName }),
  };
  let objectIds: string[];
  let relatesTo: (c: FindingCandidate) => boolean;
  let note: string | undefined;
  if (event.kind === 'roleAssignment') {
    const scope = event.assignmentId.replace(
      /\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i,
      '',
    );
    objectIds = await principalsOfAssignment(event, scope, deps);
    const id = event.assignmentId.toLowerCase();
    relatesTo = (c) =>
      String(c.evidence.assignmentId ?? '').toLowerCase() === id ||
      (c.ruleId === 'role.missing' &&
        String(c.evidence.declaredScope ?? '').toLowerCase() === scope.toLowerCase());
    if (objectIds.length === 0)
      note = 'the assignment is gone and neither the baseline nor any finding names a principal for it';
  } else {
    const principal = await principalOfManagedIdentity(event.identityResourceId, deps);
    objectIds = principal ? [principal] : [];
    relatesTo = (c) => c.ruleId.startsWith('fic.');
    if (!principal) note = 'the managed identity no longer exists; the next reconcile resolves its findings';
  }
  if (objectIds.length === 0) return { ...base, status: 'processed', note, objectIds, changes: NO_CHANGES };
  const result = await checkIdentities({
    tables: deps.tables,
    tenant: deps.tenant,
    objectIds,
    evaluateAt: clock(),
    cause: { evidence, relatesTo },
    clock,
    publish: deps.publish,
    baseline: deps.baseline,
  });
  if (!result.complete)
    throw new TransientEventError(
      `event ${event.id}: could not read ${result.inventory.scopes
        .filter((s) => !s.complete)
        .map((s) => `${s.scope} (${s.error})`)
        .join('; ')}; findings seen were recorded, none resolved; Event Grid will redeliver`,
    );
  return { ...base, status: 'processed', objectIds, changes: result.sync, published: result.published };
}

async function principalsOfAssignment(
  event: Extract<DomainEvent, { kind: 'roleAssignment' }>,
  scope: string,
  deps: EventDeps,
): Promise<string[]> {
  if (event.operation === 'write') {
    try {
      const a = await deps.tenant.clients
        .authorizationFor(event.subscriptionId)
        .roleAssignments.getById(event.assignmentId);
      if (a.principalId) return [a.principalId.toLowerCase()];
    } catch (error) {
      if (statusOf(error) !== 404)
        throw new TransientEventError(
          `event ${event.id}: reading the assignment failed: ${describeApiError(error)}`,
        );
      // Gone already (a delete came first): handle it as the delete it now is.
    }
  }
  // The assignment no longer exists to tell us its principal: use what we stored and declared.
  const id = event.assignmentId.toLowerCase();
  const fromFindings = (await new FindingStore(deps.tables).list())
    .filter((f) => String(f.evidence.assignmentId ?? '').toLowerCase() === id)
    .map((f) => f.identity.objectId);
  const { baseline } = await baselineForRun(deps.tables, deps.baseline);
  const declaredHere = baseline.identities
    .filter((i) => i.roles.some((r) => r.scope.toLowerCase() === scope.toLowerCase()))
    .map((i) => i.objectId.toLowerCase());
  return [...new Set([...fromFindings, ...declaredHere])];
}

async function principalOfManagedIdentity(resourceId: string, deps: EventDeps): Promise<string | undefined> {
  const m =
    /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.managedidentity\/userassignedidentities\/([^/]+)$/i.exec(
      resourceId,
    );
  if (!m) return undefined;
  try {
    const uami = await deps.tenant.clients
      .managedIdentitiesFor(m[1]!)
      .userAssignedIdentities.get(m[2]!, m[3]!);
    return uami.principalId?.toLowerCase();
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw new TransientEventError(
      `reading managed identity ${resourceId} failed: ${describeApiError(error)}`,
    );
  }
}

async function processKeyVault(
  event: Extract<DomainEvent, { kind: 'keyVault' }>,
  deps: EventDeps,
  clock: () => Date,
): Promise<EventOutcome> {
  const base = { id: event.id, type: event.type, objectIds: [] };
  const cursors = new CursorStore(deps.tables);
  const applied = await cursors.get('keyvault', event.objectUrl);
  // An event that does not say when it happened is applied, but never orders others (no cursor).
  if (applied && event.time !== null && Date.parse(applied) > Date.parse(event.time))
    return {
      ...base,
      status: 'stale',
      note: `a newer event (${applied}) was already applied to ${event.objectUrl}`,
      changes: NO_CHANGES,
    };
  const { baseline } = await baselineForRun(deps.tables, deps.baseline);
  const now = clock();
  const evidence = { id: event.id, type: event.type, time: event.time };
  const candidates = keyVaultRules(event, baseline, now).map((c) => ({
    ...c,
    evidence: { ...c.evidence, event: evidence },
  }));
  const target = event.objectUrl.toLowerCase();
  // The newest event says what the object's state is: any other Key Vault finding on it is over.
  const sync = await new FindingStore(deps.tables).sync(candidates, now, {
    inView: (f: Finding) => ownerOf(f) === 'keyVault' && f.target.toLowerCase() === target,
    readCompletely: () => true,
    resolvedBy: evidence,
  });
  if (event.time !== null) await cursors.put('keyvault', event.objectUrl, event.time, now);
  const published = deps.publish ? await deps.publish(sync) : undefined;
  return { ...base, status: 'processed', changes: sync, published };
}
