/**
 * Posts an Adaptive Card to a Microsoft Teams Workflows webhook (the successor of the retired
 * Office 365 connectors): `{"type":"message","attachments":[{"contentType":
 * "application/vnd.microsoft.card.adaptive","content":<card>}]}`, answered 202 Accepted.
 * The URL's query string is a signature (a secret): it never appears in an error, a log line
 * or a stored row. Workflows offers no way to ask whether a post arrived, so a post whose
 * sender died before marking it may be repeated once (the outbox says so in docs/notices.md).
 */
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  RestError,
} from '@azure/core-rest-pipeline';
import type { SendOutcome } from './email-transport';
import type { RequiredAccess } from '../azure/access';

export type TeamsTransport = (card: string) => Promise<SendOutcome>;

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** The webhook's host only, for messages: the path and query are the secret part. */
export function webhookHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the Teams webhook';
  }
}

export function teamsWebhookTransport(
  url: string,
  options: {
    retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  } = {},
): TeamsTransport {
  // The SDK pipeline's retry policies: 429 with Retry-After, 5xx and network errors.
  const pipeline = createPipelineFromOptions({ retryOptions: options.retryOptions });
  const http = createDefaultHttpClient();
  const host = webhookHost(url);
  const hide = (text: string) =>
    text
      .split(url)
      .join(host)
      .replace(/sig=[^&\s"']+/gi, 'sig=…');
  return async (card) => {
    try {
      const response = await pipeline.sendRequest(
        http,
        createPipelineRequest({
          url,
          method: 'POST',
          headers: createHttpHeaders({ 'content-type': 'application/json' }),
          body: JSON.stringify({
            type: 'message',
            attachments: [
              { contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: JSON.parse(card) },
            ],
          }),
        }),
      );
      if (response.status >= 200 && response.status < 300) return { ok: true };
      const transient = response.status === 429 || response.status >= 500;
      const detail = (response.bodyAsText ?? '').slice(0, 300);
      return { ok: false, transient, error: hide(`HTTP ${response.status} from ${host}: ${detail}`.trim()) };
    } catch (error) {
      const status = error instanceof RestError ? error.statusCode : undefined;
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      return {
        ok: false,
        transient: status === undefined || status === 429 || status >= 500,
        error: hide(`${status ? `HTTP ${status} ` : ''}${message} (${host})`).slice(0, 500),
      };
    }
  };
}

export const TEAMS_WEBHOOK_ACCESS: RequiredAccess = {
  by: 'shared/notify/teams-transport.ts',
  why: 'read the Teams Workflows webhook URL from Key Vault (an app setting Key Vault reference)',
  grant: {
    kind: 'builtInRole',
    role: 'Key Vault Secrets User',
    roleId: '4633458b-17de-408a-b874-0445c86b69e6',
    scope: 'the Teams webhook secret',
  },
  when: 'setting:WIMON_TEAMS_WEBHOOK_URL',
};
