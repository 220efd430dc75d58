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
import type { RolePermission } from '../model/role-permissions';
import { idOf, ReadRoleAssignment } from '../model/role-assignment';
import { StringPool } from '../model/shared-strings';
import {
  readManagementGroup,
  readSubscription,
  RoleDefinitionCache,
  type ArmScopeRead,
  type ListedAssignment,
  type ManagedIdentityResource,
} from './arm-reader';
import { describeApiError } from './errors';
import { Quarantine } from './quarantine';
import { mapLimit } from './concurrency';
import { readManagedIdentityUse } from './resource-graph-reader';
import { readManagementGroupHierarchy } from './management-group-reader';
import {
  credentialsOf,
  GraphReader,
  type GraphApplication,
  type GraphServicePrincipal,
  type Lookups,
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
  /**
   * Where app role grants are read: from the granting side (default), or the earlier plan of one
   * lookup per workload service principal, kept so `npm run bench` can measure what it cost.
   */
  grantsFrom?: 'grantingSide' | 'eachServicePrincipal';
}

export async function readInventory(
  clients: AzureClients,
  scope: InventoryScope,
  now: Date,
  options: ReadOptions = {},
): Promise<Inventory> {
  const quarantine = new Quarantine();
  // Repeated strings of this read (scopes, principal ids, creators) held once; dropped with it.
  const strings = new StringPool();
  const graph = new GraphReader(clients.graph(), { ...options.graph, quarantine, counter: clients.counter });
  // App role grants come from the granting side (a few resources' appRoleAssignedTo), not from
  // one lookup per service principal: a tenant's grants, in a fraction of the resource units.
  const grantingSide =
    options.grantsFrom === 'eachServicePrincipal' ? undefined : graph.grantingSideLookups();
  const armWork = mapLimit(armScopesOf(scope), options.scopeConcurrency ?? 8, (s) =>
    s.kind === 'subscription'
      ? readSubscription(clients, s.id, quarantine, strings)
      : readManagementGroup(clients, s.id, quarantine, strings),
  );
  const early = new EarlyLookups(graph, grantingSide !== undefined);
  const directoryWork = Promise.all([
    graph.listApplications((page) => early.applications(page)),
    graph.listServicePrincipals((page) => {
      early.servicePrincipals(page);
      grantingSide?.addResources(page);
    }),
  ]).then(
    ([applications, servicePrincipals]) => {
      for (const u of quarantine.objects)
        if (u.api === 'graph' && u.source.startsWith('/servicePrincipals') && u.id)
          grantingSide?.addUnreadable(u.id);
      const grants = grantingSide?.finish();
      // Awaited with the other lookups; a failure is reported then, not as an unhandled rejection now.
      grants?.catch(() => undefined);
      return {
        applications,
        servicePrincipals,
        early: { ...early.listed(), grants } as ListedEarly | undefined,
        error: undefined as string | undefined,
      };
    },
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
  const hierarchyWork = readManagementGroupHierarchy(clients);
  const [armReads, directory, attachments, hierarchy] = await Promise.all([
    armWork,
    directoryWork,
    attachmentWork,
    hierarchyWork,
  ]);

  const roleAssignments = await resolveAssignments(clients, armReads);
  const managedIdentities = new Map<string, ManagedIdentityResource>();
  for (const read of armReads)
    for (const mi of read.managedIdentities) managedIdentities.set(mi.principalId, mi);

  const scopes: ScopeCompleteness[] = armReads.map((r) => r.completeness);
  if (attachments) scopes.push(attachments.completeness);
  scopes.push(hierarchy.completeness);
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
    unreadable: quarantine.objects,
    ...(hierarchy.parents ? { managementGroupParents: hierarchy.parents } : {}),
  };
}

const SUBSCRIPTION_SCOPE = /^\/subscriptions\//i;

/** The ARM scopes to read, each once (ids compare without regard to case). */
export function armScopesOf(scope: Pick<InventoryScope, 'subscriptions' | 'managementGroups'>) {
  const distinct = (ids: readonly string[]) => [...new Map(ids.map((id) => [id.toLowerCase(), id])).values()];
  return [
    ...distinct(scope.subscriptions).map((id) => ({ kind: 'subscription' as const, id })),
    ...distinct(scope.managementGroups).map((id) => ({ kind: 'managementGroup' as const, id })),
  ];
}

