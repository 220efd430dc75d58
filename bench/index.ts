/**
 * `npm run bench [-- --json FILE] [-- --sizes 1000,10000]`: the scale benchmark (full reconciles of
 * synthetic tenants), then the event benchmark (event-to-finding latency, delta sweep vs full read),
 * in one process and one run. With --json, FILE gets the scale table as an array of rows and
 * FILE's name with `.events.json` the event figures.
 */
import { writeFileSync } from 'node:fs';
import { rerunTrustingEmulator } from '../shared/cli/emulator-trust';
import { runEventsBench } from './events-bench';
import { runScaleBench, SCALE_SETTINGS } from './scale-bench';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const jsonFile = option('--json');
  const sizes = option('--sizes')?.split(',').map(Number) ?? SCALE_SETTINGS.sizes;
  const rows = await runScaleBench(sizes);
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(rows, null, 2)}\n`);
  await runEventsBench(jsonFile ? jsonFile.replace(/(\.json)?$/, '.events.json') : undefined);
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
