/**
 * `wimon record --out DIR`: records the tenant the monitor is configured for (or a fixture served
 * by the emulator) into the fixture layout, through the monitor's own readers, so a tenant can be
 * replayed with `--fixture DIR` (shared/cli/recording.ts says what is kept). Not yet recorded:
 * sign-in rows and the owners' user accounts (issue 20 leaves them open).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { FAULTS_HELP } from '../../emulator/fault-spec';
import type { Exchange } from '../azure/request-counter';
import { IncompleteReadError } from '../errors';
import { readInventory } from '../inventory/read-inventory';
import { FIXTURE_HELP, withCliServices } from './cli-services';
import type { CliIo } from './io';
import { fixtureFiles } from './recording';

export function registerRecordCommand(program: Command, io: CliIo): void {
  program
    .command('record')
    .description(
      'record the tenant (as the monitor reads it: every page, relation and role definition) into a fixture folder that --fixture replays',
    )
    .requiredOption('--out <dir>', 'the fixture folder to write (created; files in it are replaced)')
    .option('--fixture <dir>', FIXTURE_HELP)
    .option('--faults <spec>', FAULTS_HELP)
    .action(async (opts: { out: string; fixture?: string; faults?: string }) => {
      await withCliServices(
        io,
        { fixture: opts.fixture, faults: opts.faults, readsTenant: true },
        async (services) => {
          const tenant = services.tenant();
          const now = tenant.recordedAt ?? new Date();
          const exchanges: Exchange[] = [];
          tenant.clients.counter.recorder = (e) => {
            exchanges.push(e);
            if (exchanges.length % 500 === 0) io.err(`recorded ${exchanges.length} requests…`);
          };
          const inventory = await readInventory(tenant.clients, tenant.scope, now);
          tenant.clients.counter.recorder = undefined;
          const incomplete = inventory.scopes.filter((s) => !s.complete);
          if (incomplete.length)
            throw new IncompleteReadError(
              `cannot record a partial read:\n${incomplete.map((s) => `  ${s.scope} (${s.error ?? 'not read'})`).join('\n')}`,
            );
          const files = fixtureFiles(exchanges);
          const entities = (files.get('arm/providers/microsoft.management/getentities') as {
            value: Array<{ properties?: { tenantId?: string } }>;
          }) ?? { value: [] };
          files.set('fixture', {
            description: `Recorded by wimon record on ${new Date().toISOString().slice(0, 10)}`,
            recordedAt: now.toISOString(),
            tenantId: entities.value.find((e) => e.properties?.tenantId)?.properties?.tenantId ?? 'unknown',
            subscriptions: [...tenant.scope.subscriptions],
            managementGroups: [...tenant.scope.managementGroups],
            managedIdentityAttachments: tenant.scope.managedIdentityAttachments,
          });
          const out = path.resolve(io.cwd, opts.out);
          for (const [file, body] of files) {
            const target = path.join(out, `${file}.json`);
            mkdirSync(path.dirname(target), { recursive: true });
            writeFileSync(target, `${JSON.stringify(body, null, 2)}\n`);
          }
          io.out(
            `Recorded ${inventory.identities.length} identities and ${inventory.roleAssignments.length} role assignments from ${exchanges.length} requests into ${opts.out} (${files.size} files). Replay it with --fixture ${opts.out}.`,
          );
        },
      );
    });
}
