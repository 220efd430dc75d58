/** `every=N` faults: every Nth matching request fails for as long as the emulator runs, and the clients' retries carry the run. */
import { describe, expect, it } from 'vitest';
import { loadFaults } from '../../emulator/fault-spec';
import { reconcileContoso, useContosoEmulator } from '../support/emulator';
import { tablesWithSampleBaseline } from '../support/tables';

describe('graph:$batch:429:every=2 (emulator + Azurite)', () => {
  const env = useContosoEmulator({ faults: loadFaults('graph:$batch:429:every=2', process.cwd()) });

  it('throttles every second $batch request, and the reconcile still reads everything', async () => {
    const result = await reconcileContoso(env.get(), await tablesWithSampleBaseline());
    expect(result.run.complete).toBe(true);
    const batches = env
      .get()
      .requests.filter((r) => r.api === 'graph' && r.method === 'POST' && !r.batchItem);
    const throttled = batches.filter((r) => r.status === 429).length;
    expect(batches.length).toBeGreaterThan(2);
    expect(throttled).toBe(Math.floor(batches.length / 2));
  });
});
