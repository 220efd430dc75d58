/**
 * Notices as email: HTML and plain text. The HTML is hand-written nested tables with inline
 * styles and `bgcolor`, the layout classic Outlook for Windows (Word's renderer: no max-width,
 * no flex, no CSS classes) and phone clients both render; a build-time MJML step would add a
 * large dependency for the few components used here (a page, a card, a badge, a button).
 * Severity is a labelled badge (the word, not colour alone). Tenant text (display names,
 * messages, targets) is untrusted: escaped in HTML, deceptive characters made visible
 * (report/safe-text.ts) in both. Subjects are built from counts only, never from tenant text.
 */
import type { Finding } from '../model/finding';
import { escapeHtml, visibleText } from '../report/safe-text';
import { ruleDefinition } from '../rules/catalogue';
import { dueText } from './cadence';
import { situationAndAction } from '../report/finding-text';
import { fixLink, portalLink } from '../report/portal-links';
import type { LinkPlaceholder } from '../attest/links';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface NoticeItem {
  finding: Finding;
  /** Why this recipient gets it. */
  via: string;
}

const ORDER = ['critical', 'high', 'medium', 'low'] as const;
const SEVERITY_COLOUR: Record<string, string> = {
  critical: '#a4262c',
  high: '#c43e00',
  medium: '#7a5c00',
  low: '#605e5c',
};
const LINK = '#0f6cbd';
const FONT = 'Segoe UI,Helvetica,Arial,sans-serif';

/** One line of plain text: no control, bidi or invisible characters, no line breaks from the tenant. */
const plain = visibleText;

const count = (n: number, word: string, plural = `${word}s`) => `${n} ${n === 1 ? word : plural}`;

/** "2 critical, 3 high": the worst first, only severities present; "none" when empty. */
export function severityCounts(findings: readonly Pick<Finding, 'severity'>[]): string {
  const parts = ORDER.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return parts.length ? parts.join(', ') : 'none';
}

export function identityLabel(f: Finding): string {
  return f.identity.name ?? f.identity.displayName ?? f.identity.objectId;
}

function badge(severity: string): string {
  const colour = SEVERITY_COLOUR[severity] ?? SEVERITY_COLOUR.low!;
  return `<span style="display:inline-block;padding:2px 8px;border-radius:3px;background:${colour};color:#ffffff;font-size:12px;font-weight:700;letter-spacing:0.04em;mso-line-height-rule:exactly;line-height:18px">${escapeHtml(severity.toUpperCase())}</span>`;
}

/**
 * An href ready for an attribute: a URL built from tenant data is escaped; a link placeholder
 * (only the monitor makes one, attest/links.ts) goes in as it is, or escaping would break it.
 */
const href = (url: string) => escapeHtml(url);
const monitorHref = (link: LinkPlaceholder) => link as string;

/** A button that survives Outlook: a table cell with a background colour holding the link. */
function button(hrefValue: string, label: string, primary = true): string {
  const bg = primary ? LINK : '#ffffff';
  const fg = primary ? '#ffffff' : LINK;
  return `<table role="presentation" cellpadding="0" cellspacing="0" border="0" align="left" style="margin:6px 8px 0 0"><tr><td bgcolor="${bg}" style="border:1px solid ${LINK};border-radius:4px;background:${bg}"><a href="${hrefValue}" style="display:inline-block;padding:7px 12px;font-family:${FONT};font-size:14px;font-weight:600;color:${fg};text-decoration:none">${escapeHtml(label)}</a></td></tr></table>`;
}

const buttons = (list: string[]) =>
  list.length
    ? `<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%"><tr><td>${list.join('')}</td></tr></table>`
    : '';

