/**
 * Notices as email: HTML readable on a phone (one column, no tables, inline styles) and plain
 * text. Tenant text (display names, messages, targets) is untrusted: every piece of it is
 * escaped in HTML and stripped of control characters in text. Subjects are built from counts
 * only, never from tenant text, so nothing from the tenant reaches a header.
 */
import type { Finding } from '../model/finding';
import { escapeHtml, visibleText } from '../report/safe-text';
import { ruleDefinition } from '../rules/catalogue';
import { dueText } from './cadence';

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

const SEVERITY_COLOUR: Record<string, string> = {
  critical: '#a4262c',
  high: '#d83b01',
  medium: '#8a6d00',
  low: '#605e5c',
};

/** One line of plain text: no control, bidi or invisible characters, no line breaks from the tenant. */
const plain = visibleText;

export function identityLabel(f: Finding): string {
  return f.identity.name ?? f.identity.displayName ?? f.identity.objectId;
}

export function portalLink(f: Finding, portal: string): string {
  const base = portal.replace(/\/+$/, '');
  if (f.ruleId.startsWith('keyvault.') && typeof f.evidence.vaultId === 'string')
    return `${base}/#@/resource${encodeURI(f.evidence.vaultId)}`;
  const id = encodeURIComponent(f.identity.objectId);
  const app = f.identity.appId ? `/appId/${encodeURIComponent(f.identity.appId)}` : '';
  return `${base}/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Overview/objectId/${id}${app}`;
}

