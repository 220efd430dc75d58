/**
 * Per command: examples, the settings it reads and the exit codes it can end with. One source for
 * `--help` (added to every command by main.ts) and the command reference in docs/cli.md (`npm run
 * docs`; a test keeps it equal). A command without an entry fails the build of the program.
 */
import type { Command } from 'commander';
import { EXIT } from '../errors';
import { wrapText } from '../report/terminal';

export interface CommandHelp {
  examples: string[];
  settings: string[];
  exit: number[];
}

/** The settings every command that reaches Table Storage reads. */
const STORAGE = ['WIMON_STORAGE_CONNECTION_STRING or WIMON_TABLE_ENDPOINT', 'WIMON_TABLE_PREFIX'];
/** …and every command that reads the tenant (unless --fixture replays a recorded one). */
const TENANT = [
  'WIMON_SUBSCRIPTIONS',
  'WIMON_MANAGEMENT_GROUPS',
  'WIMON_ARM_ENDPOINT',
  'WIMON_GRAPH_ENDPOINT',
  'WIMON_AUTHORITY_HOST',
  'AZURE_CLIENT_ID',
];

export const COMMAND_HELP: Record<string, CommandHelp> = {
  'baseline validate': {
    examples: ['wimon baseline validate baseline.yaml'],
    settings: [],
    exit: [EXIT.ok, EXIT.problems, EXIT.usage],
  },
  'baseline plan': {
    examples: ['wimon baseline plan baseline.yaml', 'wimon baseline plan baseline.yaml --json > plan.json'],
    settings: STORAGE,
    exit: [EXIT.ok, EXIT.problems, EXIT.usage, EXIT.failed],
  },
  'baseline apply': {
    examples: [
      'wimon baseline apply baseline.yaml',
      'wimon baseline apply baseline.yaml --expect-sequence 7',
    ],
    settings: [...STORAGE, 'WIMON_ACTOR'],
    exit: [EXIT.ok, EXIT.problems, EXIT.usage, EXIT.conflict, EXIT.failed],
  },
  'baseline show': {
    examples: ['wimon baseline show', 'wimon baseline show > applied.yaml'],
    settings: STORAGE,
    exit: [EXIT.ok, EXIT.problems, EXIT.usage, EXIT.failed],
  },
  'baseline starter': {
    examples: ['wimon baseline starter > baseline.yaml'],
    settings: [],
    exit: [EXIT.ok, EXIT.usage],
  },
  'baseline export': {
    examples: ['wimon baseline export > baseline.yaml', 'wimon baseline export --fixture examples/contoso'],
    settings: TENANT,
    exit: [EXIT.ok, EXIT.usage, EXIT.incomplete, EXIT.failed],
  },
  'baseline history': {
    examples: ['wimon baseline history'],
    settings: STORAGE,
    exit: [EXIT.ok, EXIT.usage, EXIT.failed],
  },
  demo: {
    examples: ['npx wimon demo', 'npx wimon demo --out /tmp/wimon-demo'],
    settings: ['WIMON_ATTESTATION_KEY (optional: signs the demo links)'],
    exit: [EXIT.ok, EXIT.usage],
  },
  scan: {
    examples: [
      'wimon scan',
      'wimon scan --fixture examples/contoso',
      'wimon scan --fail-on high --json > findings.json',
      'wimon scan --html findings.html',
    ],
    settings: [
      ...STORAGE,
      ...TENANT,
      'WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS',
      'WIMON_RESOLVED_RETENTION_DAYS',
    ],
    exit: [EXIT.ok, EXIT.problems, EXIT.usage, EXIT.incomplete, EXIT.findings, EXIT.failed],
  },
  findings: {
    examples: ['wimon findings', 'wimon findings --state exempted', 'wimon findings --json'],
    settings: STORAGE,
    exit: [EXIT.ok, EXIT.usage, EXIT.failed],
  },
  report: {
    examples: ['wimon report', 'wimon report --out /tmp/findings.html'],
    settings: [...STORAGE, 'WIMON_PORTAL_ENDPOINT'],
    exit: [EXIT.ok, EXIT.usage, EXIT.failed],
  },
  runs: {
    examples: ['wimon runs', 'wimon runs --kind dormancy --limit 5'],
    settings: STORAGE,
    exit: [EXIT.ok, EXIT.usage, EXIT.failed],
  },
  dormancy: {
    examples: ['wimon dormancy', 'wimon dormancy --fixture examples/contoso'],
    settings: [...STORAGE, ...TENANT, 'WIMON_LOG_ANALYTICS_WORKSPACE_ID', 'WIMON_LOGS_ENDPOINT'],
    exit: [EXIT.ok, EXIT.problems, EXIT.usage, EXIT.incomplete, EXIT.findings, EXIT.failed],
  },
  event: {
    examples: [
      'wimon event examples/events/role-assignment-write.json --fixture examples/contoso',
      'wimon event events.json',
    ],
    settings: [...STORAGE, ...TENANT, 'WIMON_VAULT_DNS_SUFFIX'],
    exit: [EXIT.ok, EXIT.problems, EXIT.usage, EXIT.incomplete, EXIT.failed],
  },
  sweep: {
    examples: ['wimon sweep', 'wimon sweep --fixture examples/contoso'],
    settings: [...STORAGE, ...TENANT],
    exit: [EXIT.ok, EXIT.problems, EXIT.usage, EXIT.incomplete, EXIT.failed],
  },
  record: {
    examples: ['wimon record --out fixtures/my-tenant', 'wimon record --out fixtures/my-tenant --redact'],
    settings: [...TENANT, 'WIMON_LOG_ANALYTICS_WORKSPACE_ID'],
    exit: [EXIT.ok, EXIT.usage, EXIT.incomplete, EXIT.failed],
  },
  notify: {
    examples: ['wimon notify --dry-run --out previews', 'wimon notify', 'wimon notify --no-digests'],
    settings: [
      ...STORAGE,
      'WIMON_EMAIL_ENDPOINT',
      'WIMON_EMAIL_SENDER',
      'WIMON_EMAIL_PER_MINUTE',
      'WIMON_EMAIL_PER_HOUR',
      'WIMON_ALERT_COALESCE_MINUTES',
      'WIMON_PORTAL_ENDPOINT',
      'WIMON_ATTESTATION_KEY',
      'WIMON_ATTESTATION_URL',
      'WIMON_TEAMS_WEBHOOK_URL',
    ],
    // 4: the owners' Entra accounts could not be checked (notices went to the owners as declared)
    exit: [EXIT.ok, EXIT.problems, EXIT.usage, EXIT.incomplete, EXIT.failed],
  },
  attest: {
    examples: ['wimon attest hr-sync --until 2027-03-01 --by judy@contoso.com --reason "quarterly review"'],
    settings: [...STORAGE, 'WIMON_ACTOR'],
    exit: [EXIT.ok, EXIT.problems, EXIT.usage, EXIT.failed],
  },
  notices: {
    examples: ['wimon notices', 'wimon notices --state failed'],
    settings: STORAGE,
    exit: [EXIT.ok, EXIT.usage, EXIT.failed],
  },
  inventory: {
    examples: ['wimon inventory', 'wimon inventory --fixture examples/contoso --json'],
    settings: TENANT,
    exit: [EXIT.ok, EXIT.usage, EXIT.incomplete, EXIT.failed],
  },
  emulator: {
    examples: ['wimon emulator --fixture examples/contoso --port 8443'],
    settings: [],
    exit: [EXIT.ok, EXIT.usage],
  },
};

