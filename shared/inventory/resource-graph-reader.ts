/**
 * Which Azure resources use each user-assigned managed identity, from one Azure Resource Graph
 * query over the monitored scope (paged by $skipToken, 1000 rows a page), for
 * identity.unattached-managed-identity.
 *
 * Resource Graph returns only the resources the caller may read, and says nothing about the
 * rest: a narrower read right would make used identities look unattached. So this read is off
 * unless the deployment grants Reader on the monitored scope (infra parameter
 * checkManagedIdentityAttachments), and the rule never runs without it.
 */
import type { RequiredAccess } from '../azure/access';
import { z } from 'zod';
import type { AzureClients } from '../azure/clients';
import type { ScopeCompleteness } from '../model/inventory';
import { describeApiError, describeIssues } from './errors';
import { RESOURCE_GRAPH_SCOPE } from '../rules/read-scope';

export { RESOURCE_GRAPH_SCOPE };

/**
 * Top-level `identity` blocks, plus AKS kubelet identities, which live in the cluster's
 * properties rather than its identity block.
 */
export const MANAGED_IDENTITY_USE_QUERY = [
  'Resources',
  '| where isnotempty(identity.userAssignedIdentities) or isnotempty(properties.identityProfile.kubeletidentity.resourceId)',
  '| project id, userAssignedIdentities = bag_keys(identity.userAssignedIdentities), kubeletIdentity = tostring(properties.identityProfile.kubeletidentity.resourceId)',
].join('\n');

const PAGE_SIZE = 1000;

const rowSchema = z.object({
  // Only shown ("used by …"): a row without one still says which identities are in use.
  id: z.string().nullish(),
  userAssignedIdentities: z.array(z.string()).nullish(),
  kubeletIdentity: z.string().nullish(),
});
const pageSchema = z.object({
  resultTruncated: z.enum(['true', 'false']),
  skipToken: z.string().optional(),
  data: z.array(z.unknown()),
});

export interface ManagedIdentityUse {
  completeness: ScopeCompleteness;
  /** Lower-cased user-assigned identity resource id → ids of the resources that use it. */
  usedBy: Map<string, string[]>;
}

export async function readManagedIdentityUse(
  clients: AzureClients,
  scope: { subscriptions: readonly string[]; managementGroups: readonly string[] },
): Promise<ManagedIdentityUse> {
  const usedBy = new Map<string, string[]>();
  const add = (identityId: string, resourceId: string): void => {
    const key = identityId.toLowerCase();
    const list = usedBy.get(key);
    if (list) list.push(resourceId);
    else usedBy.set(key, [resourceId]);
  };
  try {
    let skipToken: string | undefined;
    do {
      const page = pageSchema.parse(
        await clients.resourceGraph().resources({
          query: MANAGED_IDENTITY_USE_QUERY,
          ...(scope.subscriptions.length ? { subscriptions: [...scope.subscriptions] } : {}),
          ...(scope.managementGroups.length ? { managementGroups: [...scope.managementGroups] } : {}),
          options: { resultFormat: 'objectArray', top: PAGE_SIZE, ...(skipToken ? { skipToken } : {}) },
        }),
      );
      // Truncated without a token means rows were dropped that no further page will bring.
      if (page.resultTruncated === 'true' && !page.skipToken)
        throw new Error('Resource Graph truncated the result without a $skipToken');
      for (const [i, raw] of page.data.entries()) {
        // A row that cannot be read could use any identity: no identity may then be called unattached.
        const parsed = rowSchema.safeParse(raw);
        if (!parsed.success)
          throw new Error(
            `unexpected Resource Graph row ${i}: ${describeIssues(parsed.error.issues, '(the row)')}`,
          );
        const row = parsed.data;
        const resource = row.id ?? `(resource in row ${i}, no id)`;
        for (const identityId of row.userAssignedIdentities ?? []) add(identityId, resource);
        if (row.kubeletIdentity) add(row.kubeletIdentity, resource);
      }
      skipToken = page.skipToken;
    } while (skipToken);
    return { completeness: { scope: RESOURCE_GRAPH_SCOPE, kind: 'resourceGraph', complete: true }, usedBy };
  } catch (error) {
    return {
      completeness: {
        scope: RESOURCE_GRAPH_SCOPE,
        kind: 'resourceGraph',
        complete: false,
        error: describeApiError(error),
      },
      usedBy,
    };
  }
}

export const RESOURCE_GRAPH_ACCESS: RequiredAccess = {
  by: 'shared/inventory/resource-graph-reader.ts',
  why: 'see which resources use each user-assigned identity (Resource Graph leaves out what the caller cannot read)',
  grant: {
    kind: 'builtInRole',
    role: 'Reader',
    roleId: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
    scope: 'each monitored subscription',
  },
  when: 'setting:WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS',
};
