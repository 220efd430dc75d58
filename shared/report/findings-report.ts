/** Findings for people: a terminal table grouped by severity, and an HTML report. Tenant text is always escaped. */
import pc from 'picocolors';
import type { Finding } from '../model/finding';
import type { RunRecord } from '../findings/runs';
import { SEVERITIES, type Severity } from '../rules/rule';
import { visibleText } from './safe-text';
import { situationAndAction } from './finding-text';
import { block, COMPACT_BELOW, fitTable, type TerminalStyle } from './terminal';

const ORDER = new Map(SEVERITIES.map((s, i) => [s, i]));

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.state === 'exempted' ? 1 : 0) - (b.state === 'exempted' ? 1 : 0) ||
      ORDER.get(a.severity)! - ORDER.get(b.severity)! ||
      a.ruleId.localeCompare(b.ruleId) ||
      name(a).localeCompare(name(b)),
  );
}

export const name = (f: Finding): string => f.identity.name ?? f.identity.displayName ?? f.identity.objectId;

/** What the terminal shows for a finding's state beside its message. */
function stateNote(f: Finding): string {
  if (f.state === 'exempted' && f.exemption)
    return ` [exempted until ${f.exemption.expires} by ${f.exemption.owner}]`;
  if (f.snooze) return ` [snoozed until ${f.snooze.until.slice(0, 10)} by ${f.snooze.by}]`;
  return '';
}

/**
 * Findings for the terminal, grouped by severity (then exempted, resolved). At `COMPACT_BELOW`
 * columns or more, a table per group (rule · identity · what to do); narrower, one block per
 * finding: severity · identity · action, then the target, what is wrong and the rule id.
 */
export function renderFindingsTable(findings: readonly Finding[], style: TerminalStyle): string {
  const c = pc.createColors(style.color);
  const paint: Record<Severity, (s: string) => string> = {
    critical: (s) => c.bold(c.red(s)),
    high: c.red,
    medium: c.yellow,
    low: c.cyan,
  };
  const sorted = sortFindings(findings);
  if (sorted.length === 0) return 'No findings: the tenant matches the baseline.';
  const out: string[] = [];
  for (const group of [
    ...SEVERITIES.map((s) => ({
      title: s,
      items: sorted.filter((f) => f.state === 'open' && f.severity === s),
    })),
    { title: 'exempted', items: sorted.filter((f) => f.state === 'exempted') },
    { title: 'resolved', items: sorted.filter((f) => f.state === 'resolved') },
  ]) {
    if (!group.items.length) continue;
    const heading = `${group.title.toUpperCase()} (${group.items.length})`;
    out.push(
      group.title === 'exempted' || group.title === 'resolved'
        ? c.dim(heading)
        : paint[group.title as Severity](heading),
    );
    if (style.width >= COMPACT_BELOW)
      out.push(
        fitTable(
          ['rule', 'identity', 'what to do'],
          group.items.map((f) => [f.ruleId, visibleText(name(f)), visibleText(f.message + stateNote(f))]),
          style,
        ),
      );
    else
      out.push(
        group.items
          .map((f) => {
            const { situation, action } = situationAndAction(f);
            return [
              block(visibleText(`${f.severity.toUpperCase()} · ${name(f)} · ${action}`), style.width),
              block(visibleText(f.target), style.width, 2),
              block(visibleText(situation + stateNote(f)), style.width, 2),
              block(f.ruleId, style.width, 2),
            ].join('\n');
          })
          .join('\n\n'),
      );
  }
  return out.join('\n');
}

export function findingsJson(run: RunRecord, findings: readonly Finding[]): string {
  return JSON.stringify({ run, findings: sortFindings(findings) }, null, 2);
}
