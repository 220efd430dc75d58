/**
 * Counts HTTP requests each API client sends (retries included), for run records and for the
 * request-budget tests and benchmark.
 */
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

export class RequestCounter {
  arm = 0;
  graph = 0;

  armPolicy(): PipelinePolicy {
    return {
      name: 'wimonRequestCounter',
      sendRequest: (request, next) => {
        this.arm += 1;
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

  snapshot(): { arm: number; graph: number; total: number } {
    return { arm: this.arm, graph: this.graph, total: this.arm + this.graph };
  }
}
