/**
 * Reads role assignments, role definitions and user-assigned managed identities with their
 * federated credentials from ARM, one scope at a time, reporting each scope's completeness.
 *
 * Permissions (custom role "Workload Identity Monitor Reader" in infra/):
 *   Microsoft.Authorization/roleAssignments/read, Microsoft.Authorization/roleDefinitions/read,
 *   Microsoft.ManagedIdentity/userAssignedIdentities/read,
 *   Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read
 */
import { StringPool } from '../model/shared-strings';
import { idTail } from '../model/role-assignment';
import { z } from 'zod';
import type { AzureClients } from '../azure/clients';
import type { LiveFederatedCredential, LiveRoleAssignment, ScopeCompleteness } from '../model/inventory';
import type { RolePermission } from '../model/role-permissions';
import { describeApiError, describeIssues } from './errors';
import { statusOf } from '../storage/tables';
import { IncompleteReadError } from '../errors';
import { mapLimit } from './concurrency';
import {
  createPipelineRequest,
  RestError,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { trimEndpoint } from '../azure/endpoints';
import { claimsMatchingExpressionWireSchema } from './federated-credential-schema';
import { field, Quarantine, type Where } from './quarantine';
import type { RequiredAccess } from '../azure/access';

export const ARM_PERMISSIONS = [
  'Microsoft.Authorization/roleAssignments/read',
  'Microsoft.Authorization/roleDefinitions/read',
  'Microsoft.ManagedIdentity/userAssignedIdentities/read',
  'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read',
] as const;

export const ARM_ACCESS: RequiredAccess = {
  by: 'shared/inventory/arm-reader.ts',
  why: 'list role assignments and role definitions, user-assigned identities and their federated credentials',
  grant: { kind: 'customRoleActions', actions: ARM_PERMISSIONS, scope: 'each monitored subscription' },
};

const roleAssignmentSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  scope: z.string(),
  roleDefinitionId: z.string(),
  principalId: z.string(),
  principalType: z.string().optional(),
  condition: z.string().nullish(),
  createdOn: z.date().optional(),
  createdBy: z.string().nullish(),
});

export interface ManagedIdentityResource {
  resourceId: string;
  name: string;
  principalId: string;
  clientId: string;
  federatedCredentials: LiveFederatedCredential[];
}

/**
 * An assignment as listed, before its role is resolved. `idTail`: what role-assignment.ts keeps
 * of its id (the name alone when the id is scope + segment + name); `idOf` gives the id back.
 */
export type ListedAssignment = Omit<LiveRoleAssignment, 'id' | 'roleName' | 'roleType' | 'permissions'> & {
  idTail: string;
  roleDefinitionRef: string;
};

export interface ArmScopeRead {
  completeness: ScopeCompleteness;
  assignments: ListedAssignment[];
  managedIdentities: ManagedIdentityResource[];
}

/** The GUID (lower-case) of a role definition id; a tenant has a few dozen, named by every assignment. */
export function roleDefinitionGuid(id: string): string {
  let guid = guids.get(id);
  if (guid === undefined) {
    guid = (id.split('/').pop() ?? id).toLowerCase();
    if (guids.size >= 10_000) guids.clear();
    guids.set(id, guid);
  }
  return guid;
}
const guids = new Map<string, string>();

function parseResourceId(id: string): { resourceGroup: string; name: string } {
  const m = /\/resourcegroups\/([^/]+)\/.*\/([^/]+)$/i.exec(id);
  if (!m) throw new Error(`unexpected managed identity resource id ${id}`);
  return { resourceGroup: m[1]!, name: m[2]! };
}

