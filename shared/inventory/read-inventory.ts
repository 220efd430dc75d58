/**
 * Reads the whole live state the rules need: ARM scopes (subscriptions, management groups) in
 * parallel with the Graph directory, then the per-object Graph lookups in batches.
 * A scope that fails is reported incomplete with its error; it is never reported as empty.
 */
import type { AzureClients } from '../azure/clients';
import type {
  AppRoleGrant,
  Inventory,
  LiveFederatedCredential,
  LiveIdentity,
  LiveOwner,
  LiveRoleAssignment,
  ScopeCompleteness,
} from '../model/inventory';
import {
  readManagementGroup,
  readSubscription,
  RoleDefinitionCache,
  type ArmScopeRead,
  type ManagedIdentityResource,
} from './arm-reader';
import { describeApiError } from './errors';
import { mapLimit } from './concurrency';
import { readManagedIdentityUse } from './resource-graph-reader';
import {
  credentialsOf,
  GraphReader,
  type GraphApplication,
  type GraphServicePrincipal,
} from './graph-reader';

export interface InventoryScope {
  subscriptions: string[];
  managementGroups: string[];
  /** Read which resources use each user-assigned identity (Resource Graph; needs Reader on the scope). */
  managedIdentityAttachments?: boolean;
}

export interface ReadOptions {
  /** ARM scopes read at once; ARM throttles per subscription and per principal. */
  scopeConcurrency?: number;
  graph?: ConstructorParameters<typeof GraphReader>[1];
}

export async function readInventory(
  clients: AzureClients,
  scope: InventoryScope,
  now: Date,
  options: ReadOptions = {},
): Promise<Inventory> {
  const graph = new GraphReader(clients.graph(), options.graph);
  const armWork = mapLimit(
    [
      ...scope.subscriptions.map((s) => ({ kind: 'subscription' as const, id: s })),
      ...scope.managementGroups.map((m) => ({ kind: 'managementGroup' as const, id: m })),
    ],
    options.scopeConcurrency ?? 8,
    (s) => (s.kind === 'subscription' ? readSubscription(clients, s.id) : readManagementGroup(clients, s.id)),
  );
  const directoryWork = Promise.all([graph.listApplications(), graph.listServicePrincipals()]).then(
    ([applications, servicePrincipals]) => ({
      applications,
      servicePrincipals,
      early: startEarlyLookups(graph, applications, servicePrincipals) as EarlyLookups | undefined,
      error: undefined as string | undefined,
    }),
    (error: unknown) => ({
      applications: [] as GraphApplication[],
      servicePrincipals: [] as GraphServicePrincipal[],
      early: undefined,
      error: describeApiError(error),
    }),
  );
  const attachmentWork = scope.managedIdentityAttachments
    ? readManagedIdentityUse(clients, scope)
    : Promise.resolve(undefined);
  const [armReads, directory, attachments] = await Promise.all([armWork, directoryWork, attachmentWork]);

  const roleAssignments = await resolveAssignments(clients, armReads);
  const managedIdentities = new Map<string, ManagedIdentityResource>();
  for (const read of armReads)
    for (const mi of read.managedIdentities) managedIdentities.set(mi.principalId, mi);

  const scopes: ScopeCompleteness[] = armReads.map((r) => r.completeness);
  if (attachments) scopes.push(attachments.completeness);
  let identities: LiveIdentity[] = [];
  if (directory.error) {
    scopes.push({ scope: 'directory', kind: 'directory', complete: false, error: directory.error });
  } else {
    try {
      identities = await buildIdentities(
        graph,
        directory.applications,
        directory.servicePrincipals,
        roleAssignments,
        managedIdentities,
        directory.early,
      );
      scopes.push({ scope: 'directory', kind: 'directory', complete: true });
    } catch (error) {
      scopes.push({ scope: 'directory', kind: 'directory', complete: false, error: describeApiError(error) });
    }
  }
  return {
    readAt: now.toISOString(),
    identities,
    roleAssignments,
    scopes,
    requests: clients.counter.snapshot(),
    ...(attachments ? { managedIdentityUse: attachments.usedBy } : {}),
  };
}

export async function resolveAssignments(
  clients: AzureClients,
  reads: ArmScopeRead[],
  cache: RoleDefinitionCache = new RoleDefinitionCache(clients),
): Promise<LiveRoleAssignment[]> {
  // Management-group assignments show up in every subscription below them: keep one of each.
  const unique = new Map<string, ArmScopeRead['assignments'][number]>();
  for (const read of reads) for (const a of read.assignments) unique.set(a.id.toLowerCase(), a);
  // One lookup per distinct role definition, then a plain pass: no promise per assignment.
  const refs = new Map<string, string>();
  for (const a of unique.values()) refs.set(a.roleDefinitionId, a.roleDefinitionRef);
  const names = new Map(
    await Promise.all([...refs].map(async ([guid, ref]) => [guid, await cache.resolve(ref)] as const)),
  );
  // A literal with every field in one order: the rules read these objects hundreds of thousands
  // of times, and objects made by rest/spread can end up in V8's slow dictionary mode.
  return [...unique.values()].map((a): LiveRoleAssignment => {
    const role = names.get(a.roleDefinitionId)!;
    return {
      id: a.id,
      scope: a.scope,
      principalId: a.principalId,
      principalType: a.principalType,
      roleDefinitionId: a.roleDefinitionId,
      roleName: role.roleName,
      roleType: role.roleType,
      createdOn: a.createdOn,
      createdBy: a.createdBy,
    };
  });
}

