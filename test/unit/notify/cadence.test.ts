/** shared/notify/cadence.ts: when an owner hears about a finding again, and when security operations do. */
import { describe, expect, it } from 'vitest';
import {
  dueDate,
  dueText,
  escalationDue,
  ESCALATE_AFTER_DAYS,
  isEscalating,
  ownerStage,
} from '../../../shared/notify/cadence';
import type { Finding } from '../../../shared/model/finding';

const NOW = new Date('2026-11-22T09:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();
const policy = { expiryWarningDays: [30, 14, 7, 1] };

function finding(
  ruleId: string,
  evidence: Record<string, unknown> = {},
  firstSeen = NOW.toISOString(),
): Finding {
  return {
    key: 'k',
    ruleId,
    severity: 'low',
    state: 'open',
    identity: { name: 'n', objectId: 'o', appId: null, displayName: null },
    target: 't',
    message: 'm',
    firstSeen,
    lastSeen: NOW.toISOString(),
    resolvedAt: null,
    evidence,
    readScope: 'directory',
    exemption: null,
  } as Finding;
}

describe('notice cadence', () => {
  it('dueDate: a credential’s end or a Key Vault object’s expiry; nothing for a missing or unparseable date', () => {
    expect(dueDate(finding('credential.expiring', { end: at(3) }))).toBe(at(3));
    expect(dueDate(finding('keyvault.secret-expiring', { expires: at(5) }))).toBe(at(5));
    expect(dueDate(finding('keyvault.secret-expiring', { end: at(2), expires: at(5) }))).toBe(at(2));
    expect(dueDate(finding('credential.expiring', { end: 'soon' }))).toBeNull();
    expect(dueDate(finding('credential.expiring', { end: 12 }))).toBeNull();
    expect(dueDate(finding('credential.expiring'))).toBeNull();
  });

  it.each([
    ['credential.expiring', 29, 'expiring-30d'],
    ['credential.expiring', 14, 'expiring-14d'],
    ['keyvault.secret-expiring', 6.5, 'expiring-7d'],
    ['keyvault.certificate-expiring', 0.5, 'expiring-1d'],
    ['credential.expiring', 45, undefined],
  ])('%s due in %s days → stage %s', (rule, days, stage) => {
    expect(ownerStage(finding(rule, { end: at(days) }), policy, NOW)).toBe(stage);
  });

  it('an expiring finding without a due date goes out once as "expiring"', () => {
    expect(ownerStage(finding('credential.expiring'), policy, NOW)).toBe('expiring');
  });

  it.each([
    ['credential.expired', 0, 'expired'],
    ['credential.expired', -0.5, 'expired'],
    ['keyvault.secret-expired', -1, 'expired+1d'],
    ['keyvault.certificate-expired', -6.9, 'expired+1d'],
    ['credential.expired', -7, 'expired+7d'],
    ['credential.expired', -30, 'expired+7d'],
  ])('%s due %s days from now → stage %s', (rule, days, stage) => {
    expect(ownerStage(finding(rule, { end: at(days) }), policy, NOW)).toBe(stage);
  });

  it('an expired finding without a due date goes out as "expired"; anything else once while open', () => {
    expect(ownerStage(finding('credential.expired'), policy, NOW)).toBe('expired');
    expect(ownerStage(finding('keyvault.secret-expired', { expires: 'unknown' }), policy, NOW)).toBe(
      'expired',
    );
    expect(ownerStage(finding('role.unexpected', { end: at(1) }), policy, NOW)).toBe('open');
  });

  it('escalation: expired credentials, Key Vault objects and overdue reviews, once open for seven days', () => {
    expect(ESCALATE_AFTER_DAYS).toBe(7);
    for (const id of [
      'credential.expired',
      'identity.review-overdue',
      'keyvault.certificate-expired',
      'keyvault.secret-expired',
    ])
      expect(isEscalating(id)).toBe(true);
    for (const id of [
      'credential.expiring',
      'keyvault.secret-expiring',
      'role.unexpected',
      'identity.dormant',
    ])
      expect(isEscalating(id)).toBe(false);
    expect(escalationDue(finding('credential.expired', {}, at(-7)), NOW)).toBe(true);
    expect(escalationDue(finding('identity.review-overdue', {}, at(-8)), NOW)).toBe(true);
    expect(escalationDue(finding('credential.expired', {}, at(-6.99)), NOW)).toBe(false);
    expect(escalationDue(finding('role.unexpected', {}, at(-30)), NOW)).toBe(false);
  });

  it.each([
    ['credential.expiring', 10, 'expires in 10 days'],
    ['credential.expiring', 1.2, 'expires tomorrow'],
    ['credential.expiring', 0.3, 'expires today'],
    ['credential.expiring', -1, 'expired 1 day ago'],
    ['credential.expiring', -3, 'expired 3 days ago'],
    ['credential.expired', 0, 'expired today'],
    ['credential.expired', 0.4, 'expired today'],
    ['keyvault.secret-expired', -1, 'expired 1 day ago'],
    ['credential.expired', -5, 'expired 5 days ago'],
  ])('dueText: %s due %s days from now → "%s"', (rule, days, text) => {
    expect(dueText(finding(rule, { end: at(days) }), NOW)).toBe(text);
  });

  it('dueText: nothing for other rules or without a due date', () => {
    expect(dueText(finding('role.unexpected', { end: at(3) }), NOW)).toBeUndefined();
    expect(dueText(finding('credential.expiring'), NOW)).toBeUndefined();
  });
});
