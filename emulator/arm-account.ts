/**
 * ARM's tenant-level routes a client such as the Azure CLI calls before anything else:
 * `GET /subscriptions`, `/subscriptions/{id}`, `/tenants` and the cloud's
 * `/metadata/endpoints` (answered without a token, as ARM does). Shapes as the Subscriptions
 * API's published examples (azure-rest-api-specs Microsoft.Resources/subscriptions 2022-12-01
 * GetSubscriptions.json, GetTenants.json) and ARM's metadata endpoint.
 */
import type { Fixture } from './fixture';

type Body = { status: number; body: unknown } | undefined;

function subscription(fixture: Fixture, id: string) {
  const { tenantId } = fixture.manifest;
  return {
    id: `/subscriptions/${id}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: id,
    tenantId,
    displayName: `subscription ${id.slice(0, 8)}`,
    state: 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'Internal_2014-09-01',
      spendingLimit: 'Off',
    },
  };
}

export function armAccountRoute(
  fixture: Fixture,
  path: string,
  origins: { arm: string; graph: string },
): Body {
  const p = path.replace(/\/+$/, '');
  if (/^\/subscriptions$/i.test(p))
    return {
      status: 200,
      body: { value: fixture.manifest.subscriptions.map((s) => subscription(fixture, s)) },
    };
  const one = /^\/subscriptions\/([^/]+)$/i.exec(p);
  if (one) {
    const id = fixture.manifest.subscriptions.find((s) => s.toLowerCase() === one[1]!.toLowerCase());
    return id
      ? { status: 200, body: subscription(fixture, id) }
      : {
          status: 404,
          body: {
            error: {
              code: 'SubscriptionNotFound',
              message: `The subscription '${one[1]}' could not be found.`,
            },
          },
        };
  }
  if (/^\/tenants$/i.test(p))
    return {
      status: 200,
      body: {
        value: [
          {
            id: `/tenants/${fixture.manifest.tenantId}`,
            tenantId: fixture.manifest.tenantId,
            tenantCategory: 'Home',
            displayName: 'Emulated tenant',
            domains: [],
          },
        ],
      },
    };
  if (/^\/metadata\/endpoints$/i.test(p))
    return {
      status: 200,
      body: {
        // The shape ARM's metadata endpoint gives (api-version 2022-09-01), pointing at the emulator.
        name: 'WimonEmulator',
        resourceManager: `${origins.arm}/`,
        microsoftGraphResourceId: `${origins.graph}/`,
        authentication: {
          loginEndpoint: 'https://127.0.0.1/',
          audiences: [`${origins.arm}/`],
          tenant: 'common',
          identityProvider: 'AAD',
        },
        suffixes: { keyVaultDns: 'vault.azure.net', storage: 'core.windows.net' },
      },
    };
  return undefined;
}

/** Routes ARM answers without a token. */
export const isAnonymousArmRoute = (path: string): boolean => /^\/metadata\/endpoints\/?(\?|$)/i.test(path);
