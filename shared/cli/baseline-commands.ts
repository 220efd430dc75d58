/** `wimon baseline validate|plan|apply|show|history`. */
import { writeFileSync } from 'node:fs';
import { UsageError, ConfigurationError, IncompleteReadError } from '../errors';
import path from 'node:path';
import type { Command } from 'commander';
import { NoBaselineError } from '../app/run-support';
import { diffBaselines, renderDiff, summarizeDiff } from '../baseline/diff';
import { baselineToYaml } from '../baseline/serialize';
import type { Baseline } from '../baseline/schema';
import { actorFrom, openStore, readBaselineFile } from './baseline-file';
import { loadSettings } from '../config/settings';
import { tenantConfigured, type TenantConnection } from '../app/tenant';
import type { Inventory } from '../model/inventory';
import { type CliIo } from './io';
import { parseNow } from './options';
import { FIXTURE_HELP, withCliServices } from './cli-services';
import { FAULTS_HELP } from '../../emulator/fault-spec';
import { evaluate } from '../rules/evaluate';
import { findingKey, type FindingCandidate } from '../model/finding';
import { readInventory } from '../inventory/read-inventory';
import { starterBaselineYaml } from '../baseline/starter';
import { draftBaselineYaml } from '../baseline/export';
import { withProgress } from './progress';

