/**
 * Exit codes, pinned per command and per error class. The CLI maps errors to codes in one place
 * (shared/errors.ts → cli/main.ts); this table runs the real commands in-process and makes each
 * class of error happen for real, so a command that starts throwing another class (or a class
 * that changes its code) is caught here.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { buildProgram, run } from '../../shared/cli/main';
import { COMMAND_HELP } from '../../shared/cli/command-help';
import { spawnSync } from 'node:child_process';
import type { CliIo } from '../../shared/cli/io';
import { EXIT } from '../../shared/errors';
import { CONTOSO, ROOT, SAMPLE_BASELINE_PATH, SAMPLE_NOW, sampleBaselineText } from '../support/sample';
import { keyVaultEvent } from '../support/events';
import { testPrefix } from '../support/tables';

const work = mkdtempSync(path.join(os.tmpdir(), 'wimon-exit-'));
const INVALID = path.join(work, 'invalid.yaml');
writeFileSync(INVALID, sampleBaselineText().replace('version: 1', 'version: 2'));
const EVENT = path.join(work, 'event.json');
writeFileSync(EVENT, '[]');
// A fixture whose manifest names a subscription the recording does not hold: ARM answers 404
// for it, so a read of this tenant is incomplete.
const PARTIAL = path.join(work, 'partial');
cpSync(CONTOSO, PARTIAL, { recursive: true });
const manifest = JSON.parse(readFileSync(path.join(PARTIAL, 'fixture.json'), 'utf8'));
manifest.subscriptions.push('33333333-3333-4333-8333-333333333333');
writeFileSync(path.join(PARTIAL, 'fixture.json'), JSON.stringify(manifest));

type Env = 'none' | 'storage' | 'stored-baseline';
interface Row {
  command: string;
  argv: string[];
  /** What goes wrong, and the error class that says so. */
  error: string;
  env?: Env;
  extraEnv?: Record<string, string>;
  code: number;
  stderr: RegExp;
}

