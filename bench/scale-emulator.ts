/**
 * Child process of the scale benchmark: generates the synthetic tenant, writes its baseline to a
 * file (canonical JSON, as the baseline store keeps it) and serves the tenant through the emulator,
 * so neither the generator's nor the emulator's memory and CPU are counted as the monitor's. Talks to the
 * benchmark over the IPC channel:
 *   start → ready (endpoints, baseline, expected drift, counts)
 *   stats → request counts per API          requests → HTTP requests since the last call
 *   limits → the throttling limits replaced (buckets full again)
 *   edit → one item added to or removed from a listed ARM collection (what an event is about)
 *   stop
 */
import { Fixture, hasValueArray } from '../emulator/fixture';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator/server';
import { generateSyntheticTenant, type SyntheticOptions } from '../emulator/synthetic-tenant';
import { baselineSchema } from '../shared/baseline/schema';
import { canonicalJson } from '../shared/baseline/canonical';
import { writeFileSync } from 'node:fs';

export interface StartMessage {
  type: 'start';
  tenant: SyntheticOptions;
  /** Where the tenant's baseline is written (JSON), for the monitor to read and parse itself. */
  baselineFile: string;
  emulator: Pick<EmulatorOptions, 'latencyMs' | 'capacity' | 'throttle' | 'limits'>;
}

export type ChildMessage =
  | StartMessage
  | { type: 'stats' | 'stop' | 'requests' }
  | { type: 'limits'; limits: EmulatorOptions['limits'] }
  | { type: 'edit'; path: string; add?: { id: string }; removeId?: string };

let emulator: RunningEmulator | undefined;

process.on('message', (message: ChildMessage) => {
  void (async () => {
    if (message.type === 'start') {
      const tenant = generateSyntheticTenant(message.tenant);
      writeFileSync(
        message.baselineFile,
        canonicalJson(baselineSchema(tenant.manifest.recordedAt.slice(0, 10)).parse(tenant.baseline)),
      );
      emulator = await startEmulator({
        fixture: new Fixture(tenant.manifest, tenant.files),
        ...message.emulator,
      });
      process.send!({
        type: 'ready',
        endpoints: emulator.endpoints,
        manifest: tenant.manifest,
        expected: tenant.expected,
        counts: tenant.counts,
      });
    } else if (message.type === 'stats') {
      process.send!({ type: 'stats', stats: emulator?.stats() ?? {} });
    } else if (message.type === 'requests') {
      const counts = { arm: emulator!.requestCount('arm'), graph: emulator!.requestCount('graph') };
      emulator!.resetRequests();
      process.send!({ type: 'requests', counts });
    } else if (message.type === 'limits') {
      emulator!.setLimits(message.limits);
      process.send!({ type: 'limits' });
    } else if (message.type === 'edit') {
      const list = emulator!.fixture.get('arm', message.path);
      const value = hasValueArray(list) ? list.value : [];
      const next = value.filter(
        (i) => String((i as { id?: string }).id ?? '').toLowerCase() !== message.removeId?.toLowerCase(),
      );
      if (message.add) next.push(message.add);
      emulator!.fixture.set('arm', message.path, { ...(hasValueArray(list) ? list : {}), value: next });
      process.send!({ type: 'edit' });
    } else {
      await emulator?.stop();
      process.exit(0);
    }
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
