/**
 * The event ledger (real Azurite): a redelivered event inside the retention is a duplicate, also
 * after a purge; the purge removes only ids older than the retention.
 */
import { describe, expect, it } from 'vitest';
import { EventLedger, RETENTION_DAYS } from '../../shared/events/event-ledger';
import { freshTables } from '../support/tables';

const DAY = 86_400_000;
const NOW = new Date('2026-11-22T09:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

describe('event ledger retention (Azurite)', () => {
  it('purge deletes only ids older than the retention; a redelivery inside it is still a duplicate', async () => {
    expect(RETENTION_DAYS).toBe(7);
    const ledger = new EventLedger(freshTables());
    await ledger.record('old-1', 't', 'processed', ago(9));
    await ledger.record('old-2', 't', 'processed', ago(7.01));
    await ledger.record('recent-1', 't', 'processed', ago(6.99));
    await ledger.record('recent-2', 't', 'processed', ago(1));
    await ledger.record('now/with#odd?chars', 't', 'processed', NOW);

    expect(await ledger.purge(NOW)).toBe(2);
    // What is left is exactly what the retention keeps: redelivered, they are duplicates.
    for (const id of ['recent-1', 'recent-2', 'now/with#odd?chars'])
      expect(await ledger.seen(id, NOW)).toBe(true);
    for (const id of ['old-1', 'old-2']) expect(await ledger.seen(id, NOW)).toBe(false);
    // A second purge finds nothing more.
    expect(await ledger.purge(NOW)).toBe(0);
    expect(await ledger.seen('recent-1', NOW)).toBe(true);
  });

  it('a purge stops at its limit and the next one carries on', async () => {
    const ledger = new EventLedger(freshTables());
    for (let i = 0; i < 5; i++) await ledger.record(`old-${i}`, 't', 'processed', ago(10));
    await ledger.record('keep', 't', 'processed', ago(2));
    expect(await ledger.purge(NOW, 3)).toBe(3);
    expect(await ledger.purge(NOW, 3)).toBe(2);
    expect(await ledger.seen('keep', NOW)).toBe(true);
  });

  it('an id recorded longer ago than the retention but not yet purged is not a duplicate', async () => {
    const ledger = new EventLedger(freshTables());
    await ledger.record('stale', 't', 'processed', ago(8));
    expect(await ledger.seen('stale', NOW)).toBe(false);
    expect(await ledger.seen('never', NOW)).toBe(false);
  });
});

describe('event ledger keys', () => {
  it('any id the sender chose is a valid key: long, with a lone surrogate, with / \\ # ?', async () => {
    const ledger = new EventLedger(freshTables());
    for (const id of ['x'.repeat(5000), 'abc\ud800def', 'a/b\\c#d?e\u0001']) {
      expect(await ledger.seen(id, NOW)).toBe(false);
      await ledger.record(id, 't', 'processed', NOW);
      expect(await ledger.seen(id, NOW)).toBe(true);
    }
  });
});
