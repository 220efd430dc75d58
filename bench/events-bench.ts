/**
 * Part of `npm run bench`, measured in one process, one run, against the local emulator and Azurite.
 *   1. Event-to-finding latency: role assignment write/delete events through the same handler
 *      the Event Grid function runs (parse, dedupe, targeted re-read, rules, store), with no
 *      added emulator latency and with a per-request latency closer to a real API.
 *   2. Delta sweep vs full read: HTTP requests to find one changed app registration.
 * Run by bench/index.ts. Numbers are this machine's, this run's.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startAzurite } from '../emulator/azurite';
import { resourceEvent } from './resource-event';
import { Fixture } from '../emulator/fixture';
import { startEmulator, type RunningEmulator } from '../emulator/server';
import { handleEvents } from '../shared/app/handle-events';
import { deltaSweep } from '../shared/app/delta-sweep';
import { reconcile } from '../shared/app/reconcile';
import { AzureClients, emulatorCredential } from '../shared/azure/clients';
import { parseBaseline } from '../shared/baseline/parse';
import { BaselineStore } from '../shared/baseline/store';
import { readInventory } from '../shared/inventory/read-inventory';
import { Tables } from '../shared/storage/tables';
import { readFileSync } from 'node:fs';

const ROOT = path.resolve(__dirname, '..', '..');
const CONTOSO = path.join(ROOT, 'examples', 'contoso');
const SUB = '11111111-1111-4111-8111-111111111111';
const PAYMENTS_API = '10000000-0000-4000-8000-000000000001';
const ASSIGNMENTS = `subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments`;
const EVENTS = 240;

function tenant(emulator: RunningEmulator) {
  const m = emulator.fixture.manifest;
  return {
    clients: new AzureClients(emulatorCredential, {
      ...emulator.endpoints,
      authorityHost: 'https://127.0.0.1',
    }),
    scope: { subscriptions: m.subscriptions, managementGroups: m.managementGroups },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function assignmentEvent(id: string, assignmentId: string, operation: 'write' | 'delete') {
  return resourceEvent({
    id,
    subscription: SUB,
    resourceUri: assignmentId,
    operationName: `Microsoft.Authorization/roleAssignments/${operation}`,
    kind: operation === 'write' ? 'Write' : 'Delete',
    tenantId: 'c0ffee00-0000-4000-8000-000000000001',
  });
}

const OWNER_FINDINGS = ['role.privileged-broad', 'role.secret-manager-on-runtime', 'role.unexpected'];

async function latency(emulator: RunningEmulator, tables: Tables, latencyMs: number) {
  emulator.setLatency(latencyMs);
  const base = emulator.fixture.get('arm', ASSIGNMENTS) as { value: unknown[] };
  const samples: number[] = [];
  let requests = 0;
  let changes = 0;
  for (let i = 0; i < EVENTS; i++) {
    const n = Math.floor(i / 2);
    const id = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/7b000000-0000-4000-8000-${String(latencyMs * 10000 + n).padStart(12, '0')}`;
    const write = i % 2 === 0;
    emulator.fixture.set(
      'arm',
      ASSIGNMENTS,
      write
        ? {
            ...base,
            value: [
              ...base.value,
              {
                properties: {
                  roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`,
                  principalId: PAYMENTS_API,
                  principalType: 'ServicePrincipal',
                  scope: `/subscriptions/${SUB}`,
                  createdOn: new Date().toISOString(),
                },
                id,
                type: 'Microsoft.Authorization/roleAssignments',
                name: id.split('/').pop(),
              },
            ],
          }
        : base,
    );
    emulator.resetRequests();
    const started = performance.now();
    const [outcome] = await handleEvents(
      assignmentEvent(`bench-${latencyMs}-${i}`, id, write ? 'write' : 'delete'),
      {
        tables,
        tenant: tenant(emulator),
      },
    );
    samples.push(performance.now() - started);
    requests += emulator.requestCount();
    const changed = write
      ? [...outcome!.changes.opened, ...outcome!.changes.reopened]
      : outcome!.changes.resolved;
    // An undeclared Owner on the subscription for payments-api (a runtime identity) is three
    // findings, each rule on its own: too broad, not declared, and able to change secrets.
    const rules = changed.map((f) => f.ruleId).sort();
    if (rules.join() !== OWNER_FINDINGS.join())
      throw new Error(
        `event ${i}: expected ${OWNER_FINDINGS.join(', ')} ${write ? 'opened or reopened' : 'resolved'}, got ${rules.join(', ') || 'none'}`,
      );
    const expected = changed.length;
    changes += expected;
  }
  emulator.fixture.set('arm', ASSIGNMENTS, base);
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    emulatedLatencyMs: latencyMs,
    events: EVENTS,
    findingChanges: changes,
    medianMs: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    maxMs: round(sorted[sorted.length - 1]!),
    requestsPerEvent: round(requests / EVENTS),
  };
}

async function deltaVersusFull(emulator: RunningEmulator, tables: Tables) {
  emulator.setLatency(0);
  await deltaSweep({
    tables,
    tenant: tenant(emulator),
    evaluateAt: new Date(emulator.fixture.manifest.recordedAt),
  });
  const apps = emulator.fixture.get('graph', 'v1.0/applications') as {
    value: Array<Record<string, unknown>>;
  };
  emulator.fixture.set('graph', 'v1.0/applications', {
    ...apps,
    value: apps.value.map((a, i) =>
      i === 0
        ? {
            ...a,
            passwordCredentials: [
              {
                keyId: '5b000000-0000-4000-8000-000000000001',
                displayName: 'bench',
                hint: 'abc',
                startDateTime: '2026-11-01T00:00:00Z',
                endDateTime: '2027-01-01T00:00:00Z',
                customKeyIdentifier: null,
                secretText: null,
              },
            ],
          }
        : a,
    ),
  });
  emulator.resetRequests();
  const sweep = await deltaSweep({
    tables,
    tenant: tenant(emulator),
    evaluateAt: new Date(emulator.fixture.manifest.recordedAt),
  });
  const sweepRequests = emulator.requestCount();
  emulator.resetRequests();
  const full = await readInventory(tenant(emulator).clients, tenant(emulator).scope, new Date());
  const fullRequests = emulator.requestCount();
  emulator.fixture.set('graph', 'v1.0/applications', apps);
  return {
    identitiesInTenant: full.identities.length,
    changedObjects: sweep.changedObjects,
    recheckedIdentities: sweep.recheckedIdentities.length,
    sweepRequests,
    fullReadRequests: fullRequests,
    ratio: round(sweepRequests / fullRequests),
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

export async function runEventsBench(): Promise<Record<string, unknown>> {
  const azurite = await startAzurite();
  const fixture = Fixture.load(CONTOSO);
  // contoso pages tiny (3/4 items) to exercise paging in tests; measure with the real APIs' page sizes.
  fixture.manifest.pageSize = { arm: 1000, graph: 999 };
  const emulator = await startEmulator({ fixture });
  try {
    const tables = new Tables({ connectionString: azurite.connectionString, prefix: 'bench' });
    const now = new Date(emulator.fixture.manifest.recordedAt);
    await new BaselineStore(tables).apply(
      parseBaseline(readFileSync(path.join(CONTOSO, 'baseline.yaml'), 'utf8'), 'baseline.yaml', now),
      {
        actor: 'bench',
        now,
        summary: 'bench',
      },
    );
    await reconcile({ tables, tenant: tenant(emulator), evaluateAt: now });
    const rows = [await latency(emulator, tables, 0), await latency(emulator, tables, 20)];
    const delta = await deltaVersusFull(emulator, tables);
    console.log(
      'Event-to-finding latency (in-process: parse, dedupe, targeted ARM+Graph re-read, rules, Table Storage write)',
    );
    console.table(rows);
    console.log('Delta sweep vs full read (contoso, one app registration changed)');
    console.table([delta]);
    return { eventLatency: rows, deltaSweep: delta };
  } finally {
    await emulator.stop();
    await azurite.stop();
  }
}
