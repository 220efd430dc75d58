/** Events never sink a delivery: shapes from the wild are parsed, or skipped alone, never thrown. */
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../../shared/events/incoming-event';
import { describeOutcome } from '../../../shared/app/event-summary';
import { keyVaultEvent, resourceEvent } from '../../support/events';

const NOW = new Date('2026-11-22T09:00:00Z');

describe('malformed and unusual events', () => {
  it('a CloudEvent without time parses with time unknown (null), not the processing time', () => {
    const e = keyVaultEvent({
      type: 'SecretNearExpiry',
      vault: 'kv-a',
      object: 's',
      expires: NOW,
      schema: 'cloudevents',
    });
    delete (e as { time?: unknown }).time;
    const parsed = parseEvent(e);
    expect(parsed.ok && parsed.event.time).toBeNull();
    const timed = parseEvent(
      keyVaultEvent({
        type: 'SecretNearExpiry',
        vault: 'kv-a',
        object: 's',
        expires: NOW,
        schema: 'cloudevents',
        time: '2026-11-21T10:00:00Z',
      }),
    );
    expect(timed.ok && timed.event.time).toBe('2026-11-21T10:00:00.000Z');
  });

  it.each([
    ['a number far beyond any date', 1e300],
    ['a string of digits beyond any date', '99999999999999999999'],
  ])('NBF/EXP as %s is an unknown date, not a crash', (_name, value) => {
    const e = keyVaultEvent({ type: 'SecretNearExpiry', vault: 'kv-a', object: 's', expires: NOW }) as {
      data: Record<string, unknown>;
    };
    e.data.EXP = value;
    e.data.NBF = value;
    const parsed = parseEvent(e);
    expect(parsed.ok).toBe(true);
    if (parsed.ok && parsed.event.kind === 'keyVault') {
      expect(parsed.event.expires).toBeNull();
      expect(parsed.event.notBefore).toBeNull();
    }
  });

  it('an id with a lone surrogate or of 5,000 characters still parses', () => {
    for (const id of ['abc\ud800def', 'x'.repeat(5000)]) {
      const parsed = parseEvent(
        resourceEvent({
          operation: 'write',
          resourceUri: '/subscriptions/x/providers/Microsoft.Authorization/roleAssignments/y',
          operationName: 'Microsoft.Authorization/roleAssignments/write',
          id,
        }),
      );
      expect(parsed.ok && parsed.event.id).toBe(id);
    }
  });

  it('ids, types and notes from the sender cannot forge a log line (CR, LF, ESC, bidi)', () => {
    const line = describeOutcome({
      id: 'e1\r\nevent e2 Microsoft.Resources.ResourceWriteSuccess: opened 9\u001b[2K',
      type: 'T\u202e',
      status: 'skipped',
      note: 'bad\nnews',
      objectIds: [],
      changes: { opened: [], reopened: [], resolved: [], exempted: [] },
    });
    expect(line.split('\n')).toHaveLength(1);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(line).not.toMatch(/[\u0000-\u001f\u202e]/);
    expect(line).toContain('e1\ufffd\ufffdevent e2');
  });
});

