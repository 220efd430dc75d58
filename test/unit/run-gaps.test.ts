/** What a run did not see, as the CLI (exit 4) and the Functions' warning say it. */
import { emptySyncResult } from '../../shared/findings/store';
import { describe, expect, it } from 'vitest';
import { gapsOf } from '../../shared/findings/runs';
import { endOfRun, partialRunNotice } from '../../shared/cli/run-options';
import { runRecord } from '../../shared/app/run-support';
import { EXIT, exitCodeOf } from '../../shared/errors';
import type { UnreadableObject } from '../../shared/model/inventory';

const unreadable = (n: number): UnreadableObject => ({
  api: 'graph',
  source: '/v1.0/servicePrincipals',
  scope: 'directory',
  id: `sp-${n}`,
  objectId: `sp-${n}`,
  appId: null,
  problems: 'appId: Invalid input: expected string, received null',
});

const record = (fields: Partial<Parameters<typeof runRecord>[0]>) =>
  runRecord({
    kind: 'reconcile',
    startedAt: new Date(0),
    endedAt: new Date(0),
    evaluatedAt: new Date(0),
    scopes: [{ scope: 'directory', kind: 'directory', complete: true }],
    requests: { arm: 0, graph: 0, total: 0 },
    baseline: { sequence: 1, contentHash: 'h', source: 'stored' },
    current: [],
    sync: emptySyncResult(),
    ...fields,
  });

const exitOf = (run: ReturnType<typeof record>) => {
  try {
    endOfRun(run, [], undefined);
    return EXIT.ok;
  } catch (error) {
    return exitCodeOf(error);
  }
};

describe('gaps of a run', () => {
  it('a run that saw everything has none and exits 0', () => {
    const run = record({});
    expect(gapsOf(run)).toEqual([]);
    expect(partialRunNotice(run)).toBeUndefined();
    expect(exitOf(run)).toBe(EXIT.ok);
  });

  it('a scope not read completely, in the API’s words', () => {
    const run = record({
      scopes: [
        {
          scope: '/subscriptions/s1',
          kind: 'subscription',
          complete: false,
          error: 'HTTP 403 AuthorizationFailed',
        },
      ],
    });
    expect(run.complete).toBe(false);
    expect(gapsOf(run)).toEqual(['/subscriptions/s1 (HTTP 403 AuthorizationFailed)']);
    expect(exitOf(run)).toBe(EXIT.incomplete);
  });

  it('an unreadable object is a gap (exit 4) although every scope read: the run stays complete for resolution', () => {
    const run = record({ unreadable: [unreadable(1)] });
    expect(run.complete).toBe(true);
    expect(gapsOf(run)).toEqual([
      '/v1.0/servicePrincipals object sp-1 unreadable (appId: Invalid input: expected string, received null)',
    ]);
    expect(partialRunNotice(run)).toContain('sp-1');
    expect(exitOf(run)).toBe(EXIT.incomplete);
  });

  it('the record keeps the first 20 unreadable objects and counts the rest', () => {
    const run = record({ unreadable: Array.from({ length: 23 }, (_, i) => unreadable(i)) });
    expect(run.unreadable).toHaveLength(20);
    expect(run.unreadableCount).toBe(23);
    const gaps = gapsOf(run);
    expect(gaps).toHaveLength(21);
    expect(gaps.at(-1)).toBe('3 more unreadable objects (see the inventory.unreadable-object findings)');
  });
});
