import { app, type InvocationContext } from '@azure/functions';
import { handleEvents } from '../shared/app/handle-events';
import { describeOutcome } from '../shared/app/event-summary';
import { isTransient, runtime } from '../shared/app/runtime';

/**
 * Event Grid trigger for the subscription system topics (role assignment and federated
 * credential writes/deletes) and Key Vault topics. Takes either schema; a malformed or unknown
 * event is logged and acknowledged. A transient failure throws so Event Grid redelivers; a
 * permanent one (no baseline yet) is logged and acknowledged: the next reconcile covers it.
 */
export async function eventsTrigger(event: unknown, context: InvocationContext): Promise<void> {
  const { tables, tenant, publish, settings } = runtime();
  try {
    const deps = {
      tables,
      tenant: tenant(),
      publish,
      keyVaultDnsSuffix: settings.WIMON_VAULT_DNS_SUFFIX,
    };
    for (const outcome of await handleEvents(event, deps)) {
      if (outcome.status === 'skipped') context.warn(describeOutcome(outcome));
      else context.log(describeOutcome(outcome));
    }
  } catch (error) {
    if (isTransient(error)) throw error;
    context.error(
      `event not processed, not retried: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

app.eventGrid('events', { handler: eventsTrigger });