export async function readSubscription(
  clients: AzureClients,
  subscriptionId: string,
  quarantine: Quarantine = new Quarantine(),
  strings: StringPool = new StringPool(),
): Promise<ArmScopeRead> {
  const scope = `/subscriptions/${subscriptionId}`;
  const assignments: ArmScopeRead['assignments'] = [];
  const managedIdentities: ManagedIdentityResource[] = [];
  try {
    for await (const page of listRoleAssignmentsWire(clients, subscriptionId, quarantine, strings))
      for (const assignment of page) assignments.push(assignment);
    const msi = clients.managedIdentitiesFor(subscriptionId);
    const uamis: Array<{ id: string; name: string; principalId: string; clientId: string }> = [];
    const uamiList = `${armBase(clients)}/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${msi.apiVersion}`;
    for await (const page of listArmWire(msi, uamiList, wireUamiSchema, {
      into: quarantine,
      where: { scope, objectIdOf: (raw) => field(raw, 'properties', 'principalId') },
    }))
      for (const raw of page) uamis.push({ id: raw.id, name: raw.name, ...raw.properties });
    const fics = await mapLimit(uamis, 8, (uami) =>
      readManagedIdentityFederatedCredentials(clients, uami.id, quarantine, uami.principalId),
    );
    uamis.forEach((u, i) =>
      managedIdentities.push({
        resourceId: u.id,
        name: u.name,
        principalId: u.principalId.toLowerCase(),
        clientId: u.clientId.toLowerCase(),
        federatedCredentials: fics[i]!,
      }),
    );
    return { completeness: { scope, kind: 'subscription', complete: true }, assignments, managedIdentities };
  } catch (error) {
    return {
      completeness: { scope, kind: 'subscription', complete: false, error: describeApiError(error) },
      assignments,
      managedIdentities,
    };
  }
}

/** The federated credentials of one user-assigned identity, by its ARM resource id. */
export async function readManagedIdentityFederatedCredentials(
  clients: AzureClients,
  resourceId: string,
  quarantine: Quarantine = new Quarantine(),
  /** The identity's principal id: an unreadable credential is about it. */
  principalId?: string,
): Promise<LiveFederatedCredential[]> {
  const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1];
  if (!subscriptionId) throw new Error(`unexpected managed identity resource id ${resourceId}`);
  const { resourceGroup, name } = parseResourceId(resourceId);
  const msi = clients.managedIdentitiesFor(subscriptionId);
  const url = `${armBase(clients)}/subscriptions/${encodeURIComponent(subscriptionId)}/resourceGroups/${encodeURIComponent(resourceGroup)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${encodeURIComponent(name)}/federatedIdentityCredentials?api-version=${msi.apiVersion}`;
  const list: LiveFederatedCredential[] = [];
  for await (const page of listArmWire(msi, url, wireFederatedCredentialSchema, {
    into: quarantine,
    where: { scope: `/subscriptions/${subscriptionId}`, objectIdOf: () => principalId },
  }))
    for (const f of page) list.push(toFederatedCredential(f));
  return list;
}

/**
 * One principal's role assignments at, above and below one scope (ARM's `principalId eq` filter
 * on that scope), or with `principalId` undefined the assignments at and above it (`atScope()`):
 * what an event about an assignment at that scope needs, in one server-side filtered read.
 */
export async function readAssignmentsAt(
  clients: AzureClients,
  scope: string,
  principalId: string | undefined,
  quarantine: Quarantine = new Quarantine(),
): Promise<ArmScopeRead> {
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
  const kind = subscription ? ('subscription' as const) : ('managementGroup' as const);
  const assignments: ArmScopeRead['assignments'] = [];
  try {
    const pages = clients.authorizationFor(subscription).roleAssignments.listForScope(scope, {
      filter: principalId ? `principalId eq '${principalId}'` : 'atScope()',
    });
    const strings = new StringPool();
    for await (const raw of pages) addListed(assignments, raw, scope, quarantine, strings);
    return { completeness: { scope, kind, complete: true }, assignments, managedIdentities: [] };
  } catch (error) {
    return {
      completeness: { scope, kind, complete: false, error: describeApiError(error) },
      assignments,
      managedIdentities: [],
    };
  }
}

/** A listed assignment of `scope`, kept when it reads; set aside (about its principal) when not. */
function addListed(
  into: ListedAssignment[],
  raw: unknown,
  scope: string,
  quarantine: Quarantine,
  strings: StringPool,
): void {
  const a = quarantine.parse(roleAssignmentSchema, raw, {
    api: 'arm',
    source: `${scope}/providers/Microsoft.Authorization/roleAssignments`,
    scope,
    objectIdOf: (r) => r.principalId,
  });
  if (a) into.push(toAssignment(a, strings));
}

