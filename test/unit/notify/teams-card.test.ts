import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/model/finding';
import { teamsAlertCard, teamsDigestCard, MAX_CARD_FINDINGS } from '../../../shared/notify/teams-card';
import { adaptiveCardErrors } from '../../support/adaptive-card-schema';

const NOW = new Date('2026-11-22T09:00:00Z');
const HOSTILE = '[Sign in](https://evil.example) **urgent**\u202egpj.exe\u200b\r\nBcc: x';

function finding(n: number, over: Partial<Finding> = {}): Finding {
  return {
    key: `k${n}`,
    ruleId: 'role.unexpected',
    severity: n % 2 ? 'critical' : 'high',
    state: 'open',
    identity: { name: null, objectId: `o-${n % 3}`, appId: null, displayName: `${HOSTILE} ${n}` },
    target: '/subscriptions/11111111-1111-4111-8111-111111111111',
    message: `${HOSTILE} holds Owner at /subscriptions/11111111-1111-4111-8111-111111111111, which the baseline does not declare: remove it or declare it.`,
    evidence: {},
    readScope: 'directory',
    firstSeen: '2026-11-20T00:00:00.000Z',
    lastSeen: NOW.toISOString(),
    resolvedAt: null,
    exemption: null,
    ...over,
  } as Finding;
}
const items = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ finding: finding(i), via: 'security contact' }));

/** Every string in the card with the key that holds it. */
function strings(node: unknown, key = ''): Array<[string, string]> {
  if (typeof node === 'string') return [[key, node]];
  if (Array.isArray(node)) return node.flatMap((n) => strings(n, key));
  if (node && typeof node === 'object')
    return Object.entries(node).flatMap(([k, v]) =>
      strings(v, k === 'text' ? `${(node as { type?: string }).type}.text` : k),
    );
  return [];
}

describe('Teams Adaptive Cards', () => {
  const counts = {
    newLastDay: 3,
    open: { critical: 2, high: 1 },
    resolvedLastDay: 1,
    trend: [
      { date: '2026-11-21', open: 1 },
      { date: '2026-11-22', open: 3 },
    ],
  };
  const cards = {
    alert: JSON.parse(teamsAlertCard(items(3), 'https://portal.azure.com')) as unknown,
    digest: JSON.parse(
      teamsDigestCard(counts, items(2), items(3), 'https://portal.azure.com', NOW),
    ) as unknown,
    'long alert': JSON.parse(
      teamsAlertCard(items(MAX_CARD_FINDINGS + 7), 'https://portal.azure.com'),
    ) as unknown,
  };

  it.each(Object.entries(cards))('%s: valid against the Adaptive Cards 1.5.0 schema', (_, card) => {
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
  });

  it('the schema check can fail: a card with a misspelt element type or a version it lacks is refused', () => {
    const bad = structuredClone(cards.alert) as { body: Array<Record<string, unknown>>; version?: string };
    bad.body[0]!.type = 'TextBlok';
    expect(adaptiveCardErrors(bad).length).toBeGreaterThan(0);
    // Teams' own "msteams" property is not in the 1.5 schema (the root allows no other property)
    const extra = {
      ...(structuredClone(cards.alert) as Record<string, unknown>),
      msteams: { width: 'Full' },
    };
    expect(adaptiveCardErrors(extra).length).toBeGreaterThan(0);
    const noUrl = structuredClone(cards.alert) as { body: unknown[] };
    noUrl.body.push({ type: 'ActionSet', actions: [{ type: 'Action.OpenUrl', title: 'x' }] });
    expect(adaptiveCardErrors(noUrl).length).toBeGreaterThan(0);
  });

  it.each(Object.entries(cards))(
    '%s: tenant text only in TextRuns (never Markdown), neutralised',
    (_, card) => {
      for (const [where, value] of strings(card)) {
        if (value.includes('evil.example')) expect(where, value).toBe('TextRun.text');
        // eslint-disable-next-line no-control-regex -- finding control characters is the point
        expect(value).not.toMatch(/[\u0000-\u001f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
      }
      expect(JSON.stringify(card)).toContain('gpj.exe'); // the name is there, its override made visible
      expect(JSON.stringify(card)).toContain('\ufffdgpj.exe\ufffd');
    },
  );

  it('a long alert lists at most MAX_CARD_FINDINGS findings and says how many more the email has', () => {
    const all = JSON.stringify(cards['long alert']);
    expect(all.match(/"Do this: "/g)).toHaveLength(MAX_CARD_FINDINGS);
    expect(all).toContain('And 7 more in the email to the security contacts.');
    expect(all.length).toBeLessThan(28_000); // Teams' message size limit is about 28 KB
  });
});