function page(title: string, intro: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="x-apple-disable-message-reformatting">
<title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:0;background:#f3f2f1">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f3f2f1"><tr><td align="center" style="padding:16px 8px">
<!--[if mso]><table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="max-width:640px;background:#ffffff"><tr><td style="padding:20px 16px;font-family:${FONT};font-size:15px;line-height:1.45;color:#201f1e;overflow-wrap:anywhere;word-break:break-word">
<h1 style="font-size:20px;line-height:1.3;margin:0 0 8px">${escapeHtml(title)}</h1>
<p style="margin:0 0 16px;color:#484644">${escapeHtml(intro)}</p>
${body}
<p style="margin:24px 0 0;font-size:12px;color:#605e5c">Sent by workload-identity-monitor. Findings are kept until the drift is fixed or an exemption is declared in the baseline.</p>
</td></tr></table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr></table></body></html>`;
}

/** Attestation links for one recipient (absent when links are not configured). */
export interface DigestLinks {
  stillNeeded(f: Finding): { url: LinkPlaceholder; until: string } | undefined;
  snooze(f: Finding): { url: LinkPlaceholder; days: number } | undefined;
}

function meta(f: Finding, now: Date): string {
  const due = dueText(f, now);
  return [due, `since ${f.firstSeen.slice(0, 10)}`, f.ruleId].filter(Boolean).join(' · ');
}

function findingHtml(f: Finding, portal: string, now: Date, links?: DigestLinks): string {
  const { situation, action } = situationAndAction(f);
  const fix = fixLink(f, portal);
  const snooze = links?.snooze(f);
  const colour = SEVERITY_COLOUR[f.severity] ?? SEVERITY_COLOUR.low!;
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 12px;border:1px solid #e1dfdd;border-left:4px solid ${colour}"><tr><td style="padding:10px 12px;font-family:${FONT}">
<p style="margin:0 0 6px">${badge(f.severity)} <span style="font-size:13px;color:#484644">${escapeHtml(meta(f, now))}</span></p>
<p style="margin:0 0 6px">${escapeHtml(situation)}</p>
<p style="margin:0"><strong>Do this:</strong> ${escapeHtml(action)}</p>
${buttons([button(href(fix.url), fix.label), ...(snooze ? [button(monitorHref(snooze.url), `Snooze ${snooze.days} days`, false)] : [])])}
</td></tr></table>`;
}

function findingText(f: Finding, portal: string, now: Date, links?: DigestLinks): string {
  const { situation, action } = situationAndAction(f);
  const fix = fixLink(f, portal);
  const snooze = links?.snooze(f);
  return [
    `- [${f.severity.toUpperCase()}] ${plain(situation)}`,
    `  Do this: ${plain(action)}`,
    `  ${plain(meta(f, now))}`,
    `  ${fix.label.replace(/^Open (in the )?/, '')}: ${plain(fix.url)}`,
    ...(snooze ? [`  Snooze for ${snooze.days} days: ${snooze.url}`] : []),
  ].join('\n');
}

/** Groups by identity, most severe first. */
function byIdentity(items: readonly NoticeItem[]): NoticeItem[][] {
  const groups = new Map<string, NoticeItem[]>();
  for (const item of [...items].sort(
    (a, b) => ORDER.indexOf(a.finding.severity) - ORDER.indexOf(b.finding.severity),
  ))
    groups.set(item.finding.identity.objectId, [...(groups.get(item.finding.identity.objectId) ?? []), item]);
  return [...groups.values()];
}

/** Cards grouped by identity; each group says once why the recipient gets it (unless the intro did). */
function sections(
  items: readonly NoticeItem[],
  portal: string,
  now: Date,
  options: { links?: DigestLinks; showVia: boolean },
): { html: string; text: string } {
  const html: string[] = [];
  const text: string[] = [];
  for (const group of byIdentity(items)) {
    const f = group[0]!.finding;
    const link = portalLink(f, portal);
    const needed = options.links?.stillNeeded(f);
    const vias = [...new Set(group.map((i) => i.via))];
    html.push(
      `<h2 style="font-size:17px;line-height:1.3;margin:20px 0 4px">${escapeHtml(identityLabel(f))}</h2>
${options.showVia ? `<p style="margin:0 0 4px;font-size:13px;color:#484644">You get this as ${escapeHtml(vias.join('; '))}.</p>` : ''}
${buttons([button(href(link), 'Open in the Azure portal', false), ...(needed ? [button(monitorHref(needed.url), `Still needed until ${needed.until}`, false)] : [])])}
<div style="height:8px;line-height:8px;font-size:0">&#160;</div>
${group.map((i) => findingHtml(i.finding, portal, now, options.links)).join('\n')}`,
    );
    text.push(
      [
        plain(identityLabel(f)),
        `  Azure portal: ${plain(link)}`,
        ...(needed ? [`  Still needed until ${plain(needed.until)}: ${needed.url}`] : []),
        ...(options.showVia ? [`  You get this as ${plain(vias.join('; '))}.`] : []),
        ...group.map((i) => findingText(i.finding, portal, now, options.links)),
      ].join('\n'),
    );
  }
  return { html: html.join('\n'), text: text.join('\n\n') };
}

