/**
 * Full reconciles of synthetic tenants (five role assignments per identity over 50 subscriptions),
 * in this one process, against the emulator in a child process with a per-request latency and
 * Azure's documented throttling (emulator/throttling.ts: Graph resource units per 10 s by tenant
 * size, ARM token buckets per subscription; 429 with Retry-After). Each size is reconciled
 * `runs` times against the same tables (the first run writes the findings, the others find no
 * change), the buckets full at the start of each run. Per size, medians of the runs:
 *   requests       HTTP requests ARM and Graph answered (the emulator's count, 429s included)
 *   minRequests    what the data needs at these page sizes (minimumRequests, from the tenant's counts)
 *   wallMs         one reconcile, from the first request to the findings stored in Azurite
 *   floorMs        no client can be faster under the documented limits (documentedFloorMs, from
 *                  the minimum plan — never from what the monitor sent)
 *   cpuMs          this process's CPU time in the reconcile; cpuPerIdentityUs = cpuMs / identities
 *   peakRssMb      this process's peak resident memory so far (sizes run smallest first)
 *   liveHeapMb     the most heap in use right after a major garbage collection during this size's
 *                  reconciles (what the collector could not free: the live set, which must stay
 *                  clear of the 1,280 MB limit the monitor runs with)
 *   graphResourceUnits        as the emulator charged them (the monitor's own count must agree)
 *   graphResourceUnitsBefore  the same read with one app-role-grant lookup per service principal
 *                  (the plan before the granting side), throttling off, measured once
 *   secondRunFindingWrites    finding rows the second run wrote (counted on the Table Storage wire)
 *   findingRows    rows in the findings table after the runs
 *   evalPerSec     role assignments per second through the rules alone
 * Asserts that the findings are exactly the seeded drift at every size.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';
import Table from 'cli-table3';
import type { FixtureManifest } from '../emulator/fixture';
import type { EmulatorOptions } from '../emulator/server';
import type { SyntheticTenant } from '../emulator/synthetic-tenant';
import { graphQuotaPer10s } from '../emulator/throttling';
import type { ChildMessage, StartMessage } from './scale-emulator';
import { startAzurite } from '../emulator/azurite';
import { reconcile } from '../shared/app/reconcile';
import { AzureClients, emulatorCredential } from '../shared/azure/clients';
import { baselineSchema } from '../shared/baseline/schema';
import { parseJsonSharingStrings } from '../shared/baseline/canonical';
import { shareRepeatedValues } from '../shared/baseline/shared-values';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readInventory } from '../shared/inventory/read-inventory';
import { evaluate } from '../shared/rules/evaluate';
import { Tables } from '../shared/storage/tables';
import { runScaleEvents, type EventFigures } from './scale-events';

export interface ScaleRow {
  identities: number;
  assignments: number;
  runs: number;
  requests: number;
  /** Of them answered 429 (HTTP requests), and $batch items answered 429 inside a batch. */
  throttledRequests: number;
  throttledItems: number;
  minRequests: number;
  wallMs: number;
  floorMs: number;
  cpuMs: number;
  cpuPerIdentityUs: number;
  peakRssMb: number;
  liveHeapMb: number;
  graphResourceUnits: number;
  graphResourceUnitsBefore: number;
  secondRunFindingWrites: number;
  findingRows: number;
  evalPerSec: number;
}

export type ThrottleModel = 'documented' | 'capacity';

export const SCALE_SETTINGS = {
  sizes: [10_000, 50_000, 200_000],
  runs: 3,
  subscriptions: 50,
  latencyMs: 30,
  /** The earlier model, kept to compare: a fixed number served at once and every 1000th request throttled. */
  capacityModel: { capacity: { arm: 16, graph: 8 }, throttle: { every: 1000, retryAfterSeconds: 1 } },
  pageSize: { arm: 1000, graph: 999 },
  /** The event benchmark runs on the tenant of this size, after its reconciles. */
  eventsAt: 50_000,
};