type GraphDetails = {
  owners: Map<string, LiveOwner[]>;
  appFics: Map<string, LiveFederatedCredential[]>;
  grants: Map<string, AppRoleGrant[]>;
};

/** Graph lookups started before the role assignments are known, for the certain workload identities. */
export interface EarlyLookups {
  servicePrincipalIds: Set<string>;
  details: Promise<GraphDetails>;
}

/** Owners and federated credentials of the apps behind these service principals, and their app role grants ($batch). */
function graphDetails(
  graph: GraphReader,
  servicePrincipals: readonly GraphServicePrincipal[],
  appsByAppId: ReadonlyMap<string, GraphApplication>,
): Promise<GraphDetails> {
  const appObjects = servicePrincipals
    .map((sp) => appsByAppId.get(sp.appId.toLowerCase()))
    .filter((a): a is GraphApplication => a !== undefined);
  return Promise.all([
    graph.owners(appObjects.map((a) => `/applications/${a.id}`)),
    graph.applicationFederatedCredentials(appObjects.map((a) => a.id)),
    graph.appRoleGrants(servicePrincipals.map((sp) => sp.id)),
  ]).then(([owners, appFics, grants]) => ({ owners, appFics, grants }));
}

/**
 * Managed identities and the service principals of apps registered here are workload identities
 * whatever they hold: their Graph lookups can start as soon as the directory is listed, alongside
 * the ARM reads, instead of after them.
 */
function startEarlyLookups(
  graph: GraphReader,
  applications: readonly GraphApplication[],
  servicePrincipals: readonly GraphServicePrincipal[],
): EarlyLookups {
  const appsByAppId = new Map(applications.map((a) => [a.appId.toLowerCase(), a]));
  const certain = servicePrincipals.filter(
    (sp) => sp.servicePrincipalType === 'ManagedIdentity' || appsByAppId.has(sp.appId.toLowerCase()),
  );
  const details = graphDetails(graph, certain, appsByAppId);
  // Awaited after the ARM reads; a failure is reported then, not as an unhandled rejection now.
  details.catch(() => undefined);
  return { servicePrincipalIds: new Set(certain.map((sp) => sp.id)), details };
}

/** Joins Graph objects, ARM assignments and managed identities into the rules' view of each workload identity. */
export async function buildIdentities(
  graph: GraphReader,
  applications: GraphApplication[],
  servicePrincipals: GraphServicePrincipal[],
  roleAssignments: LiveRoleAssignment[],
  managedIdentities: Map<string, ManagedIdentityResource>,
  early?: EarlyLookups,
): Promise<LiveIdentity[]> {
  const appsByAppId = new Map(applications.map((a) => [a.appId.toLowerCase(), a]));
  const principalsWithRoles = new Set(roleAssignments.map((a) => a.principalId));
  // Workload identities: managed identities, service principals of apps registered here, and any
  // other service principal that holds Azure access in the monitored scope.
  const workload = servicePrincipals.filter(
    (sp) =>
      sp.servicePrincipalType === 'ManagedIdentity' ||
      appsByAppId.has(sp.appId.toLowerCase()) ||
      principalsWithRoles.has(sp.id.toLowerCase()),
  );
  // What was looked up early (before the ARM reads ended) is not looked up again.
  const rest = early ? workload.filter((sp) => !early.servicePrincipalIds.has(sp.id)) : workload;
  const [before, now] = await Promise.all([
    early?.details ?? Promise.resolve(undefined),
    graphDetails(graph, rest, appsByAppId),
  ]);
  const owners = new Map([...(before?.owners ?? []), ...now.owners]);
  const appFics = new Map([...(before?.appFics ?? []), ...now.appFics]);
  const grants = new Map([...(before?.grants ?? []), ...now.grants]);
  return workload.map((sp): LiveIdentity => {
    const app = appsByAppId.get(sp.appId.toLowerCase());
    const objectId = sp.id.toLowerCase();
    const mi = managedIdentities.get(objectId);
    const isManaged = sp.servicePrincipalType === 'ManagedIdentity';
    return {
      objectId,
      appId: sp.appId.toLowerCase(),
      displayName: sp.displayName ?? app?.displayName ?? sp.appId,
      kind: isManaged ? 'managedIdentity' : 'application',
      servicePrincipalType: sp.servicePrincipalType ?? 'Unknown',
      accountEnabled: sp.accountEnabled ?? true,
      applicationObjectId: app ? app.id.toLowerCase() : null,
      managedIdentityResourceId:
        mi?.resourceId ?? sp.alternativeNames.find((n) => n.startsWith('/subscriptions/')) ?? null,
      createdDateTime: sp.createdDateTime ?? app?.createdDateTime ?? null,
      credentials: [
        ...(app ? credentialsOf(app, 'application') : []),
        ...credentialsOf(sp, 'servicePrincipal'),
      ],
      federatedCredentials: [
        ...(app ? (appFics.get(app.id) ?? []) : []),
        ...(mi?.federatedCredentials ?? []),
      ],
      owners: app ? (owners.get(`/applications/${app.id}`) ?? []) : [],
      appRoleGrants: grants.get(sp.id) ?? [],
    };
  });
}
