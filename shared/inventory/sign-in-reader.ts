/**
 * Reads the last successful sign-in of every service principal and managed identity from the
 * Log Analytics workspace that receives the Entra diagnostic logs: one query, both tables.
 * Needs Log Analytics Reader on that workspace (and nothing in Microsoft Graph).
 *
 * A partial result (HTTP 200 with a PartialError) or a failed query is reported as incomplete
 * with its reason and no rows are trusted: a missing row would otherwise look like dormancy. A
 * row that cannot be read makes its own service principal undetermined (see dormancy-rules.ts).
 */
import type { RequiredAccess } from '../azure/access';
import { LogsQueryResultStatus } from '@azure/monitor-query-logs';
import { z } from 'zod';
import type { AzureClients } from '../azure/clients';
import {
  SIGN_IN_TABLE_NAMES,
  type LastSignIn,
  type SignInActivity,
  type SignInTableName,
} from '../model/sign-in-activity';
import { describeApiError, describeIssues } from './errors';

/**
 * `ResultType` is a string column ("0" = success). `union` without `isfuzzy` fails when a table
 * is missing from the workspace (its diagnostic category not enabled) instead of silently
 * answering for the other table alone.
 */
export const SIGN_IN_QUERY = [
  `union withsource=SignInTable ${SIGN_IN_TABLE_NAMES.join(', ')}`,
  `| summarize LastSuccess = maxif(TimeGenerated, ResultType == "0"), FirstRecord = min(TimeGenerated) by ServicePrincipalId, SignInTable, ServicePrincipalCredentialKeyId`,
].join('\n');

const timestamp = z
  .union([z.date(), z.iso.datetime({ offset: true })])
  .transform((v) => new Date(v).toISOString());
const rowSchema = z.object({
  ServicePrincipalId: z.string(),
  SignInTable: z.enum(SIGN_IN_TABLE_NAMES),
  LastSuccess: timestamp.nullable(),
  FirstRecord: timestamp,
  /** Empty for federated and managed identity sign-ins. */
  ServicePrincipalCredentialKeyId: z.string().nullish(),
});

export type SignInRead =
  { complete: true; activity: SignInActivity; rows: number } | { complete: false; error: string };

export async function readSignInActivity(
  clients: AzureClients,
  workspaceId: string,
  range: { from: Date; to: Date },
): Promise<SignInRead> {
  let result;
  try {
    result = await clients
      .logs()
      .queryWorkspace(workspaceId, SIGN_IN_QUERY, { startTime: range.from, endTime: range.to });
  } catch (error) {
    return { complete: false, error: describeApiError(error) };
  }
  if (result.status === LogsQueryResultStatus.PartialFailure) {
    return {
      complete: false,
      error: `partial result from Log Analytics: ${describeApiError(result.partialError)}`,
    };
  }
  const table = result.tables[0];
  if (!table) return { complete: false, error: 'Log Analytics returned no result table' };
  const names = table.columnDescriptors.map((c) => c.name ?? '');
  const byObjectId = new Map<string, LastSignIn>();
  const byKeyId = new Map<string, string>();
  let coveredFrom: string | null = null;
  const unreadable = new Map<string, string>();
  for (const [i, raw] of table.rows.entries()) {
    const record = Object.fromEntries(names.map((n, k) => [n, raw[k]]));
    const parsed = rowSchema.safeParse(record);
    if (!parsed.success) {
      const problems = `sign-in row ${i}: ${describeIssues(parsed.error.issues, '(the row)')}`;
      // A row that still names its service principal blinds the run to that one identity; a row
      // that does not could be anyone's last sign-in, so nothing in the logs can be trusted.
      const id = record.ServicePrincipalId;
      if (typeof id !== 'string' || !id) return { complete: false, error: `unexpected ${problems}` };
      unreadable.set(id.toLowerCase(), problems);
      continue;
    }
    const row = parsed.data;
    if (coveredFrom === null || row.FirstRecord < coveredFrom) coveredFrom = row.FirstRecord;
    const keyId = row.ServicePrincipalCredentialKeyId?.toLowerCase();
    if (keyId && row.LastSuccess && (byKeyId.get(keyId) ?? '') < row.LastSuccess)
      byKeyId.set(keyId, row.LastSuccess);
    const id = row.ServicePrincipalId.toLowerCase();
    if (!id) continue;
    const previous = byObjectId.get(id);
    if (!previous || (row.LastSuccess && (!previous.lastSuccess || row.LastSuccess > previous.lastSuccess)))
      byObjectId.set(id, { lastSuccess: row.LastSuccess, table: row.SignInTable as SignInTableName });
  }
  return {
    complete: true,
    rows: table.rows.length,
    activity: {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      coveredFrom,
      byObjectId,
      byKeyId,
      ...(unreadable.size ? { unreadable } : {}),
    },
  };
}

export const SIGN_IN_ACCESS: RequiredAccess = {
  by: 'shared/inventory/sign-in-reader.ts',
  why: 'query the Entra sign-in logs of service principals and managed identities (dormancy, unused credentials)',
  grant: {
    kind: 'builtInRole',
    role: 'Log Analytics Reader',
    roleId: '73c42c96-874c-492b-b04d-ab87d138a893',
    scope: 'the workspace that receives the Entra sign-in logs',
  },
  when: 'setting:WIMON_LOG_ANALYTICS_WORKSPACE_ID',
};
