/**
 * Microsoft Graph directory reads the Azure CLI makes that are computed from the fixture rather
 * than stored: `appRoleAssignedTo` of a resource service principal (every grant that names it,
 * from the `appRoleAssignments` files) and `POST /directoryObjects/getByIds` (Graph's documented
 * request and response: `ids`, optional `types`; objects carry their `@odata.type`).
 */
import { hasValueArray, type Fixture } from './fixture';

const TYPES: Record<string, string> = {
  servicePrincipals: '#microsoft.graph.servicePrincipal',
  applications: '#microsoft.graph.application',
  users: '#microsoft.graph.user',
};

export function appRoleAssignedTo(fixture: Fixture, resourceId: string): unknown[] {
  const id = resourceId.toLowerCase();
  return fixture
    .collections('graph', 'appRoleAssignments')
    .flatMap((c) => c.items)
    .filter((a) => String((a as { resourceId?: unknown }).resourceId ?? '').toLowerCase() === id);
}

export function getByIds(
  fixture: Fixture,
  version: string,
  body: unknown,
): { status: number; body: unknown } | { error: string } {
  const request = body as { ids?: unknown; types?: unknown } | undefined;
  if (!Array.isArray(request?.ids) || request.ids.some((x) => typeof x !== 'string'))
    return { error: "The request body needs 'ids', an array of object ids." };
  const wanted = new Set((request.ids as string[]).map((x) => x.toLowerCase()));
  const types = Array.isArray(request.types)
    ? new Set((request.types as string[]).map((t) => t.toLowerCase()))
    : undefined;
  const out: unknown[] = [];
  for (const [collection, odataType] of Object.entries(TYPES)) {
    if (types && !types.has(odataType.replace('#microsoft.graph.', '').toLowerCase())) continue;
    const list = fixture.get('graph', `${version}/${collection}`);
    if (!hasValueArray(list)) continue;
    for (const item of list.value) {
      const o = item as { id?: string };
      if (o.id && wanted.has(o.id.toLowerCase())) out.push({ '@odata.type': odataType, ...o });
    }
  }
  return {
    status: 200,
    body: {
      '@odata.context': `https://graph.microsoft.com/${version}/$metadata#directoryObjects`,
      value: out,
    },
  };
}
