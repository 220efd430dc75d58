/**
 * `--faults`: faults for the emulator written by a person, so an operator can rehearse their
 * alerting and tests can drive the CLI end to end. One fault per comma-separated item (or per
 * line of a file; `#` starts a comment):
 *
 *   API:PATH:STATUS[:WHEN]   API arm|graph|logs|email|eventgrid|workflows; PATH a case-insensitive piece of
 *                            the request path (or of a $batch item's URL; empty for any);
 *                            STATUS 400-599; WHEN `always`, a count (default 1) or `every=N`
 *   logs:partial[:WHEN]      Log Analytics answers 200 with half the rows and a PartialError
 *
 * e.g. `arm:roleDefinitions:500:always`, `graph:$batch:429:every=4`,
 * `arm:/subscriptions/<id>:403`, `logs:partial`. See docs/emulator.md.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../shared/errors';
import type { Api } from './fixture';
import type { FaultRule } from './server';

const APIS: readonly Api[] = ['arm', 'graph', 'logs', 'email', 'eventgrid', 'workflows'];

export const FAULTS_HELP =
  "inject faults into the local emulator (needs --fixture): API:PATH:STATUS[:always|N|every=N], e.g. 'arm:roleDefinitions:500:always', 'logs:partial', comma-separated or a file with one per line (docs/emulator.md)";

function when(text: string | undefined, spec: string): Pick<FaultRule, 'times' | 'every'> {
  if (text === undefined || text === '') return { times: 1 };
  if (text === 'always') return { times: Infinity };
  const every = /^every=(\d+)$/.exec(text);
  if (every && Number(every[1]) >= 1) return { every: Number(every[1]) };
  if (/^\d+$/.test(text) && Number(text) >= 1) return { times: Number(text) };
  throw new UsageError(`--faults '${spec}': '${text}' is not always, a count or every=N`);
}

/** One fault from its written form; a UsageError naming the item when it cannot be read. */
export function parseFault(spec: string): FaultRule {
  const parts = spec.split(':');
  const api = parts[0] as Api;
  if (!APIS.includes(api))
    throw new UsageError(`--faults '${spec}': the API must be one of ${APIS.join(', ')}`);
  if (parts[1] === 'partial') {
    if (api !== 'logs' || parts.length > 3)
      throw new UsageError(`--faults '${spec}': 'partial' is logs:partial[:WHEN]`);
    return { api, status: 200, partialResult: true, ...when(parts[2], spec) };
  }
  if (parts.length < 3 || parts.length > 4)
    throw new UsageError(`--faults '${spec}': write API:PATH:STATUS[:WHEN]`);
  const status = Number(parts[2]);
  if (!Number.isInteger(status) || status < 400 || status > 599)
    throw new UsageError(`--faults '${spec}': the status must be an HTTP error status (400-599)`);
  return {
    api,
    ...(parts[1] ? { path: parts[1] } : {}),
    status,
    // Azure sends Retry-After with every 429 (ARM and Graph throttling guidance): so does a drill.
    ...(status === 429 ? { retryAfterSeconds: 1 } : {}),
    ...when(parts[3], spec),
  };
}

/** `--faults` as given: a file of faults (one per line) when it names one, else comma-separated faults. */
export function loadFaults(value: string, cwd: string): FaultRule[] {
  const file = path.resolve(cwd, value);
  const text = existsSync(file) && statSync(file).isFile() ? readFileSync(file, 'utf8') : value;
  const items = text
    .split(/[\n,]/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`--faults '${value}': no fault given`);
  return items.map(parseFault);
}