export interface Ready {
  type: 'ready';
  endpoints: { arm: string; graph: string; logs: string };
  manifest: FixtureManifest;
  expected: string[];
  counts: SyntheticTenant['counts'];
}
type Stats = Record<
  string,
  {
    requests: number;
    throttled: number;
    retryAfterSeconds: number;
    resourceUnits?: number;
    throttledItems?: number;
  }
>;

const BATCH = 20;
const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));

/** The fewest requests these counts need at these page sizes, per API (and ARM per subscription). */
export function minimumRequests(counts: SyntheticTenant['counts'], pageSize: { arm: number; graph: number }) {
  const perSubscription = counts.assignmentsPerSubscription.map(
    (a, s) =>
      pages(a, pageSize.arm) +
      pages(counts.managedIdentitiesPerSubscription[s]!, pageSize.arm) +
      counts.managedIdentitiesPerSubscription[s]!, // one federated-credential list each (ARM has no batch)
  );
  const arm =
    perSubscription.reduce((t, n) => t + n, 0) +
    counts.distinctRoles + // one GET per distinct role definition
    pages(counts.managementGroupEntities, pageSize.arm); // the management-group hierarchy
  const servicePrincipals = counts.identities + 1; // + Microsoft Graph's own
  const grantPages = pages(counts.appRoleGrants, pageSize.graph);
  const graph =
    pages(counts.applications, pageSize.graph) +
    pages(servicePrincipals, pageSize.graph) +
    2 * Math.ceil(counts.applications / BATCH) + // owners, federated credentials of each app
    Math.ceil(counts.grantingResources / BATCH) + // appRoleAssignedTo of each granting resource
    (grantPages - 1) * counts.grantingResources;
  // Resource units from Microsoft's cost table: lists with $select cost 1 a page (applications 2 - 1),
  // each lookup inside a $batch 1, the appRoleAssignedTo pages 1.
  const graphResourceUnits =
    pages(counts.applications, pageSize.graph) +
    pages(servicePrincipals, pageSize.graph) +
    2 * counts.applications +
    grantPages * counts.grantingResources;
  return { arm, graph, perSubscription, graphResourceUnits };
}

/**
 * The least wall time any client could achieve under the documented limits, from the minimum plan:
 * the most of (a) Graph's resource units beyond the full bucket at its refill rate, (b) the busiest
 * subscription's reads beyond its 250-token bucket at 25 a second, (c) the longest chain of pages
 * that must be read one after the other, at the emulated latency.
 */
export function documentedFloorMs(
  counts: SyntheticTenant['counts'],
  settings: typeof SCALE_SETTINGS,
): number {
  const min = minimumRequests(counts, settings.pageSize);
  const quota = graphQuotaPer10s(counts.users);
  const graphMs = (Math.max(0, min.graphResourceUnits - quota) / (quota / 10)) * 1000;
  const armMs = Math.max(...min.perSubscription.map((n) => (Math.max(0, n - 250) / 25) * 1000));
  const chainMs =
    Math.max(
      pages(counts.identities + 1, settings.pageSize.graph),
      ...counts.assignmentsPerSubscription.map((a) => pages(a, settings.pageSize.arm)),
    ) * settings.latencyMs;
  return Math.round(Math.max(graphMs, armMs, chainMs));
}

/** The earlier model's bound: per API, requests × latency / capacity, and the longest page chain. */
export function capacityBoundMs(
  stats: Stats,
  counts: SyntheticTenant['counts'],
  settings: typeof SCALE_SETTINGS,
): number {
  const L = settings.latencyMs;
  const capacity = settings.capacityModel.capacity;
  const capacityBound = (api: 'arm' | 'graph') => Math.ceil((stats[api]?.requests ?? 0) / capacity[api]) * L;
  const longestChain =
    Math.max(
      Math.ceil((counts.identities + 1) / settings.pageSize.graph),
      ...counts.assignmentsPerSubscription.map((a) => Math.ceil(a / settings.pageSize.arm)),
    ) * L;
  return Math.max(capacityBound('arm'), capacityBound('graph'), longestChain);
}

