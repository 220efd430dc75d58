/**
 * A subscription event in the shape of Microsoft's published ResourceWriteSuccess /
 * ResourceDeleteSuccess sample (test/fixtures/events), for the benchmarks' events.
 */
import { randomUUID } from 'node:crypto';

export function resourceEvent(o: {
  subscription: string;
  resourceUri: string;
  operationName: string;
  kind: 'Write' | 'Delete';
  tenantId: string;
  id?: string;
}) {
  const id = o.id ?? randomUUID();
  return {
    id,
    subject: o.resourceUri,
    eventType: `Microsoft.Resources.Resource${o.kind}Success`,
    eventTime: new Date().toISOString(),
    topic: `/subscriptions/${o.subscription}`,
    dataVersion: '2',
    metadataVersion: '1',
    data: {
      authorization: { scope: o.resourceUri, action: o.operationName, evidence: { role: 'Owner' } },
      claims: {
        name: 'Bench Runner',
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': 'bench@contoso.example',
      },
      correlationId: id,
      resourceProvider: o.operationName.split('/')[0],
      resourceUri: o.resourceUri,
      operationName: o.operationName,
      status: 'Succeeded',
      subscriptionId: o.subscription,
      tenantId: o.tenantId,
    },
  };
}
