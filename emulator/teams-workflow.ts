/**
 * A Microsoft Teams Workflows webhook (Power Automate / Logic Apps "When a Teams webhook request
 * is received"): `POST /workflows/{id}/triggers/manual/paths/invoke?api-version=1&sp=…&sv=1.0&sig=…`,
 * answered 202 Accepted with no body. Authorised by the signature in the query string (shared
 * access), never by a bearer token: a request with both is refused as Logic Apps refuses it.
 * Errors are Logic Apps' `{"error":{"code","message"}}`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { errorReply, type Reply } from './replies';

export interface TeamsPost {
  /** The message body as posted (`{"type":"message","attachments":[…]}`). */
  body: unknown;
}

export function createTeamsWorkflow() {
  const workflowId = randomUUID().replace(/-/g, '');
  const sig = randomBytes(32).toString('base64url');
  const path = `/workflows/${workflowId}/triggers/manual/paths/invoke`;
  const receivedTeamsPosts: TeamsPost[] = [];

  const invoke = (
    method: string,
    requestPath: string,
    url: URL,
    body: unknown,
    authorization: unknown,
  ): Reply => {
    if (requestPath !== path)
      return errorReply(
        'workflows',
        404,
        'WorkflowNotFound',
        `The workflow '${requestPath.split('/')[2] ?? ''}' could not be found.`,
      );
    if (authorization)
      return errorReply(
        'workflows',
        400,
        'DirectApiRequestHasMoreThanOneAuthorization',
        "The request has SAS authentication scheme and 'Bearer' authorization scheme. Only one scheme should be used.",
      );
    const q = url.searchParams;
    if (!q.get('sp') || !q.get('sv') || !q.get('sig'))
      return errorReply(
        'workflows',
        401,
        'DirectApiAuthorizationRequired',
        "Required parameters for shared access URL are permissions ('sp'), version ('sv'), and signature ('sig').",
      );
    if (q.get('sig') !== sig)
      return errorReply(
        'workflows',
        401,
        'DirectApiInvalidAuthorizationSignature',
        'The provided signature is not valid.',
      );
    if (method !== 'POST')
      return errorReply(
        'workflows',
        405,
        'MethodNotAllowed',
        `The HTTP method '${method}' is not allowed for the trigger.`,
      );
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return errorReply(
        'workflows',
        400,
        'InvalidRequestContent',
        'The request content must be a JSON object.',
      );
    receivedTeamsPosts.push({ body });
    return { status: 202 };
  };
  const endpoint = (origin: string) =>
    `${origin}${path}?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`;
  return { receivedTeamsPosts, invoke, endpoint };
}
