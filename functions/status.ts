import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { monitorStatus } from '../shared/app/status';
import { runtime } from '../shared/app/runtime';

export async function status(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const { tables, settings } = runtime();
  const result = await monitorStatus(tables, settings, new Date());
  const last = result.runs.reconcile;
  context.log(
    `status: baseline sequence ${result.baseline?.sequence ?? 'none'}; last reconcile ${last ? `${last.ageMinutes} min ago, ${last.complete ? 'complete' : 'PARTIAL'}${last.late ? ', LATE' : ''}` : 'none'}; outbox ${result.outbox.waiting} waiting, ${result.outbox.failed} failed`,
  );
  return { status: 200, jsonBody: result };
}

app.http('status', { methods: ['GET'], authLevel: 'function', route: 'status', handler: status });
