/**
 * Azure Resource Manager routes computed from the fixture rather than stored as files: the
 * tenant-level account routes (arm-account.ts), lists ARM derives for a scope (role definitions
 * at any scope, identities of one resource group, role assignments below a subscription), and
 * objects by id (anything listed; role definitions by GUID at any scope).
 */
import { normalizeScope } from '../shared/model/arm-scope';
import { armAccountRoute } from './arm-account';
import { hasValueArray } from './fixture';
import { matchesId, type ApiContext, type Reply } from './replies';

export function armListRoute(ctx: ApiContext, url: URL, path: string): Reply | undefined {
  const { fixture, origins } = ctx;
  const fixturePath = path.replace(/^\/+/, '');
  const account = armAccountRoute(fixture, path, { arm: origins.arm!, graph: origins.graph! });
  if (account) return account;
  // Role definitions are listable at every scope (the tenant's definitions; az role definition list).
  if (/^(.+\/)?providers\/Microsoft\.Authorization\/roleDefinitions$/i.test(fixturePath)) {
    const all = fixture.get('arm', 'providers/Microsoft.Authorization/roleDefinitions');
    if (hasValueArray(all)) return ctx.page('arm', url, all);
  }
  // User-assigned identities of one resource group, from its subscription's list.
  const inGroup =
    /^(subscriptions\/[^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities$/i.exec(
      fixturePath,
    );
  if (inGroup) {
    const all = fixture.get(
      'arm',
      `${inGroup[1]}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`,
    );
    const group = `/resourcegroups/${inGroup[2]!.toLowerCase()}/`;
    if (hasValueArray(all))
      return ctx.page('arm', url, {
        ...all,
        value: all.value.filter((i) =>
          String((i as { id?: string }).id ?? '')
            .toLowerCase()
            .includes(group),
        ),
      });
  }
  // Role assignments below a subscription (a resource group, a resource): ARM lists those at the
  // scope, above it and below it — derived from the subscription's own list.
  const below = /^(subscriptions\/[^/]+)\/(.+)\/providers\/Microsoft\.Authorization\/roleAssignments$/i.exec(
    fixturePath,
  );
  if (below) {
    const subscriptionList = fixture.get(
      'arm',
      `${below[1]}/providers/Microsoft.Authorization/roleAssignments`,
    );
    if (hasValueArray(subscriptionList)) {
      const scope = normalizeScope(`/${below[1]}/${below[2]}`);
      const related = subscriptionList.value.filter((i) => {
        const s = normalizeScope(String((i as { properties?: { scope?: string } }).properties?.scope ?? ''));
        return (
          s === scope ||
          scope.startsWith(`${s}/`) ||
          s.startsWith(`${scope}/`) ||
          !s.startsWith('/subscriptions/')
        );
      });
      return ctx.page('arm', url, { ...subscriptionList, value: related });
    }
  }
  return undefined;
}

export function armObjectRoute(ctx: ApiContext, fixturePath: string): Reply | undefined {
  const byId = ctx.fixture.armById(fixturePath);
  if (byId) return { status: 200, body: byId };
  // Role definitions are tenant-wide: /subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/{guid}
  const def = /providers\/microsoft\.authorization\/roledefinitions\/([^/]+)$/i.exec(fixturePath);
  if (def) {
    const all = ctx.fixture.get('arm', 'providers/Microsoft.Authorization/roleDefinitions');
    const found = hasValueArray(all) ? all.value.find((v) => matchesId(v, def[1]!.toLowerCase())) : undefined;
    if (found) return { status: 200, body: found };
  }
  return undefined;
}
