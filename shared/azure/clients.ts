/**
 * The only code that builds Azure API clients. Endpoints and the credential come from the
 * caller, so the same code talks to Azure, a sovereign cloud or the local emulator.
 * Retries (429 with Retry-After, 5xx) are the SDKs' own.
 */
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { LogsQueryClient } from '@azure/monitor-query-logs';
import type { TokenCredential } from '@azure/core-auth';
import {
  Client,
  MiddlewareFactory,
  type AuthenticationProvider,
  type Middleware,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import { PUBLIC_CLOUD, trimEndpoint, type CloudEndpoints } from './endpoints';
import { nodeHttpMessageHandler } from './graph-transport';
import { logsErrorDetailPolicy } from './logs-error-detail';
import { RequestCounter } from './request-counter';
import { ArmBudget, armThrottlePolicy } from './throttle-policy';

/** Stand-in subscription for ARM calls whose path has none (management groups, role definitions by id). */
const NO_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

export class AzureClients {
  readonly counter = new RequestCounter();
  /** ARM's per-subscription request budget, shared by every ARM client of this connection. */
  private readonly armBudget = new ArmBudget();
  private readonly authorization = new Map<string, AuthorizationManagementClient>();
  private readonly msi = new Map<string, ManagedServiceIdentityClient>();
  private graphClient: Client | undefined;
  private logsClient: LogsQueryClient | undefined;
  private resourceGraphClient: ResourceGraphClient | undefined;

  constructor(
    readonly credential: TokenCredential,
    readonly endpoints: CloudEndpoints,
    /** ARM retry tuning (tests shorten the waits); Retry-After from the server always wins. */
    private readonly retry: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number } = {},
  ) {}

  private armOptions() {
    const endpoint = trimEndpoint(this.endpoints.arm);
    return {
      endpoint,
      credentialScopes: [`${endpoint}/.default`],
      retryOptions: this.retry,
      // The throttling policy sits outside the counter, so every 429 it waits out is counted.
      additionalPolicies: [
        { policy: armThrottlePolicy({ budget: this.armBudget }), position: 'perRetry' as const },
        { policy: this.counter.armPolicy(), position: 'perRetry' as const },
      ],
    };
  }

  authorizationFor(subscriptionId: string = NO_SUBSCRIPTION): AuthorizationManagementClient {
    let client = this.authorization.get(subscriptionId);
    if (!client) {
      client = new AuthorizationManagementClient(this.credential, subscriptionId, this.armOptions());
      this.authorization.set(subscriptionId, client);
    }
    return client;
  }

  managedIdentitiesFor(subscriptionId: string): ManagedServiceIdentityClient {
    let client = this.msi.get(subscriptionId);
    if (!client) {
      client = new ManagedServiceIdentityClient(this.credential, subscriptionId, this.armOptions());
      this.msi.set(subscriptionId, client);
    }
    return client;
  }

  /** Azure Resource Graph: tenant-wide queries over the resources the credential can read (an ARM API). */
  resourceGraph(): ResourceGraphClient {
    if (!this.resourceGraphClient) {
      const { endpoint, credentialScopes, retryOptions, additionalPolicies } = this.armOptions();
      this.resourceGraphClient = new ResourceGraphClient(this.credential, {
        endpoint,
        credentials: { scopes: credentialScopes },
        retryOptions,
        additionalPolicies,
      });
    }
    return this.resourceGraphClient;
  }

  /** Log Analytics queries; the token audience follows the endpoint (sovereign clouds have their own). */
  logs(): LogsQueryClient {
    if (!this.logsClient) {
      const base = trimEndpoint(this.endpoints.logs ?? PUBLIC_CLOUD.logs);
      this.logsClient = new LogsQueryClient(this.credential, {
        endpoint: `${base}/v1`,
        credentials: { scopes: [`${base}/.default`] },
        retryOptions: this.retry,
        additionalPolicies: [
          { policy: this.counter.armPolicy('logs'), position: 'perRetry' },
          { policy: logsErrorDetailPolicy(), position: 'perRetry' },
        ],
      });
    }
    return this.logsClient;
  }

  graph(): Client {
    if (!this.graphClient) {
      const base = trimEndpoint(this.endpoints.graph);
      const scopes = [`${base}/.default`];
      // The SDK's TokenCredentialAuthenticationProvider builds an Error (with its stack) on every
      // request just in case: a measurable share of the CPU of a 6,000-request reconcile.
      const authProvider: AuthenticationProvider = {
        getAccessToken: async () => {
          const token = await this.credential.getToken(scopes);
          if (!token) throw new Error(`No access token for ${scopes[0]}`);
          return token.token;
        },
      };
      const chain = MiddlewareFactory.getDefaultMiddlewareChain(authProvider);
      // Graph's identity throttling is a resource-unit bucket a large read drains on purpose: wait
      // out up to 10 429s (the most the SDK allows, Retry-After honoured) instead of its default 3.
      const retry = chain.findIndex((m) => m instanceof RetryHandler);
      if (retry >= 0) chain.splice(retry, 1, new RetryHandler(new RetryHandlerOptions(3, 10)));
      // The SDK's last handler sends with fetch; ours sends with node:https (see graph-transport.ts).
      chain.splice(
        chain.length - 1,
        1,
        this.counter.graphMiddleware() as unknown as Middleware,
        nodeHttpMessageHandler(),
      );
      this.graphClient = Client.initWithMiddleware({
        middleware: chain,
        baseUrl: `${base}/`,
        defaultVersion: 'v1.0',
        // The client only attaches the token to Graph hosts; a sovereign or local endpoint is one too.
        customHosts: new Set([new URL(base).hostname]),
      });
    }
    return this.graphClient;
  }
}

/** A credential for the local emulator, which accepts any bearer token. Never used against Azure. */
export const emulatorCredential: TokenCredential = {
  getToken: async () => ({ token: 'local-emulator-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};