/** One role assignment by id; undefined when it does not exist (404). Other failures throw. */
export async function readAssignment(
  clients: AzureClients,
  id: string,
): Promise<ListedAssignment | undefined> {
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(id)?.[1];
  try {
    const raw = await clients.authorizationFor(subscription).roleAssignments.getById(id);
    const parsed = roleAssignmentSchema.safeParse(raw);
    if (!parsed.success)
      throw new IncompleteReadError(
        `role assignment ${id} cannot be read: ${describeIssues(parsed.error.issues)}`,
      );
    return toAssignment(parsed.data, new StringPool());
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/**
 * The role assignments of some principals in one scope (server-side filtered), for re-checking
 * a few identities after an event without reading the whole scope.
 */
export async function readAssignmentsOf(
  clients: AzureClients,
  scope: { kind: 'subscription' | 'managementGroup'; id: string },
  principalIds: readonly string[],
  quarantine: Quarantine = new Quarantine(),
): Promise<ArmScopeRead> {
  const armScope =
    scope.kind === 'subscription'
      ? `/subscriptions/${scope.id}`
      : `/providers/Microsoft.Management/managementGroups/${scope.id}`;
  const assignments: ArmScopeRead['assignments'] = [];
  const strings = new StringPool();
  try {
    for (const principalId of principalIds) {
      const pages =
        scope.kind === 'subscription'
          ? clients
              .authorizationFor(scope.id)
              .roleAssignments.listForSubscription({ filter: `assignedTo('${principalId}')` })
          : clients.authorizationFor().roleAssignments.listForScope(armScope, {
              filter: `principalId eq '${principalId}'`,
            });
      for await (const raw of pages) addListed(assignments, raw, armScope, quarantine, strings);
    }
    return {
      completeness: { scope: armScope, kind: scope.kind, complete: true },
      assignments,
      managedIdentities: [],
    };
  } catch (error) {
    return {
      completeness: { scope: armScope, kind: scope.kind, complete: false, error: describeApiError(error) },
      assignments,
      managedIdentities: [],
    };
  }
}

export async function readManagementGroup(
  clients: AzureClients,
  managementGroup: string,
  quarantine: Quarantine = new Quarantine(),
  strings: StringPool = new StringPool(),
): Promise<ArmScopeRead> {
  const scope = `/providers/Microsoft.Management/managementGroups/${managementGroup}`;
  const assignments: ArmScopeRead['assignments'] = [];
  try {
    for await (const raw of clients
      .authorizationFor()
      .roleAssignments.listForScope(scope, { filter: 'atScope()' }))
      addListed(assignments, raw, scope, quarantine, strings);
    return {
      completeness: { scope, kind: 'managementGroup', complete: true },
      assignments,
      managedIdentities: [],
    };
  } catch (error) {
    return {
      completeness: { scope, kind: 'managementGroup', complete: false, error: describeApiError(error) },
      assignments,
      managedIdentities: [],
    };
  }
}

const ROLE_ASSIGNMENTS_API = '2022-04-01';
const wireAssignmentSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  properties: z.object({
    scope: z.string(),
    roleDefinitionId: z.string(),
    principalId: z.string(),
    principalType: z.string().optional(),
    condition: z.string().nullish(),
    createdOn: z.string().nullish(),
    createdBy: z.string().nullish(),
  }),
});
const wireUamiSchema = z.object({
  id: z.string(),
  name: z.string(),
  properties: z.object({ principalId: z.string(), clientId: z.string() }),
});
const wireFederatedCredentialSchema = z.object({
  id: z.string(),
  name: z.string(),
  properties: z.object({
    issuer: z.string(),
    subject: z.string().nullish(),
    claimsMatchingExpression: claimsMatchingExpressionWireSchema.nullish(),
    audiences: z.array(z.string()),
  }),
});
/** A user-assigned identity's federated credential from ARM's wire JSON (classic or flexible). */
export function armFederatedCredential(raw: unknown): LiveFederatedCredential {
  return toFederatedCredential(wireFederatedCredentialSchema.parse(raw));
}

