/**
 * Log Analytics puts what actually went wrong in `error.innererror.message` (e.g. "Failed to
 * resolve table expression named 'AADManagedIdentitySignInLogs'": the diagnostic category is not
 * enabled), while the SDK's RestError keeps only the generic top-level message ("The request had
 * some invalid properties"). This policy folds the inner message into the top-level one so the
 * run record and the operator see the cause.
 */
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

export function logsErrorDetailPolicy(): PipelinePolicy {
  return {
    name: 'wimonLogsErrorDetail',
    sendRequest: async (request, next) => {
      const response = await next(request);
      if (response.status < 400 || !response.bodyAsText) return response;
      try {
        const body = JSON.parse(response.bodyAsText) as {
          error?: { message?: string; innererror?: { message?: string } };
        };
        const inner = body.error?.innererror?.message;
        if (body.error && inner) {
          body.error.message = `${body.error.message ?? 'error'}: ${inner}`;
          response.bodyAsText = JSON.stringify(body);
        }
      } catch {
        // not JSON: leave the response as it came
      }
      return response;
    },
  };
}