export interface TenantProcess {
  ready: Ready;
  ask<T>(message: ChildMessage): Promise<T>;
  stop(): void;
}

function startTenant(size: number, model: ThrottleModel, baselineFile: string): Promise<TenantProcess> {
  const child: ChildProcess = fork(path.join(__dirname, 'scale-emulator.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // The emulator stands in for Azure's servers, which do not share this machine's two cores: a
    // larger young generation keeps its garbage collection (it builds and serialises every page)
    // from taking CPU the monitor needs. The monitor runs with Node's defaults.
    execArgv: ['--max-semi-space-size=64', '--max-old-space-size=8192'],
  });
  const emulator: StartMessage['emulator'] =
    model === 'documented'
      ? { latencyMs: SCALE_SETTINGS.latencyMs, limits: 'documented' }
      : { latencyMs: SCALE_SETTINGS.latencyMs, ...SCALE_SETTINGS.capacityModel };
  const start: StartMessage = {
    type: 'start',
    baselineFile,
    tenant: {
      identities: size,
      subscriptions: SCALE_SETTINGS.subscriptions,
      pageSize: SCALE_SETTINGS.pageSize,
    },
    emulator,
  };
  const ask = <T>(message: ChildMessage): Promise<T> =>
    new Promise((resolve) => {
      child.once('message', (m: T) => resolve(m));
      child.send(message);
    });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`scale emulator exited with ${code}`)));
    child.once('message', (ready: Ready) => {
      child.removeAllListeners('exit');
      resolve({ ready, ask, stop: () => child.send({ type: 'stop' }) });
    });
    child.send(start);
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(
  size: number,
  connectionString: string,
  model: ThrottleModel,
  runs: number,
  events: boolean,
): Promise<{ row: ScaleRow; events?: EventFigures }> {
  const prefix = `scale${size}`;
  const baselineFile = path.join(tmpdir(), `wimon-bench-baseline-${process.pid}-${size}.json`);
  const tenant = await startTenant(size, model, baselineFile);
  try {
    const { ready } = tenant;
    const now = new Date(ready.manifest.recordedAt);
    // Parsed as the baseline store parses its stored text (strings shared), then validated.
    let text: string | undefined = readFileSync(baselineFile, 'utf8');
    rmSync(baselineFile, { force: true });
    const baseline = shareRepeatedValues(
      baselineSchema(ready.manifest.recordedAt.slice(0, 10)).parse(parseJsonSharingStrings(text)),
    );
    text = undefined;
    const endpoints = { ...ready.endpoints, authorityHost: 'https://127.0.0.1' };
    const scope = { subscriptions: ready.manifest.subscriptions, managementGroups: [] };
    const tables = new Tables({ connectionString, prefix });
    const limits: EmulatorOptions['limits'] = model === 'documented' ? 'documented' : undefined;
    const samples: Array<{
      wallMs: number;
      cpuMs: number;
      requests: number;
      units: number;
      throttled: number;
      throttledItems: number;
      floor: number;
    }> = [];
    let secondRunFindingWrites = 0;
    let result: Awaited<ReturnType<typeof reconcile>> | undefined;
    // Heap in use as each major collection ends (read when the entry is delivered, a moment later:
    // an upper bound of what that collection left). The bench's own forced collections count too.
    let liveHeap = 0;
    const collections = new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
          liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
    });
    collections.observe({ entryTypes: ['gc'] });
    for (let r = 0; r < runs; r++) {
      // Each run starts with full buckets, as after a pause of ten seconds.
      await tenant.ask({ type: 'limits', limits });
      result = undefined;
      global.gc?.();
      const statsBefore = await tenant.ask<{ stats: Stats }>({ type: 'stats' });
      const writesBefore = tables.traffic.findings?.rowsWritten ?? 0;
      const clients = new AzureClients(emulatorCredential, endpoints);
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      result = await reconcile({
        tables,
        tenant: { clients, scope },
        baseline: { baseline, source: `synthetic ${size}` },
        evaluateAt: now,
      });
      const wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const stats = (await tenant.ask<{ stats: Stats }>({ type: 'stats' })).stats;
      const diff = (api: string, key: 'requests' | 'resourceUnits' | 'throttled' | 'throttledItems') =>
        (stats[api]?.[key] ?? 0) - (statsBefore.stats[api]?.[key] ?? 0);
      if (r === 1) secondRunFindingWrites = (tables.traffic.findings?.rowsWritten ?? 0) - writesBefore;
      const units = diff('graph', 'resourceUnits');
      if (result.run.requests.graphResourceUnits !== units)
        throw new Error(
          `${size}: the monitor counted ${result.run.requests.graphResourceUnits} resource units, the emulator charged ${units} (${JSON.stringify(result.run.requests)}, ${JSON.stringify(result.run.scopes.filter((s) => !s.complete))})`,
        );
      const found = result.findings.map((f) => `${f.ruleId}|${f.identity.objectId}`).sort();
      if (!result.run.complete)
        throw new Error(
          `${size}: the reconcile was partial: ${JSON.stringify(result.run.scopes.filter((s) => !s.complete))}`,
        );
      if (JSON.stringify(found) !== JSON.stringify(ready.expected))
        throw new Error(
          `${size}: findings differ from the seeded drift (found ${found.length}, seeded ${ready.expected.length}; first difference ${found.find((f, i) => f !== ready.expected[i]) ?? ready.expected[found.length]})`,
        );
      samples.push({
        wallMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
        requests: diff('arm', 'requests') + diff('graph', 'requests'),
        units,
        throttled: diff('arm', 'throttled') + diff('graph', 'throttled'),
        throttledItems: diff('graph', 'throttledItems'),
        floor:
          model === 'documented'
            ? documentedFloorMs(ready.counts, SCALE_SETTINGS)
            : capacityBoundMs(
                {
                  arm: { requests: diff('arm', 'requests'), throttled: 0, retryAfterSeconds: 0 },
                  graph: { requests: diff('graph', 'requests'), throttled: 0, retryAfterSeconds: 0 },
                },
                ready.counts,
                SCALE_SETTINGS,
              ),
      });
    }
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    collections.disconnect();
    let inventory: Awaited<ReturnType<typeof reconcile>>['inventory'] | undefined = result!.inventory;
    const assignments = inventory.roleAssignments.length;
    const evalMs: number[] = [];
    // The reconcile's garbage is collected and two untimed rounds run first (compiler warm-up).
    global.gc?.();
    for (let k = 0; k < 2; k++) evaluate(baseline, inventory!, now);
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      evaluate(baseline, inventory!, now);
      evalMs.push(performance.now() - t);
    }
    result = undefined;
    inventory = undefined;
    global.gc?.();
    let findingRows = 0;
    for await (const _ of (await tables.table('findings')).listEntities({
      queryOptions: { select: ['RowKey'] },
    }))
      findingRows += 1;
    // The plan before the granting side, once, with throttling off (only its resource units count).
    await tenant.ask({ type: 'limits', limits: undefined });
    const before = await tenant.ask<{ stats: Stats }>({ type: 'stats' });
    await readInventory(new AzureClients(emulatorCredential, endpoints), scope, now, {
      grantsFrom: 'eachServicePrincipal',
    });
    const after = await tenant.ask<{ stats: Stats }>({ type: 'stats' });
    const graphResourceUnitsBefore =
      (after.stats.graph?.resourceUnits ?? 0) - (before.stats.graph?.resourceUnits ?? 0);
    global.gc?.();
    let eventFigures: EventFigures | undefined;
    if (events) {
      await tenant.ask({ type: 'limits', limits });
      eventFigures = await runScaleEvents(tenant, tables, baseline, endpoints, scope, {
        identities: size,
        latencyMs: SCALE_SETTINGS.latencyMs,
      });
    }
    const min = minimumRequests(ready.counts, SCALE_SETTINGS.pageSize);
    const cpuMs = Math.round(median(samples.map((s) => s.cpuMs)));
    return {
      row: {
        identities: size,
        assignments,
        runs,
        requests: median(samples.map((s) => s.requests)),
        throttledRequests: median(samples.map((s) => s.throttled)),
        throttledItems: median(samples.map((s) => s.throttledItems)),
        minRequests: min.arm + min.graph,
        wallMs: Math.round(median(samples.map((s) => s.wallMs))),
        floorMs: median(samples.map((s) => s.floor)),
        cpuMs,
        cpuPerIdentityUs: Math.round((cpuMs * 1000) / size),
        peakRssMb: Math.round(peakRssMb),
        liveHeapMb: Math.round(liveHeap / 1048576),
        graphResourceUnits: median(samples.map((s) => s.units)),
        graphResourceUnitsBefore,
        secondRunFindingWrites,
        findingRows,
        evalPerSec: Math.round(assignments / (median(evalMs) / 1000)),
      },
      events: eventFigures,
    };
  } finally {
    tenant.stop();
  }
}

