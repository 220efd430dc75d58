/**
 * `wimon demo`: the main job on the embedded default. In-memory Azurite + the emulator serving
 * examples/contoso, apply the sample baseline, one reconcile and one dormancy check, reports
 * written to --out.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { openCliServices } from './cli-services';
import { FAULTS_HELP } from '../../emulator/fault-spec';
import type { FixtureTenant } from './fixture-tenant';
import { reconcile } from '../app/reconcile';
import { checkDormancy } from '../app/dormancy';
import { FindingStore } from '../findings/store';
import { describeNotify, notify } from '../app/notify';
import { emulatorCredential } from '../azure/clients';
import { communicationServicesTransport } from '../notify/email-transport';
import { writeNotices } from './notify-commands';
import { BaselineStore } from '../baseline/store';
import { findingsJson, renderFindingsTable } from '../report/findings-report';
import { holdingsFrom, ownersByIdentity, renderDashboard } from '../report/dashboard';
import { RunStore } from '../findings/runs';
import { readBaselineFile } from './baseline-file';
import type { CliIo } from './io';
import { terminalStyle } from './io';
import { ConfigurationError } from '../errors';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');

export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description(
      'run the monitor end to end on the sample tenant (local emulator + in-memory Table Storage, no Azure needed) and write the reports',
    )
    .option('--out <dir>', 'folder for the reports', 'out')
    .option('--fixture <dir>', 'tenant fixture to use', path.join(PROJECT_ROOT, 'examples', 'contoso'))
    .option(
      '--baseline <file>',
      'baseline to apply',
      path.join(PROJECT_ROOT, 'examples', 'contoso', 'baseline.yaml'),
    )
    .option('--faults <spec>', FAULTS_HELP)
    .option(
      '--keep-tables',
      'store in the configured Table Storage (WIMON_STORAGE_CONNECTION_STRING or WIMON_TABLE_ENDPOINT, prefix WIMON_TABLE_PREFIX) instead of an in-memory one, to inspect what the demo stored',
    )
    .action(
      async (opts: {
        out: string;
        fixture: string;
        faults?: string;
        baseline: string;
        keepTables?: boolean;
      }) => {
        const started = Date.now();
        if (opts.keepTables && !io.env.WIMON_STORAGE_CONNECTION_STRING && !io.env.WIMON_TABLE_ENDPOINT)
          throw new ConfigurationError(
            "--keep-tables stores in the configured Table Storage, and none is configured: set WIMON_STORAGE_CONNECTION_STRING (e.g. Azurite's) or WIMON_TABLE_ENDPOINT",
          );
        const outDir = path.resolve(io.cwd, opts.out);
        io.out('Starting in-memory Table Storage (Azurite) and the local Azure emulator…');
        const services = await openCliServices(io, {
          fixture: opts.fixture,
          faults: opts.faults,
          storage: opts.keepTables ? true : 'in-memory',
          ephemeralPrefix: 'demo',
        });
        try {
          const tables = services.tables;
          const tenant = services.fixtureTenant as FixtureTenant;
          const evaluateAt = tenant.recordedAt ?? new Date();
          const baseline = readBaselineFile(
            path.relative(io.cwd, path.resolve(io.cwd, opts.baseline)) || opts.baseline,
            io,
            evaluateAt,
          );
          const applied = await new BaselineStore(tables).apply(baseline, {
            actor: 'wimon demo',
            now: new Date(),
            summary: 'demo',
          });
          io.out(
            `Applied ${path.relative(io.cwd, opts.baseline)} (${baseline.identities.length} identities, sequence ${applied.sequence}).`,
          );
          const result = await reconcile({ tables, tenant, evaluateAt });
          io.out(
            `Reconciled the sample tenant as of ${result.run.evaluatedAt} (its recording time) in ${result.run.requests.total} API requests.`,
          );
          const dormancy = await checkDormancy({ tables, tenant, evaluateAt });
          io.out(
            `Checked ${dormancy.run.dormancy.checked} identities against ${dormancy.run.dormancy.windowDays} days of sign-in logs: ${dormancy.findings.length} open from the sign-in logs (dormant, never signed in, unused credentials).\n`,
          );
          // Notices through the emulator's Communication Services endpoint; the demo lifts the
          // Azure-managed domain's 5/minute limit so every notice goes out in this one run.
          const notices = await notify({
            tables,
            now: evaluateAt,
            digests: true,
            coalesceMinutes: 0,
            portal: 'https://portal.azure.com',
            directory: tenant.clients,
            // Links for a local Functions host (`func start`), signed with WIMON_ATTESTATION_KEY when
            // set (as `func start` would), else a fresh key each demo; the key is never stored.
            links: {
              baseUrl: 'http://localhost:7071/api/attest',
              key: io.env.WIMON_ATTESTATION_KEY || randomBytes(32).toString('base64url'),
            },
            email: {
              transport: communicationServicesTransport(
                tenant.emulator.endpoints.email,
                emulatorCredential,
                'DoNotReply@contoso-demo.azurecomm.net',
                { pollIntervalMs: 10 },
              ),
              perMinute: 1000,
              perHour: 1000,
            },
          });
          const emailsDir = path.join(outDir, 'emails');
          writeNotices(
            emailsDir,
            tenant.emulator.receivedEmails.map((e) => ({
              ...e,
              kind: notices.sent.find((n) => n.id === e.operationId)?.kind ?? 'email',
              recipient: e.to.join(','),
            })),
          );
          io.out(
            `Sent ${notices.sent.length} emails (${describeNotify(notices).replace(/^notices: /, '')}); each is in ${emailsDir} as .html and .txt.\n`,
          );
          const findings = await new FindingStore(tables).current();
          io.out(renderFindingsTable(findings, terminalStyle(io)));
          mkdirSync(outDir, { recursive: true });
          writeFileSync(path.join(outDir, 'findings.json'), findingsJson(result.run, findings));
          writeFileSync(
            path.join(outDir, 'findings.html'),
            renderDashboard({
              run: result.run,
              runs: await new RunStore(tables).latest('reconcile', 30),
              findings,
              holdings: holdingsFrom(result.inventory),
              owners: ownersByIdentity(baseline.identities, findings),
            }),
          );
          const open = findings.filter((f) => f.state === 'open').length;
          const exempted = findings.length - open;
          io.out(
            `\n${open} open findings, ${exempted} exempted. Reports: ${path.join(outDir, 'findings.html')} and findings.json ` +
              `(done in ${((Date.now() - started) / 1000).toFixed(1)} s; nothing left running).`,
          );
        } finally {
          await services.close();
        }
      },
    );
}
