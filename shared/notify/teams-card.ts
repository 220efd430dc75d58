/**
 * Security operations notices as Adaptive Cards for Microsoft Teams (schema 1.5, the newest
 * version Teams renders). Tenant text goes only into `TextRun`s, which Adaptive Cards never read
 * as Markdown (a display name like `[sign in](https://evil)` stays text), with deceptive
 * characters made visible; `TextBlock`s carry only the monitor's own words. Links are
 * `Action.OpenUrl` buttons to the Azure portal. Teams caps a message at about 28 KB, so a card
 * lists at most MAX_CARD_FINDINGS findings and says how many more the email has.
 */
import type { Finding } from '../model/finding';
import { visibleText } from '../report/safe-text';
import { ruleDefinition } from '../rules/catalogue';
import { situationAndAction } from '../report/finding-text';
import { fixLink } from '../report/portal-links';
import { identityLabel, severityCounts, type DigestCounts, type NoticeItem } from './render';

export const MAX_CARD_FINDINGS = 20;
export const ADAPTIVE_CARD_VERSION = '1.5';

type Element = Record<string, unknown>;

const COLOUR: Record<string, string> = {
  critical: 'Attention',
  high: 'Warning',
  medium: 'Accent',
  low: 'Default',
};
const ORDER = ['critical', 'high', 'medium', 'low'];

const text = (t: string, more: Element = {}): Element => ({
  type: 'TextBlock',
  text: t,
  wrap: true,
  ...more,
});
/** Tenant text: a TextRun is never Markdown. */
const runs = (...parts: Array<string | { text: string; weight?: string; color?: string }>): Element => ({
  type: 'RichTextBlock',
  inlines: parts.map((p) =>
    typeof p === 'string'
      ? { type: 'TextRun', text: visibleText(p) }
      : { type: 'TextRun', ...p, text: visibleText(p.text) },
  ),
});

function card(title: string, intro: string, body: Element[], fallback: string): Element {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: ADAPTIVE_CARD_VERSION,
    fallbackText: fallback,
    body: [text(title, { size: 'Large', weight: 'Bolder' }), text(intro, { isSubtle: true }), ...body],
  };
}

function findingElement(f: Finding, portal: string): Element {
  const { situation, action } = situationAndAction(f);
  const fix = fixLink(f, portal);
  return {
    type: 'Container',
    spacing: 'Medium',
    items: [
      {
        type: 'ColumnSet',
        columns: [
          {
            type: 'Column',
            width: 'auto',
            items: [
              text(f.severity.toUpperCase(), { weight: 'Bolder', color: COLOUR[f.severity] ?? 'Default' }),
            ],
          },
          {
            type: 'Column',
            width: 'stretch',
            items: [
              runs(situation),
              runs({ text: 'Do this: ', weight: 'Bolder' }, action),
              text(`${f.ruleId} · since ${f.firstSeen.slice(0, 10)}`, {
                isSubtle: true,
                size: 'Small',
                spacing: 'None',
              }),
            ],
          },
        ],
      },
      { type: 'ActionSet', actions: [{ type: 'Action.OpenUrl', title: fix.label, url: fix.url }] },
    ],
  };
}

function byIdentity(items: readonly NoticeItem[], portal: string): Element[] {
  const sorted = [...items].sort(
    (a, b) => ORDER.indexOf(a.finding.severity) - ORDER.indexOf(b.finding.severity),
  );
  const groups = new Map<string, Finding[]>();
  for (const { finding } of sorted.slice(0, MAX_CARD_FINDINGS))
    groups.set(finding.identity.objectId, [...(groups.get(finding.identity.objectId) ?? []), finding]);
  const out: Element[] = [...groups.values()].map((group) => ({
    type: 'Container',
    separator: true,
    spacing: 'Large',
    items: [
      runs({ text: identityLabel(group[0]!), weight: 'Bolder' }),
      ...group.map((f) => findingElement(f, portal)),
    ],
  }));
  if (items.length > MAX_CARD_FINDINGS)
    out.push(
      text(`And ${items.length - MAX_CARD_FINDINGS} more in the email to the security contacts.`, {
        isSubtle: true,
      }),
    );
  return out;
}

export function teamsAlertCard(items: readonly NoticeItem[], portal: string): string {
  const counts = severityCounts(items.map((i) => i.finding));
  const title = 'New high-severity workload identity drift';
  const intro = `${items.length} new finding${items.length === 1 ? '' : 's'} (${counts}) since the last alert.`;
  return JSON.stringify(card(title, intro, byIdentity(items, portal), `${title}: ${intro}`));
}

export function teamsDigestCard(
  counts: DigestCounts,
  escalated: readonly NoticeItem[],
  openCriticalHigh: readonly NoticeItem[],
  portal: string,
  now: Date,
): string {
  const title = `Workload identity digest for ${now.toISOString().slice(0, 10)}`;
  const open = ORDER.map((s) => `${counts.open[s] ?? 0} ${s}`).join(', ');
  const intro = `Open: ${open}. New in the last day: ${counts.newLastDay}. Resolved: ${counts.resolvedLastDay}.`;
  const facts = {
    type: 'FactSet',
    facts: [
      ...ORDER.map((s) => ({ title: `Open ${s}`, value: String(counts.open[s] ?? 0) })),
      { title: 'New, last day', value: String(counts.newLastDay) },
      { title: 'Resolved, last day', value: String(counts.resolvedLastDay) },
      ...(counts.trend.length
        ? [
            {
              title: `Open, last ${counts.trend.length} days`,
              value: counts.trend.map((d) => d.open).join(' · '),
            },
          ]
        : []),
    ],
  };
  const openList = [...openCriticalHigh]
    .sort((a, b) => ORDER.indexOf(a.finding.severity) - ORDER.indexOf(b.finding.severity))
    .slice(0, MAX_CARD_FINDINGS)
    .map(({ finding: f }) =>
      runs(
        { text: `${f.severity.toUpperCase()} `, weight: 'Bolder', color: COLOUR[f.severity] ?? 'Default' },
        { text: identityLabel(f), weight: 'Bolder' },
        ` · ${ruleDefinition(f.ruleId).title} · since ${f.firstSeen.slice(0, 10)}`,
      ),
    );
  const body: Element[] = [
    facts,
    ...(escalated.length
      ? [
          text(`Escalated: owners have not acted for 7 days`, {
            weight: 'Bolder',
            size: 'Medium',
            spacing: 'Large',
          }),
          ...byIdentity(escalated, portal),
        ]
      : []),
    text('Open critical and high findings', { weight: 'Bolder', size: 'Medium', spacing: 'Large' }),
    ...(openList.length ? openList : [text('None.')]),
    ...(openCriticalHigh.length > MAX_CARD_FINDINGS
      ? [
          text(`And ${openCriticalHigh.length - MAX_CARD_FINDINGS} more in the email digest.`, {
            isSubtle: true,
          }),
        ]
      : []),
  ];
  return JSON.stringify(card(title, intro, body, `${title}: ${intro}`));
}
