/**
 * `npm run bench [-- --json FILE] [-- --sizes 10000,50000,200000] [-- --runs 3] [-- --events-at 50000]
 * [-- --model documented|capacity] [-- --latency 30] [-- --record-size 10000]`, all in one process and one run:
 *   1. full reconciles of synthetic tenants under Azure's documented throttling (scale-bench.ts),
 *      and on the `--events-at` tenant, rounds of mixed events (scale-events.ts);
 *   2. event-to-finding latency and the delta sweep on the contoso sample (events-bench.ts);
 *   3. `wimon record` against a scan of the same tenant (record-bench.ts).
 * With --json, FILE gets every figure: {"reconcile": [...], "events": {...}, "contoso": {...}, "record": {...}}.
 */
import { writeFileSync } from 'node:fs';
import { rerunTrustingEmulator } from '../shared/cli/emulator-trust';
import { MONITOR_NODE_ARGUMENTS } from '../shared/config/runtime-limits';
import { runEventsBench } from './events-bench';
import { runScaleBench, SCALE_SETTINGS, type ThrottleModel } from './scale-bench';
import { runRecordBench } from './record-bench';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const jsonFile = option('--json');
  // Memory and CPU are the deployed configuration's only with the Node flags the deployment passes.
  const missing = MONITOR_NODE_ARGUMENTS.split(' ').filter((flag) => !process.execArgv.includes(flag));
  if (missing.length)
    console.warn(
      `Note: not run with ${missing.join(' ')} (the deployed Node flags): memory and CPU differ from Azure's.`,
    );
  const sizes = option('--sizes')?.split(',').map(Number) ?? SCALE_SETTINGS.sizes;
  const model = (option('--model') ?? 'documented') as ThrottleModel;
  // Per-request latency the emulator adds (default 30 ms, like a real API's round trip).
  if (option('--latency') !== undefined) SCALE_SETTINGS.latencyMs = Number(option('--latency'));
  if (model !== 'documented' && model !== 'capacity') throw new Error('--model is documented or capacity');
  const { rows, events } = await runScaleBench(sizes, {
    model,
    runs: Number(option('--runs') ?? SCALE_SETTINGS.runs),
    eventsAt: Number(option('--events-at') ?? SCALE_SETTINGS.eventsAt),
  });
  if (events) {
    console.log(
      `Events on the ${events.identities}-identity tenant (${events.subscriptions} subscriptions, ${events.latencyMs} ms a request, documented throttling): ${events.count} events; medians of the rounds' medians and 95th percentiles`,
    );
    console.table({
      write: events.write,
      delete: events.delete,
      federatedCredential: events.federatedCredential,
    });
  }
  const contoso = await runEventsBench();
  // wimon record against a scan of the same tenant (issue 20: at most 1.2x the requests).
  const recordSize = Number(option('--record-size') ?? 10_000);
  const record = await runRecordBench(recordSize);
  console.log(
    'wimon record vs a scan of the same synthetic tenant (the recording replays to the same findings)',
  );
  console.table([record]);
  if (jsonFile)
    writeFileSync(
      jsonFile,
      `${JSON.stringify({ reconcile: rows, events: events ?? null, contoso, record }, null, 2)}\n`,
    );
}

rerunTrustingEmulator(process.argv.slice(2), process.env)
  .then((code) => (code !== undefined ? code : main().then(() => undefined)))
  .then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