export function renderOwnerDigest(
  items: readonly NoticeItem[],
  alreadyKnown: number,
  portal: string,
  now: Date,
  links?: DigestLinks,
  snoozed = 0,
): RenderedEmail {
  const identities = new Set(items.map((i) => i.finding.identity.objectId)).size;
  const title = 'Workload identities you own need attention';
  const snoozedNote = snoozed ? ` ${count(snoozed, 'finding is', 'findings are')} snoozed.` : '';
  const intro = `${count(items.length, 'finding')} (${severityCounts(items.map((i) => i.finding))}) on ${count(identities, 'identity', 'identities')}, the most severe first.${alreadyKnown ? ` ${count(alreadyKnown, 'other open finding')} you have been told about before.` : ''}${snoozedNote}`;
  const body = sections(items, portal, now, { links, showVia: true });
  return {
    subject: `[wimon] ${severityCounts(items.map((i) => i.finding))}: workload identities you own`,
    html: page(title, intro, body.html),
    text: `${title}\n${intro}\n\n${body.text}\n`,
  };
}

export function renderSecopsAlert(items: readonly NoticeItem[], portal: string, now: Date): RenderedEmail {
  const counts = severityCounts(items.map((i) => i.finding));
  const title = 'New high-severity workload identity drift';
  const intro = `${count(items.length, 'new finding')} (${counts}) since the last alert. You get this as a security contact.`;
  const body = sections(items, portal, now, { showVia: false });
  return {
    subject: `[wimon] ALERT ${counts}: new workload identity drift`,
    html: page(title, intro, body.html),
    text: `${title}\n${intro}\n\n${body.text}\n`,
  };
}

export interface DigestCounts {
  newLastDay: number;
  open: Record<string, number>;
  resolvedLastDay: number;
  /** Open findings at the end of each of the last 14 days, oldest first (today: now). */
  trend: ReadonlyArray<{ date: string; open: number }>;
}

function tiles(counts: DigestCounts): string {
  const tile = (value: number, label: string, colour: string) =>
    `<td width="25%" valign="top" style="padding:4px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border:1px solid #e1dfdd;border-top:4px solid ${colour}"><tr><td align="center" style="padding:8px 4px;font-family:${FONT}"><div style="font-size:24px;font-weight:700;line-height:1.2;color:#201f1e">${value}</div><div style="font-size:12px;color:#484644">${escapeHtml(label)}</div></td></tr></table></td>`;
  const row = (cells: string[]) =>
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>${cells.join('')}</tr></table>`;
  return (
    row(ORDER.map((s) => tile(counts.open[s] ?? 0, `open ${s}`, SEVERITY_COLOUR[s]!))) +
    row([
      tile(counts.newLastDay, 'new, last day', LINK),
      tile(counts.resolvedLastDay, 'resolved, last day', '#107c10'),
      tile(
        Object.values(counts.open).reduce((a, b) => a + b, 0),
        'open in all',
        '#484644',
      ),
    ])
  );
}

/** Open findings per day as bars drawn with table cells (no images or SVG: mail clients block them). */
function trendChart(trend: DigestCounts['trend']): string {
  if (trend.length === 0) return '';
  const max = Math.max(1, ...trend.map((d) => d.open));
  const bars = trend
    .map((d) => {
      const h = Math.max(2, Math.round((d.open / max) * 60));
      return `<td valign="bottom" align="center" style="padding:0 1px;font-family:${FONT};font-size:10px;color:#484644">${d.open}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td height="${h}" bgcolor="${LINK}" style="height:${h}px;background:${LINK};font-size:0;line-height:0">&#160;</td></tr></table></td>`;
    })
    .join('');
  const first = trend[0]!;
  const last = trend.at(-1)!;
  return `<h2 style="font-size:17px;line-height:1.3;margin:20px 0 4px">Open findings, last ${trend.length} days</h2>
<p style="margin:0 0 8px;font-size:13px;color:#484644">${first.open} on ${escapeHtml(first.date)}, ${last.open} on ${escapeHtml(last.date)}.</p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="table-layout:fixed"><tr>${bars}</tr></table>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td style="font-size:11px;color:#605e5c;font-family:${FONT}">${escapeHtml(first.date)}</td><td align="right" style="font-size:11px;color:#605e5c;font-family:${FONT}">${escapeHtml(last.date)}</td></tr></table>`;
}

