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
  /** The handler's time: an event dated further ahead than MAX_CLOCK_SKEW_MS is refused. */
  now?: Date;
}

/**
 * Event Grid delivers events of at most 1 MB (its documented limit): anything larger did not come
 * from it, and is refused before any of it is stored.
 */
export const MAX_EVENT_BYTES = 1024 * 1024;
/**
 * The longest resource id an event may name: far above any ARM id a role assignment or a federated
 * credential has, far below Table Storage's 32,768-character property limit, so one hostile event
 * cannot fail the writes of a delivery.
 */
export const MAX_RESOURCE_ID_LENGTH = 2048;
/** How far ahead of the handler's clock an event's time may be (clocks differ a little; more is a forgery or a fault). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

function sizeOf(raw: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(raw) ?? '', 'utf8');
  } catch {
    return Infinity;
  }
}

export function parseEvent(raw: unknown, options: ParseOptions = {}): ParsedEvent {
  const givenId = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : null;
  // An id is shown in outcomes and logs: a hostile one is cut, never repeated whole.
  const rawId = givenId && givenId.length > 200 ? `${givenId.slice(0, 200)}…` : givenId;
  const fail = (reason: string, ignored = false): ParsedEvent => ({ ok: false, id: rawId, reason, ignored });
  const bytes = sizeOf(raw);
  if (bytes > MAX_EVENT_BYTES)
    return fail(
      `the event is ${bytes} bytes; Event Grid delivers events of at most ${MAX_EVENT_BYTES} bytes; not acted on`,
    );
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
  // A time far ahead would order every real event after it as stale (a Key Vault cursor), for good.
  if (stated && options.now && event.eventTime.getTime() > options.now.getTime() + MAX_CLOCK_SKEW_MS)
    return fail(
      `the event's time ${base.time} is more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes ahead of ${options.now.toISOString()}; not acted on`,
    );

  if (
    isSystemEvent('Microsoft.Resources.ResourceWriteSuccess', event) ||
    isSystemEvent('Microsoft.Resources.ResourceDeleteSuccess', event)
  ) {
    const data = resourceData.safeParse(event.data);
    if (!data.success) return fail(`${event.eventType} without the expected data: ${issues(data.error)}`);
    if (data.data.resourceUri.length > MAX_RESOURCE_ID_LENGTH)
      return fail(
        `${event.eventType}: the resource id is ${data.data.resourceUri.length} characters; longer than any Azure resource id (${MAX_RESOURCE_ID_LENGTH}); not acted on`,
      );
    const actor = actorOf(data.data.claims ?? {});
    // The resource says where it is; a payload subscriptionId that disagrees is not believed.
    const subscriptionId =
      /^\/subscriptions\/([^/]+)/i.exec(data.data.resourceUri)?.[1] ?? data.data.subscriptionId ?? '';
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
    return fail(`operation ${shortText(data.data.operationName)} is not one the monitor handles`, true);
  }

  const kv = KEY_VAULT.exec(event.eventType);
  if (kv)
    return parseKeyVault(base, kv, event.data, source, fail, options.keyVaultDnsSuffix ?? 'vault.azure.net');
  return fail(`event type ${shortText(event.eventType)} is not one the monitor handles`, true);
}

/** Key Vault's naming rules: vaults 3-24 letters, digits and dashes (starting with a letter); objects 1-127 letters, digits and dashes. */
const VAULT_NAME = /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/;
const OBJECT_NAME = /^[0-9a-z-]{1,127}$/i;
const VERSION = /^[0-9a-z]{1,64}$/i;
/** Event text quoted in a reason: bounded, so an outcome or log line cannot be made huge. */
const shortText = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

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
  // Routed by the object's URL alone, and only when nothing else in the event contradicts it: the
  // URL must be https on a vault host of this cloud (no port, no user), under the collection the
  // event type names, with names Key Vault allows; VaultName, ObjectName, ObjectType, Version and
  // the vault the event came from (topic/source) must all say the same.
  const suffix = dnsSuffix.replace(/^\./, '').toLowerCase();
  const collection = kv[1] === 'Secret' ? 'secrets' : 'certificates';
  const at = /^https:\/\/([^/?#:@\\]+)(\/[^?#]*)?$/i.exec(d.data.id);
  const host = at?.[1]?.toLowerCase();
  if (!at || !host || !host.endsWith(`.${suffix}`))
    return fail(
      `${base.type}: ${shortText(d.data.id)} is not an https URL on a Key Vault host under ${suffix}; not acted on`,
    );
  const vault = host.slice(0, -suffix.length - 1);
  const noObject = `${base.type}: ${shortText(d.data.id)} does not name a Key Vault ${collection.slice(0, -1)} and version; not acted on`;
  const m = /^\/([^/\\]+)\/([^/\\]+)(?:\/([^/\\]*))?\/?$/.exec(at[2] ?? '');
  if (!m) return fail(noObject);
  const [, kind, name, version] = m as unknown as [string, string, string, string | undefined];
  if (!VAULT_NAME.test(vault))
    return fail(`${base.type}: ${host} is not a Key Vault host under ${suffix}; not acted on`);
  if (kind.toLowerCase() !== collection)
    return fail(
      `${base.type}: the object ${shortText(d.data.id)} is not under /${collection}/; not acted on`,
    );
  if (!OBJECT_NAME.test(name) || (version !== undefined && version !== '' && !VERSION.test(version)))
    return fail(noObject);
  const sourceVault = /\/providers\/microsoft\.keyvault\/vaults\/([^/]+)$/i.exec(source)?.[1];
  const contradictions = [
    d.data.vaultname.toLowerCase() !== vault ? `VaultName ${shortText(d.data.vaultname)}` : '',
    d.data.objectname.toLowerCase() !== name.toLowerCase()
      ? `ObjectName ${shortText(d.data.objectname)}`
      : '',
    d.data.objecttype.toLowerCase() !== kv[1]!.toLowerCase()
      ? `ObjectType ${shortText(d.data.objecttype)}`
      : '',
    version && d.data.version && d.data.version.toLowerCase() !== version.toLowerCase()
      ? `Version ${shortText(d.data.version)}`
      : '',
    sourceVault === undefined
      ? `the event's source ${shortText(source) || '(none)'}, which is not a Key Vault,`
      : sourceVault.toLowerCase() !== vault
        ? `the event's vault ${shortText(source)}`
        : '',
  ].filter(Boolean);
  if (contradictions.length)
    return fail(
      `${base.type}: ${contradictions.join(', ')} contradict${contradictions.length === 1 ? 's' : ''} the object URL ${shortText(d.data.id)}; not acted on`,
    );
  return {
    ok: true,
    event: {
      ...base,
      kind: 'keyVault',
      change: kv[2] === 'NearExpiry' ? 'nearExpiry' : kv[2] === 'Expired' ? 'expired' : 'newVersion',
      objectType: kv[1] === 'Secret' ? 'secret' : 'certificate',
      vaultId: source,
      vaultName: vault,
      objectName: name,
      objectUrl: `https://${host}/${collection}/${name}`.toLowerCase(),
      version: version || null,
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

function issues(error: z.ZodError): string {
  return describeIssues(error.issues, '(event)');
}
