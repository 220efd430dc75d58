import { describe, expect, it } from 'vitest';
import { renderFindingsTable } from '../../shared/report/findings-report';
import { PLAIN } from '../../shared/report/terminal';
import { escapeHtml, visibleText } from '../../shared/report/safe-text';
import type { Finding } from '../../shared/model/finding';
import type { RunRecord } from '../../shared/findings/runs';
import { renderDashboard } from '../../shared/report/dashboard';

const hostile = '<img src=x onerror=alert(1)>\r\nBcc: evil@example.com\u001b[2J';
const finding: Finding = {
  key: 'k',
  ruleId: 'identity.unbaselined',
  severity: 'high',
  state: 'open',
  identity: { name: null, objectId: 'o', appId: null, displayName: hostile },
  target: 'o',
  message: `Application ${hostile} holds 1 role assignment but is not in the baseline: declare it with an owner, or remove its access.`,
  evidence: {},
  readScope: 'directory',
  exemption: null,
  firstSeen: '2026-11-22T00:00:00Z',
  lastSeen: '2026-11-22T00:00:00Z',
  resolvedAt: null,
};
const run = {
  id: 'r',
  evaluatedAt: '2026-11-22T00:00:00Z',
  baseline: { source: 'stored', contentHash: 'abc', sequence: 1 },
  requests: { total: 1 },
  scopes: [],
} as unknown as RunRecord;

describe('findings report', () => {
  it('escapes tenant-provided text in HTML', () => {
    const html = renderDashboard({ run, findings: [finding] });
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(escapeHtml(`"'\`&`)).toBe('&#34;&#39;&#96;&#38;');
  });
  it('removes control characters before printing to a terminal', () => {
    expect([...visibleText(hostile)].some((ch) => ch.charCodeAt(0) < 0x20)).toBe(false);
    expect(renderFindingsTable([finding], PLAIN)).not.toContain('\u001b');
  });
});