export function registerBaselineCommands(program: Command, io: CliIo): void {
  const baseline = program
    .command('baseline')
    .description('validate, plan, apply and show the declared baseline (YAML)');

  baseline
    .command('validate')
    .description('check a baseline file; prints file:line:col for every problem and exits 1 if there is one')
    .argument('<file>', 'baseline YAML file')
    .option('--now <date>', 'validate as of this date (exemption lengths are measured from it)')
    .action((file: string, opts: { now?: string }) => {
      const b = readBaselineFile(file, io, parseNow(opts.now));
      io.out(
        `${file}: valid (${b.identities.length} identities, ${b.exemptions.length} exemptions, ${b.keyVaultSecrets.length} Key Vault routes)`,
      );
    });

  baseline
    .command('plan')
    .description(
      'show what applying the file would change in the stored baseline, field by field, and which findings it would raise or clear against the live tenant',
    )
    .argument('<file>', 'baseline YAML file')
    .option('--fixture <dir>', FIXTURE_HELP)
    .option('--faults <spec>', FAULTS_HELP)
    .option('--no-findings', 'do not read the tenant; show only the baseline diff')
    .option('--now <date>', 'validate and evaluate as of this date')
    .option('--json', 'print the plan as JSON')
    .action(
      async (
        file: string,
        opts: { fixture?: string; faults?: string; findings: boolean; now?: string; json?: boolean },
      ) => {
        const proposed = readBaselineFile(file, io, parseNow(opts.now));
        const stored = await openStore(io).current();
        const diff = diffBaselines(stored?.baseline, proposed);
        const effect = opts.findings ? await findingsEffect(opts, io, stored?.baseline, proposed) : undefined;
        if (opts.json) {
          io.out(
            JSON.stringify(
              {
                storedSequence: stored?.sequence ?? 0,
                storedHash: stored?.contentHash ?? null,
                diff,
                findings: effect ?? null,
              },
              null,
              2,
            ),
          );
          return;
        }
        io.out(
          stored
            ? `Stored baseline: sequence ${stored.sequence}, applied by ${stored.appliedBy} at ${stored.appliedAt}`
            : 'Stored baseline: none yet (everything below is new)',
        );
        io.out(renderDiff(diff));
        if (effect) {
          io.out(
            `\nAgainst the live tenant (as of ${effect.evaluatedAt}${effect.complete ? '' : ', PARTIAL read'}):`,
          );
          io.out(
            `  would raise ${effect.raise.length}, clear ${effect.clear.length}, keep ${effect.keep} finding(s)`,
          );
          for (const f of effect.raise) io.out(`  + ${f}`);
          for (const f of effect.clear) io.out(`  - ${f}`);
        } else if (opts.findings) {
          io.out(
            '\n(No tenant configured: set WIMON_SUBSCRIPTIONS or pass --fixture to see which findings this change raises or clears.)',
          );
        }
        io.out(
          `\nTo apply exactly this plan: wimon baseline apply ${file} --expect-sequence ${stored?.sequence ?? 0}`,
        );
        if (effect && !effect.complete)
          throw new IncompleteReadError(
            'the tenant was read only partly: the findings this change raises or clears above may be incomplete',
          );
      },
    );

  baseline
    .command('apply')
    .description('store the file as the baseline in force: all-or-nothing, with an audit record')
    .argument('<file>', 'baseline YAML file')
    .option('--now <date>', 'validate as of this date')
    .option('--actor <who>', 'who is applying, for the audit record (default: WIMON_ACTOR or user@host)')
    .option(
      '--expect-sequence <n>',
      'refuse if the stored baseline is no longer at this sequence (as shown by plan)',
    )
    .action(async (file: string, opts: { now?: string; actor?: string; expectSequence?: string }) => {
      const now = parseNow(opts.now);
      const proposed = readBaselineFile(file, io, now);
      const store = openStore(io);
      const stored = await store.current();
      const diff = diffBaselines(stored?.baseline, proposed);
      const expected = opts.expectSequence === undefined ? undefined : Number(opts.expectSequence);
      if (expected !== undefined && !Number.isInteger(expected))
        throw new UsageError('--expect-sequence must be a whole number');
      const applied = await store.apply(proposed, {
        actor: actorFrom(io, opts.actor),
        now: new Date(),
        summary: summarizeDiff(diff),
        expectedSequence: expected ?? stored?.sequence ?? 0,
      });
      io.out(
        `Applied ${file} as sequence ${applied.sequence} (${summarizeDiff(diff)}); content ${applied.contentHash.slice(0, 12)}` +
          (applied.pruned
            ? `; removed ${applied.pruned} incomplete version${applied.pruned === 1 ? '' : 's'} left by interrupted applies`
            : ''),
      );
    });

  baseline
    .command('show')
    .description('print the stored baseline as YAML (round-trips through validate and apply)')
    .action(async () => {
      const stored = await openStore(io).current();
      if (!stored) throw new NoBaselineError('');
      io.out(
        `# sequence ${stored.sequence}, applied by ${stored.appliedBy} at ${stored.appliedAt}, content ${stored.contentHash}`,
      );
      io.out(baselineToYaml(stored.baseline));
    });

  baseline
    .command('starter')
    .description(
      "write a starter baseline holding the monitor's own identity with exactly the rights infra/ grants it (reads the azd outputs from the environment; run by infra/hooks/postdeploy.mjs)",
    )
    .option('--out <file>', 'write it here instead of printing it')
    .action((opts: { out?: string }) => {
      let yaml: string;
      try {
        yaml = starterBaselineYaml(io.env, new Date());
      } catch (error) {
        throw new ConfigurationError(
          `cannot write the starter baseline: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (opts.out) {
        writeFileSync(path.resolve(io.cwd, opts.out), yaml);
        io.out(`Wrote ${opts.out}.`);
      } else io.out(yaml);
    });

  baseline
    .command('export')
    .description(
      'draft a baseline from the live tenant (current roles, federated credentials, credential types, app roles, Entra owners); TODO comments mark what to fill in',
    )
    .option('--fixture <dir>', FIXTURE_HELP)
    .option('--faults <spec>', FAULTS_HELP)
    .option('--out <file>', 'write the draft here instead of printing it')
    .action(async (opts: { fixture?: string; faults?: string; out?: string }) => {
      await withLiveInventory(io, opts, async ({ tenant, now, inventory }) => {
        const incomplete = inventory.scopes.filter((s) => !s.complete);
        if (incomplete.length) {
          throw new IncompleteReadError(
            `cannot export from a partial read: ${incomplete.map((s) => `${s.scope} (${s.error})`).join('; ')}`,
          );
        }
        const scopes = [
          ...tenant.scope.subscriptions.map((s) => `/subscriptions/${s}`),
          ...tenant.scope.managementGroups.map(
            (m) => `/providers/Microsoft.Management/managementGroups/${m}`,
          ),
        ];
        const yaml = draftBaselineYaml(inventory, now, scopes);
        if (opts.out) {
          writeFileSync(path.resolve(io.cwd, opts.out), yaml);
          io.out(
            `Wrote a draft baseline with ${inventory.identities.length} identities to ${opts.out}. Next: fill in the TODOs, then \`wimon baseline validate ${opts.out}\`.`,
          );
        } else io.out(yaml);
      });
    });

  baseline
    .command('history')
    .description('list the audit records of past applies, newest first')
    .option('--limit <n>', 'how many records', '20')
    .option('--json', 'print as JSON')
    .action(async (opts: { limit: string; json?: boolean }) => {
      const records = await openStore(io).history(Number(opts.limit) || 20);
      if (opts.json) {
        io.out(JSON.stringify(records, null, 2));
        return;
      }
      if (!records.length) io.out('No baseline has been applied yet.');
      for (const r of records)
        io.out(`#${r.sequence}  ${r.appliedAt}  ${r.appliedBy}  ${r.contentHash.slice(0, 12)}  ${r.summary}`);
    });
}

