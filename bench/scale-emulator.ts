/**
 * Child process of the scale benchmark: generates the synthetic tenant and serves it through the
 * emulator, so the emulator's memory and CPU are not counted as the monitor's. Talks to the
 * benchmark over the IPC channel: `start` → `ready` (endpoints, baseline, expected drift, counts),
 * `stats` → request counts per API, `stop`.
 */
import { Fixture } from '../emulator/fixture';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator/server';
import { generateSyntheticTenant, type SyntheticOptions } from '../emulator/synthetic-tenant';

export interface StartMessage {
  type: 'start';
  tenant: SyntheticOptions;
  emulator: Pick<EmulatorOptions, 'latencyMs' | 'capacity' | 'throttle'>;
}

let emulator: RunningEmulator | undefined;

process.on('message', (message: StartMessage | { type: 'stats' | 'stop' }) => {
  void (async () => {
    if (message.type === 'start') {
      const tenant = generateSyntheticTenant(message.tenant);
      emulator = await startEmulator({
        fixture: new Fixture(tenant.manifest, tenant.files),
        ...message.emulator,
      });
      process.send!({
        type: 'ready',
        endpoints: emulator.endpoints,
        manifest: tenant.manifest,
        baseline: tenant.baseline,
        expected: tenant.expected,
        counts: tenant.counts,
      });
    } else if (message.type === 'stats') {
      process.send!({ type: 'stats', stats: emulator?.stats() ?? {} });
    } else {
      await emulator?.stop();
      process.exit(0);
    }
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
