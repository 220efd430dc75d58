/**
 * `wimon record`: the HTTP exchanges of one read of a tenant (made by the monitor's own readers,
 * every page and relation they ask for) turned into the fixture layout the emulator serves
 * (docs/emulator.md): list pages merged into one file per collection, `$batch` items as the
 * requests they stand for, role definitions read by id gathered into the tenant's list,
 * management-group entities, and Resource Graph rows turned back into the resources they
 * project. Never a secret value: Graph returns none to a reader, and `secretText`/`key` are
 * dropped all the same.
 */
import type { Exchange } from '../azure/request-counter';
import type { TenantConnection } from '../app/tenant';
import { IncompleteReadError } from '../errors';
import { readInventory } from '../inventory/read-inventory';
import { readSignInActivity } from '../inventory/sign-in-reader';
import type { Inventory } from '../model/inventory';
import { DAY_MS } from '../rules/context';

type Files = Map<string, unknown>;
type Item = Record<string, unknown>;

const NEVER_KEPT = new Set(['secretText', 'key']);

function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Item)
        .filter(
          ([k]) =>
            !NEVER_KEPT.has(k) &&
            !k.startsWith('@odata.nextLink') &&
            k !== 'nextLink' &&
            !k.startsWith('@odata.deltaLink'),
        )
        .map(([k, v]) => [k, scrub(v)]),
    );
  return value;
}

function mergeList(files: Files, path: string, items: readonly unknown[], extra: Item = {}): void {
  const key = path.toLowerCase();
  const existing = files.get(key) as { value: Item[] } | undefined;
  const list = existing ?? { ...extra, value: [] };
  const byId = new Map(list.value.map((i) => [String(i.id ?? i.name).toLowerCase(), i]));
  for (const raw of items) {
    const item = scrub(raw) as Item;
    const id = String(item.id ?? item.name).toLowerCase();
    // The same object read twice (a list page and a lookup with another $select): one object with both's fields.
    const known = byId.get(id);
    if (known) Object.assign(known, item);
    else {
      byId.set(id, item);
      list.value.push(item);
    }
  }
  files.set(key, list);
}

const pathOf = (url: string) =>
  decodeURIComponent(new URL(url).pathname).replace(/^\/+/, '').replace(/\/+$/, '');

function recordGet(files: Files, api: 'arm' | 'graph', path: string, body: unknown): void {
  if (!body || typeof body !== 'object') return;
  if (/\/delta$/i.test(path)) return; // delta rounds are computed from the collections on replay
  const b = body as Item;
  if (Array.isArray(b.value)) {
    const context = typeof b['@odata.context'] === 'string' ? { '@odata.context': b['@odata.context'] } : {};
    mergeList(files, `${api}/${path}`, b.value, context);
    return;
  }
  const definition = /(^|\/)providers\/microsoft\.authorization\/roledefinitions\/[^/]+$/i.exec(path);
  if (api === 'arm' && definition) {
    mergeList(files, 'arm/providers/Microsoft.Authorization/roleDefinitions', [b]);
    return;
  }
  files.set(`${api}/${path}`.toLowerCase(), scrub(b));
}

/** The resources a Resource Graph row projects (the inverse of MANAGED_IDENTITY_USE_QUERY). */
function resourceOf(row: Item): Item {
  const identities = Array.isArray(row.userAssignedIdentities)
    ? (row.userAssignedIdentities as string[])
    : [];
  const kubelet =
    typeof row.kubeletIdentity === 'string' && row.kubeletIdentity ? row.kubeletIdentity : undefined;
  return {
    id: row.id,
    ...(identities.length
      ? {
          identity: {
            type: 'UserAssigned',
            userAssignedIdentities: Object.fromEntries(identities.map((i) => [i, {}])),
          },
        }
      : {}),
    ...(kubelet ? { properties: { identityProfile: { kubeletidentity: { resourceId: kubelet } } } } : {}),
  };
}

export function fixtureFiles(exchanges: readonly Exchange[]): Files {
  const files: Files = new Map();
  for (const e of exchanges) {
    if (e.status !== 200) continue;
    const path = pathOf(e.url);
    if (e.api === 'arm' && e.method === 'GET') recordGet(files, 'arm', path, e.body);
    else if (e.api === 'arm' && /providers\/microsoft\.management\/getentities$/i.test(path))
      mergeList(
        files,
        'arm/providers/Microsoft.Management/getEntities',
        (e.body as { value?: unknown[] })?.value ?? [],
      );
    else if (e.api === 'arm' && /providers\/microsoft\.resourcegraph\/resources$/i.test(path))
      mergeList(
        files,
        'arm/providers/Microsoft.ResourceGraph/resources',
        ((e.body as { data?: Item[] })?.data ?? []).map(resourceOf),
      );
    else if (e.api === 'graph' && e.method === 'GET') recordGet(files, 'graph', path, e.body);
    else if (e.api === 'graph' && /\$batch$/.test(path)) {
      const version = path.split('/')[0] ?? 'v1.0';
      const requests =
        (e.requestBody as { requests?: Array<{ id: string; url: string; method?: string }> })?.requests ?? [];
      const responses =
        (e.body as { responses?: Array<{ id: string; status: number; body: unknown }> })?.responses ?? [];
      for (const r of responses) {
        const request = requests.find((q) => q.id === r.id);
        if (!request || r.status !== 200 || (request.method ?? 'GET').toUpperCase() !== 'GET') continue;
        const itemPath = `${version}/${request.url.replace(/^\//, '').split('?')[0]}`;
        recordGet(files, 'graph', itemPath, r.body);
      }
    }
  }
  return files;
}

