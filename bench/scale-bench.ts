/**
 * Full reconcile of synthetic tenants of growing size (1k, 10k, 50k identities, five role
 * assignments each over 50 subscriptions), in this one process, against the emulator in a child
 * process with a per-request latency, a fixed number of requests each API serves at once and an
 * occasional 429 with Retry-After. For each size it reports:
 *   requests     HTTP requests ARM and Graph answered (the emulator's count, 429s included)
 *   minRequests  what the data needs at these page sizes: list pages, one federated-credential
 *                list per user-assigned identity (ARM has no batch), one GET per distinct role,
 *                Graph lookups 20 to a $batch
 *   wallMs       the reconcile, from the first request to the findings stored in Azurite
 *   boundMs      no client can be faster: per API, requests × latency / capacity, and the longest
 *                chain of pages that must be read one after the other (Retry-After waits excluded)
 *   peakRssMb    this process's peak resident memory so far (sizes run smallest first)
 *   evalPerSec   role assignments per second through the rules alone (median of 5 after a full
 *                garbage collection and 2 untimed rounds, no I/O; the indexes of the baseline and
 *                the inventory were built by the reconcile's own evaluation, in its wall time)
 * and asserts that the findings are exactly the seeded drift.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Table from 'cli-table3';
import type { FixtureManifest } from '../emulator/fixture';
import type { SyntheticTenant } from '../emulator/synthetic-tenant';
import type { StartMessage } from './scale-emulator';
import { startAzurite } from '../emulator/azurite';
import { reconcile } from '../shared/app/reconcile';
import { AzureClients, emulatorCredential } from '../shared/azure/clients';
import { baselineSchema } from '../shared/baseline/schema';
import { evaluate } from '../shared/rules/evaluate';
import { Tables } from '../shared/storage/tables';

export interface ScaleRow {
  identities: number;
  assignments: number;
  requests: number;
  minRequests: number;
  wallMs: number;
  boundMs: number;
  peakRssMb: number;
  evalPerSec: number;
}

export const SCALE_SETTINGS = {
  sizes: [1_000, 10_000, 50_000],
  subscriptions: 50,
  latencyMs: 30,
  capacity: { arm: 16, graph: 8 },
  throttle: { every: 1000, retryAfterSeconds: 1 },
  pageSize: { arm: 1000, graph: 999 },
};

interface Ready {
  type: 'ready';
  endpoints: { arm: string; graph: string; logs: string };
  manifest: FixtureManifest;
  baseline: SyntheticTenant['baseline'];
  expected: string[];
  counts: SyntheticTenant['counts'];
}
type Stats = Record<string, { requests: number; throttled: number; retryAfterSeconds: number }>;

const BATCH = 20;

export function minimumRequests(counts: SyntheticTenant['counts'], pageSize: { arm: number; graph: number }) {
  const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));
  const arm =
    counts.assignmentsPerSubscription.reduce((t, a) => t + pages(a, pageSize.arm), 0) +
    counts.managedIdentitiesPerSubscription.reduce((t, u) => t + pages(u, pageSize.arm), 0) +
    counts.managedIdentities +
    counts.distinctRoles +
    pages(counts.managementGroupEntities, pageSize.arm); // the management-group hierarchy
  const servicePrincipals = counts.identities + 1; // + Microsoft Graph's own
  const graph =
    pages(counts.applications, pageSize.graph) +
    pages(servicePrincipals, pageSize.graph) +
    2 * Math.ceil(counts.applications / BATCH) + // owners, federated credentials of each app
    Math.ceil(counts.identities / BATCH) + // app role grants of each workload service principal
    1; // the resource service principals the grants name
  return { arm, graph };
}

/** The least wall time any client could achieve against these limits. */
export function boundMs(
  stats: Stats,
  counts: SyntheticTenant['counts'],
  settings: typeof SCALE_SETTINGS,
): number {
  const L = settings.latencyMs;
  const capacityBound = (api: 'arm' | 'graph') =>
    Math.ceil((stats[api]?.requests ?? 0) / settings.capacity[api]) * L;
  const longestChain =
    Math.max(
      Math.ceil((counts.identities + 1) / settings.pageSize.graph),
      ...counts.assignmentsPerSubscription.map((a) => Math.ceil(a / settings.pageSize.arm)),
    ) * L;
  return Math.max(capacityBound('arm'), capacityBound('graph'), longestChain);
}

