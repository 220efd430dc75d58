/**
 * The boundary for Event Grid deliveries: one event or an array, in the Event Grid schema or the
 * CloudEvents 1.0 schema, becomes typed domain events. Nothing past this file sees raw JSON.
 * `@azure/eventgrid`'s `isSystemEvent` narrows the system event types; zod checks the fields we use.
 *
 * Only what identifies the caller is kept from the token claims (upn, name, object id, app id,
 * IP address): never `aio`, `uti`, `puid` or any other token material.
 */
import { isSystemEvent, type EventGridEvent } from '@azure/eventgrid';
import { z } from 'zod';
import { describeIssues } from '../inventory/errors';

export interface Actor {
  upn: string | null;
  name: string | null;
  objectId: string | null;
  appId: string | null;
  ipAddress: string | null;
}

interface EventBase {
  id: string;
  type: string;
  /** When the event happened; null when it did not say (a CloudEvent may leave `time` out). */
  time: string | null;
}

export type DomainEvent =
  | (EventBase & {
      kind: 'roleAssignment';
      operation: 'write' | 'delete';
      assignmentId: string;
      subscriptionId: string;
      actor: Actor;
    })
  | (EventBase & {
      kind: 'federatedCredential';
      operation: 'write' | 'delete';
      /** ARM id of the user-assigned identity that holds the credential. */
      identityResourceId: string;
      credentialName: string;
      actor: Actor;
    })
  | (EventBase & {
      kind: 'keyVault';
      change: 'nearExpiry' | 'expired' | 'newVersion';
      objectType: 'secret' | 'certificate';
      /** ARM id of the vault (the event's topic/source). */
      vaultId: string;
      vaultName: string;
      objectName: string;
      /** The object's URL without version: what the finding is about. */
      objectUrl: string;
      version: string | null;
      notBefore: string | null;
      expires: string | null;
    });

export type ParsedEvent =
  { ok: true; event: DomainEvent } | { ok: false; id: string | null; reason: string; ignored: boolean };

const when = z.string().refine((v) => !Number.isNaN(Date.parse(v)), { error: 'must be a date-time' });
const eventGridEnvelope = z.object({
  id: z.string().min(1),
  eventType: z.string().min(1),
  subject: z.string(),
  eventTime: when,
  data: z.unknown(),
  dataVersion: z.string(),
  topic: z.string().optional(),
});
const cloudEventEnvelope = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  type: z.string().min(1),
  source: z.string().min(1),
  subject: z.string().optional(),
  time: when.optional(),
  data: z.unknown(),
});
const resourceData = z.object({
  resourceUri: z.string().startsWith('/'),
  operationName: z.string(),
  subscriptionId: z.string().optional(),
  claims: z.record(z.string(), z.unknown()).optional(),
});

/** What the handler acts on; infra/events filters the event subscriptions to exactly these (a test checks). */
export const HANDLED_RESOURCE_EVENT_TYPES = [
  'Microsoft.Resources.ResourceWriteSuccess',
  'Microsoft.Resources.ResourceDeleteSuccess',
] as const;
export const HANDLED_OPERATIONS = [
  'Microsoft.Authorization/roleAssignments/write',
  'Microsoft.Authorization/roleAssignments/delete',
  'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write',
  'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete',
] as const;
export const HANDLED_KEY_VAULT_EVENT_TYPES = [
  'Microsoft.KeyVault.SecretNearExpiry',
  'Microsoft.KeyVault.SecretExpired',
  'Microsoft.KeyVault.SecretNewVersionCreated',
  'Microsoft.KeyVault.CertificateNearExpiry',
  'Microsoft.KeyVault.CertificateExpired',
  'Microsoft.KeyVault.CertificateNewVersionCreated',
] as const;

const ROLE_ASSIGNMENT_OP = /^microsoft\.authorization\/roleassignments\/(write|delete)$/i;
const FIC_OP =
  /^microsoft\.managedidentity\/userassignedidentities\/federatedidentitycredentials\/(write|delete)$/i;
const KEY_VAULT = /^Microsoft\.KeyVault\.(Secret|Certificate)(NearExpiry|Expired|NewVersionCreated)$/;

/** Splits a delivery into its events; a body that is neither an object nor an array is one malformed event. */
export function eventsOf(body: unknown): unknown[] {
  return Array.isArray(body) ? body : [body];
}

export interface ParseOptions {
  /** Key Vault DNS suffix of the cloud (WIMON_VAULT_DNS_SUFFIX); vault hosts must be `<name>.<suffix>`. */
  keyVaultDnsSuffix?: string;
}

