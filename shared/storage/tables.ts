/**
 * Opens the monitor's tables. Every table name carries a prefix (WIMON_TABLE_PREFIX) so one
 * storage account can hold several monitors, and each test its own isolated set.
 */
import type { RequiredAccess } from '../azure/access';
import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/core-auth';
import { RestError, type PipelinePolicy } from '@azure/core-rest-pipeline';
import type { Settings } from '../config/settings';
import { ConfigurationError, EXIT, MonitorError } from '../errors';

export type TableName =
  | 'baseline'
  | 'findings'
  | 'runs'
  | 'outbox'
  | 'ledger'
  | 'cursors'
  | 'events'
  | 'attestations'
  | 'owners'
  | 'assignmentindex'
  | 'identityindex';

export interface TableSource {
  connectionString?: string;
  endpoint?: string;
  credential?: TokenCredential;
  prefix: string;
  /** Overrides STORAGE_DEADLINE (tests shorten it). */
  deadline?: Partial<{ tryTimeoutMs: number; maxRetries: number; retryDelayInMs: number }>;
}

/** Table Storage traffic per table: HTTP requests (transactions), and the rows they wrote. */
export type TableTraffic = Partial<Record<TableName, { requests: number; rowsWritten: number }>>;

const WRITE_METHODS = /^(PUT|MERGE|PATCH|POST|DELETE)$/;

/**
 * Counts each table's requests and the rows they write (an entity-group transaction's body holds
 * one request line per row), so "what did this run write" is measured on the wire, not claimed.
 */
