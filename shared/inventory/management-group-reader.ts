/**
 * The management-group hierarchy: which management group each subscription and group sits in,
 * from one paged `POST /providers/Microsoft.Management/getEntities` (every group and subscription
 * the caller can see, each with its parent). Role assignments at a management group apply to
 * everything below it, and environments may be mapped to management groups: the rules compare
 * scopes through this (shared/model/scope-hierarchy.ts).
 *
 * Entities lists what the caller can see, and each subscription's entry carries the names of every
 * management group above it (`parentNameChain`, root first) even where the groups themselves are
 * not visible. The monitor's role carries the listing's own action (MANAGEMENT_GROUP_ACCESS).
 *
 * A hierarchy that cannot be read is reported as a partial scope `managementGroups`: comparisons
 * that need it are then unknown, never "unrelated".
 */
import { z } from 'zod';
import type { RequiredAccess } from '../azure/access';
import type { AzureClients } from '../azure/clients';
import { trimEndpoint } from '../azure/endpoints';
import type { ScopeCompleteness } from '../model/inventory';
import { normalizeScope } from '../model/arm-scope';
import type { ManagementGroupParents } from '../model/scope-hierarchy';
import { MANAGEMENT_GROUPS_SCOPE } from '../rules/read-scope';
import { describeApiError, describeIssues } from './errors';
import { sendArm } from './arm-reader';

export const ENTITIES_API = '2023-04-01';

/** Only what the hierarchy needs: the entity's id and its parent's (null at the top). */
const entitySchema = z.object({
  id: z.string(),
  type: z.string().nullish(),
  properties: z
    .object({
      parent: z.object({ id: z.string().nullish() }).nullish(),
      parentNameChain: z.array(z.string()).nullish(),
    })
    .nullish(),
});
const groupScope = (name: string) =>
  normalizeScope(`/providers/Microsoft.Management/managementGroups/${name}`);
const pageSchema = z.object({ value: z.array(z.unknown()), nextLink: z.string().nullish() });

export interface ManagementGroupRead {
  completeness: ScopeCompleteness;
  /** Present when the hierarchy was read completely. */
  parents?: ManagementGroupParents;
}

/**
 * Events re-check a few identities each and arrive by the thousand: they share one hierarchy per
 * ARM endpoint for an hour (groups rarely move). Only a complete read is kept; a failure is asked
 * again next time.
 */
const SHARED_TTL_MS = 3_600_000;
const shared = new Map<string, { read: ManagementGroupRead; expires: number }>();

export async function readManagementGroupHierarchy(
  clients: AzureClients,
  options: { shared?: boolean } = {},
): Promise<ManagementGroupRead> {
  const key = clients.endpoints.arm;
  const kept = options.shared ? shared.get(key) : undefined;
  if (kept && kept.expires > Date.now()) return kept.read;
  const read = await readHierarchy(clients);
  if (options.shared && read.parents) shared.set(key, { read, expires: Date.now() + SHARED_TTL_MS });
  return read;
}

async function readHierarchy(clients: AzureClients): Promise<ManagementGroupRead> {
  const parents = new Map<string, string | null>();
  const client = clients.authorizationFor();
  let url: string | undefined =
    `${trimEndpoint(clients.endpoints.arm)}/providers/Microsoft.Management/getEntities?api-version=${ENTITIES_API}`;
  try {
    while (url) {
      const page = pageSchema.parse(await sendArm(client, url, 'POST'));
      for (const [i, raw] of page.value.entries()) {
        const entity = entitySchema.safeParse(raw);
        // An entity that cannot be read could be any scope's parent: the hierarchy is not known.
        if (!entity.success)
          throw new Error(`unexpected entity ${i}: ${describeIssues(entity.error.issues, '(the entity)')}`);
        const self = normalizeScope(entity.data.id);
        const chain = entity.data.properties?.parentNameChain;
        const parent = entity.data.properties?.parent?.id;
        if (chain && chain.length) {
          // Root first: each group's parent is the one before it; the first has none above it.
          const scopes = chain.map(groupScope);
          if (!parents.has(scopes[0]!)) parents.set(scopes[0]!, null);
          for (let k = 1; k < scopes.length; k++) parents.set(scopes[k]!, scopes[k - 1]!);
          parents.set(self, scopes.at(-1)!);
        } else parents.set(self, parent ? normalizeScope(parent) : null);
      }
      url = page.nextLink ?? undefined;
    }
    return {
      completeness: { scope: MANAGEMENT_GROUPS_SCOPE, kind: 'managementGroups', complete: true },
      parents,
    };
  } catch (error) {
    return {
      completeness: {
        scope: MANAGEMENT_GROUPS_SCOPE,
        kind: 'managementGroups',
        complete: false,
        error: describeApiError(error),
      },
    };
  }
}

export const MANAGEMENT_GROUP_ACCESS: RequiredAccess = {
  by: 'shared/inventory/management-group-reader.ts',
  why: 'list the management groups and subscriptions with their parents (access granted above applies below; environments may be management groups)',
  grant: {
    kind: 'customRoleActions',
    actions: ['Microsoft.Management/getEntities/action'],
    scope: 'each monitored subscription',
  },
};