const BAD_SETTING = { WIMON_TABLE_PREFIX: '1-not-a-prefix' };
const ROWS: Row[] = [
  // UsageError / commander: a wrong flag or argument
  ...[
    ['baseline validate', ['baseline', 'validate', '--bogus', 'x']],
    ['baseline plan', ['baseline', 'plan', '--bogus', 'x']],
    ['baseline apply', ['baseline', 'apply', '--bogus', 'x']],
    ['baseline show', ['baseline', 'show', '--bogus']],
    ['baseline starter', ['baseline', 'starter', '--bogus']],
    ['baseline export', ['baseline', 'export', '--bogus']],
    ['baseline history', ['baseline', 'history', '--bogus']],
    ['demo', ['demo', '--bogus']],
    ['scan', ['scan', '--bogus']],
    ['findings', ['findings', '--bogus']],
    ['runs', ['runs', '--bogus']],
    ['dormancy', ['dormancy', '--bogus']],
    ['event', ['event']],
    ['sweep', ['sweep', '--bogus']],
    ['notify', ['notify', '--bogus']],
    ['attest', ['attest', 'x']],
    ['notices', ['notices', '--bogus']],
    ['inventory', ['inventory', '--bogus']],
    ['emulator', ['emulator', '--bogus']],
    ['record', ['record', '--bogus']],
  ].map(([command, argv]) => ({
    command: command as string,
    argv: argv as string[],
    error: 'unknown option or missing argument (commander)',
    code: EXIT.usage,
    stderr: /unknown option|missing required argument|required option/,
  })),
  {
    command: 'scan',
    argv: ['scan', '--fixture', CONTOSO, '--now', 'soon'],
    error: 'UsageError (--now)',
    env: 'storage',
    code: 2,
    stderr: /--now must be a date/,
  },
  {
    command: 'findings',
    argv: ['findings', '--state', 'gone'],
    error: 'UsageError (--state)',
    env: 'storage',
    code: 2,
    stderr: /--state must be/,
  },
  {
    command: 'report',
    argv: ['report', '--out', 'findings.html'],
    error: 'UsageError (nothing to report yet)',
    env: 'storage',
    code: 2,
    stderr: /no scan has run yet: run `wimon scan`/,
  },
  {
    command: 'runs',
    argv: ['runs', '--kind', 'weekly'],
    error: 'UsageError (--kind)',
    env: 'storage',
    code: 2,
    stderr: /--kind must be/,
  },
  {
    command: 'notices',
    argv: ['notices', '--state', 'lost'],
    error: 'UsageError (--state)',
    env: 'storage',
    code: 2,
    stderr: /--state must be/,
  },
  {
    command: 'event',
    argv: ['event', path.join(work, 'missing.json')],
    error: 'UsageError (unreadable file)',
    code: 2,
    stderr: /missing\.json/,
  },
  {
    command: 'baseline validate',
    argv: ['baseline', 'validate', path.join(work, 'missing.yaml')],
    error: 'UsageError (unreadable file)',
    code: 2,
    stderr: /cannot read baseline file/,
  },
  {
    command: 'baseline apply',
    argv: ['baseline', 'apply', SAMPLE_BASELINE_PATH, '--expect-sequence', 'x', '--now', '2026-11-22'],
    error: 'UsageError (--expect-sequence)',
    env: 'storage',
    code: 2,
    stderr: /whole number/,
  },
  {
    command: 'inventory',
    argv: ['inventory', '--fixture', work],
    error: 'UsageError (not a fixture folder)',
    code: 2,
    stderr: /not a tenant fixture folder/,
  },
  {
    command: 'demo',
    argv: ['demo', '--fixture', work, '--out', path.join(work, 'demo-out')],
    error: 'UsageError (not a fixture folder)',
    code: 2,
    stderr: /not a tenant fixture folder/,
  },
  // ConfigurationError: a setting is wrong or missing
  ...[
    'scan',
    'findings',
    'runs',
    'dormancy',
    'sweep',
    'notices',
    'inventory',
    'baseline show',
    'baseline history',
  ].map((command) => ({
    command,
    argv: command.split(' '),
    error: 'ConfigurationError (invalid setting)',
    extraEnv: BAD_SETTING,
    code: EXIT.usage,
    stderr: /WIMON_TABLE_PREFIX must be letters and digits/,
  })),
  {
    command: 'scan',
    argv: ['scan'],
    error: 'ConfigurationError (nothing to monitor)',
    env: 'storage',
    code: 2,
    stderr: /nothing to monitor: set WIMON_SUBSCRIPTIONS/,
  },
  {
    command: 'baseline show',
    argv: ['baseline', 'show'],
    error: 'ConfigurationError (no storage)',
    code: 2,
    stderr: /no Table Storage configured/,
  },
  {
    command: 'notify',
    argv: ['notify'],
    error: 'ConfigurationError (no email)',
    env: 'storage',
    code: 2,
    stderr: /no email configured/,
  },
  {
    command: 'baseline starter',
    argv: ['baseline', 'starter'],
    error: 'ConfigurationError (no azd outputs)',
    code: 2,
    stderr: /cannot write the starter baseline/,
  },
  // NoBaselineError: nothing applied yet; the hint names --baseline only where the command has it
  {
    command: 'scan',
    argv: ['scan', '--fixture', CONTOSO],
    error: 'NoBaselineError',
    env: 'storage',
    code: 2,
    stderr: /no baseline has been applied yet.*or pass --baseline FILE/,
  },
  {
    command: 'dormancy',
    argv: ['dormancy', '--fixture', CONTOSO],
    error: 'NoBaselineError',
    env: 'storage',
    code: 2,
    stderr: /no baseline has been applied yet.*or pass --baseline FILE/,
  },
  {
    command: 'notify',
    argv: ['notify', '--dry-run', '--fixture', CONTOSO],
    error: 'NoBaselineError',
    env: 'storage',
    code: 2,
    stderr: /no baseline has been applied yet.*\(or pass --baseline FILE with --dry-run\)/,
  },
  {
    command: 'attest',
    argv: ['attest', 'payments-api', '--until', '2027-01-01', '--by', 'a@contoso.com'],
    error: 'NoBaselineError',
    env: 'storage',
    code: 2,
    stderr: /no baseline has been applied yet[^(]*$/,
  },
  {
    command: 'baseline show',
    argv: ['baseline', 'show'],
    error: 'NoBaselineError',
    env: 'storage',
    code: 2,
    stderr: /no baseline has been applied yet[^(]*$/,
  },
  // BaselineValidationError: the file is not a valid baseline
  {
    command: 'baseline validate',
    argv: ['baseline', 'validate', INVALID],
    error: 'BaselineValidationError',
    code: 1,
    stderr: /invalid\.yaml:\d+:\d+ .*the baseline is not valid/s,
  },
  {
    command: 'baseline plan',
    argv: ['baseline', 'plan', INVALID, '--no-findings'],
    error: 'BaselineValidationError',
    env: 'storage',
    code: 1,
    stderr: /the baseline is not valid/,
  },
  {
    command: 'baseline apply',
    argv: ['baseline', 'apply', INVALID],
    error: 'BaselineValidationError',
    env: 'storage',
    code: 1,
    stderr: /the baseline is not valid/,
  },
  {
    command: 'scan',
    argv: ['scan', '--fixture', CONTOSO, '--baseline', INVALID],
    error: 'BaselineValidationError',
    env: 'storage',
    code: 1,
    stderr: /the baseline is not valid/,
  },
  {
    command: 'dormancy',
    argv: ['dormancy', '--fixture', CONTOSO, '--baseline', INVALID],
    error: 'BaselineValidationError',
    env: 'storage',
    code: 1,
    stderr: /the baseline is not valid/,
  },
  {
    command: 'event',
    argv: ['event', EVENT, '--baseline', INVALID],
    error: 'BaselineValidationError',
    env: 'storage',
    code: 1,
    stderr: /the baseline is not valid/,
  },
  {
    command: 'notify',
    argv: ['notify', '--baseline', SAMPLE_BASELINE_PATH],
    error: 'UsageError (--baseline without --dry-run)',
    env: 'storage',
    code: 2,
    stderr: /--baseline is for trying a baseline out: use it with --dry-run/,
  },
  // BaselineConflictError: the stored baseline moved since the plan
  {
    command: 'baseline apply',
    argv: ['baseline', 'apply', SAMPLE_BASELINE_PATH, '--expect-sequence', '7', '--now', '2026-11-22'],
    error: 'BaselineConflictError',
    env: 'stored-baseline',
    code: 3,
    stderr: /conflict: the stored baseline changed since it was planned/,
  },
  // AttestationError
  {
    command: 'attest',
    argv: ['attest', 'no-such-identity', '--until', '2027-01-01', '--by', 'a@contoso.com'],
    error: 'AttestationError',
    env: 'stored-baseline',
    code: 2,
    stderr: /not an identity in the stored baseline/,
  },
  // IncompleteReadError: part of the tenant could not be read
  {
    command: 'inventory',
    argv: ['inventory', '--fixture', PARTIAL],
    error: 'IncompleteReadError',
    code: 4,
    stderr: /could not be read completely/,
  },
  {
    command: 'record',
    argv: ['record', '--fixture', PARTIAL, '--out', path.join(work, 'partial-recording')],
    error: 'IncompleteReadError',
    code: 4,
    stderr: /cannot record a partial read:\n {2}\/subscriptions\/33333333/,
  },
  {
    command: 'baseline export',
    argv: ['baseline', 'export', '--fixture', PARTIAL],
    error: 'IncompleteReadError',
    code: 4,
    stderr: /cannot export from a partial read: \/subscriptions\/33333333/,
  },
  // AuthenticationError: no usable credential on this machine (no az login, no managed identity):
  // every command that reads the configured tenant stops before reading, with what to do
  ...(
    [
      ['inventory', ['inventory']],
      ['scan', ['scan', '--baseline', SAMPLE_BASELINE_PATH]],
      ['dormancy', ['dormancy', '--baseline', SAMPLE_BASELINE_PATH]],
      ['sweep', ['sweep']],
      ['event', ['event', EVENT]],
      ['baseline export', ['baseline', 'export']],
      ['record', ['record', '--out', path.join(work, 'unsigned-recording')]],
    ] as const
  ).map(([command, argv]) => ({
    command,
    argv: [...argv],
    error: 'AuthenticationError (no usable credential)',
    env: 'storage' as Env,
    extraEnv: { WIMON_SUBSCRIPTIONS: '11111111-1111-4111-8111-111111111111' },
    code: 2,
    stderr: /could not sign in to Azure for https:\/\/management\.azure\.com\/\.default[^]*az login/,
  })),
  // Unclassified: an Azure or Table Storage call failed (here: nothing listens where storage should be)
  {
    command: 'findings',
    argv: ['findings'],
    error: 'unclassified (storage unreachable)',
    extraEnv: {
      WIMON_STORAGE_CONNECTION_STRING:
        'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;',
    },
    code: 6,
    stderr: /ECONNREFUSED|connect/,
  },
];

async function envFor(row: Row): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '',
    NO_COLOR: '1',
    WIMON_TABLE_PREFIX: testPrefix(),
  };
  if (row.env === 'storage' || row.env === 'stored-baseline')
    env.WIMON_STORAGE_CONNECTION_STRING = inject('azuriteConnectionString');
  if (row.env === 'stored-baseline') {
    const applied = await cli(['baseline', 'apply', SAMPLE_BASELINE_PATH, '--now', '2026-11-22'], env);
    expect(applied.code).toBe(0);
  }
  return { ...env, ...row.extraEnv };
}

