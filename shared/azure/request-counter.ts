/**
 * Counts HTTP requests each API client sends (retries included), for run records and for the
 * request-budget tests and benchmark.
 */
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { RequestCounts } from '../model/inventory';

/** One HTTP exchange as sent and answered, for `wimon record` (bodies parsed; never headers or tokens). */
export interface Exchange {
  api: 'arm' | 'graph' | 'logs';
  method: string;
  url: string;
  requestBody: unknown;
  status: number;
  body: unknown;
}

const parsed = (text: string | undefined): unknown => {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

export class RequestCounter {
  arm = 0;
  graph = 0;
  logs = 0;
  /**
   * Microsoft Graph resource units, as Graph reports them (`x-ms-resource-unit` on each answer and
   * each `$batch` item): what its identity-and-access throttling charges this application.
   */
  graphResourceUnits = 0;
  /** Answers that were 429 (throttled; the client waits and retries): for progress lines. */
  throttled = 0;
  /** Set by `wimon record`: every exchange is handed to it (off otherwise, at no cost). */
  recorder: ((exchange: Exchange) => void) | undefined;

  /** A core-rest-pipeline policy (ARM SDKs, Log Analytics), added per retry so retries count too. */
  armPolicy(api: 'arm' | 'logs' = 'arm'): PipelinePolicy {
    return {
      name: 'wimonRequestCounter',
      sendRequest: async (request, next) => {
        this[api] += 1;
        const response = await next(request);
        if (response.status === 429) this.throttled += 1;
        this.recorder?.({
          api,
          method: request.method,
          url: request.url,
          requestBody: typeof request.body === 'string' ? parsed(request.body) : undefined,
          status: response.status,
          body: parsed(response.bodyAsText ?? undefined),
        });
        return response;
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
        const answer = (
          context as { response?: { status?: number; headers?: { get(name: string): string | null } } }
        ).response;
        if (answer?.status === 429) this.throttled += 1;
        const units = answer?.headers?.get('x-ms-resource-unit');
        if (units) this.addResourceUnits(units);
        if (this.recorder) {
          const c = context as {
            request: string | { url: string };
            options?: { method?: string; body?: unknown };
            response?: { status: number; clone(): { text(): Promise<string> } };
          };
          if (!c.response) return;
          this.recorder({
            api: 'graph',
            method: (c.options?.method ?? 'GET').toUpperCase(),
            url: typeof c.request === 'string' ? c.request : c.request.url,
            requestBody: typeof c.options?.body === 'string' ? parsed(c.options.body) : undefined,
            status: c.response.status,
            body: parsed(await c.response.clone().text()),
          });
        }
      },
      setNext: (next) => {
        nextHandler = next;
      },
    };
  }

  /** Adds a `x-ms-resource-unit` value (ignored unless it is a positive number). */
  addResourceUnits(header: string | number | undefined): void {
    const n = Number(header);
    if (Number.isFinite(n) && n > 0) this.graphResourceUnits += n;
  }

  snapshot(): RequestCounts {
    const base = {
      arm: this.arm,
      graph: this.graph,
      ...(this.graphResourceUnits ? { graphResourceUnits: this.graphResourceUnits } : {}),
    };
    return this.logs
      ? { ...base, logs: this.logs, total: this.arm + this.graph + this.logs }
      : { ...base, total: this.arm + this.graph };
  }
}