function startTenant(size: number): Promise<{ ready: Ready; stats: () => Promise<Stats>; stop: () => void }> {
  const child = fork(path.join(__dirname, 'scale-emulator.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // The emulator stands in for Azure's servers, which do not share this machine's two cores: a
    // larger young generation keeps its garbage collection (it builds and serialises every page)
    // from taking CPU the monitor needs. The monitor runs with Node's defaults.
    execArgv: ['--max-semi-space-size=64'],
  });
  const start: StartMessage = {
    type: 'start',
    tenant: {
      identities: size,
      subscriptions: SCALE_SETTINGS.subscriptions,
      pageSize: SCALE_SETTINGS.pageSize,
    },
    emulator: {
      latencyMs: SCALE_SETTINGS.latencyMs,
      capacity: SCALE_SETTINGS.capacity,
      throttle: SCALE_SETTINGS.throttle,
    },
  };
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`scale emulator exited with ${code}`)));
    child.once('message', (ready: Ready) => {
      child.removeAllListeners('exit');
      resolve({
        ready,
        stats: () =>
          new Promise((res) => {
            child.once('message', (m: { stats: Stats }) => res(m.stats));
            child.send({ type: 'stats' });
          }),
        stop: () => child.send({ type: 'stop' }),
      });
    });
    child.send(start);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(size: number, connectionString: string): Promise<ScaleRow> {
  const tenant = await startTenant(size);
  try {
    const { ready } = tenant;
    const now = new Date(ready.manifest.recordedAt);
    const baseline = baselineSchema(ready.manifest.recordedAt.slice(0, 10)).parse(ready.baseline);
    // Only the parsed baseline is the monitor's; the raw message would double it in memory.
    (ready as { baseline?: unknown }).baseline = undefined;
    const clients = new AzureClients(emulatorCredential, {
      ...ready.endpoints,
      authorityHost: 'https://127.0.0.1',
    });
    const tables = new Tables({ connectionString, prefix: `scale${size}` });
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const result = await reconcile({
      tables,
      tenant: { clients, scope: { subscriptions: ready.manifest.subscriptions, managementGroups: [] } },
      baseline: { baseline, source: `synthetic ${size}` },
      evaluateAt: now,
    });
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    cpuMsBySize.set(size, Math.round((cpu.user + cpu.system) / 1000));
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const stats = await tenant.stats();

    const found = result.findings.map((f) => `${f.ruleId}|${f.identity.objectId}`).sort();
    if (!result.run.complete)
      throw new Error(
        `${size}: the reconcile was partial: ${JSON.stringify(result.run.scopes.filter((s) => !s.complete))}`,
      );
    if (JSON.stringify(found) !== JSON.stringify(ready.expected))
      throw new Error(
        `${size}: findings differ from the seeded drift (found ${found.length}, seeded ${ready.expected.length}; first difference ${found.find((f, i) => f !== ready.expected[i]) ?? ready.expected[found.length]})`,
      );

    const assignments = result.inventory.roleAssignments.length;
    const evalMs: number[] = [];
    // The reconcile's garbage is collected and two untimed rounds run first: neither that garbage
    // nor the compiler's warm-up is the rules' speed (the rounds also let the young generation,
    // which a full collection shrinks, grow back to its working size).
    global.gc?.();
    for (let k = 0; k < 2; k++) evaluate(baseline, result.inventory, now);
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      evaluate(baseline, result.inventory, now);
      evalMs.push(performance.now() - t);
    }
    const min = minimumRequests(ready.counts, SCALE_SETTINGS.pageSize);
    return {
      identities: size,
      assignments,
      requests: (stats.arm?.requests ?? 0) + (stats.graph?.requests ?? 0),
      minRequests: min.arm + min.graph,
      wallMs: Math.round(wallMs),
      boundMs: boundMs(stats, ready.counts, SCALE_SETTINGS),
      peakRssMb: Math.round(peakRssMb),
      evalPerSec: Math.round(assignments / (median(evalMs) / 1000)),
    };
  } finally {
    tenant.stop();
  }
}

/** CPU time this process spent in each reconcile (shown in the table, not part of the JSON rows). */
const cpuMsBySize = new Map<number, number>();

export async function runScaleBench(sizes = SCALE_SETTINGS.sizes): Promise<ScaleRow[]> {
  const azurite = await startAzurite();
  const rows: ScaleRow[] = [];
  try {
    for (const size of sizes) {
      rows.push(await measure(size, azurite.connectionString));
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
      'min',
      'ratio',
      'wall ms',
      'bound ms',
      'ratio',
      'monitor CPU ms',
      'peak RSS MB',
      'rules: assignments/s',
    ],
  });
  for (const r of rows)
    table.push([
      r.identities,
      r.assignments,
      r.requests,
      r.minRequests,
      (r.requests / r.minRequests).toFixed(3),
      r.wallMs,
      r.boundMs,
      (r.wallMs / r.boundMs).toFixed(2),
      cpuMsBySize.get(r.identities) ?? '',
      r.peakRssMb,
      r.evalPerSec,
    ]);
  const s = SCALE_SETTINGS;
  console.log(
    `Full reconcile of synthetic tenants (${s.subscriptions} subscriptions; emulator: ${s.latencyMs} ms a request, ARM serves ${s.capacity.arm} and Graph ${s.capacity.graph} at once, every ${s.throttle.every}th request 429 with Retry-After ${s.throttle.retryAfterSeconds} s; pages ${s.pageSize.arm}/${s.pageSize.graph}). Findings equal the seeded drift at every size.`,
  );
  console.log(table.toString());
  return rows;
}
