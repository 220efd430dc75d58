/**
 * `npm run bench [-- --json FILE] [-- --sizes 1000,10000]`: the scale benchmark (full reconciles of
 * synthetic tenants), then the event benchmark (event-to-finding latency, delta sweep vs full read),
 * in one process and one run. With --json, FILE gets the scale table as an array of rows and
 * FILE's name with `.events.json` the event figures, `.record.json` the recording figures
 * (`--record-size N`, default 10,000 identities: `wimon record` against a scan).
 */
import { writeFileSync } from 'node:fs';
import { rerunTrustingEmulator } from '../shared/cli/emulator-trust';
import { runEventsBench } from './events-bench';
import { runScaleBench, SCALE_SETTINGS } from './scale-bench';
import { runRecordBench } from './record-bench';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const jsonFile = option('--json');
  const sizes = option('--sizes')?.split(',').map(Number) ?? SCALE_SETTINGS.sizes;
  const rows = await runScaleBench(sizes);
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(rows, null, 2)}\n`);
  await runEventsBench(jsonFile ? jsonFile.replace(/(\.json)?$/, '.events.json') : undefined);
  // wimon record against a scan of the same tenant (issue 20: at most 1.2x the requests).
  const recordSize = Number(option('--record-size') ?? 10_000);
  const record = await runRecordBench(recordSize);
  console.log(
    'wimon record vs a scan of the same synthetic tenant (the recording replays to the same findings)',
  );
  console.table([record]);
  if (jsonFile)
    writeFileSync(jsonFile.replace(/(\.json)?$/, '.record.json'), `${JSON.stringify(record, null, 2)}\n`);
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
