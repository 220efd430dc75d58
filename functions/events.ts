import { app, type InvocationContext } from '@azure/functions';
import { handleEvents } from '../shared/app/handle-events';
import { describeOutcome } from '../shared/app/event-summary';
import { runtime } from '../shared/app/runtime';

/**
 * Event Grid trigger for the subscription system topics (role assignment and federated
 * credential writes/deletes) and Key Vault topics. Takes either schema; a malformed or unknown
 * event is logged and acknowledged; a transient failure throws so Event Grid redelivers.
 */
export async function eventsTrigger(event: unknown, context: InvocationContext): Promise<void> {
  const { tables, tenant, publish } = runtime();
  for (const outcome of await handleEvents(event, { tables, tenant: tenant(), publish })) {
    if (outcome.status === 'skipped') context.warn(describeOutcome(outcome));
    else context.log(describeOutcome(outcome));
  }
}

app.eventGrid('events', { handler: eventsTrigger });