function toFederatedCredential(f: z.output<typeof wireFederatedCredentialSchema>): LiveFederatedCredential {
  return {
    id: f.id,
    name: f.name,
    issuer: f.properties.issuer,
    subject: f.properties.subject ?? null,
    claimsMatchingExpression: f.properties.claimsMatchingExpression ?? null,
    audiences: f.properties.audiences,
    on: 'managedIdentity',
  };
}

/** The wire schemas of the ARM lists the monitor reads (the published-examples corpus is checked against them). */
export const ARM_WIRE = {
  roleAssignment: wireAssignmentSchema,
  userAssignedIdentity: wireUamiSchema,
  federatedCredential: wireFederatedCredentialSchema,
};

const wirePageSchema = z.object({ value: z.array(z.unknown()), nextLink: z.string().nullish() });

const armBase = (clients: AzureClients): string => trimEndpoint(clients.endpoints.arm);

/**
 * Every item of an ARM list, following nextLink, through the SDK client's own pipeline (its
 * credential, retries with Retry-After and the request counter) but validated straight from the
 * wire JSON: the SDKs' model mapping cost more CPU than everything else in a reconcile of
 * 250,000 role assignments and 12,500 managed identities. The same requests as the SDK's list
 * operations.
 */
/**
 * One ARM request through an SDK client's pipeline (its credential, retries and counter): the
 * JSON body of a 200, or a RestError in ARM's words.
 */
export async function sendArm(
  client: { sendRequest(request: PipelineRequest): Promise<PipelineResponse> },
  url: string,
  method: 'GET' | 'POST',
): Promise<unknown> {
  const response = await client.sendRequest(createPipelineRequest({ url, method }));
  // The client's deserialization policy has already parsed a JSON body: parsing it again costs a second.
  const parsed = (response as PipelineResponse & { parsedBody?: unknown }).parsedBody;
  const body: unknown =
    parsed !== undefined ? parsed : response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
  if (response.status !== 200) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new RestError(error?.message ?? `HTTP ${response.status}`, {
      code: error?.code,
      statusCode: response.status,
    });
  }
  return body;
}

async function* listArmWire<T>(
  client: { sendRequest(request: PipelineRequest): Promise<PipelineResponse> },
  firstUrl: string,
  item: z.ZodType<T>,
  /** Items that do not validate are set aside here (with why), not fatal to the list. */
  quarantine: { into: Quarantine; where: Omit<Where, 'source' | 'api'> },
): AsyncGenerator<T[]> {
  let url: string | undefined = firstUrl;
  while (url) {
    const page = wirePageSchema.parse(await sendArm(client, url, 'GET'));
    // A page at a time: an async step per item costs more than the item's own parsing.
    yield quarantine.into.parseAll(item, page.value, {
      ...quarantine.where,
      api: 'arm',
      source: new URL(url).pathname,
    });
    url = page.nextLink ?? undefined;
  }
}

/** Every role assignment of a subscription (inherited ones included), as roleAssignments.listForSubscription reads them. */
async function* listRoleAssignmentsWire(
  clients: AzureClients,
  subscriptionId: string,
  quarantine: Quarantine,
  strings: StringPool,
): AsyncGenerator<ListedAssignment[]> {
  const share = (value: string) => strings.share(value);
  const url = `${armBase(clients)}/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.Authorization/roleAssignments?api-version=${ROLE_ASSIGNMENTS_API}`;
  for await (const page of listArmWire(clients.authorizationFor(subscriptionId), url, wireAssignmentSchema, {
    into: quarantine,
    where: {
      scope: `/subscriptions/${subscriptionId}`,
      objectIdOf: (raw) => field(raw, 'properties', 'principalId'),
    },
  }))
    yield page.map(({ id, name, properties: p }) => ({
      // The scope is shared first: the tail is checked against the copy that is kept.
      idTail: idTail(id, share(p.scope), name),
      scope: share(p.scope),
      // A principal holds several assignments, and assignments are created in bulk: one copy each.
      principalId: share(p.principalId.toLowerCase()),
      principalType: p.principalType ? share(p.principalType) : null,
      roleDefinitionId: roleDefinitionGuid(p.roleDefinitionId),
      roleDefinitionRef: share(p.roleDefinitionId),
      condition: p.condition || null,
      createdOn: nullOr(isoTime(p.createdOn), share),
      createdBy: nullOr(p.createdBy ?? null, share),
    }));
}

