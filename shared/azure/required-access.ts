/**
 * Every Azure permission the monitor's code needs, collected from the modules that declare them
 * (shared/azure/access.ts). infra/ tests and docs/permissions.md are derived from this list.
 */
import type { RequiredAccess } from './access';
import { ARM_ACCESS } from '../inventory/arm-reader';
import { GRAPH_ACCESS } from '../inventory/graph-reader';
import { SIGN_IN_ACCESS } from '../inventory/sign-in-reader';
import { RESOURCE_GRAPH_ACCESS } from '../inventory/resource-graph-reader';
import { MANAGEMENT_GROUP_ACCESS } from '../inventory/management-group-reader';
import { OWNER_ACCOUNTS_ACCESS } from '../notify/owner-accounts';
import { EMAIL_ACCESS } from '../notify/email-transport';
import { FINDING_EVENTS_ACCESS } from '../notify/finding-events';
import { TABLES_ACCESS } from '../storage/tables';
import { ATTESTATION_KEY_ACCESS } from '../attest/links';
import { TEAMS_WEBHOOK_ACCESS } from '../notify/teams-transport';

export const REQUIRED_ACCESS: readonly RequiredAccess[] = [
  ARM_ACCESS,
  MANAGEMENT_GROUP_ACCESS,
  GRAPH_ACCESS,
  OWNER_ACCOUNTS_ACCESS,
  SIGN_IN_ACCESS,
  RESOURCE_GRAPH_ACCESS,
  TABLES_ACCESS,
  EMAIL_ACCESS,
  ATTESTATION_KEY_ACCESS,
  TEAMS_WEBHOOK_ACCESS,
  FINDING_EVENTS_ACCESS,
];

/** The Microsoft Graph application permissions, by name → app role id. */
export function graphPermissions(): Record<string, string> {
  return Object.fromEntries(
    REQUIRED_ACCESS.flatMap((a) =>
      a.grant.kind === 'graphAppRole' ? [[a.grant.permission, a.grant.appRoleId]] : [],
    ),
  );
}

/** docs/permissions.md, generated (a test keeps the file equal to this). */
export function permissionsMarkdown(): string {
  const row = (a: RequiredAccess) => {
    const g = a.grant;
    const what =
      g.kind === 'graphAppRole'
        ? `Microsoft Graph application permission \`${g.permission}\``
        : g.kind === 'builtInRole'
          ? `built-in role **${g.role}** (\`${g.roleId}\`) on ${g.scope}`
          : `custom role with ${g.actions.map((x) => `\`${x}\``).join(', ')} on ${g.scope}`;
    const when =
      a.when === undefined
        ? 'always; infra/ grants it'
        : a.when === 'operator'
          ? 'only if you use it; you grant it'
          : `only with \`${a.when.slice('setting:'.length)}\` set; infra/ grants it then`;
    return `| ${what} | ${a.why} | \`${a.by}\` | ${when} |`;
  };
  return [
    '# Permissions the monitor needs',
    '',
    '<!-- Generated from the RequiredAccess declarations beside the code (shared/azure/required-access.ts); do not edit: run `npm run docs`. -->',
    '',
    'Each reader and writer declares the access it needs next to the code that uses it. infra/',
    'grants exactly these (its invariant tests compare the templates with this list), and nothing',
    'writes: every role below reads, except Table Storage (the monitor’s own data) and email.',
    '',
    '| access | what for | declared in | when |',
    '| --- | --- | --- | --- |',
    ...REQUIRED_ACCESS.map(row),
    '',
  ].join('\n');
}
