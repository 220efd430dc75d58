/**
 * Finding changes as CloudEvents to an Event Grid topic (WIMON_FINDINGS_TOPIC_ENDPOINT), so
 * security operations can route them to a SIEM. Sent with the monitor's credential (the topic
 * needs "EventGrid Data Sender" for it; no access keys). `data` is the public finding shape
 * (docs/guide.md "Scanning"); the event id is stable per finding and change, so a receiver can dedupe.
 *
 * Best effort: a change is stored before it is published, and a publish that fails after the
 * SDK's retries is reported, not retried later (the notification outbox makes delivery reliable).
 */
import type { RequiredAccess } from '../azure/access';
import { EventGridPublisherClient, type SendCloudEventInput } from '@azure/eventgrid';
import type { TokenCredential } from '@azure/core-auth';
import type { SyncResult } from '../findings/store';
import type { Finding } from '../model/finding';

export type FindingChange = 'opened' | 'reopened' | 'resolved' | 'exempted';
export const FINDING_EVENT_TYPE_PREFIX = 'WorkloadIdentityMonitor.Finding.';

export type PublishFindingChanges = (changes: Pick<SyncResult, FindingChange>) => Promise<PublishResult>;
export interface PublishResult {
  sent: number;
  error?: string;
}

export function findingCloudEvents(
  changes: Pick<SyncResult, FindingChange>,
  source: string,
): Array<SendCloudEventInput<Record<string, unknown>>> {
  const out: Array<SendCloudEventInput<Record<string, unknown>>> = [];
  for (const change of ['opened', 'reopened', 'resolved', 'exempted'] as const) {
    for (const f of changes[change]) {
      const at = change === 'resolved' ? (f.resolvedAt ?? f.lastSeen) : f.lastSeen;
      out.push({
        id: `${f.key}:${change}:${at}`,
        type: `${FINDING_EVENT_TYPE_PREFIX}${change[0]!.toUpperCase()}${change.slice(1)}`,
        source,
        subject: `${f.ruleId}/${f.identity.objectId}`,
        time: new Date(at),
        datacontenttype: 'application/json',
        data: publicShape(f),
      });
    }
  }
  return out;
}

function publicShape(f: Finding): Record<string, unknown> {
  return {
    key: f.key,
    ruleId: f.ruleId,
    severity: f.severity,
    state: f.state,
    identity: f.identity,
    target: f.target,
    message: f.message,
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
    resolvedAt: f.resolvedAt,
    evidence: f.evidence,
    exemption: f.exemption,
  };
}

/** Event Grid accepts up to 1 MB per request; findings are small, 100 per send keeps well under it. */
const PER_SEND = 100;

export function eventGridFindingPublisher(
  endpoint: string,
  credential: TokenCredential,
  source: string,
): PublishFindingChanges {
  const client = new EventGridPublisherClient(endpoint, 'CloudEvent', credential);
  return async (changes) => {
    const events = findingCloudEvents(changes, source);
    let sent = 0;
    try {
      for (let i = 0; i < events.length; i += PER_SEND) {
        const chunk = events.slice(i, i + PER_SEND);
        await client.send(chunk);
        sent += chunk.length;
      }
      return { sent };
    } catch (error) {
      return { sent, error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
    }
  };
}

export const FINDING_EVENTS_ACCESS: RequiredAccess = {
  by: 'shared/notify/finding-events.ts',
  why: 'publish finding changes as CloudEvents to your Event Grid topic',
  grant: {
    kind: 'builtInRole',
    role: 'EventGrid Data Sender',
    roleId: 'd5a91429-5739-47e2-a06b-3470a27159e7',
    scope: 'the topic in WIMON_FINDINGS_TOPIC_ENDPOINT',
  },
  when: 'operator',
};
