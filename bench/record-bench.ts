/**
 * `wimon record` at scale (issue 20): a synthetic tenant recorded through the monitor's own readers
 * (`recordTenant`, what the command runs) against a scan's read of the same tenant, then the
 * recording replayed: its findings must equal the original's, or the bench fails. Requests are
 * counted by the clients; the emulator runs in this process without latency (requests, not time,
 * are what this bench judges).
 */
import { performance } from 'node:perf_hooks';
import { Fixture, manifestSchema } from '../emulator/fixture';
import { startEmulator, type RunningEmulator } from '../emulator/server';
import { generateSyntheticTenant } from '../emulator/synthetic-tenant';
import { AzureClients, emulatorCredential } from '../shared/azure/clients';
import { baselineSchema } from '../shared/baseline/schema';
import { recordTenant } from '../shared/cli/recording';
import { readInventory } from '../shared/inventory/read-inventory';
import { evaluate } from '../shared/rules/evaluate';

export interface RecordBenchRow {
  identities: number;
  scanRequests: number;
  recordRequests: number;
  ratio: number;
  recordMs: number;
  files: number;
  findings: number;
}

const clientsOf = (emulator: RunningEmulator) =>
  new AzureClients(emulatorCredential, {
    arm: emulator.endpoints.arm,
    graph: emulator.endpoints.graph,
    logs: emulator.endpoints.logs,
    authorityHost: 'https://127.0.0.1',
  });

export async function runRecordBench(identities: number): Promise<RecordBenchRow> {
  const tenant = generateSyntheticTenant({ identities });
  const now = new Date(tenant.manifest.recordedAt);
  const baseline = baselineSchema(tenant.manifest.recordedAt.slice(0, 10)).parse(tenant.baseline);
  const scope = {
    subscriptions: tenant.manifest.subscriptions,
    managementGroups: tenant.manifest.managementGroups,
    managedIdentityAttachments: tenant.manifest.managedIdentityAttachments,
  };
  const keys = (inventory: Awaited<ReturnType<typeof readInventory>>) =>
    evaluate(baseline, inventory, now)
      .map((c) => `${c.ruleId}|${c.identity.objectId}|${c.target}`)
      .sort();
  const original = await startEmulator({ fixture: new Fixture(tenant.manifest, tenant.files) });
  let replayed: RunningEmulator | undefined;
  try {
    const scanClients = clientsOf(original);
    const scanned = await readInventory(scanClients, scope, now);
    const recordClients = clientsOf(original);
    const started = performance.now();
    const recording = await recordTenant(
      { clients: recordClients, scope, logAnalyticsWorkspaceId: tenant.manifest.logAnalyticsWorkspaceId },
      now,
      180,
    );
    const recordMs = performance.now() - started;
    const manifest = manifestSchema.parse(recording.files.get('fixture'));
    replayed = await startEmulator({
      fixture: new Fixture(
        manifest,
        [...recording.files].filter(([p]) => p !== 'fixture'),
      ),
    });
    const replay = await readInventory(clientsOf(replayed), scope, now);
    const expected = keys(scanned);
    if (keys(replay).join('\n') !== expected.join('\n'))
      throw new Error('the recording does not replay to the findings of the tenant it recorded');
    const scanRequests = scanClients.counter.snapshot().total;
    const recordRequests = recordClients.counter.snapshot().total;
    return {
      identities,
      scanRequests,
      recordRequests,
      ratio: Number((recordRequests / scanRequests).toFixed(4)),
      recordMs: Math.round(recordMs),
      files: recording.files.size,
      findings: expected.length,
    };
  } finally {
    await original.stop();
    await replayed?.stop();
  }
}
