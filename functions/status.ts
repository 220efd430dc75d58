import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { monitorStatus } from '../shared/app/status';
import { reportRun, runtime, statusReport } from '../shared/app/runtime';

export async function status(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return reportRun(context, 'status', async () => {
    const { tables, settings } = runtime();
    const result = await monitorStatus(tables, settings, new Date());
    return { report: statusReport(result, context.invocationId), value: { status: 200, jsonBody: result } };
  });
}

app.http('status', { methods: ['GET'], authLevel: 'function', route: 'status', handler: status });
