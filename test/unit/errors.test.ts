/** Every error class extends MonitorError and says its exit code and whether a retry may help. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  EXIT,
  exitCodeOf,
  FindingsAtOrAboveError,
  AuthenticationError,
  IncompleteReadError,
  isTransient,
  MonitorError,
  UsageError,
} from '../../shared/errors';
import { AttestationError } from '../../shared/app/attestation';
import { IncompleteSweepError } from '../../shared/app/delta-sweep';
import { TransientEventError } from '../../shared/app/handle-events';
import { NoBaselineError } from '../../shared/app/run-support';
import { BaselineValidationError } from '../../shared/baseline/parse';
import { BaselineConflictError, StoredBaselineCorruptError } from '../../shared/baseline/store';
import { GraphReadError } from '../../shared/inventory/graph-reader';
import { KustoQueryError } from '../../emulator/log-analytics';
import { ResourceGraphQueryError } from '../../emulator/resource-graph';
import { ROOT } from '../support/sample';
import { throwIfUnauthorisedEverywhere } from '../../shared/cli/cli-services';
import { StorageUnavailableError } from '../../shared/storage/tables';

const problem = { file: 'b.yaml', line: 1, col: 1, path: 'version', message: 'must be 1' };
// [instance, exit code, transient]: written out by hand, not read from the classes.
const TABLE: [MonitorError, number, boolean][] = [
  [new UsageError('x'), 2, false],
  [new ConfigurationError('x'), 2, false],
  [new IncompleteReadError('x'), 4, true],
  [new AttestationError('x'), 2, false],
  [new IncompleteSweepError('x'), 4, true],
  [new TransientEventError('x'), 4, true],
  [new NoBaselineError(), 2, false],
  [new BaselineValidationError([problem]), 1, false],
  [new BaselineConflictError('x'), 3, false],
  [new StoredBaselineCorruptError('x'), 1, false],
  [new GraphReadError('x', 429), 4, true],
  [new GraphReadError('x', 503), 4, true],
  [new GraphReadError('x', 403), 4, false],
  [new KustoQueryError('SyntaxError', 'x'), 2, false],
  [new ResourceGraphQueryError('x'), 2, false],
  [new FindingsAtOrAboveError('x'), 5, false],
  [new AuthenticationError('x'), 2, false],
  [new StorageUnavailableError('x'), 6, true],
];

describe('the error base', () => {
  it.each(TABLE.map(([e, code, transient]) => [e.name, code, transient, e] as const))(
    '%s exits %i, transient %s',
    (_name, code, transient, error) => {
      expect(error).toBeInstanceOf(MonitorError);
      expect(exitCodeOf(error)).toBe(code);
      expect(isTransient(error)).toBe(transient);
    },
  );

  it('unclassified errors exit "failed" and count as transient', () => {
    expect(exitCodeOf(new Error('ECONNREFUSED'))).toBe(EXIT.failed);
    expect(exitCodeOf('a string')).toBe(6);
    expect(isTransient(new TypeError('x'))).toBe(true);
  });

  it('names, messages and causes survive', () => {
    const cause = new Error('inner');
    const e = new UsageError('outer', { cause });
    expect(e.name).toBe('UsageError');
    expect(e.message).toBe('outer');
    expect(e.cause).toBe(cause);
    expect(new BaselineConflictError('stale').message).toBe('conflict: stale');
    expect(new BaselineValidationError([problem]).message).toBe(
      'b.yaml:1:1 version: must be 1\nb.yaml: 1 problem; the baseline is not valid',
    );
  });

  it('every error class in the code base extends MonitorError and is in this table', () => {
    const grep = execFileSync(
      'grep',
      ['-rhoE', 'class \\w+ extends \\w*Error', 'shared', 'emulator', 'functions'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    const declared = grep
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .filter(([, name]) => name !== 'MonitorError');
    for (const [, name, , base] of declared)
      expect(`${name} extends ${base}`).toMatch(/extends MonitorError$/);
    expect(new Set(declared.map(([, name]) => name))).toEqual(new Set(TABLE.map(([e]) => e.name)));
  });
});

describe('unauthenticated everywhere', () => {
  it('is a sign-in problem only when every scope failed and every failure says so', () => {
    const denied = (scope: string) => ({
      scope,
      complete: false,
      error: 'HTTP 401 InvalidAuthenticationToken',
    });
    expect(() => throwIfUnauthorisedEverywhere([denied('/subscriptions/a'), denied('directory')])).toThrow(
      /every read was refused as unauthenticated[^]*az login/,
    );
    expect(() =>
      throwIfUnauthorisedEverywhere([denied('/subscriptions/a'), { scope: 'directory', complete: true }]),
    ).not.toThrow();
    expect(() =>
      throwIfUnauthorisedEverywhere([
        denied('/subscriptions/a'),
        { scope: 'directory', complete: false, error: 'HTTP 500' },
      ]),
    ).not.toThrow();
    expect(() => throwIfUnauthorisedEverywhere([])).not.toThrow();
  });
});
