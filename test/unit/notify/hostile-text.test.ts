/**
 * Tenant text in every slot of every notice, the HTML report and the terminal table: walked slot
 * by slot, so removing the escaping of any one slot makes a row fail. Tenant-chosen text (display
 * names, messages, targets, owner addresses and routing tags in "via", exemption reasons) must
 * reach HTML only escaped, text and the terminal without control characters or line breaks that
 * could forge a line, and never a subject.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/model/finding';
import type { RunRecord } from '../../../shared/findings/runs';
import {
  renderOwnerDigest,
  renderSecopsAlert,
  renderSecopsDigest,
  type DigestLinks,
  type NoticeItem,
  type RenderedEmail,
} from '../../../shared/notify/render';
import { renderFindingsTable } from '../../../shared/report/findings-report';
import { PLAIN } from '../../../shared/report/terminal';
import { renderDashboard } from '../../../shared/report/dashboard';
import { teamsAlertCard, teamsDigestCard } from '../../../shared/notify/teams-card';
import { linkPlaceholder, newClaim, resolveLinks, verifyToken } from '../../../shared/attest/links';

const NOW = new Date('2026-11-22T09:00:00Z');
/** Markup, a header injection and terminal escapes; the slot's name makes each one distinct. */
const hostile = (slot: string) =>
  `<b data-slot="${slot}">x</b>\r\nBcc: ${slot}@evil.example\u001b[2J\u202e\u2067cod.exe\u2069\u200b\u200d\ufeff\u061c\u2028`;
/** What must not reach a reader anywhere: controls (but white space in HTML), bidi, zero-width. */
const DECEPTIVE_IN_HTML =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
const RAW = (slot: string) => `<b data-slot="${slot}">`;

function finding(over: Partial<Finding> = {}): Finding {
  return {
    key: 'k1',
    ruleId: 'credential.expired',
    severity: 'high',
    state: 'open',
    identity: { name: 'app-one', objectId: 'o-1', appId: 'a-1', displayName: 'App One' },
    target: 't',
    message: 'm',
    firstSeen: '2026-11-01T00:00:00.000Z',
    lastSeen: NOW.toISOString(),
    resolvedAt: null,
    evidence: { end: '2026-11-20T00:00:00.000Z' },
    readScope: 'directory',
    exemption: null,
    ...over,
  } as Finding;
}

const RCPT = 'owner@contoso.com';
const attestClaim = { act: 'attest', oid: 'o-1', rcpt: RCPT, until: '2027-01-01' } as const;
const snoozeClaim = (key: string) => ({ act: 'snooze', oid: 'o-1', key, rcpt: RCPT, days: 7 }) as const;

type Slot = [slot: string, make: (h: string) => { item: NoticeItem; links?: DigestLinks }];
const item = (f: Partial<Finding>, via = 'owner in the baseline'): NoticeItem => ({
  finding: finding(f),
  via,
});
const SLOTS: Slot[] = [
  [
    'identity name',
    (h) => ({ item: item({ identity: { name: h, objectId: 'o', appId: null, displayName: null } }) }),
  ],
  [
    'display name',
    (h) => ({ item: item({ identity: { name: null, objectId: 'o', appId: null, displayName: h } }) }),
  ],
  [
    'object id',
    (h) => ({ item: item({ identity: { name: null, objectId: h, appId: null, displayName: null } }) }),
  ],
  [
    'app id',
    (h) => ({ item: item({ identity: { name: 'n', objectId: 'o', appId: h, displayName: null } }) }),
  ],
  ['message', (h) => ({ item: item({ message: h }) })],
  ['recipient reason (via), e.g. an Entra owner address', (h) => ({ item: item({}, `Entra owner ${h}`) })],
  ['routing tag in via (keyVaultSecrets entry)', (h) => ({ item: item({}, `keyVaultSecrets ${h}`) })],
  [
    'finding key inside a snooze link (the claim is encoded, never text)',
    (h) => ({
      item: item({ key: h }),
      links: {
        snooze: (f) => ({ url: linkPlaceholder(newClaim(snoozeClaim(f.key), NOW)), days: 7 }),
        stillNeeded: () => undefined,
      },
    }),
  ],
  [
    'still-needed date',
    (h) => ({
      item: item({}),
      links: {
        snooze: () => undefined,
        stillNeeded: () => ({ url: linkPlaceholder(newClaim(attestClaim, NOW)), until: h }),
      },
    }),
  ],
  [
    'Key Vault id in the portal link',
    (h) => ({
      item: item({
        ruleId: 'keyvault.secret-expired',
        evidence: { vaultId: `/subscriptions/x/${h}`, expires: '2026-11-20T00:00:00.000Z' },
      }),
    }),
  ],
];

