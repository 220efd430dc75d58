/**
 * Azure Communication Services Email (2025-09-01): `POST /emails:send` and the operation status.
 * An operation id seen before is the same operation (the service's documented idempotency key).
 */
import { randomUUID } from 'node:crypto';
import type { ReceivedEmail } from './server';
import { errorReply, type Reply } from './replies';

export function createEmailApi(origin: () => string | undefined) {
  // Communication Services Email (2025-09-01): an operation id seen before is the same operation.
  const receivedEmails: ReceivedEmail[] = [];
  const emailOperations = new Set<string>();
  const sendEmail = (body: unknown, operationHeader: unknown, url: URL): Reply => {
    const m = body as {
      senderAddress?: string;
      content?: { subject?: string; html?: string; plainText?: string };
      recipients?: { to?: Array<{ address?: string }> };
    };
    const to = m?.recipients?.to?.map((r) => r.address ?? '') ?? [];
    if (!m?.senderAddress || !m.content?.subject || to.length === 0 || to.some((a) => !a.includes('@')))
      return errorReply(
        'email',
        400,
        'BadRequest',
        'senderAddress, content.subject and recipients.to are required.',
      );
    if (/[\r\n]/.test(m.content.subject))
      return errorReply('email', 400, 'BadRequest', 'The subject contains a line break.');
    const id = typeof operationHeader === 'string' && operationHeader ? operationHeader : randomUUID();
    if (!emailOperations.has(id)) {
      emailOperations.add(id);
      receivedEmails.push({
        operationId: id,
        from: m.senderAddress,
        to,
        subject: m.content.subject,
        html: m.content.html ?? '',
        text: m.content.plainText ?? '',
      });
    }
    return {
      status: 202,
      body: { id, status: 'Running' },
      headers: {
        'Operation-Location': `${origin()}/emails/operations/${id}?${url.searchParams.toString()}`,
        'retry-after': '0',
      },
    };
  };
  const emailStatus = (id: string): Reply =>
    emailOperations.has(id)
      ? { status: 200, body: { id, status: 'Succeeded' } }
      : errorReply('email', 404, 'NotFound', `Operation ${id} not found.`);
  return { receivedEmails, emailOperations, sendEmail, emailStatus };
}
