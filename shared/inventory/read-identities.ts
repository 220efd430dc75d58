/**
 * Reads a few identities, not the tenant: what an event or a delta sweep needs to re-check the
 * identities it touched. The same typed Inventory comes back, holding only those identities, their
 * role assignments in every monitored scope (server-side filtered) and, for managed identities,
 * their federated credentials. Completeness is reported per scope exactly like a full read.
 */
import type { AzureClients } from '../azure/clients';
import type { Inventory, LiveIdentity, ScopeCompleteness } from '../model/inventory';
import {
  RoleDefinitionCache,
  readAssignmentsOf,
  readManagedIdentityFederatedCredentials,
  type ManagedIdentityResource,
} from './arm-reader';
import { readManagementGroupHierarchy } from './management-group-reader';
import { describeApiError } from './errors';
import { Quarantine } from './quarantine';
import { mapLimit } from './concurrency';
import { GraphReader } from './graph-reader';
import { armScopesOf, buildIdentities, resolveAssignments, type InventoryScope } from './read-inventory';

export async function readIdentities(
  clients: AzureClients,
  scope: InventoryScope,
  objectIds: readonly string[],
  now: Date,
): Promise<Inventory> {
  const ids = [...new Set(objectIds.map((id) => id.toLowerCase()))];
  const quarantine = new Quarantine();
  const graph = new GraphReader(clients.graph(), { quarantine, counter: clients.counter });
  const armReads = await mapLimit(armScopesOf(scope), 4, (s) =>
    readAssignmentsOf(clients, s, ids, quarantine),
  );
  const roleAssignments = await resolveAssignments(
    clients,
    armReads,
    new RoleDefinitionCache(clients, { shared: true }),
  );
  const hierarchy = await readManagementGroupHierarchy(clients, { shared: true });
  const scopes: ScopeCompleteness[] = [...armReads.map((r) => r.completeness), hierarchy.completeness];
  let identities: LiveIdentity[] = [];
  try {
    const servicePrincipals = await graph.servicePrincipalsById(ids);
    // Managed identities have no app registration: look up only the others'.
    const applications = await graph.applicationsByAppId(
      servicePrincipals.filter((sp) => sp.servicePrincipalType !== 'ManagedIdentity').map((sp) => sp.appId),
    );
    const managedIdentities = new Map<string, ManagedIdentityResource>();
    for (const sp of servicePrincipals) {
      const resourceId = sp.alternativeNames.find((n) => n.toLowerCase().startsWith('/subscriptions/'));
      if (sp.servicePrincipalType !== 'ManagedIdentity' || !resourceId) continue;
      const subscription = resourceId.split('/')[2]?.toLowerCase();
      if (!scope.subscriptions.some((s) => s.toLowerCase() === subscription)) continue;
      try {
        managedIdentities.set(sp.id.toLowerCase(), {
          resourceId,
          name: resourceId.split('/').pop() ?? resourceId,
          principalId: sp.id.toLowerCase(),
          clientId: sp.appId.toLowerCase(),
          federatedCredentials: await readManagedIdentityFederatedCredentials(
            clients,
            resourceId,
            quarantine,
            sp.id.toLowerCase(),
          ),
        });
      } catch (error) {
        // Its federated credentials live in that subscription: that scope is not fully read.
        const armScope = `/subscriptions/${resourceId.split('/')[2]}`.toLowerCase();
        const s = scopes.find((x) => x.scope.toLowerCase() === armScope);
        if (s) Object.assign(s, { complete: false, error: describeApiError(error) });
      }
    }
    identities = await buildIdentities(
      graph,
      applications,
      servicePrincipals,
      roleAssignments,
      managedIdentities,
    );
    scopes.push({ scope: 'directory', kind: 'directory', complete: true });
  } catch (error) {
    scopes.push({ scope: 'directory', kind: 'directory', complete: false, error: describeApiError(error) });
  }
  return {
    readAt: now.toISOString(),
    identities,
    roleAssignments,
    scopes,
    requests: clients.counter.snapshot(),
    unreadable: quarantine.objects,
    ...(hierarchy.parents ? { managementGroupParents: hierarchy.parents } : {}),
  };
}
