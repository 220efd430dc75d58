/**
 * Real-shaped events: Microsoft's published samples (test/fixtures/events, sources in SOURCES.md)
 * with contoso values filled in. Only ids, resources, times and operation names change.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ROOT, SAMPLE_NOW } from './sample';

const DIR = path.join(ROOT, 'test', 'fixtures', 'events');

function sample(name: string): Record<string, unknown> {
  const body = JSON.parse(readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as unknown;
  return (Array.isArray(body) ? body[0] : body) as Record<string, unknown>;
}

export const PROD_SUB = '11111111-1111-4111-8111-111111111111';

/**
 * When an event says it happened unless a test says otherwise: a minute before the sample's date,
 * never the wall clock (a handler judged as of the sample's date refuses events from its future,
 * and a test must not depend on today's date).
 */
export const EVENT_TIME = new Date(SAMPLE_NOW.getTime() - 60_000).toISOString();

export interface ResourceEventOptions {
  schema?: 'eventgrid' | 'cloudevents';
  operation: 'write' | 'delete';
  resourceUri: string;
  operationName: string;
  id?: string;
  time?: string;
  actorUpn?: string;
}

/** A subscription ResourceWriteSuccess / ResourceDeleteSuccess event for `resourceUri`. */
export function resourceEvent(o: ResourceEventOptions): Record<string, unknown> {
  const schema = o.schema ?? 'eventgrid';
  const kind = o.operation === 'write' ? 'Write' : 'Delete';
  const e = structuredClone(
    sample(
      schema === 'eventgrid'
        ? `eventgrid-schema-subscription-Resource${kind}Success-doc`
        : o.operation === 'write'
          ? 'cloudevents-schema-resourcegroup-ResourceWriteSuccess-doc'
          : 'cloudevents-schema-subscription-ResourceDeleteSuccess-doc',
    ),
  );
  const data = e.data as Record<string, unknown> & {
    claims: Record<string, string>;
    authorization: Record<string, unknown>;
  };
  data.resourceUri = o.resourceUri;
  data.operationName = o.operationName;
  data.subscriptionId = PROD_SUB;
  data.tenantId = 'c0ffee00-0000-4000-8000-000000000001';
  data.authorization.scope = o.resourceUri;
  data.authorization.action = o.operationName;
  data.claims['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn'] =
    o.actorUpn ?? 'mallory@contoso.com';
  data.claims.name = 'Mallory Doe';
  e.id = o.id ?? randomUUID();
  e.subject = o.resourceUri;
  if (schema === 'eventgrid') {
    e.eventType = `Microsoft.Resources.Resource${kind}Success`;
    e.eventTime = o.time ?? EVENT_TIME;
    e.topic = `/subscriptions/${PROD_SUB}`;
  } else {
    e.type = `Microsoft.Resources.Resource${kind}Success`;
    e.time = o.time ?? EVENT_TIME;
    e.source = `/subscriptions/${PROD_SUB}`;
  }
  return e;
}

export interface KeyVaultEventOptions {
  type:
    | 'SecretNearExpiry'
    | 'SecretExpired'
    | 'SecretNewVersionCreated'
    | 'CertificateNearExpiry'
    | 'CertificateExpired';
  vault: string;
  object: string;
  expires?: Date | null;
  time?: string;
  id?: string;
  schema?: 'eventgrid' | 'cloudevents';
}

/** A Key Vault event in the wire casing Key Vault really sends (PascalCase data keys). */
export function keyVaultEvent(o: KeyVaultEventOptions): Record<string, unknown> {
  const cloud = o.schema === 'cloudevents';
  const e = structuredClone(
    sample(
      cloud
        ? 'keyvault-SecretNewVersionCreated-cloudevents-schema-spec'
        : o.type.startsWith('Certificate')
          ? 'keyvault-CertificateNearExpiry-eventgrid-schema-captured'
          : 'keyvault-SecretNewVersionCreated-eventgrid-schema-captured',
    ),
  );
  const objectType = o.type.startsWith('Certificate') ? 'certificates' : 'secrets';
  const version = randomUUID().replace(/-/g, '');
  const data = e.data as Record<string, unknown>;
  data.Id = `https://${o.vault}.vault.azure.net/${objectType}/${o.object}/${version}`;
  data.VaultName = o.vault;
  data.ObjectType = objectType === 'secrets' ? 'Secret' : 'Certificate';
  data.ObjectName = o.object;
  data.Version = version;
  const exp = o.expires === undefined ? null : o.expires;
  data.EXP =
    exp === null ? null : cloud ? String(Math.floor(exp.getTime() / 1000)) : Math.floor(exp.getTime() / 1000);
  const vaultId = `/subscriptions/${PROD_SUB}/resourceGroups/rg-pay/providers/Microsoft.KeyVault/vaults/${o.vault}`;
  e.id = o.id ?? randomUUID();
  e.subject = o.object;
  if (cloud) {
    e.type = `Microsoft.KeyVault.${o.type}`;
    e.time = o.time ?? EVENT_TIME;
    e.source = vaultId;
  } else {
    e.eventType = `Microsoft.KeyVault.${o.type}`;
    e.eventTime = o.time ?? EVENT_TIME;
    e.topic = vaultId;
  }
  return e;
}
