/**
 * Counts HTTP requests each API client sends (retries included), for run records and for the
 * request-budget tests and benchmark.
 */
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { RequestCounts } from '../model/inventory';

export class RequestCounter {
  arm = 0;
  graph = 0;
  logs = 0;

  /** A core-rest-pipeline policy (ARM SDKs, Log Analytics), added per retry so retries count too. */
  armPolicy(api: 'arm' | 'logs' = 'arm'): PipelinePolicy {
    return {
      name: 'wimonRequestCounter',
      sendRequest: (request, next) => {
        this[api] += 1;
        return next(request);
      },
    };
  }

  /** A Microsoft Graph client middleware placed just before the HTTP handler, so retries count too. */
  graphMiddleware(): {
    execute(context: unknown): Promise<void>;
    setNext(next: { execute(context: unknown): Promise<void> }): void;
  } {
    let nextHandler: { execute(context: unknown): Promise<void> } | undefined;
    return {
      execute: async (context) => {
        this.graph += 1;
        if (!nextHandler) throw new Error('request counter middleware has no next handler');
        await nextHandler.execute(context);
      },
      setNext: (next) => {
        nextHandler = next;
      },
    };
  }

  snapshot(): RequestCounts {
    const base = { arm: this.arm, graph: this.graph };
    return this.logs
      ? { ...base, logs: this.logs, total: this.arm + this.graph + this.logs }
      : { ...base, total: this.arm + this.graph };
  }
}
