import { app, type InvocationContext } from '@azure/functions';
import { handleEventsReported, reportRun, runtime } from '../shared/app/runtime';

/**
 * Event Grid trigger for the subscription system topics (role assignment and federated
 * credential writes/deletes) and Key Vault topics. Takes either schema; a malformed or unknown
 * event is logged and acknowledged. A transient failure throws so Event Grid redelivers; a
 * permanent one (no baseline yet) is logged and acknowledged: the next reconcile covers it.
 */
export async function eventsTrigger(event: unknown, context: InvocationContext): Promise<void> {
  await reportRun(context, 'event', () => {
    const { tables, tenant, publish, settings } = runtime();
    const deps = { tables, tenant: tenant(), publish, keyVaultDnsSuffix: settings.WIMON_VAULT_DNS_SUFFIX };
    return handleEventsReported(event, deps, context.invocationId);
  });
}

app.eventGrid('events', { handler: eventsTrigger });