/** Which findings the proposed baseline raises or clears compared with the stored one, against the live tenant. */
async function findingsEffect(
  opts: { fixture?: string; faults?: string },
  io: CliIo,
  stored: Baseline | undefined,
  proposed: Baseline,
) {
  if (!opts.fixture && !tenantConfigured(loadSettings(io.env))) return undefined;
  return withLiveInventory(io, opts, async ({ now, inventory }) => {
    const describe = (c: FindingCandidate) =>
      `${c.ruleId} ${c.identity.name ?? c.identity.displayName ?? c.identity.objectId} ${c.target}${c.exemption ? ' (exempted)' : ''}`;
    const before = new Map(
      (stored ? evaluate(stored, inventory, now) : []).map((c) => [
        findingKey(c.ruleId, c.identity.objectId, c.target) + (c.exemption ? 'x' : ''),
        c,
      ]),
    );
    const after = new Map(
      evaluate(proposed, inventory, now).map((c) => [
        findingKey(c.ruleId, c.identity.objectId, c.target) + (c.exemption ? 'x' : ''),
        c,
      ]),
    );
    return {
      evaluatedAt: now.toISOString(),
      complete: inventory.scopes.every((s) => s.complete),
      raise: [...after]
        .filter(([k]) => !before.has(k))
        .map(([, c]) => describe(c))
        .sort(),
      clear: [...before]
        .filter(([k]) => !after.has(k))
        .map(([, c]) => describe(c))
        .sort(),
      keep: [...after.keys()].filter((k) => before.has(k)).length,
    };
  });
}

/** Reads the tenant (`--fixture`, or the configured one) as of its recording or now, for `work`. */
function withLiveInventory<T>(
  io: CliIo,
  opts: { fixture?: string; faults?: string },
  work: (live: { tenant: TenantConnection; now: Date; inventory: Inventory }) => Promise<T>,
): Promise<T> {
  return withCliServices(
    io,
    { fixture: opts.fixture, faults: opts.faults, readsTenant: true },
    async (services) => {
      const tenant = services.tenant();
      const now = tenant.recordedAt ?? new Date();
      const inventory = await withProgress(io, tenant.clients.counter, 'Reading the tenant', () =>
        readInventory(tenant.clients, tenant.scope, now),
      );
      return work({ tenant, now, inventory });
    },
  );
}
