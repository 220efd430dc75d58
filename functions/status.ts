import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { describeStatus, monitorStatus } from '../shared/app/status';
import { runtime } from '../shared/app/runtime';

export async function status(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const { tables, settings } = runtime();
  const result = await monitorStatus(tables, settings, new Date());
  context.log(describeStatus(result));
  return { status: 200, jsonBody: result };
}

app.http('status', { methods: ['GET'], authLevel: 'function', route: 'status', handler: status });
