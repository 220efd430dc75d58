/** emulator/fault-spec.ts: what `--faults` accepts and what it refuses. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFaults, parseFault } from '../../../emulator/fault-spec';
import { EXIT, exitCodeOf } from '../../../shared/errors';

describe('--faults', () => {
  it.each([
    ['arm:roleDefinitions:500:always', { api: 'arm', path: 'roleDefinitions', status: 500, times: Infinity }],
    [
      'graph:$batch:429:every=4',
      { api: 'graph', path: '$batch', status: 429, retryAfterSeconds: 1, every: 4 },
    ],
    [
      'arm:/subscriptions/11111111-1111-4111-8111-111111111111:403',
      { api: 'arm', path: '/subscriptions/11111111-1111-4111-8111-111111111111', status: 403, times: 1 },
    ],
    ['graph::503:3', { api: 'graph', status: 503, times: 3 }],
    ['logs:partial', { api: 'logs', status: 200, partialResult: true, times: 1 }],
    ['logs:partial:always', { api: 'logs', status: 200, partialResult: true, times: Infinity }],
  ])('%s', (spec, fault) => {
    expect(parseFault(spec)).toEqual(fault);
  });

  it.each([
    ['storage:x:500', /the API must be one of arm, graph, logs, email, eventgrid/],
    ['arm:roleDefinitions', /write API:PATH:STATUS\[:WHEN\]/],
    ['arm:roleDefinitions:200', /an HTTP error status/],
    ['arm:roleDefinitions:abc', /an HTTP error status/],
    ['arm:roleDefinitions:500:sometimes', /'sometimes' is not always, a count or every=N/],
    ['arm:roleDefinitions:500:every=0', /is not always, a count or every=N/],
    ['graph:partial', /'partial' is logs:partial/],
  ])('%s is refused as a usage error naming the item', (spec, why) => {
    let error: unknown;
    try {
      parseFault(spec);
    } catch (e) {
      error = e;
    }
    expect(exitCodeOf(error)).toBe(EXIT.usage);
    expect((error as Error).message).toContain(`'${spec}'`);
    expect((error as Error).message).toMatch(why);
  });

  it('several comma-separated, or a file with one per line and comments', () => {
    expect(loadFaults('logs:partial, arm:roleDefinitions:500', process.cwd()).map((f) => f.api)).toEqual([
      'logs',
      'arm',
    ]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'faults-'));
    writeFileSync(
      path.join(dir, 'rehearsal.txt'),
      '# Monday drill\narm:roleDefinitions:500:always\n\ngraph:$batch:429:every=4 # throttling\n',
    );
    expect(loadFaults('rehearsal.txt', dir)).toEqual([
      { api: 'arm', path: 'roleDefinitions', status: 500, times: Infinity },
      { api: 'graph', path: '$batch', status: 429, retryAfterSeconds: 1, every: 4 },
    ]);
    expect(() => loadFaults(' , ', dir)).toThrow(/no fault given/);
  });
});
