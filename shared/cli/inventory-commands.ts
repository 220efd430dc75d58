/** `wimon inventory` and `wimon emulator`. */
import path from 'node:path';
import { IncompleteReadError, UsageError } from '../errors';
import type { Command } from 'commander';
import { fitTable } from '../report/terminal';
import { readInventory } from '../inventory/read-inventory';
import type { Inventory } from '../model/inventory';
import { startEmulator } from '../../emulator/server';
import { ensureEmulatorCertificate } from '../../emulator/certificate';
import { type CliIo, terminalStyle } from './io';
import { FIXTURE_HELP, throwIfUnauthorisedEverywhere, withCliServices } from './cli-services';
import { FAULTS_HELP, loadFaults } from '../../emulator/fault-spec';
import { withProgress } from './progress';

export function inventorySummary(inv: Inventory) {
  const count = (pred: (i: Inventory['identities'][number]) => boolean) => inv.identities.filter(pred).length;
  return {
    identities: inv.identities.length,
    applications: count((i) => i.kind === 'application'),
    managedIdentities: count((i) => i.kind === 'managedIdentity'),
    credentials: inv.identities.reduce((n, i) => n + i.credentials.length, 0),
    federatedCredentials: inv.identities.reduce((n, i) => n + i.federatedCredentials.length, 0),
    appRoleGrants: inv.identities.reduce((n, i) => n + i.appRoleGrants.length, 0),
    roleAssignments: inv.roleAssignments.length,
  };
}

export function registerInventoryCommands(program: Command, io: CliIo): void {
  program
    .command('inventory')
    .description(
      'read the live tenant (role assignments, identities, credentials, federated credentials, app roles) and print what was read, with completeness per scope',
    )
    .option('--fixture <dir>', FIXTURE_HELP)
    .option('--faults <spec>', FAULTS_HELP)
    .option('--json', 'print the whole inventory as JSON')
    .action(async (opts: { fixture?: string; faults?: string; json?: boolean }) => {
      await withCliServices(
        io,
        { fixture: opts.fixture, faults: opts.faults, readsTenant: true },
        async (services) => {
          const tenant = services.tenant();
          const inv = await withProgress(io, tenant.clients.counter, 'Reading the tenant', () =>
            readInventory(tenant.clients, tenant.scope, new Date()),
          );
          if (opts.json) {
            io.out(JSON.stringify({ summary: inventorySummary(inv), ...inv }, null, 2));
          } else {
            const s = inventorySummary(inv);
            io.out(
              `Read ${s.identities} workload identities (${s.applications} applications, ${s.managedIdentities} managed identities), ` +
                `${s.roleAssignments} role assignments, ${s.credentials} secrets/certificates, ${s.federatedCredentials} federated credentials, ` +
                `${s.appRoleGrants} application permissions in ${inv.requests.total} requests.`,
            );
            io.out(
              fitTable(
                ['scope', 'complete', 'error'],
                inv.scopes.map((sc) => [sc.scope, sc.complete ? 'yes' : 'NO', sc.error ?? '']),
                terminalStyle(io),
              ),
            );
          }
          throwIfUnauthorisedEverywhere(inv.scopes);
          if (inv.scopes.some((sc) => !sc.complete))
            throw new IncompleteReadError('some scopes could not be read completely (see above)');
        },
      );
    });

  program
    .command('emulator')
    .description(
      'serve a tenant fixture folder over HTTPS as local ARM and Microsoft Graph endpoints (for trying the monitor without Azure)',
    )
    .requiredOption('--fixture <dir>', 'fixture folder (see docs/emulator.md)')
    .option('--faults <spec>', FAULTS_HELP)
    .option(
      '--port <n>',
      'fixed ports: ARM on N, Microsoft Graph N+1, Log Analytics N+2, Event Grid N+3, Communication Services email N+4, Teams webhook N+5 (default: free ports)',
    )
    .action(async (opts: { fixture: string; faults?: string; port?: string }) => {
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65_530))
        throw new UsageError(`--port must be a port number between 1 and 65530, got '${opts.port}'`);
      const emulator = await startEmulator({
        fixture: path.resolve(io.cwd, opts.fixture),
        faults: opts.faults === undefined ? [] : loadFaults(opts.faults, io.cwd),
        ...(port
          ? {
              ports: {
                arm: port,
                graph: port + 1,
                logs: port + 2,
                eventgrid: port + 3,
                email: port + 4,
                workflows: port + 5,
              },
            }
          : {}),
      });
      const { certPath } = ensureEmulatorCertificate();
      const m = emulator.fixture.manifest;
      io.out(
        [
          `Emulating ${opts.fixture} (recorded ${m.recordedAt}). Point the monitor at it with:`,
          `  export NODE_EXTRA_CA_CERTS=${certPath}`,
          `  export WIMON_ARM_ENDPOINT=${emulator.endpoints.arm}`,
          `  export WIMON_GRAPH_ENDPOINT=${emulator.endpoints.graph}`,
          `  export WIMON_TEAMS_WEBHOOK_URL='${emulator.endpoints.teamsWebhook}'`,
          `  export WIMON_SUBSCRIPTIONS=${m.subscriptions.join(',')}`,
          m.managementGroups.length ? `  export WIMON_MANAGEMENT_GROUPS=${m.managementGroups.join(',')}` : '',
          'Any bearer token is accepted (az login is not needed against the emulator). Ctrl+C stops it.',
        ]
          .filter(Boolean)
          .join('\n'),
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await emulator.stop();
    });
}