const nullOr = (value: string | null, share: (value: string) => string): string | null =>
  value === null ? null : share(value);

/** An ISO 8601 time as ARM writes it (7 fractional digits) in the form Date writes (3); unreadable → null. */
function isoTime(value: string | null | undefined): string | null {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function toAssignment(a: z.output<typeof roleAssignmentSchema>, strings: StringPool): ListedAssignment {
  const share = (value: string) => strings.share(value);
  return {
    idTail: idTail(a.id, share(a.scope), a.name),
    scope: share(a.scope),
    principalId: a.principalId.toLowerCase(),
    principalType: a.principalType ? share(a.principalType) : null,
    roleDefinitionId: roleDefinitionGuid(a.roleDefinitionId),
    roleDefinitionRef: share(a.roleDefinitionId),
    condition: a.condition || null,
    createdOn: a.createdOn ? a.createdOn.toISOString() : null,
    createdBy: nullOr(a.createdBy ?? null, share),
  };
}

type RoleName = Promise<{
  roleName: string;
  roleType: string;
  permissions: readonly RolePermission[] | null;
}>;

/**
 * Role definitions outlive a single event by far; re-checks after events share them for an hour
 * per ARM endpoint (the full reconcile reads them afresh each run). Only definitions that were
 * read are kept: a failure is never cached, so the next run or redelivery asks again.
 */
const SHARED_TTL_MS = 3_600_000;
const shared = new Map<string, { value: RoleName; expires: number }>();

/** A permission block as Azure defines it; absent lists are empty (nothing granted, nothing excluded). */
function toPermission(p: {
  actions?: string[];
  notActions?: string[];
  dataActions?: string[];
  notDataActions?: string[];
}): RolePermission {
  return {
    actions: p.actions ?? [],
    notActions: p.notActions ?? [],
    dataActions: p.dataActions ?? [],
    notDataActions: p.notDataActions ?? [],
  };
}

export class RoleDefinitionCache {
  private readonly byGuid = new Map<string, RoleName>();
  constructor(
    private readonly clients: AzureClients,
    private readonly options: { shared?: boolean } = {},
  ) {}

  resolve(ref: string): RoleName {
    const guid = roleDefinitionGuid(ref);
    const sharedKey = `${this.clients.endpoints.arm}|${guid}`;
    const now = Date.now();
    const fromShared = this.options.shared ? shared.get(sharedKey) : undefined;
    if (fromShared && fromShared.expires > now) return fromShared.value;
    let pending = this.byGuid.get(guid);
    if (!pending) {
      // A role is judged by its definition: one that cannot be read makes its assignments unknown
      // (never judged by the GUID as if it were a name), and is asked for again next time.
      pending = this.clients
        .authorizationFor()
        .roleDefinitions.getById(ref)
        .then(
          (d) => {
            if (!d.roleName)
              throw new IncompleteReadError(`role definition ${guid} came back without a roleName`);
            return {
              roleName: d.roleName,
              roleType: d.roleType ?? 'Unknown',
              permissions: d.permissions ? d.permissions.map(toPermission) : null,
            };
          },
          (error: unknown) => {
            throw new IncompleteReadError(`role definition ${guid}: ${describeApiError(error)}`, {
              cause: error,
            });
          },
        );
      this.byGuid.set(guid, pending);
      pending.then(
        (value) => {
          if (this.options.shared)
            shared.set(sharedKey, { value: Promise.resolve(value), expires: now + SHARED_TTL_MS });
        },
        () => this.byGuid.delete(guid),
      );
    }
    return pending;
  }
}