function emails(slot: string, make: Slot[1], text = hostile): [string, RenderedEmail][] {
  const { item: it, links } = make(text(slot));
  const counts = { newLastDay: 1, open: { high: 1 }, resolvedLastDay: 0, trend: [] };
  return [
    ['owner digest', renderOwnerDigest([it], 0, 'https://portal.azure.com', NOW, links)],
    ['security alert', renderSecopsAlert([it], 'https://portal.azure.com', NOW)],
    ['security digest (escalated)', renderSecopsDigest(counts, [it], [], 'https://portal.azure.com', NOW)],
    ['security digest (open)', renderSecopsDigest(counts, [], [it], 'https://portal.azure.com', NOW)],
  ];
}

function expectSafeText(text: string, slot: string): void {
  expect(text).not.toMatch(
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/,
  );
  // The hostile CR/LF must not start a line of its own ("Bcc: …" as a forged header or log line).
  expect(text.split('\n').some((l) => l.startsWith(`Bcc: ${slot}`))).toBe(false);
}

describe('hostile tenant text in every notice slot', () => {
  describe.each(SLOTS)('%s', (slot, make) => {
    it.each(emails(slot, make))(
      '%s: escaped in HTML, inert in text, absent from the subject',
      (kind, email) => {
        const raw = RAW(slot);
        expect(email.html).not.toContain(raw);
        expect(email.html).not.toMatch(DECEPTIVE_IN_HTML);
        expect(email.subject).not.toContain(slot);
        expect(email.subject).not.toMatch(/[\r\n]/);
        expectSafeText(email.text, slot);
        // It was rendered (escaped), not dropped: the escaped markup is there.
        const rendered =
          email.html.includes(`&#60;b data-slot=&#34;${slot}&#34;&#62;`) ||
          email.html.includes(encodeURIComponent(raw)) ||
          email.html.includes(encodeURI(raw).replace(/"/g, '%22'));
        // Security notices say once (in the intro) why the contact gets them, and the digest's
        // open list names the rule, not the message (its actions went out in the alerts).
        const leftOut =
          (slot.includes('via') && kind !== 'owner digest') ||
          (slot === 'message' && kind === 'security digest (open)');
        if (leftOut) expect(email.html + email.text).not.toContain(`${slot}@evil`);
        else if (!slot.startsWith('finding key') && slot !== 'still-needed date') expect(rendered).toBe(true);
      },
    );
  });
});

describe('hostile tenant text in the report and the terminal', () => {
  const run = {
    id: 'r',
    evaluatedAt: NOW.toISOString(),
    baseline: { source: 'stored', contentHash: 'abc', sequence: 1 },
    requests: { total: 1 },
    scopes: [],
  } as unknown as RunRecord;
  const exempted = (h: string) =>
    finding({ state: 'exempted', exemption: { owner: h, reason: h, expires: '2027-01-01' } });
  const cases: [string, (h: string) => Finding][] = [
    [
      'identity name',
      (h) => finding({ identity: { name: h, objectId: 'o', appId: null, displayName: null } }),
    ],
    [
      'display name',
      (h) => finding({ identity: { name: null, objectId: 'o', appId: null, displayName: h } }),
    ],
    ['message', (h) => finding({ message: h })],
    ['target', (h) => finding({ target: h })],
    ['exemption owner and reason', exempted],
    [
      'snooze owner',
      (h) => finding({ snooze: { until: '2026-12-01T00:00:00Z', by: h, at: NOW.toISOString() } }),
    ],
  ];
  it.each(cases)('%s', (slot, make) => {
    const f = make(hostile(slot));
    const html = renderDashboard({ run, findings: [f] });
    expect(html).not.toContain(RAW(slot));
    expect(html).not.toMatch(DECEPTIVE_IN_HTML);
    const table = renderFindingsTable([f], PLAIN);
    expectSafeText(table, slot);
  });
});

/**
 * Tenant text that spells a link placeholder must never come out of the sender signed: only
 * placeholders the monitor inserted are. Each slot gets a forged claim acting for the very
 * recipient (the worst case), in every spelling a placeholder has had, and every notice kind and
 * channel (HTML, text, Teams card) is resolved as the sender does; every working link that comes
 * out must be one the monitor made.
 */
describe('a link placeholder in tenant text is never signed', () => {
  const KEY = 'unit-test-attestation-key-0123456789';
  const SEND = { baseUrl: 'https://wimon.example/api/attest', key: KEY };
  const forged = newClaim({ act: 'attest', oid: 'victim', rcpt: RCPT, until: '2030-01-01' }, NOW);
  const encoded = Buffer.from(JSON.stringify(forged)).toString('base64url');
  const spellings = [
    linkPlaceholder(forged) as string, // today's spelling, noncharacters and all
    `{{wimon-link:${encoded}}}`, // the spelling placeholders had before
    `&#xFDD0;wimon-link:${encoded}&#xFDD1;`, // as an HTML reference a renderer might decode
  ];
  const planted = (slot: string) => `${slot}: ${spellings.join(' ')}`;
  const tokens = (text: string) =>
    (text.match(/[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{40,}/g) ?? []).filter((t) => verifyToken(t, KEY, NOW).ok);
  const claimOf = (t: string) =>
    JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()) as { oid: string; nonce: string };

  describe.each(SLOTS)('%s', (slot, make) => {
    it.each(emails(slot, make, planted))("%s: only the monitor's own links are signed", (kind, email) => {
      for (const [channel, body, html] of [
        ['html', email.html, true],
        ['text', email.text, false],
      ] as const) {
        const sent = resolveLinks(body, SEND, html, RCPT);
        const signed = tokens(sent).map(claimOf);
        expect(
          signed.filter((c) => c.nonce === forged.nonce),
          `${kind} ${channel}`,
        ).toEqual([]);
        expect(
          signed.every((c) => c.oid === 'o-1'),
          `${kind} ${channel}`,
        ).toBe(true);
      }
      // The planted text arrived somewhere (as inert text) unless the slot is not shown here.
      const shown = email.html.includes(encoded) || email.text.includes(encoded);
      const leftOut =
        (slot.includes('via') && kind !== 'owner digest') ||
        (slot === 'message' && kind === 'security digest (open)') ||
        (slot === 'still-needed date' && kind !== 'owner digest') ||
        slot.startsWith('finding key');
      if (!leftOut) expect(shown, `${kind}: the slot is rendered`).toBe(true);
    });
  });

  it('the owner digest still carries the links the monitor made, signed for its recipient only', () => {
    const links: DigestLinks = {
      snooze: (f) => ({ url: linkPlaceholder(newClaim(snoozeClaim(f.key), NOW)), days: 7 }),
      stillNeeded: () => ({ url: linkPlaceholder(newClaim(attestClaim, NOW)), until: '2027-01-01' }),
    };
    const it0 = item({ message: planted('message') });
    const email = renderOwnerDigest([it0], 0, 'https://portal.azure.com', NOW, links);
    for (const [body, html] of [
      [email.html, true],
      [email.text, false],
    ] as const) {
      expect(tokens(resolveLinks(body, SEND, html, RCPT))).toHaveLength(2);
      // Sent to someone else (a placeholder that reached another notice), nothing is signed.
      expect(tokens(resolveLinks(body, SEND, html, 'someone@else.example'))).toEqual([]);
    }
  });

  it.each(SLOTS)('Teams cards (%s) carry no placeholder the sender could sign', (slot, make) => {
    const { item: it0 } = make(planted(slot));
    const counts = { newLastDay: 1, open: { high: 1 }, resolvedLastDay: 0, trend: [] };
    for (const card of [
      teamsAlertCard([it0], 'https://portal.azure.com'),
      teamsDigestCard(counts, [it0], [it0], 'https://portal.azure.com', NOW),
    ]) {
      expect(card).not.toMatch(/\ufdd0|\\ufdd0/i);
      expect(tokens(resolveLinks(card, SEND, false, RCPT))).toEqual([]);
    }
  });
});
