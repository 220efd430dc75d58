/**
 * Management Groups `POST /providers/Microsoft.Management/getEntities`: every management group and
 * subscription with its parent and `parentNameChain` (root first), as in the API's published
 * example (azure-rest-api-specs Microsoft.Management 2023-04-01 GetEntities.json). Served from
 * `arm/providers/Microsoft.Management/getEntities.json` when the fixture has it; otherwise every
 * monitored subscription and management group sits directly under the tenant root group (named
 * after the tenant id), which is where Azure puts them unless someone moves them.
 */
import type { Fixture } from './fixture';
import { normalizeScope } from '../shared/model/arm-scope';
import type { ManagementGroupParents } from '../shared/model/scope-hierarchy';

const GROUPS = '/providers/Microsoft.Management/managementGroups';

function entity(tenantId: string, kind: 'group' | 'subscription', name: string, chain: string[]) {
  return {
    id: kind === 'group' ? `${GROUPS}/${name}` : `/subscriptions/${name}`,
    type: kind === 'group' ? 'Microsoft.Management/managementGroups' : '/subscriptions',
    name,
    properties: {
      tenantId,
      displayName: name === tenantId ? 'Tenant Root Group' : name,
      parent: chain.length ? { id: `${GROUPS}/${chain.at(-1)}` } : null,
      permissions: 'view',
      inheritedPermissions: 'view',
      parentDisplayNameChain: chain.map((c) => (c === tenantId ? 'Tenant Root Group' : c)),
      parentNameChain: chain,
    },
  };
}

export function entitiesOf(fixture: Fixture): unknown[] {
  const stored = fixture.get('arm', 'providers/Microsoft.Management/getEntities') as
    { value?: unknown[] } | undefined;
  if (stored && Array.isArray(stored.value)) return stored.value;
  const { tenantId, managementGroups, subscriptions } = fixture.manifest;
  return [
    entity(tenantId, 'group', tenantId, []),
    ...managementGroups.filter((m) => m !== tenantId).map((m) => entity(tenantId, 'group', m, [tenantId])),
    ...subscriptions.map((s) => entity(tenantId, 'subscription', s, [tenantId])),
  ];
}

/** The same hierarchy as parents (what ARM itself knows when it answers `atScope()`). */
export function hierarchyOf(fixture: Fixture): ManagementGroupParents {
  const parents = new Map<string, string | null>();
  for (const raw of entitiesOf(fixture)) {
    const e = raw as { id: string; properties?: { parent?: { id?: string } | null } };
    const parent = e.properties?.parent?.id;
    parents.set(normalizeScope(e.id), parent ? normalizeScope(parent) : null);
  }
  return parents;
}
