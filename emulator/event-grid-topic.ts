/** An Event Grid topic in the CloudEvents input schema: what the optional findings publisher sends. */
import { errorReply, type Reply } from './replies';

export function createEventGridTopic() {
  const receivedEvents: unknown[] = [];
  // An Event Grid topic in the CloudEvents input schema: a JSON array of events, 200 with no body.
  const receiveEvents = (body: unknown): Reply => {
    const events = Array.isArray(body) ? body : [];
    if (events.length === 0 || events.some((e) => (e as { specversion?: unknown })?.specversion !== '1.0'))
      return errorReply('eventgrid', 400, 'BadRequest', 'Expected a JSON array of CloudEvents 1.0 events.');
    receivedEvents.push(...events);
    return { status: 200 };
  };

  return { receivedEvents, receiveEvents };
}
