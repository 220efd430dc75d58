/**
 * Events on the benchmark's large synthetic tenant, after its reconciles (which left the indexes
 * an event relies on): rounds of mixed events through the same handler the Event Grid function
 * runs, each preceded by the change in the tenant it reports.
 *   write                 Owner on a subscription granted to an app (→ role findings opened)
 *   delete                that assignment removed again (→ those findings resolved)
 *   federatedCredential   an undeclared credential added to a managed identity (→ fic.unexpected)
 * Per event: the HTTP requests ARM and Graph answered (the emulator's count), the Table Storage
 * requests (counted on the wire) and the latency. Per kind: the median of the rounds' medians and
 * of their 95th percentiles.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Baseline } from '../shared/baseline/schema';
import { handleEvents } from '../shared/app/handle-events';
import { BaselineStore } from '../shared/baseline/store';
import { AzureClients, emulatorCredential } from '../shared/azure/clients';
import { syntheticObjectId } from '../emulator/synthetic-tenant';
import { resourceEvent } from './resource-event';
import type { Tables } from '../shared/storage/tables';
import type { TenantProcess } from './scale-bench';

const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
export const EVENT_SETTINGS = { rounds: 3, cyclesPerRound: 70 };

type Kind = 'write' | 'delete' | 'federatedCredential';
export interface KindFigures {
  medianRequests: number;
  p95Ms: number;
  medianMs: number;
  medianTableRequests: number;
}
export interface EventFigures {
  identities: number;
  subscriptions: number;
  count: number;
  latencyMs: number;
  write: KindFigures;
  delete: KindFigures;
  federatedCredential: KindFigures;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

const TENANT = 'c0ffee00-0000-4000-8000-0000000000aa';
const event = (subscription: string, resourceUri: string, operationName: string, kind: 'Write' | 'Delete') =>
  resourceEvent({ subscription, resourceUri, operationName, kind, tenantId: TENANT });

export async function runScaleEvents(
  tenant: TenantProcess,
  tables: Tables,
  baseline: Baseline,
  endpoints: ConstructorParameters<typeof AzureClients>[1],
  scope: { subscriptions: string[]; managementGroups: string[] },
  sizes: { identities: number; latencyMs: number },
): Promise<EventFigures> {
  const subs = scope.subscriptions;
  const index = (name: string) => Number(/-(\d+)$/.exec(name)?.[1]);
  const apps = baseline.identities.filter((i) => i.type === 'application').map((i) => index(i.name));
  const mis = baseline.identities.filter((i) => i.type === 'managedIdentity').map((i) => index(i.name));
  // The events read the stored baseline as the Function does (parsed once, then one small read each).
  await new BaselineStore(tables).apply(baseline, {
    actor: 'bench',
    now: new Date(),
    summary: 'bench events',
  });
  const clients = new AzureClients(emulatorCredential, endpoints);
  const deps = { tables, tenant: { clients, scope } };
  const samples: Record<Kind, Array<{ requests: number; ms: number; table: number }>>[] = [];
  const tableRequests = () => Object.values(tables.traffic).reduce((t, x) => t + (x?.requests ?? 0), 0);
  let count = 0;
  const deliver = async (
    kind: Kind,
    round: Record<Kind, Array<{ requests: number; ms: number; table: number }>>,
    event: unknown,
    check: (o: Awaited<ReturnType<typeof handleEvents>>[number]) => boolean,
  ) => {
    await tenant.ask({ type: 'requests' });
    const tableBefore = tableRequests();
    const started = performance.now();
    const [outcome] = await handleEvents(event, deps);
    const ms = performance.now() - started;
    const { counts } = await tenant.ask<{ counts: { arm: number; graph: number } }>({ type: 'requests' });
    if (!outcome || outcome.status !== 'processed' || !check(outcome))
      throw new Error(
        `${kind} event: unexpected outcome ${JSON.stringify({ ...outcome, changes: undefined, rules: outcome && [...outcome.changes.opened, ...outcome.changes.reopened, ...outcome.changes.resolved].map((f) => f.ruleId) })}`,
      );
    round[kind].push({ requests: counts.arm + counts.graph, ms, table: tableRequests() - tableBefore });
    count += 1;
  };
  const has = (list: Array<{ ruleId: string }>, ...rules: string[]) =>
    rules.every((r) => list.some((f) => f.ruleId === r));
  for (let r = 0; r < EVENT_SETTINGS.rounds; r++) {
    const round: Record<Kind, Array<{ requests: number; ms: number; table: number }>> = {
      write: [],
      delete: [],
      federatedCredential: [],
    };
    for (let k = 0; k < EVENT_SETTINGS.cyclesPerRound; k++) {
      const n = r * EVENT_SETTINGS.cyclesPerRound + k;
      const app = apps[(n * 7919) % apps.length]!;
      const sub = subs[n % subs.length]!;
      const path = `subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments`;
      const id = `/${path}/${randomUUID()}`;
      await tenant.ask({
        type: 'edit',
        path,
        add: {
          id,
          type: 'Microsoft.Authorization/roleAssignments',
          name: id.split('/').pop()!,
          properties: {
            roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`,
            principalId: syntheticObjectId(app),
            principalType: 'ServicePrincipal',
            scope: `/subscriptions/${sub}`,
            createdOn: new Date().toISOString(),
          },
        } as { id: string },
      });
      await deliver(
        'write',
        round,
        event(sub, id, 'Microsoft.Authorization/roleAssignments/write', 'Write'),
        (o) => has([...o.changes.opened, ...o.changes.reopened], 'role.privileged-broad', 'role.unexpected'),
      );
      await tenant.ask({ type: 'edit', path, removeId: id });
      await deliver(
        'delete',
        round,
        event(sub, id, 'Microsoft.Authorization/roleAssignments/delete', 'Delete'),
        (o) => has(o.changes.resolved, 'role.privileged-broad', 'role.unexpected'),
      );
      const mi = mis[(n * 104729) % mis.length]!;
      const miSub = subs[mi % subs.length]!;
      const uami = `/subscriptions/${miSub}/resourcegroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-${mi}`;
      const name = `bench-${n}`;
      await tenant.ask({
        type: 'edit',
        path: `subscriptions/${miSub}/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-${mi}/federatedIdentityCredentials`,
        add: {
          id: `${uami}/federatedIdentityCredentials/${name}`,
          name,
          type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
          properties: {
            issuer: 'https://token.actions.githubusercontent.com',
            subject: `repo:contoso/bench-${n}:ref:refs/heads/main`,
            audiences: ['api://AzureADTokenExchange'],
          },
        } as { id: string },
      });
      await deliver(
        'federatedCredential',
        round,
        event(
          miSub,
          `${uami}/federatedIdentityCredentials/${name}`,
          'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write',
          'Write',
        ),
        (o) => has([...o.changes.opened, ...o.changes.reopened], 'fic.unexpected'),
      );
    }
    samples.push(round);
  }
  const figures = (kind: Kind): KindFigures => ({
    medianRequests: median(samples.map((round) => median(round[kind].map((s) => s.requests)))),
    p95Ms: Math.round(
      median(
        samples.map((round) =>
          percentile(
            round[kind].map((s) => s.ms).sort((a, b) => a - b),
            95,
          ),
        ),
      ),
    ),
    medianMs: Math.round(median(samples.map((round) => median(round[kind].map((s) => s.ms))))),
    medianTableRequests: median(samples.map((round) => median(round[kind].map((s) => s.table)))),
  });
  return {
    identities: sizes.identities,
    subscriptions: subs.length,
    count,
    latencyMs: sizes.latencyMs,
    write: figures('write'),
    delete: figures('delete'),
    federatedCredential: figures('federatedCredential'),
  };
}