/** What each exit code means (shared/errors.ts EXIT). */
export const EXIT_MEANING: Record<number, string> = {
  [EXIT.ok]: 'done; nothing the command checks for was found',
  [EXIT.problems]: 'problems found (an invalid baseline, a corrupt stored one)',
  [EXIT.usage]: 'usage, configuration or sign-in error (a flag, file or setting; no baseline applied yet)',
  [EXIT.conflict]: 'conflict: the stored baseline changed since the plan',
  [EXIT.incomplete]:
    'incomplete read: part of the tenant, or an object in it, could not be read (one line per gap); nothing there was resolved',
  [EXIT.findings]: 'open findings at or above --fail-on',
  [EXIT.failed]: 'an Azure or Table Storage call failed in another way',
};

export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export function helpText(help: CommandHelp): string {
  return [
    '',
    'Examples:',
    ...help.examples.map((e) => `  $ ${e}`),
    '',
    ...wrapText(`Settings it reads: ${help.settings.length ? help.settings.join(', ') : 'none'}`, 78),
    '',
    'Exit codes:',
    ...help.exit.map((code) => `  ${code}  ${EXIT_MEANING[code]}`),
  ].join('\n');
}

/** Every leaf command, depth first, in the order --help lists them. */
export function leafCommands(program: Command): Command[] {
  return program.commands.flatMap((c) => (c.commands.length ? leafCommands(c) : [c]));
}

/** Adds examples, settings and exit codes to every command's help; refuses a command without them. */
export function addCommandHelp(program: Command): void {
  for (const command of leafCommands(program)) {
    const help = COMMAND_HELP[commandPath(command)];
    if (!help) throw new Error(`wimon ${commandPath(command)} has no entry in shared/cli/command-help.ts`);
    command.addHelpText('after', helpText(help));
  }
}

/** The command reference of docs/cli.md (between its markers), from the program itself. */
export function commandReference(program: Command): string {
  return leafCommands(program)
    .map((command) => {
      const name = commandPath(command);
      const help = COMMAND_HELP[name]!;
      return [
        `### \`wimon ${name} ${command.usage()}\``,
        '',
        command.description(),
        '',
        '```sh',
        ...help.examples,
        '```',
        '',
        `Settings: ${help.settings.length ? help.settings.map((s) => s.replace(/^(\w+)/, '`$1`')).join(', ') : 'none'}.`,
        `Exit codes: ${help.exit.join(', ')}.`,
      ].join('\n');
    })
    .join('\n\n');
}

export const REFERENCE_START = '<!-- command reference: generated from shared/cli (npm run docs) -->';
export const REFERENCE_END = '<!-- end of command reference -->';

export function withCommandReference(readme: string, program: Command): string {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start < 0 || end < start) throw new Error('docs/cli.md has no command reference markers');
  return `${readme.slice(0, start + REFERENCE_START.length)}\n\n${commandReference(program)}\n\n${readme.slice(end)}`;
}