export function parseEvent(raw: unknown, options: ParseOptions = {}): ParsedEvent {
  const rawId = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : null;
  const fail = (reason: string, ignored = false): ParsedEvent => ({ ok: false, id: rawId, reason, ignored });
  // Normalise both schemas to the Event Grid shape the SDK's type guards take.
  let event: EventGridEvent<unknown>;
  let source: string;
  const isCloudEvent = typeof raw === 'object' && raw !== null && 'specversion' in raw;
  if (isCloudEvent) {
    const ce = cloudEventEnvelope.safeParse(raw);
    if (!ce.success) return fail(`not a CloudEvents 1.0 event: ${issues(ce.error)}`);
    source = ce.data.source;
    event = {
      id: ce.data.id,
      eventType: ce.data.type,
      subject: ce.data.subject ?? '',
      // No time: ordering must not use the processing time (base.time is null below).
      eventTime: new Date(ce.data.time ?? 0),
      data: ce.data.data,
      dataVersion: '',
      topic: source,
    };
  } else {
    const eg = eventGridEnvelope.safeParse(raw);
    if (!eg.success) return fail(`not an Event Grid event: ${issues(eg.error)}`);
    source = eg.data.topic ?? '';
    event = { ...eg.data, eventTime: new Date(eg.data.eventTime), topic: source };
  }
  const stated = isCloudEvent ? (raw as { time?: unknown }).time !== undefined : true;
  const base = { id: event.id, type: event.eventType, time: stated ? event.eventTime.toISOString() : null };

  if (
    isSystemEvent('Microsoft.Resources.ResourceWriteSuccess', event) ||
    isSystemEvent('Microsoft.Resources.ResourceDeleteSuccess', event)
  ) {
    const data = resourceData.safeParse(event.data);
    if (!data.success) return fail(`${event.eventType} without the expected data: ${issues(data.error)}`);
    const actor = actorOf(data.data.claims ?? {});
    const subscriptionId =
      data.data.subscriptionId ?? /^\/subscriptions\/([^/]+)/i.exec(data.data.resourceUri)?.[1] ?? '';
    const role = ROLE_ASSIGNMENT_OP.exec(data.data.operationName);
    if (role)
      return {
        ok: true,
        event: {
          ...base,
          kind: 'roleAssignment',
          operation: role[1]!.toLowerCase() as 'write' | 'delete',
          assignmentId: data.data.resourceUri,
          subscriptionId,
          actor,
        },
      };
    const fic = FIC_OP.exec(data.data.operationName);
    if (fic) {
      const m = /^(.*\/userassignedidentities\/[^/]+)\/federatedidentitycredentials\/([^/]+)$/i.exec(
        data.data.resourceUri,
      );
      if (!m) return fail(`federated credential event for an unexpected resource ${data.data.resourceUri}`);
      return {
        ok: true,
        event: {
          ...base,
          kind: 'federatedCredential',
          operation: fic[1]!.toLowerCase() as 'write' | 'delete',
          identityResourceId: m[1]!,
          credentialName: m[2]!,
          actor,
        },
      };
    }
    return fail(`operation ${data.data.operationName} is not one the monitor handles`, true);
  }

  const kv = KEY_VAULT.exec(event.eventType);
  if (kv)
    return parseKeyVault(base, kv, event.data, source, fail, options.keyVaultDnsSuffix ?? 'vault.azure.net');
  return fail(`event type ${event.eventType} is not one the monitor handles`, true);
}

const epochSeconds = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).nullish();

/** Key Vault sends PascalCase keys (documentation shows camelCase): read them case-insensitively. */
const keyVaultData = z.object({
  id: z.string().url(),
  vaultname: z.string().min(1),
  objecttype: z.string(),
  objectname: z.string().min(1),
  version: z.string().nullish(),
  // Epoch seconds: numbers in captured deliveries, strings in the published CloudEvents example.
  nbf: epochSeconds,
  exp: epochSeconds,
});

function parseKeyVault(
  base: EventBase,
  kv: RegExpExecArray,
  data: unknown,
  source: string,
  fail: (reason: string) => ParsedEvent,
  dnsSuffix: string,
): ParsedEvent {
  const lowered =
    typeof data === 'object' && data !== null
      ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k.toLowerCase(), v]))
      : data;
  const d = keyVaultData.safeParse(lowered);
  if (!d.success) return fail(`${base.type} without the expected data: ${issues(d.error)}`);
  // Epoch seconds out of the range a date can hold (a garbled NBF/EXP) are unknown, not a crash.
  const epoch = (s: number | null | undefined) => {
    if (s == null || !Number.isFinite(s) || Math.abs(s) > 8.64e12) return null;
    return new Date(s * 1000).toISOString();
  };
  const url = new URL(d.data.id);
  // The object must live on a vault of this cloud: anything else is refused, never a finding target.
  const host = url.hostname.toLowerCase();
  const suffix = dnsSuffix.replace(/^\./, '').toLowerCase();
  if (
    url.protocol !== 'https:' ||
    !host.endsWith(`.${suffix}`) ||
    host.slice(0, -suffix.length - 1).includes('.')
  )
    return fail(
      `${base.type}: ${url.protocol}//${host} is not a Key Vault host under ${suffix}; not acted on`,
    );
  const segments = url.pathname.split('/').filter(Boolean); // secrets/<name>/<version>
  return {
    ok: true,
    event: {
      ...base,
      kind: 'keyVault',
      change: kv[2] === 'NearExpiry' ? 'nearExpiry' : kv[2] === 'Expired' ? 'expired' : 'newVersion',
      objectType: kv[1] === 'Secret' ? 'secret' : 'certificate',
      vaultId: source,
      vaultName: d.data.vaultname,
      objectName: d.data.objectname,
      objectUrl: `${url.origin}/${segments.slice(0, 2).join('/')}`.toLowerCase(),
      version: d.data.version ?? null,
      notBefore: epoch(d.data.nbf),
      expires: epoch(d.data.exp),
    },
  };
}

function actorOf(claims: Record<string, unknown>): Actor {
  const text = (key: string) => (typeof claims[key] === 'string' ? (claims[key] as string) : null);
  return {
    upn: text('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn'),
    name: text('name'),
    objectId: text('http://schemas.microsoft.com/identity/claims/objectidentifier'),
    appId: text('appid'),
    ipAddress: text('ipaddr'),
  };
}

export function actorLabel(actor: Actor): string {
  return actor.upn ?? actor.name ?? actor.objectId ?? actor.appId ?? 'unknown caller';
}

function issues(error: z.ZodError): string {
  return describeIssues(error.issues, '(event)');
}
