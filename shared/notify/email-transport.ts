/**
 * Sends one notice through Azure Communication Services Email (`beginSend`, then waits for the
 * operation) and asks what the service knows of an operation (`GET /emails/operations/{id}`, the
 * status API the SDK's poller reads). The notice id is the operation id. Microsoft does not
 * promise that a repeated operation id is delivered once, so the outbox never resends blindly:
 * it asks for the operation first and resends only when the service does not know it.
 * Authenticated with the app's credential (no connection string, no key).
 */
import type { RequiredAccess } from '../azure/access';
import { EmailClient } from '@azure/communication-email';
import type { TokenCredential } from '@azure/core-auth';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
} from '@azure/core-rest-pipeline';
import { z } from 'zod';

export interface OutgoingEmail {
  id: string;
  recipient: string;
  subject: string;
  html: string;
  text: string;
}

export type SendOutcome = { ok: true } | { ok: false; transient: boolean; error: string };

/**
 * What the provider knows of an operation id: `unknown` (404: it never got it), its state, or
 * `error` when it could not be asked (then nothing may be resent yet).
 */
export type OperationState =
  | { state: 'unknown' }
  | { state: 'running' | 'succeeded' }
  | { state: 'failed'; error: string }
  | { state: 'error'; error: string };

export interface EmailTransport {
  send(email: OutgoingEmail): Promise<SendOutcome>;
  status(operationId: string): Promise<OperationState>;
}

/** The service's API version the SDK speaks (@azure/communication-email 1.1). */
const API_VERSION = '2025-09-01';

/** The status body (EmailSendResult): only what is used is validated. */
const sendResultSchema = z.object({
  status: z.string(),
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

const messageOf = (error: unknown) =>
  error instanceof Error ? error.message.split('\n')[0]! : String(error);

export function communicationServicesTransport(
  endpoint: string,
  credential: TokenCredential,
  sender: string,
  options: {
    pollIntervalMs?: number;
    /** The SDK's own retries of 429/5xx (Retry-After honoured); the outbox retries beyond them. */
    retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  } = {},
): EmailTransport {
  const client = new EmailClient(endpoint, credential, { retryOptions: options.retryOptions });
  const pipeline = createPipelineFromOptions({ retryOptions: options.retryOptions });
  pipeline.addPolicy(
    bearerTokenAuthenticationPolicy({ credential, scopes: 'https://communication.azure.com//.default' }),
  );
  const http = createDefaultHttpClient();
  return {
    send: async (email) => {
      try {
        const poller = await client.beginSend(
          {
            senderAddress: sender,
            content: { subject: email.subject, html: email.html, plainText: email.text },
            recipients: { to: [{ address: email.recipient }] },
            disableUserEngagementTracking: true,
          },
          { operationId: email.id, updateIntervalInMs: options.pollIntervalMs ?? 2000 },
        );
        const result = await poller.pollUntilDone();
        if (result.status === 'Succeeded') return { ok: true };
        return {
          ok: false,
          transient: false,
          error: `${result.status}: ${result.error?.code ?? ''} ${result.error?.message ?? ''}`.trim(),
        };
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        // Throttling, server errors and network failures are worth retrying; a 4xx request is not.
        const transient = status === undefined || status === 429 || status >= 500;
        return {
          ok: false,
          transient,
          error: `${status ? `HTTP ${status} ` : ''}${messageOf(error)}`.slice(0, 500),
        };
      }
    },
    status: async (operationId) => {
      const url = `${endpoint.replace(/\/+$/, '')}/emails/operations/${encodeURIComponent(operationId)}?api-version=${API_VERSION}`;
      try {
        const response = await pipeline.sendRequest(http, createPipelineRequest({ url, method: 'GET' }));
        if (response.status === 404) return { state: 'unknown' };
        const body: unknown = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
        if (response.status !== 200) {
          const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
          return {
            state: 'error',
            error: `HTTP ${response.status} ${e?.code ?? ''} ${e?.message ?? ''}`.trim(),
          };
        }
        const parsed = sendResultSchema.safeParse(body);
        if (!parsed.success) return { state: 'error', error: 'the operation status could not be read' };
        const { status, error } = parsed.data;
        if (status === 'Succeeded') return { state: 'succeeded' };
        if (status === 'NotStarted' || status === 'Running') return { state: 'running' };
        return { state: 'failed', error: `${status}: ${error?.code ?? ''} ${error?.message ?? ''}`.trim() };
      } catch (error) {
        return { state: 'error', error: messageOf(error).slice(0, 500) };
      }
    },
  };
}

export const EMAIL_ACCESS: RequiredAccess = {
  by: 'shared/notify/email-transport.ts',
  why: 'send notices through Communication Services Email',
  grant: {
    kind: 'customRoleActions',
    // The three actions Microsoft's "Use a custom role" for Communication Services email with Entra
    // (SMTP authentication article) lists; an earlier revision listed only Read and EmailServices/write,
    // and a role without CommunicationServices/Write was reported to be refused (issue 22).
    actions: [
      'Microsoft.Communication/CommunicationServices/Read',
      'Microsoft.Communication/CommunicationServices/Write',
      'Microsoft.Communication/EmailServices/write',
    ],
    scope: 'the Communication Services resource',
  },
  when: 'setting:WIMON_EMAIL_ENDPOINT',
};