export async function runScaleBench(
  sizes = SCALE_SETTINGS.sizes,
  options: { model?: ThrottleModel; runs?: number; eventsAt?: number } = {},
): Promise<{ rows: ScaleRow[]; events?: EventFigures }> {
  const model = options.model ?? 'documented';
  const runs = options.runs ?? SCALE_SETTINGS.runs;
  const eventsAt = options.eventsAt ?? SCALE_SETTINGS.eventsAt;
  const azurite = await startAzurite();
  const rows: ScaleRow[] = [];
  let events: EventFigures | undefined;
  try {
    for (const size of sizes) {
      const measured = await measure(size, azurite.connectionString, model, runs, size === eventsAt);
      rows.push(measured.row);
      events ??= measured.events;
      global.gc?.();
    }
  } finally {
    await azurite.stop();
  }
  const table = new Table({
    head: [
      'identities',
      'assignments',
      'requests',
      '429s (items)',
      'min',
      'ratio',
      'wall ms',
      'floor ms',
      'ratio',
      'CPU ms',
      'CPU µs/identity',
      'peak RSS MB',
      'live heap MB',
      'Graph RU',
      'RU before',
      'RU saved',
      '2nd run rows written',
      'finding rows',
      'rules: assignments/s',
    ],
  });
  for (const r of rows)
    table.push([
      r.identities,
      r.assignments,
      r.requests,
      `${r.throttledRequests} (${r.throttledItems})`,
      r.minRequests,
      (r.requests / r.minRequests).toFixed(3),
      r.wallMs,
      r.floorMs,
      (r.wallMs / r.floorMs).toFixed(2),
      r.cpuMs,
      r.cpuPerIdentityUs,
      r.peakRssMb,
      r.liveHeapMb,
      r.graphResourceUnits,
      r.graphResourceUnitsBefore,
      `${Math.round((1 - r.graphResourceUnits / r.graphResourceUnitsBefore) * 100)}%`,
      r.secondRunFindingWrites,
      r.findingRows,
      r.evalPerSec,
    ]);
  const s = SCALE_SETTINGS;
  console.log(
    `Full reconcile of synthetic tenants (${s.subscriptions} subscriptions; emulator: ${s.latencyMs} ms a request, ${
      model === 'documented'
        ? "Azure's documented throttling (Graph resource units per 10 s by tenant size, ARM 250 reads refilling 25/s per subscription)"
        : `ARM serves ${s.capacityModel.capacity.arm} and Graph ${s.capacityModel.capacity.graph} at once, every ${s.capacityModel.throttle.every}th request 429`
    }; pages ${s.pageSize.arm}/${s.pageSize.graph}). Medians of ${runs} runs per size; findings equal the seeded drift in every run.`,
  );
  console.log(table.toString());
  return { rows, events };
}
