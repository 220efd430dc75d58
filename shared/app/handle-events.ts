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
import { rechecks, ruleOf } from '../rules/catalogue';
import { FindingStore, type SyncResult } from '../findings/store';
import type { Finding } from '../model/finding';
import { CursorStore } from '../events/cursors';
import { EventLedger } from '../events/event-ledger';
import { eventsOf, parseEvent, type DomainEvent } from '../events/incoming-event';
import { describeApiError } from '../inventory/errors';
import type { Tables } from '../storage/tables';
import { baselineForRun } from './run-support';
import type { Baseline } from '../baseline/schema';
import { recheckFederatedCredentials, recheckRoleAssignment, type RecheckResult } from './event-recheck';
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
    const parsed = parseEvent(raw, { keyVaultDnsSuffix: deps.keyVaultDnsSuffix, now: clock() });
    if (!parsed.ok) {
      outcomes.push(skipped(parsed.id, null, parsed.reason));
      continue;
    }
    const event = parsed.event;
    const unwatched = unwatchedScope(event, deps.tenant.scope.subscriptions);
    if (unwatched) {
      outcomes.push(skipped(event.id, event.type, unwatched));
      continue;
    }
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

function skipped(id: string | null, type: string | null, note: string): EventOutcome {
  return { id, type, status: 'skipped', note, objectIds: [], changes: NO_CHANGES };
}

/** Why the monitor does not act on an event about this scope; undefined when it watches it. */
function unwatchedScope(event: DomainEvent, watched: readonly string[]): string | undefined {
  const where =
    event.kind === 'roleAssignment'
      ? event.assignmentId
      : event.kind === 'federatedCredential'
        ? event.identityResourceId
        : event.vaultId;
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(where)?.[1];
  // Management-group and tenant scopes emit no events (PLATFORM.md): such an event is forged or
  // misrouted, and a re-read there would not cover the subscriptions below it.
  if (!subscription)
    return `${where.slice(0, 200) || 'the resource'} is not in a subscription; management-group and tenant scopes send no events (the reconcile reads them); not acted on`;
  if (watched.some((w) => w.toLowerCase() === subscription.toLowerCase())) return undefined;
  return `subscription ${subscription} is not one the monitor watches (WIMON_SUBSCRIPTIONS); not acted on`;
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
  const { baseline } = await baselineForRun(deps.tables, deps.baseline);
  const common = { tables: deps.tables, tenant: deps.tenant, baseline, now: clock(), evidence };
  let result: RecheckResult | undefined;
  try {
    if (event.kind === 'roleAssignment') {
      const id = event.assignmentId.toLowerCase();
      const scope = event.assignmentId.replace(
        /\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i,
        '',
      );
      result = await recheckRoleAssignment(
        event.assignmentId,
        event.operation === 'write' ? 'write' : 'delete',
        {
          ...common,
          relatesTo: (c) =>
            String(c.evidence.assignmentId ?? '').toLowerCase() === id ||
            // an absence rule of this scope (a declared assignment no longer held there)
            (rechecks(c.ruleId, 'roleAssignmentEvent') &&
              Boolean(ruleOf(c.ruleId)?.absence) &&
              String(c.evidence.declaredScope ?? '').toLowerCase() === scope.toLowerCase()),
        },
      );
    } else {
      result = await recheckFederatedCredentials(event.identityResourceId, {
        ...common,
        relatesTo: (c) => rechecks(c.ruleId, 'federatedCredentialEvent'),
      });
      if (!result)
        return {
          ...base,
          status: 'processed',
          note: 'the managed identity no longer exists; the next reconcile resolves its findings',
          objectIds: [],
          changes: NO_CHANGES,
        };
    }
  } catch (error) {
    if (error instanceof MonitorError && !error.transient) throw error;
    throw new TransientEventError(`event ${event.id}: reading live state failed: ${describeApiError(error)}`);
  }
  if (result.gaps.length)
    throw new TransientEventError(
      `event ${event.id}: could not read ${result.gaps.join('; ')}; nothing it could not read was resolved; Event Grid will redeliver`,
    );
  const published = deps.publish ? await deps.publish(result.sync) : undefined;
  return {
    ...base,
    status: 'processed',
    ...(result.note ? { note: result.note } : {}),
    objectIds: result.objectIds,
    changes: result.sync,
    published,
  };
}

async function processKeyVault(
  event: Extract<DomainEvent, { kind: 'keyVault' }>,
  deps: EventDeps,
  clock: () => Date,
): Promise<EventOutcome> {
  const base = { id: event.id, type: event.type, objectIds: [] };
  const cursors = new CursorStore(deps.tables);
  const applied = await cursors.get('keyvault', event.objectUrl);
  // Applied only if newer than the last applied: an event that does not say when it happened
  // cannot be shown newer, so once any dated event was applied it is stale; before that it may
  // raise findings but resolves none and orders nothing (no cursor).
  if (applied && (event.time === null || Date.parse(applied) > Date.parse(event.time)))
    return {
      ...base,
      status: 'stale',
      note:
        event.time === null
          ? `the event does not say when it happened, and an event of ${applied} was already applied to ${event.objectUrl}`
          : `a newer event (${applied}) was already applied to ${event.objectUrl}`,
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
    inView: (f: Finding) =>
      event.time !== null && ownerOf(f) === 'keyVault' && f.target.toLowerCase() === target,
    readCompletely: () => true,
    resolvedBy: evidence,
  });
  if (event.time !== null) await cursors.put('keyvault', event.objectUrl, event.time, now);
  const published = deps.publish ? await deps.publish(sync) : undefined;
  return { ...base, status: 'processed', changes: sync, published };
}