function page(title: string, intro: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:16px;font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.45;color:#201f1e;background:#ffffff;overflow-wrap:anywhere;word-break:break-word">
<div style="max-width:640px;margin:0 auto">
<h1 style="font-size:20px;margin:0 0 8px">${escapeHtml(title)}</h1>
<p style="margin:0 0 16px;color:#605e5c">${escapeHtml(intro)}</p>
${body}
<p style="margin:24px 0 0;font-size:12px;color:#8a8886">Sent by workload-identity-monitor. Findings are kept until the drift is fixed or an exemption is declared in the baseline.</p>
</div></body></html>`;
}

/** Attestation links for one recipient (absent when links are not configured). */
export interface DigestLinks {
  stillNeeded(f: Finding): { url: string; until: string } | undefined;
  snooze(f: Finding): { url: string; days: number } | undefined;
}

function findingHtml(item: NoticeItem, portal: string, now: Date, links?: DigestLinks): string {
  const f = item.finding;
  const due = dueText(f, now);
  const snooze = links?.snooze(f);
  return `<div style="margin:0 0 12px;padding:10px 12px;border-left:4px solid ${SEVERITY_COLOUR[f.severity] ?? '#605e5c'};background:#faf9f8">
<p style="margin:0 0 4px;font-weight:600">${escapeHtml(ruleDefinition(f.ruleId).fix)}${due ? ` <span style="color:${SEVERITY_COLOUR[f.severity]}">(${escapeHtml(due)})</span>` : ''}</p>
<p style="margin:0 0 4px">${escapeHtml(f.message)}</p>
<p style="margin:0;font-size:13px;color:#605e5c">${escapeHtml(f.severity)} · ${escapeHtml(f.ruleId)} · since ${escapeHtml(f.firstSeen.slice(0, 10))} · you get this as ${escapeHtml(item.via)}</p>
${snooze ? `<p style="margin:4px 0 0;font-size:13px"><a href="${escapeHtml(snooze.url)}" style="color:#0f6cbd">Snooze this finding for ${snooze.days} days</a></p>` : ''}
</div>`;
}

function findingText(item: NoticeItem, now: Date, links?: DigestLinks): string {
  const f = item.finding;
  const due = dueText(f, now);
  const snooze = links?.snooze(f);
  return [
    `- ${plain(ruleDefinition(f.ruleId).fix)}${due ? ` (${due})` : ''}`,
    `  ${plain(f.message)}`,
    `  ${f.severity} · ${f.ruleId} · since ${f.firstSeen.slice(0, 10)} · you get this as ${plain(item.via)}`,
    ...(snooze ? [`  Snooze for ${snooze.days} days: ${plain(snooze.url)}`] : []),
  ].join('\n');
}

/** Groups by identity, most severe first; identity sections carry the portal link. */
function byIdentity(items: readonly NoticeItem[]): Array<[string, NoticeItem[]]> {
  const order = ['critical', 'high', 'medium', 'low'];
  const groups = new Map<string, NoticeItem[]>();
  for (const item of [...items].sort(
    (a, b) => order.indexOf(a.finding.severity) - order.indexOf(b.finding.severity),
  )) {
    const key = item.finding.identity.objectId;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.entries()];
}

function sections(
  items: readonly NoticeItem[],
  portal: string,
  now: Date,
  links?: DigestLinks,
): { html: string; text: string } {
  const html: string[] = [];
  const text: string[] = [];
  for (const [, group] of byIdentity(items)) {
    const f = group[0]!.finding;
    const link = portalLink(f, portal);
    const needed = links?.stillNeeded(f);
    html.push(
      `<h2 style="font-size:17px;margin:20px 0 8px">${escapeHtml(identityLabel(f))}</h2>
<p style="margin:0 0 8px;font-size:13px"><a href="${escapeHtml(link)}" style="color:#0f6cbd">Open in the Azure portal</a>${needed ? ` · <a href="${escapeHtml(needed.url)}" style="color:#0f6cbd">Still needed until ${escapeHtml(needed.until)}</a>` : ''}</p>
${group.map((i) => findingHtml(i, portal, now, links)).join('\n')}`,
    );
    text.push(
      `${plain(identityLabel(f))}\n  ${plain(link)}${needed ? `\n  Still needed until ${plain(needed.until)}: ${plain(needed.url)}` : ''}\n${group.map((i) => findingText(i, now, links)).join('\n')}`,
    );
  }
  return { html: html.join('\n'), text: text.join('\n\n') };
}

const count = (n: number, word: string, plural = `${word}s`) => `${n} ${n === 1 ? word : plural}`;

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
  const intro = `${count(items.length, 'finding')} on ${count(identities, 'identity', 'identities')}, action first.${alreadyKnown ? ` ${count(alreadyKnown, 'other open finding')} you have been told about before.` : ''}${snoozedNote}`;
  const body = sections(items, portal, now, links);
  return {
    subject: `[wimon] ${count(items.length, 'finding')} on identities you own need action`,
    html: page(title, intro, body.html),
    text: `${title}\n${intro}\n\n${body.text}\n`,
  };
}

export function renderSecopsAlert(items: readonly NoticeItem[], portal: string, now: Date): RenderedEmail {
  const critical = items.filter((i) => i.finding.severity === 'critical').length;
  const title = 'New high-severity workload identity drift';
  const intro = `${count(items.length, 'new finding')} (${critical} critical) since the last alert.`;
  const body = sections(items, portal, now);
  return {
    subject: `[wimon] ALERT: ${count(items.length, 'new critical/high finding')}`,
    html: page(title, intro, body.html),
    text: `${title}\n${intro}\n\n${body.text}\n`,
  };
}

export interface DigestCounts {
  newLastDay: number;
  open: Record<string, number>;
  resolvedLastDay: number;
}

export function renderSecopsDigest(
  counts: DigestCounts,
  escalated: readonly NoticeItem[],
  openCriticalHigh: readonly NoticeItem[],
  portal: string,
  now: Date,
): RenderedEmail {
  const open = ['critical', 'high', 'medium', 'low'].map((s) => `${counts.open[s] ?? 0} ${s}`).join(', ');
  const title = `Workload identity digest for ${now.toISOString().slice(0, 10)}`;
  const intro = `New in the last day: ${counts.newLastDay}. Resolved: ${counts.resolvedLastDay}. Open: ${open}.`;
  const esc = sections(escalated, portal, now);
  const crit = sections(openCriticalHigh, portal, now);
  const html = [
    escalated.length
      ? `<h2 style="font-size:18px;margin:20px 0 4px">Escalated: owners have not acted for ${count(7, 'day')}</h2>${esc.html}`
      : '',
    `<h2 style="font-size:18px;margin:20px 0 4px">Open critical and high findings</h2>${openCriticalHigh.length ? crit.html : '<p>None.</p>'}`,
  ].join('\n');
  const text = [
    escalated.length ? `ESCALATED (owners have not acted for 7 days)\n${esc.text}` : '',
    `OPEN CRITICAL AND HIGH\n${openCriticalHigh.length ? crit.text : 'None.'}`,
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    subject: `[wimon] Daily digest: ${counts.newLastDay} new, ${counts.resolvedLastDay} resolved, ${Object.values(counts.open).reduce((a, b) => a + b, 0)} open`,
    html: page(title, intro, html),
    text: `${title}\n${intro}\n\n${text}\n`,
  };
}
