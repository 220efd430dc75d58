/**
 * Sends one notice through Azure Communication Services Email (`beginSend`, then waits for the
 * operation). The notice id is the operation id: Communication Services treats a repeated send
 * with the same id as the same operation, so a resend after a crash does not deliver twice.
 * Authenticated with the app's credential (no connection string, no key).
 */
import type { RequiredAccess } from '../azure/access';
import { EmailClient } from '@azure/communication-email';
import type { TokenCredential } from '@azure/core-auth';

export interface OutgoingEmail {
  id: string;
  recipient: string;
  subject: string;
  html: string;
  text: string;
}

export type SendOutcome = { ok: true } | { ok: false; transient: boolean; error: string };

export type EmailTransport = (email: OutgoingEmail) => Promise<SendOutcome>;

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
  return async (email) => {
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
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      // Throttling, server errors and network failures are worth retrying; a 4xx request is not.
      const transient = status === undefined || status === 429 || status >= 500;
      return { ok: false, transient, error: `${status ? `HTTP ${status} ` : ''}${message}`.slice(0, 500) };
    }
  };
}

export const EMAIL_ACCESS: RequiredAccess = {
  by: 'shared/notify/email-transport.ts',
  why: 'send notices through Communication Services Email',
  grant: {
    kind: 'customRoleActions',
    actions: [
      'Microsoft.Communication/CommunicationServices/Read',
      'Microsoft.Communication/EmailServices/write',
    ],
    scope: 'the Communication Services resource',
  },
  when: 'setting:WIMON_EMAIL_ENDPOINT',
};