function trafficPolicy(traffic: TableTraffic, name: TableName): PipelinePolicy {
  return {
    name: 'wimonTableTraffic',
    sendRequest: (request, next) => {
      const t = (traffic[name] ??= { requests: 0, rowsWritten: 0 });
      t.requests += 1;
      if (/\$batch$/.test(new URL(request.url).pathname) && typeof request.body === 'string')
        t.rowsWritten += (request.body.match(/^(PUT|MERGE|PATCH|POST|DELETE) https?:\/\//gm) ?? []).length;
      else if (WRITE_METHODS.test(request.method) && !/\/Tables(\(|$)/.test(new URL(request.url).pathname))
        t.rowsWritten += 1;
      return next(request);
    },
  };
}

/**
 * Every Table Storage call has a deadline: a try that has not had its whole answer within
 * TRY_TIMEOUT_MS is abandoned and retried (the SDK's exponential retry, MAX_RETRIES times), so
 * storage that accepts connections and never answers stops a run in about
 * (MAX_RETRIES + 1) × TRY_TIMEOUT_MS instead of for ever. Azure answers a single table operation
 * within its own 30-second server timeout, and usually in milliseconds.
 */
export const STORAGE_DEADLINE = { tryTimeoutMs: 10_000, maxRetries: 2, retryDelayInMs: 800 } as const;

/** Table Storage could not be reached or did not answer: nothing was read or written by that call. */
export class StorageUnavailableError extends MonitorError {
  readonly exitCode = EXIT.failed;
  readonly transient = true;
}

/** Aborts a try that outlives its deadline (headers and body alike) as a retriable ETIMEDOUT. */
function deadlinePolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: 'wimonStorageDeadline',
    sendRequest: async (request, next) => {
      const outer = request.abortSignal;
      const controller = new AbortController();
      const forward = () => controller.abort();
      outer?.addEventListener('abort', forward);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      request.abortSignal = controller.signal;
      try {
        return await next(request);
      } catch (error) {
        if (timedOut)
          throw new RestError(`no answer within ${timeoutMs / 1000} s`, { code: 'ETIMEDOUT', request });
        throw error;
      } finally {
        clearTimeout(timer);
        request.abortSignal = outer;
        outer?.removeEventListener('abort', forward);
      }
    },
  };
}

/**
 * After the retries: a call that got no HTTP answer at all (refused, reset, hung up, timed out)
 * becomes one error that names Table Storage, where it was and which setting points there. Calls
 * that did get an answer (404, 409, 412…) pass unchanged: callers act on those.
 */
function unavailablePolicy(setting: string, timeoutMs: number, tries: number): PipelinePolicy {
  return {
    name: 'wimonStorageUnavailable',
    sendRequest: async (request, next) => {
      try {
        return await next(request);
      } catch (error) {
        if (statusOf(error) !== undefined || request.abortSignal?.aborted) throw error;
        const code = (error as { code?: unknown }).code;
        const what =
          code === 'ETIMEDOUT'
            ? `did not answer within ${timeoutMs / 1000} s`
            : code === 'ECONNREFUSED'
              ? 'refused the connection'
              : `failed before answering (${typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)})`;
        throw new StorageUnavailableError(
          `Table Storage at ${new URL(request.url).origin} ${what}, ${tries} tries: check ${setting} and that the storage account is reachable from here`,
          { cause: error },
        );
      }
    },
  };
}

export class Tables {
  private readonly created = new Map<string, Promise<void>>();
  /** Requests and rows written per table since this object was made. */
  readonly traffic: TableTraffic = {};
  constructor(private readonly source: TableSource) {}

  static fromSettings(settings: Settings, credential: TokenCredential): Tables {
    if (settings.WIMON_STORAGE_CONNECTION_STRING) {
      return new Tables({
        connectionString: settings.WIMON_STORAGE_CONNECTION_STRING,
        prefix: settings.WIMON_TABLE_PREFIX,
      });
    }
    if (settings.WIMON_TABLE_ENDPOINT) {
      return new Tables({
        endpoint: settings.WIMON_TABLE_ENDPOINT,
        credential,
        prefix: settings.WIMON_TABLE_PREFIX,
      });
    }
    throw new ConfigurationError(
      'no Table Storage configured: set WIMON_TABLE_ENDPOINT (managed identity) or WIMON_STORAGE_CONNECTION_STRING',
    );
  }

  /** Where the tables live and how they are reached (for diagnostics and tests; never a key or connection string). */
  get target(): { endpoint?: string; credential?: TokenCredential; connectionString: boolean } {
    return {
      endpoint: this.source.endpoint,
      credential: this.source.credential,
      connectionString: Boolean(this.source.connectionString),
    };
  }

  get prefix(): string {
    return this.source.prefix;
  }

  /** A client for one of our tables; the table is created on first use. */
  async table(name: TableName): Promise<TableClient> {
    const client = this.client(`${this.source.prefix}${name}`, name);
    let creating = this.created.get(name);
    if (!creating) {
      creating = client.createTable().catch((error: unknown) => {
        this.created.delete(name);
        throw error;
      });
      this.created.set(name, creating);
    }
    await creating;
    return client;
  }

  private client(tableName: string, name: TableName): TableClient {
    const { connectionString, endpoint, credential } = this.source;
    const { tryTimeoutMs, maxRetries, retryDelayInMs } = { ...STORAGE_DEADLINE, ...this.source.deadline };
    const setting = connectionString ? 'WIMON_STORAGE_CONNECTION_STRING' : 'WIMON_TABLE_ENDPOINT';
    const options: TableServiceClientOptions = {
      retryOptions: { maxRetries, retryDelayInMs },
      additionalPolicies: [
        { policy: unavailablePolicy(setting, tryTimeoutMs, maxRetries + 1), position: 'perCall' },
        { policy: trafficPolicy(this.traffic, name), position: 'perRetry' },
        { policy: deadlinePolicy(tryTimeoutMs), position: 'perRetry' },
      ],
    };
    if (connectionString) {
      const insecure = /DefaultEndpointsProtocol=http;|TableEndpoint=http:/i.test(connectionString);
      return TableClient.fromConnectionString(connectionString, tableName, {
        ...options,
        allowInsecureConnection: insecure,
      });
    }
    if (!endpoint || !credential)
      throw new ConfigurationError('Table Storage needs an endpoint and a credential');
    return new TableClient(endpoint, tableName, credential, options);
  }
}

/** Status code of a failed Table Storage call, when it has one. */
export function statusOf(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'statusCode' in error && typeof error.statusCode === 'number') {
    return error.statusCode;
  }
  return undefined;
}

export const TABLES_ACCESS: RequiredAccess = {
  by: 'shared/storage/tables.ts',
  why: 'keep the baseline, findings, runs, outbox and ledgers in Table Storage (keyless)',
  grant: {
    kind: 'builtInRole',
    role: 'Storage Table Data Contributor',
    roleId: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    scope: "the monitor's storage account",
  },
};