export async function resolveAssignments(
  clients: AzureClients,
  reads: ArmScopeRead[],
  cache: RoleDefinitionCache = new RoleDefinitionCache(clients),
): Promise<LiveRoleAssignment[]> {
  // Assignments above a subscription (management group, root) show up in every subscription
  // below them and in the management group's own read: keep one of each. Those at or below a
  // subscription come only from that subscription's read (each scope is read once).
  const above = new Set<string>();
  const isFirst = (a: ListedAssignment): boolean => {
    if (SUBSCRIPTION_SCOPE.test(a.scope)) return true;
    const key = idOf(a.idTail, a.scope).toLowerCase();
    if (above.has(key)) return false;
    above.add(key);
    return true;
  };
  // One lookup per distinct role definition, then a plain pass: no promise per assignment.
  const refs = new Map<string, string>();
  for (const read of reads)
    for (const a of read.assignments) refs.set(a.roleDefinitionId, a.roleDefinitionRef);
  const names = new Map<
    string,
    { roleName: string | null; roleType: string; permissions: readonly RolePermission[] | null }
  >();
  const unreadable = new Map<string, string>();
  await Promise.all(
    [...refs].map(([guid, ref]) =>
      cache.resolve(ref).then(
        (role) => void names.set(guid, role),
        (error: unknown) => {
          names.set(guid, { roleName: null, roleType: 'Unknown', permissions: null });
          unreadable.set(guid, error instanceof Error ? error.message : String(error));
        },
      ),
    ),
  );
  // An assignment whose role cannot be read is unknown: the scope that returned it was not read
  // completely, so nothing is raised from it and nothing in that scope is resolved.
  if (unreadable.size)
    for (const read of reads) {
      const missing = new Set(
        read.assignments.map((a) => a.roleDefinitionId).filter((g) => unreadable.has(g)),
      );
      if (missing.size === 0) continue;
      const why = [...missing].map((g) => unreadable.get(g)).join('; ');
      Object.assign(read.completeness, {
        complete: false,
        error: read.completeness.error ? `${read.completeness.error}; ${why}` : why,
      });
    }
  // One class, every field set in its constructor: the rules read these objects hundreds of
  // thousands of times, and objects made by rest/spread can end up in V8's slow dictionary mode. Each read's
  // list is emptied once converted: a million assignments never exist in both forms at once.
  const out: LiveRoleAssignment[] = [];
  for (const read of reads) {
    for (const a of read.assignments) if (isFirst(a)) out.push(toLive(a));
    read.assignments.length = 0;
  }
  return out;

  function toLive(a: ListedAssignment): LiveRoleAssignment {
    const role = names.get(a.roleDefinitionId)!;
    return new ReadRoleAssignment(
      a.idTail,
      a.scope,
      a.principalId,
      a.principalType,
      a.roleDefinitionId,
      role.roleName,
      role.roleType,
      role.permissions,
      a.condition,
      a.createdOn,
      a.createdBy,
    );
  }
}

type GraphDetails = {
  owners: Map<string, LiveOwner[]>;
  appFics: Map<string, LiveFederatedCredential[]>;
  grants: Map<string, AppRoleGrant[]>;
};

/** The Graph lookups started while the directory was listed, and for which service principals. */
export interface ListedEarly {
  servicePrincipalIds: Set<string>;
  details: Promise<GraphDetails>;
  /** Every service principal's app role grants, read from the granting side (absent: looked up per principal). */
  grants: Promise<Map<string, AppRoleGrant[]>> | undefined;
}

/** Owners and federated credentials of the apps behind these service principals, and their app role grants ($batch). */
function graphDetails(
  graph: GraphReader,
  servicePrincipals: readonly GraphServicePrincipal[],
  appsByAppId: ReadonlyMap<string, GraphApplication>,
  grantsKnown: boolean,
): Promise<GraphDetails> {
  const lookups = new DetailLookups(graph, grantsKnown);
  for (const sp of servicePrincipals) lookups.add(sp, appsByAppId.get(sp.appId.toLowerCase()));
  return lookups.finish();
}

class DetailLookups {
  private readonly owners: Lookups<LiveOwner[]>;
  private readonly appFics: Lookups<LiveFederatedCredential[]>;
  private readonly grants: Lookups<AppRoleGrant[]> | undefined;
  /** `grantsKnown`: the grants are read from the granting side, not per service principal here. */
  constructor(graph: GraphReader, grantsKnown: boolean) {
    this.owners = graph.ownerLookups();
    this.appFics = graph.applicationFederatedCredentialLookups();
    this.grants = grantsKnown ? undefined : graph.appRoleGrantLookups();
  }
  add(sp: GraphServicePrincipal, app: GraphApplication | undefined): void {
    if (app) {
      this.owners.add(`/applications/${app.id}`);
      this.appFics.add(app.id);
    }
    this.grants?.add(sp.id);
  }
  finish(): Promise<GraphDetails> {
    return Promise.all([
      this.owners.finish(),
      this.appFics.finish(),
      this.grants?.finish() ?? Promise.resolve(new Map<string, AppRoleGrant[]>()),
    ]).then(([owners, appFics, grants]) => ({ owners, appFics, grants }));
  }
}

/**
 * Managed identities and the service principals of apps registered here are workload identities
 * whatever they hold: their Graph lookups start as the directory pages arrive, alongside the
 * listing and the ARM reads, instead of after them. A service principal listed before its
 * application waits for it; one whose application never comes is decided after the ARM reads.
 */