/**
 * Sign-in records that make the dormancy query give the same answer on replay: for each row it
 * summarised (service principal, table, credential key), a success at its last success and, when
 * its first record came earlier (or it never succeeded), a failure at that first record.
 */
export function signInRecords(exchange: Exchange): Map<string, Item[]> {
  const out = new Map<string, Item[]>();
  const table = (exchange.body as { tables?: Array<{ columns: Array<{ name: string }>; rows: unknown[][] }> })
    ?.tables?.[0];
  if (!table) return out;
  const names = table.columns.map((c) => c.name);
  for (const raw of table.rows) {
    const row = Object.fromEntries(names.map((n, i) => [n, raw[i]])) as {
      ServicePrincipalId: string;
      SignInTable: string;
      ServicePrincipalCredentialKeyId?: string | null;
      LastSuccess: string | null;
      FirstRecord: string;
    };
    const record = (at: string, ok: boolean): Item => ({
      TimeGenerated: at,
      ResultType: ok ? '0' : '7000215',
      ServicePrincipalId: row.ServicePrincipalId,
      ServicePrincipalCredentialKeyId: row.ServicePrincipalCredentialKeyId ?? '',
      Type: row.SignInTable,
    });
    const list = out.get(row.SignInTable) ?? [];
    if (row.LastSuccess) list.push(record(row.LastSuccess, true));
    if (!row.LastSuccess || Date.parse(row.FirstRecord) < Date.parse(row.LastSuccess))
      list.push(record(row.FirstRecord, false));
    out.set(row.SignInTable, list);
  }
  return out;
}

/**
 * One recording: the monitor's full read of the tenant (and its sign-in logs over `windowDays`)
 * with every exchange kept, turned into fixture files with their manifest. A partial read is
 * refused: a recording must not look complete when it is not.
 */
export async function recordTenant(
  tenant: Pick<TenantConnection, 'clients' | 'scope' | 'logAnalyticsWorkspaceId'>,
  now: Date,
  windowDays: number,
  progress: (requests: number) => void = () => undefined,
): Promise<{ inventory: Inventory; exchanges: Exchange[]; files: Map<string, unknown> }> {
  const exchanges: Exchange[] = [];
  tenant.clients.counter.recorder = (e) => {
    exchanges.push(e);
    if (exchanges.length % 500 === 0) progress(exchanges.length);
  };
  let inventory: Inventory;
  let signIns: Awaited<ReturnType<typeof readSignInActivity>> | undefined;
  const workspace = tenant.logAnalyticsWorkspaceId;
  try {
    inventory = await readInventory(tenant.clients, tenant.scope, now);
    signIns = workspace
      ? await readSignInActivity(tenant.clients, workspace, {
          from: new Date(now.getTime() - windowDays * DAY_MS),
          to: now,
        })
      : undefined;
  } finally {
    tenant.clients.counter.recorder = undefined;
  }
  const gaps = [
    ...inventory.scopes.filter((s) => !s.complete).map((s) => `  ${s.scope} (${s.error ?? 'not read'})`),
    ...(signIns && !signIns.complete ? [`  signInLogs (${signIns.error})`] : []),
  ];
  if (gaps.length) throw new IncompleteReadError(`cannot record a partial read:\n${gaps.join('\n')}`);
  const files = fixtureFiles(exchanges);
  for (const e of exchanges.filter((x) => x.api === 'logs' && x.status === 200))
    for (const [table, records] of signInRecords(e)) files.set(`logs/${table}`, records);
  const entities = (files.get('arm/providers/microsoft.management/getentities') as {
    value: Array<{ properties?: { tenantId?: string } }>;
  }) ?? { value: [] };
  files.set('fixture', {
    description: `Recorded by wimon record on ${new Date().toISOString().slice(0, 10)}`,
    recordedAt: now.toISOString(),
    tenantId: entities.value.find((e) => e.properties?.tenantId)?.properties?.tenantId ?? 'unknown',
    subscriptions: [...tenant.scope.subscriptions],
    managementGroups: [...tenant.scope.managementGroups],
    managedIdentityAttachments: tenant.scope.managedIdentityAttachments,
    ...(workspace ? { logAnalyticsWorkspaceId: workspace } : {}),
  });
  return { inventory, exchanges, files };
}
