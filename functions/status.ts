import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { monitorStatus } from '../shared/app/status';
import { runtime } from '../shared/app/runtime';

export async function status(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const result = await monitorStatus(runtime().tables);
  context.log(`status: baseline sequence ${result.baseline?.sequence ?? 'none'}`);
  return { status: 200, jsonBody: result };
}

app.http('status', { methods: ['GET'], authLevel: 'function', route: 'status', handler: status });
