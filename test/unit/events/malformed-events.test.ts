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

describe('Key Vault events from hosts that are not vaults of this cloud', () => {
  const kv = (id: string) => {
    const e = keyVaultEvent({ type: 'SecretNearExpiry', vault: 'kv-a', object: 's', expires: NOW }) as {
      data: Record<string, unknown>;
    };
    e.data.Id = id;
    return e;
  };
  it.each([
    ['https://evil.example.com/secrets/s/v1', 'https://evil.example.com'],
    ['https://kv-a.vault.azure.net.evil.example/secrets/s/v1', 'https://kv-a.vault.azure.net.evil.example'],
    ['https://a.b.vault.azure.net/secrets/s/v1', 'https://a.b.vault.azure.net'],
    ['http://kv-a.vault.azure.net/secrets/s/v1', 'http://kv-a.vault.azure.net'],
  ])('%s is refused with a note, never a finding target', (id, host) => {
    const parsed = parseEvent(kv(id));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.reason).toBe(
        `Microsoft.KeyVault.SecretNearExpiry: ${host} is not a Key Vault host under vault.azure.net; not acted on`,
      );
  });
  it('a vault of the configured cloud is read; the public suffix is the default', () => {
    expect(parseEvent(kv('https://KV-A.vault.azure.net/secrets/s/v1')).ok).toBe(true);
    const gov = kv('https://kv-a.vault.usgovcloudapi.net/secrets/s/v1');
    expect(parseEvent(gov).ok).toBe(false);
    expect(parseEvent(gov, { keyVaultDnsSuffix: '.vault.usgovcloudapi.net' }).ok).toBe(true);
  });
});