class EarlyLookups {
  private readonly lookups: DetailLookups;
  private readonly servicePrincipalIds = new Set<string>();
  private readonly appsByAppId = new Map<string, GraphApplication>();
  private readonly waitingForApp = new Map<string, GraphServicePrincipal[]>();

  constructor(graph: GraphReader, grantsKnown: boolean) {
    this.lookups = new DetailLookups(graph, grantsKnown);
  }

  applications(page: readonly GraphApplication[]): void {
    for (const app of page) {
      const appId = app.appId.toLowerCase();
      this.appsByAppId.set(appId, app);
      for (const sp of this.waitingForApp.get(appId) ?? []) this.lookUp(sp, app);
      this.waitingForApp.delete(appId);
    }
  }

  servicePrincipals(page: readonly GraphServicePrincipal[]): void {
    for (const sp of page) {
      const appId = sp.appId.toLowerCase();
      const app = this.appsByAppId.get(appId);
      if (app || sp.servicePrincipalType === 'ManagedIdentity') this.lookUp(sp, app);
      else this.waitingForApp.set(appId, [...(this.waitingForApp.get(appId) ?? []), sp]);
    }
  }

  /** Both lists are complete: send what is still queued and hand over the pending results. */
  listed(): Omit<ListedEarly, 'grants'> {
    const details = this.lookups.finish();
    // Awaited after the ARM reads; a failure is reported then, not as an unhandled rejection now.
    details.catch(() => undefined);
    return { servicePrincipalIds: this.servicePrincipalIds, details };
  }

  private lookUp(sp: GraphServicePrincipal, app: GraphApplication | undefined): void {
    this.servicePrincipalIds.add(sp.id);
    this.lookups.add(sp, app);
  }
}

/** Joins Graph objects, ARM assignments and managed identities into the rules' view of each workload identity. */
export async function buildIdentities(
  graph: GraphReader,
  applications: GraphApplication[],
  servicePrincipals: GraphServicePrincipal[],
  roleAssignments: LiveRoleAssignment[],
  managedIdentities: Map<string, ManagedIdentityResource>,
  early?: ListedEarly,
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
  const [before, now, grantedSide] = await Promise.all([
    early?.details ?? Promise.resolve(undefined),
    graphDetails(graph, rest, appsByAppId, early?.grants !== undefined),
    early?.grants,
  ]);
  // The early lookups hold nearly everything: the few looked up now join them (no copy of either).
  const merged = <V>(into: Map<string, V> | undefined, more: Map<string, V>) => {
    if (!into) return more;
    for (const [k, v] of more) into.set(k, v);
    return into;
  };
  const owners = merged(before?.owners, now.owners);
  const appFics = merged(before?.appFics, now.appFics);
  const grants = grantedSide ?? merged(before?.grants, now.grants);
  // The Graph objects are let go of as their identities are made, so a large tenant's directory
  // never exists in both forms at once (the caller's lists are emptied too: nothing reads them after).
  applications.length = 0;
  servicePrincipals.length = 0;
  const out: LiveIdentity[] = [];
  for (let i = 0; i < workload.length; i++) {
    const sp = workload[i]!;
    workload[i] = undefined as unknown as GraphServicePrincipal;
    const app = appsByAppId.get(sp.appId.toLowerCase());
    if (app && sp.servicePrincipalType !== 'ManagedIdentity') appsByAppId.delete(sp.appId.toLowerCase());
    out.push(
      toLiveIdentity(sp, app, {
        managedIdentity: managedIdentities.get(sp.id.toLowerCase()),
        applicationFederatedCredentials: app ? (appFics.get(app.id) ?? []) : [],
        owners: app ? (owners.get(`/applications/${app.id}`) ?? []) : [],
        appRoleGrants: grants.get(sp.id) ?? grants.get(sp.id.toLowerCase()) ?? [],
      }),
    );
  }
  return out;
}

/** The rules' view of one workload identity: its service principal, its app registration (if any) and what was looked up for them. */
export function toLiveIdentity(
  sp: GraphServicePrincipal,
  app: GraphApplication | undefined,
  details: {
    managedIdentity: ManagedIdentityResource | undefined;
    applicationFederatedCredentials: LiveFederatedCredential[];
    owners: LiveOwner[];
    appRoleGrants: AppRoleGrant[];
  },
): LiveIdentity {
  const objectId = sp.id.toLowerCase();
  const mi = details.managedIdentity;
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
    preferredTokenSigningKeyThumbprint: sp.preferredTokenSigningKeyThumbprint?.toUpperCase() ?? null,
    federatedCredentials: [...details.applicationFederatedCredentials, ...(mi?.federatedCredentials ?? [])],
    owners: details.owners,
    appRoleGrants: details.appRoleGrants,
  };
}