/** The open critical and high findings as one line each (their actions went out in alerts). */
function openRows(items: readonly NoticeItem[], portal: string): { html: string; text: string } {
  const sorted = [...items].sort(
    (a, b) => ORDER.indexOf(a.finding.severity) - ORDER.indexOf(b.finding.severity),
  );
  return {
    html: `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${sorted
      .map(
        ({ finding: f }) =>
          `<tr><td valign="top" style="padding:6px 8px 6px 0;border-bottom:1px solid #edebe9;width:1%;white-space:nowrap">${badge(f.severity)}</td><td style="padding:6px 0;border-bottom:1px solid #edebe9;font-family:${FONT};font-size:14px"><a href="${escapeHtml(fixLink(f, portal).url)}" style="color:${LINK};font-weight:600">${escapeHtml(identityLabel(f))}</a> · ${escapeHtml(ruleDefinition(f.ruleId).title)} <span style="color:#605e5c">since ${escapeHtml(f.firstSeen.slice(0, 10))}</span></td></tr>`,
      )
      .join('')}</table>`,
    text: sorted
      .map(
        ({ finding: f }) =>
          `- [${f.severity.toUpperCase()}] ${plain(identityLabel(f))}: ${plain(ruleDefinition(f.ruleId).title)} (since ${f.firstSeen.slice(0, 10)})`,
      )
      .join('\n'),
  };
}

export function renderSecopsDigest(
  counts: DigestCounts,
  escalated: readonly NoticeItem[],
  openCriticalHigh: readonly NoticeItem[],
  portal: string,
  now: Date,
): RenderedEmail {
  const allOpen = ORDER.map((s) => ({ severity: s, n: counts.open[s] ?? 0 }));
  const openText = allOpen.map((o) => `${o.n} ${o.severity}`).join(', ');
  const title = `Workload identity digest for ${now.toISOString().slice(0, 10)}`;
  const intro = `Open: ${openText}. New in the last day: ${counts.newLastDay}. Resolved: ${counts.resolvedLastDay}. You get this as a security contact.`;
  const esc = sections(escalated, portal, now, { showVia: false });
  const rows = openRows(openCriticalHigh, portal);
  const html = [
    tiles(counts),
    trendChart(counts.trend),
    escalated.length
      ? `<h2 style="font-size:18px;line-height:1.3;margin:24px 0 4px">Escalated: owners have not acted for ${count(7, 'day')}</h2>${esc.html}`
      : '',
    `<h2 style="font-size:18px;line-height:1.3;margin:24px 0 8px">Open critical and high findings</h2>${openCriticalHigh.length ? rows.html : '<p style="margin:0">None.</p>'}`,
  ].join('\n');
  const trendText = counts.trend.length
    ? `Open findings, last ${counts.trend.length} days (oldest first): ${counts.trend.map((d) => d.open).join(' ')}`
    : '';
  const text = [
    trendText,
    escalated.length ? `ESCALATED (owners have not acted for 7 days)\n${esc.text}` : '',
    `OPEN CRITICAL AND HIGH\n${openCriticalHigh.length ? rows.text : 'None.'}`,
  ]
    .filter(Boolean)
    .join('\n\n');
  const severe = allOpen.filter((o) => o.n > 0 && (o.severity === 'critical' || o.severity === 'high'));
  return {
    subject: `[wimon] Daily digest: ${severe.length ? severe.map((o) => `${o.n} ${o.severity}`).join(', ') : 'no critical or high'} open, ${counts.newLastDay} new, ${counts.resolvedLastDay} resolved`,
    html: page(title, intro, html),
    text: `${title}\n${intro}\n\n${text}\n`,
  };
}