describe('Key Vault events are routed by their object URL only, and only when nothing contradicts it', () => {
  /** A SecretNearExpiry for kv-a/s whose object URL (and version, to match) is `id`. */
  const kv = (
    id: string,
    over: (data: Record<string, unknown>, e: Record<string, unknown>) => void = () => undefined,
  ) => {
    const e = keyVaultEvent({ type: 'SecretNearExpiry', vault: 'kv-a', object: 's', expires: NOW }) as {
      data: Record<string, unknown>;
    } & Record<string, unknown>;
    e.data.Id = id;
    e.data.Version = id.split('/').pop();
    over(e.data, e);
    return e;
  };
  const reason = (e: unknown) => {
    const parsed = parseEvent(e, { now: NOW });
    return parsed.ok ? 'parsed' : parsed.reason;
  };
  it.each([
    'https://evil.example.com/secrets/s/v1',
    'https://kv-a.vault.azure.net.evil.example/secrets/s/v1',
    'https://a.b.vault.azure.net/secrets/s/v1',
    'http://kv-a.vault.azure.net/secrets/s/v1',
    'https://kv-a.vault.azure.net:8443/secrets/s/v1',
    'https://user@kv-a.vault.azure.net/secrets/s/v1',
  ])('%s is refused with a note, never a finding target', (id) => {
    expect(reason(kv(id))).toMatch(
      /^Microsoft\.KeyVault\.SecretNearExpiry: .* is not (an https URL on )?a Key Vault host under vault\.azure\.net; not acted on$/,
    );
  });
  it.each([
    ['a key, not a secret', 'https://kv-a.vault.azure.net/keys/s/v1', /is not under \/secrets\//],
    [
      'a dot-dot path into certificates',
      'https://kv-a.vault.azure.net/secrets/../certificates/s/v1',
      /does not name a Key Vault secret and version/,
    ],
    [
      'a name Key Vault does not allow',
      'https://kv-a.vault.azure.net/secrets/s%2F..%2Fx/v1',
      /does not name a Key Vault secret/,
    ],
    [
      'a path with more segments',
      'https://kv-a.vault.azure.net/secrets/s/v1/extra',
      /does not name a Key Vault secret and version/,
    ],
  ])('%s is refused', (_, id, why) => {
    expect(reason(kv(id))).toMatch(why);
  });
  it.each([
    [
      'VaultName',
      (d: Record<string, unknown>) => (d.VaultName = 'kv-other'),
      /VaultName kv-other contradicts/,
    ],
    ['ObjectName', (d: Record<string, unknown>) => (d.ObjectName = 'other'), /ObjectName other contradicts/],
    [
      'ObjectType',
      (d: Record<string, unknown>) => (d.ObjectType = 'Certificate'),
      /ObjectType Certificate contradicts/,
    ],
    ['Version', (d: Record<string, unknown>) => (d.Version = 'v2'), /Version v2 contradicts/],
    [
      'the vault the event came from (topic)',
      (_d: Record<string, unknown>, e: Record<string, unknown>) =>
        (e.topic = '/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-other'),
      /the event's vault .*kv-other contradicts/,
    ],
  ])('a payload whose %s disagrees with the object URL is refused', (_, change, why) => {
    const r = reason(kv('https://kv-a.vault.azure.net/secrets/s/v1', change));
    expect(r).toMatch(why);
    expect(r).toMatch(/the object URL https:\/\/kv-a\.vault\.azure\.net\/secrets\/s\/v1; not acted on$/);
  });
  it('a vault of the configured cloud is read, by its URL; the public suffix is the default', () => {
    const parsed = parseEvent(kv('https://KV-A.vault.azure.net/secrets/s/v1'));
    expect(parsed.ok && parsed.event.kind === 'keyVault' && parsed.event.objectUrl).toBe(
      'https://kv-a.vault.azure.net/secrets/s',
    );
    const gov = kv('https://kv-a.vault.usgovcloudapi.net/secrets/s/v1');
    expect(parseEvent(gov).ok).toBe(false);
    expect(parseEvent(gov, { keyVaultDnsSuffix: '.vault.usgovcloudapi.net' }).ok).toBe(true);
  });
});

describe('events that trust their payload', () => {
  it('an event dated beyond a few minutes ahead is refused (it would become the ordering cursor for good)', () => {
    const far = keyVaultEvent({
      type: 'SecretNearExpiry',
      vault: 'kv-a',
      object: 's',
      expires: NOW,
      time: '9999-12-31T00:00:00Z',
    });
    const parsed = parseEvent(far, { now: NOW });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.reason).toMatch(
        /is more than 5 minutes ahead of 2026-11-22T09:00:00\.000Z; not acted on$/,
      );
    // A little skew between clocks is normal.
    const soon = new Date(NOW.getTime() + 4 * 60_000).toISOString();
    expect(
      parseEvent(keyVaultEvent({ type: 'SecretNearExpiry', vault: 'kv-a', object: 's', time: soon }), {
        now: NOW,
      }).ok,
    ).toBe(true);
  });

  it("an event of more than Event Grid's 1 MB, or naming a resource id longer than any Azure id, is refused", () => {
    const huge = keyVaultEvent({ type: 'SecretNearExpiry', vault: 'kv-a', object: 's', expires: NOW }) as {
      data: Record<string, unknown>;
    };
    huge.data.ObjectName = 'x'.repeat(10 * 1024 * 1024);
    const a = parseEvent(huge, { now: NOW });
    expect(a.ok).toBe(false);
    if (!a.ok)
      expect(a.reason).toMatch(
        /^the event is \d+ bytes; Event Grid delivers events of at most 1048576 bytes/,
      );
    const long = resourceEvent({
      operation: 'delete',
      resourceUri: `/subscriptions/x/resourceGroups/${'r'.repeat(5000)}/providers/Microsoft.Authorization/roleAssignments/y`,
      operationName: 'Microsoft.Authorization/roleAssignments/delete',
    });
    const b = parseEvent(long, { now: NOW });
    expect(b.ok).toBe(false);
    if (!b.ok)
      expect(b.reason).toMatch(/the resource id is 5\d{3} characters; longer than any Azure resource id/);
  });

  it("the subscription of a role assignment event is the one in its resource id, not the payload's", () => {
    const e = resourceEvent({
      operation: 'write',
      resourceUri:
        '/subscriptions/99999999-9999-4999-8999-999999999999/providers/Microsoft.Authorization/roleAssignments/y',
      operationName: 'Microsoft.Authorization/roleAssignments/write',
    });
    const parsed = parseEvent(e, { now: NOW });
    expect(parsed.ok && parsed.event.kind === 'roleAssignment' && parsed.event.subscriptionId).toBe(
      '99999999-9999-4999-8999-999999999999',
    );
  });
});