async function cli(argv: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => void (stdout += `${t}\n`),
    err: (t) => void (stderr += `${t}\n`),
    env,
    cwd: work,
    isTty: false,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

describe('exit codes of every command, per error class', () => {
  it.each(ROWS.map((r) => [r.command, r.error, r] as const))('%s: %s', async (_c, _e, row) => {
    const started = Date.now();
    const result = await cli(row.argv, await envFor(row));
    // Issue 18: a sign-in failure is known within 15 s.
    if (row.error.startsWith('AuthenticationError')) expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.stderr).toMatch(row.stderr);
    expect(result.code).toBe(row.code);
  });

  it('wimon --help lists every exit code of shared/errors.ts EXIT; a closed pipe ends it quietly', async () => {
    const root = await cli(['--help'], { NO_COLOR: '1' });
    for (const code of Object.values(EXIT)) expect(root.stdout).toMatch(new RegExp(`\\n  ${code}  `));
    const piped = spawnSync('sh', ['-c', `node ${path.join(ROOT, 'bin', 'wimon.js')} --help | head -1`], {
      encoding: 'utf8',
    });
    expect(piped.stdout).toMatch(/^Usage: wimon/);
    expect(piped.stderr).not.toMatch(/EPIPE|Error/);
  });

  it('every command’s --help has examples, the settings it reads and its exit codes (command-help.ts)', async () => {
    const program = buildProgram({
      out: () => undefined,
      err: () => undefined,
      env: {},
      cwd: work,
      isTty: false,
    });
    const names = program.commands.flatMap((c) =>
      c.commands.length ? c.commands.map((s) => [c.name(), s.name()]) : [[c.name()]],
    );
    for (const argv of names) {
      const result = await cli([...argv, '--help'], {
        NO_COLOR: '1',
        NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '',
      });
      expect(result.code, argv.join(' ')).toBe(0);
      const help = COMMAND_HELP[argv.join(' ')]!;
      expect(result.stdout, argv.join(' ')).toMatch(/\nExamples:\n {2}\$ (wimon|npx wimon) /);
      for (const example of help.examples) expect(result.stdout).toContain(`  $ ${example}`);
      expect(result.stdout, argv.join(' ')).toContain('Settings it reads: ');
      expect(result.stdout, argv.join(' ')).toContain('Exit codes:');
      for (const code of help.exit)
        expect(result.stdout, argv.join(' ')).toMatch(new RegExp(`\\n  ${code}  `));
      // every code it can end with, and only those
      const listed = [
        ...result.stdout.slice(result.stdout.lastIndexOf('Exit codes:')).matchAll(/\n {2}(\d) {2}/g),
      ].map((m) => Number(m[1]));
      expect(listed).toEqual(help.exit);
    }
  });

  it('event and notify --dry-run take --baseline FILE like scan: no stored baseline needed to try them', async () => {
    const env = {
      WIMON_STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      WIMON_TABLE_PREFIX: testPrefix(),
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '',
      NO_COLOR: '1',
    };
    // A captured Key Vault event, moved to a subscription the sample tenant watches.
    const kv = path.join(mkdtempSync(path.join(os.tmpdir(), 'wimon-kv-')), 'event.json');
    writeFileSync(
      kv,
      JSON.stringify([
        keyVaultEvent({
          type: 'CertificateNearExpiry',
          vault: 'kv-pay-prod',
          object: 'tls',
          expires: SAMPLE_NOW,
        }),
      ]),
    );
    const event = await cli(['event', kv, '--baseline', SAMPLE_BASELINE_PATH, '--fixture', CONTOSO], env);
    expect(event.stderr).toBe('');
    expect(event.code).toBe(0);
    expect(event.stdout).toMatch(/: (opened|no change|stale|duplicate)/);
    const notify = await cli(
      [
        'notify',
        '--dry-run',
        '--fixture',
        CONTOSO,
        '--baseline',
        SAMPLE_BASELINE_PATH,
        '--now',
        '2026-11-22',
      ],
      env,
    );
    expect(notify.stderr).toBe('');
    expect(notify.code).toBe(0);
    expect(notify.stdout).toMatch(/^notices: /m);
  });

  it('the table covers every command of the program', () => {
    const program = buildProgram({
      out: () => undefined,
      err: () => undefined,
      env: {},
      cwd: work,
      isTty: false,
    });
    const names = program.commands.flatMap((c) =>
      c.commands.length ? c.commands.map((s) => `${c.name()} ${s.name()}`) : [c.name()],
    );
    expect(new Set(ROWS.map((r) => r.command))).toEqual(new Set(names));
  });
});
