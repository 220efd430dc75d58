/** `wimon notify` (plan and send notices, as the notify timers do) and `wimon notices` (the outbox). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { UsageError, ConfigurationError, IncompleteReadError } from '../errors';
import path from 'node:path';
import type { Command } from 'commander';
import { describeNotify, notify } from '../app/notify';
import { attestFromCli } from '../app/attestation';
import { NoBaselineError } from '../app/run-support';
import { readBaselineFile } from './baseline-file';
import type { NoticeState } from '../notify/outbox';
import { Outbox } from '../notify/outbox';
import { loadSettings } from '../config/settings';
import { tenantConfigured } from '../app/tenant';
import { type CliIo } from './io';
import { parseNow } from './options';
import { withCliServices } from './cli-services';
import { FAULTS_HELP } from '../../emulator/fault-spec';

export function registerNotifyCommands(program: Command, io: CliIo): void {
  program
    .command('notify')
    .description(
      'plan the notices that are due (owner digests, security operations alerts and digest), store them in the outbox and send what the sending limits allow (needs WIMON_EMAIL_ENDPOINT and WIMON_EMAIL_SENDER unless --dry-run)',
    )
    .option('--dry-run', 'only show what would be sent; store nothing, send nothing')
    .option(
      '--baseline <file>',
      'with --dry-run: plan by this baseline file instead of the stored one (the stored one is not changed)',
    )
    .option('--no-digests', 'alerts only (what the every-minute timer does)')
    .option('--out <dir>', 'also write each planned notice as .html and .txt files here')
    .option('--now <date>', 'plan as of this date (default: now)')
    .option(
      '--fixture <dir>',
      "check the owners' Entra accounts (disabled or gone: their manager instead) in a recorded tenant through the local emulator; without it, in the configured tenant if any",
    )
    .option('--faults <spec>', FAULTS_HELP)
    .action(
      async (opts: {
        dryRun?: boolean;
        digests: boolean;
        out?: string;
        now?: string;
        fixture?: string;
        faults?: string;
        baseline?: string;
      }) => {
        if (opts.baseline && !opts.dryRun)
          throw new UsageError('--baseline is for trying a baseline out: use it with --dry-run');
        const baseline = opts.baseline
          ? { baseline: readBaselineFile(opts.baseline, io, parseNow(opts.now)), source: opts.baseline }
          : undefined;
        const settings = loadSettings(io.env);
        const configured = settings.WIMON_EMAIL_ENDPOINT && settings.WIMON_EMAIL_SENDER;
        if (!opts.dryRun && !configured)
          throw new ConfigurationError(
            'no email configured: set WIMON_EMAIL_ENDPOINT and WIMON_EMAIL_SENDER, or use --dry-run to see what would be sent',
          );
        await withCliServices(
          io,
          { fixture: opts.fixture, faults: opts.faults, storage: true, readsTenant: true },
          async (services) => {
            // Owner accounts (disabled or gone → their manager) are checked in Graph when a tenant
            // is configured; otherwise the last known state is used.
            const tenant = opts.fixture || tenantConfigured(settings) ? services.tenant() : undefined;
            const result = await notify({
              directory: tenant?.clients,
              tables: services.tables,
              now: parseNow(opts.now),
              digests: opts.digests,
              coalesceMinutes: settings.WIMON_ALERT_COALESCE_MINUTES,
              portal: settings.WIMON_PORTAL_ENDPOINT,
              dryRun: opts.dryRun,
              links: services.links,
              email: opts.dryRun ? undefined : services.email,
              teams: opts.dryRun ? undefined : services.teams,
              baseline,
            }).catch((error: unknown) => {
              throw error instanceof NoBaselineError
                ? new NoBaselineError(' (or pass --baseline FILE with --dry-run)')
                : error;
            });
            if (opts.out) writeNotices(path.resolve(io.cwd, opts.out), result.planned);
            for (const n of result.planned) io.out(`${n.kind.padEnd(13)} ${n.recipient}  ${n.subject}`);
            io.out(describeNotify(result));
            // The notices went out (to the owners as declared), but the run did not see what it
            // looked for: say so with the exit code too, like any other incomplete read.
            if (result.owners.error)
              throw new IncompleteReadError(
                `owner accounts could not be checked in Microsoft Entra: ${result.owners.error}`,
              );
          },
        );
      },
    );

  program
    .command('attest')
    .description(
      "record that an identity is still needed until a date (what an owner's digest link does): its review date moves there, at most policy.maxAttestationDays ahead",
    )
    .argument('<identity>', 'identity name in the baseline, or its object id')
    .requiredOption('--until <date>', 'still needed until this date (YYYY-MM-DD)')
    .requiredOption('--by <email>', 'who attests: an owner of the identity or a security contact')
    .option('--reason <text>', 'why, for the audit record')
    .action(async (identity: string, opts: { until: string; by: string; reason?: string }) => {
      await withCliServices(io, { storage: true }, async ({ tables }) => {
        const r = await attestFromCli({
          tables,
          identity,
          until: opts.until,
          by: opts.by,
          reason: opts.reason,
          now: new Date(),
        });
        io.out(
          `Recorded: ${identity} still needed until ${r.until} (by ${r.by}, ${r.at}). The next reconcile uses it for identity.review-overdue.`,
        );
      });
    });

  program
    .command('notices')
    .description('list the outbox: notices pending, being sent, sent or failed (with the last error)')
    .option('--state <state>', 'only pending, sending, sent or failed')
    .option('--json', 'print as JSON (without the bodies)')
    .action(async (opts: { state?: string; json?: boolean }) => {
      if (opts.state && !['pending', 'sending', 'sent', 'failed'].includes(opts.state))
        throw new UsageError('--state must be pending, sending, sent or failed');
      await withCliServices(io, { storage: true }, async ({ tables }) => {
        const notices = await new Outbox(tables).notices({
          state: opts.state as NoticeState | undefined,
        });
        const rows = notices.map(({ html: _h, text: _t, etag: _e, ...rest }) => rest);
        if (opts.json) io.out(JSON.stringify(rows, null, 2));
        else
          for (const n of rows)
            io.out(
              `${n.createdAt}  ${n.state.padEnd(7)}  ${n.kind.padEnd(13)}  ${n.recipient}  attempts ${n.attempts}${n.lastError ? `  last error: ${n.lastError}` : ''}`,
            );
      });
    });
}

/** Writes notices as files a person can open (the demo's emails, `notify --out`). */
export function writeNotices(
  dir: string,
  notices: ReadonlyArray<{ kind: string; recipient: string; subject: string; html: string; text: string }>,
): string[] {
  mkdirSync(dir, { recursive: true });
  return notices.map((n, i) => {
    const base = `${String(i + 1).padStart(2, '0')}-${n.kind}-${n.recipient.replace(/[^a-z0-9@.-]/gi, '_')}`;
    writeFileSync(path.join(dir, `${base}.html`), n.html);
    writeFileSync(path.join(dir, `${base}.txt`), `Subject: ${n.subject}\n\n${n.text}`);
    return base;
  });
}
