/**
 * Azure Communication Services Email (2025-09-01): `POST /emails:send` and the operation status
 * (`GET /emails/operations/{id}`, what the SDK's poller reads; 404 for an id it never saw).
 * Microsoft does not document that a repeated `Operation-Id` is delivered once, so the emulator
 * assumes the worst: every accepted send is a delivery, a repeat is a second email.
 */
import { randomUUID } from 'node:crypto';
import type { ReceivedEmail } from './server';
import { errorReply, type Reply } from './replies';

/**
 * A crash drill: `accepted` — the `after`-th send is delivered but its answer never comes (the
 * sender dies not knowing); `unseen` — after `after` sends, the next never reaches the provider.
 * Every later send is held too (the sender is gone). Held requests are never answered.
 */
export interface EmailHold {
  after: number;
  mode: 'accepted' | 'unseen';
}

export const HELD: Reply = { status: 0 };

export function createEmailApi(origin: () => string | undefined) {
  const receivedEmails: ReceivedEmail[] = [];
  const emailOperations = new Set<string>();
  let hold: EmailHold | undefined;
  let sends = 0;
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
    sends += 1;
    const beyond = hold ? sends - hold.after : -1; // 0: the drill's own send; 1, 2…: later ones
    if (beyond > 0) return HELD;
    emailOperations.add(id);
    receivedEmails.push({
      operationId: id,
      from: m.senderAddress,
      to,
      subject: m.content.subject,
      html: m.content.html ?? '',
      text: m.content.plainText ?? '',
    });
    if (beyond === 0 && hold?.mode === 'accepted') return HELD;
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
  const holdEmails = (drill: EmailHold | undefined) => {
    hold = drill;
    sends = 0;
  };
  return { receivedEmails, emailOperations, sendEmail, emailStatus, holdEmails };
}
