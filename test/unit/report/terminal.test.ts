import { RUNS_TABLE_HEAD } from '../../../shared/cli/scan-commands';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/model/finding';
import { renderFindingsTable } from '../../../shared/report/findings-report';
import { fitTable, wrapText, type TerminalStyle } from '../../../shared/report/terminal';
import { terminalStyle, type CliIo } from '../../../shared/cli/io';

const SCOPE =
  '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-orders-with-a-long-name/providers/Microsoft.KeyVault/vaults/kv-orders';
function finding(n: number, over: Partial<Finding> = {}): Finding {
  return {
    key: `k${n}`,
    ruleId: n % 2 ? 'role.unexpected' : 'credential.expiring',
    severity: (['critical', 'high', 'medium', 'low'] as const)[n % 4]!,
    state: 'open',
    identity: {
      name: n === 3 ? 'a-workload-identity-with-a-very-long-name-that-does-not-fit' : `app-${n}`,
      objectId: `o${n}`,
      appId: null,
      displayName: null,
    },
    target: SCOPE,
    message: `app-${n} holds Key Vault Secrets Officer on ${SCOPE}, which the baseline does not declare: remove it or declare it.`,
    evidence: {},
    readScope: 'directory',
    firstSeen: '2026-11-20T00:00:00.000Z',
    lastSeen: '2026-11-22T00:00:00.000Z',
    resolvedAt: null,
    exemption: null,
    ...over,
  } as Finding;
}
const findings = [
  ...Array.from({ length: 6 }, (_, i) => finding(i)),
  finding(9, {
    state: 'exempted',
    exemption: { owner: 'carol@contoso.com', reason: 'migration', expires: '2027-01-31' },
  }),
];
const BOX = /[─│┌┐└┘├┤┬┴┼]/;
// eslint-disable-next-line no-control-regex -- ANSI escapes are the point
const ANSI = /\u001b\[/;
const longest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));

describe('terminal output sized to the terminal', () => {
  it.each([80, 120, 200])(
    'at %i columns no line is longer than the terminal, with boxes or without',
    (width) => {
      for (const boxes of [true, false]) {
        const out = renderFindingsTable(findings, { color: false, boxes, width });
        expect(longest(out), out).toBeLessThanOrEqual(width);
        // every finding is there, its long ARM id wrapped, not cut
        expect(out.replace(/\s+/g, '').split('KeyVaultSecretsOfficer').length - 1).toBeGreaterThanOrEqual(7);
        expect(out.replace(/[\s│]/g, '')).toContain(SCOPE.replace(/\s/g, ''));
      }
    },
  );

  it('below 120 columns: one block per finding, severity · identity · action first, then the target', () => {
    const out = renderFindingsTable(findings, { color: false, boxes: true, width: 80 });
    expect(out).not.toMatch(BOX);
    const blocks = out.split('\n\n');
    const first = out.split('\n').find((l) => l.startsWith('CRITICAL · '))!;
    expect(first).toMatch(/^CRITICAL · app-0 · /);
    const highBlock = out.slice(out.indexOf('HIGH · app-1 · '));
    expect(highBlock.split('\n')[0]).toBe('HIGH · app-1 · Remove it or declare it.');
    expect(highBlock.split('\n')[1]).toMatch(/^ {2}\/subscriptions\/11111111/);
    expect(blocks.length).toBeGreaterThanOrEqual(findings.length - 4);
    expect(out).toContain('[exempted until 2027-01-31 by carol@contoso.com]');
  });

  it('at 120 columns and more: a table per severity; boxes only when asked', () => {
    const boxed = renderFindingsTable(findings, { color: false, boxes: true, width: 200 });
    expect(boxed).toMatch(BOX);
    expect(boxed).toContain('rule');
    const plain = renderFindingsTable(findings, { color: false, boxes: false, width: 200 });
    expect(plain).not.toMatch(BOX);
    expect(plain.split('\n').some((l) => /^role\.unexpected +app-1 +app-1 holds/.test(l))).toBe(true);
  });

  it('colour only when the style says so', () => {
    expect(renderFindingsTable(findings, { color: true, boxes: true, width: 200 })).toMatch(ANSI);
    expect(renderFindingsTable(findings, { color: false, boxes: true, width: 200 })).not.toMatch(ANSI);
  });

  it('the style: a terminal gets colour and boxes at its width; NO_COLOR, a pipe or a file gets neither', () => {
    const io = (over: Partial<CliIo>): CliIo => ({
      out: () => undefined,
      err: () => undefined,
      env: {},
      cwd: '/',
      isTty: true,
      ...over,
    });
    expect(terminalStyle(io({ columns: 93 }))).toEqual<TerminalStyle>({
      color: true,
      boxes: true,
      width: 93,
    });
    expect(terminalStyle(io({ columns: 93, env: { NO_COLOR: '1' } }))).toEqual<TerminalStyle>({
      color: false,
      boxes: false,
      width: 93,
    });
    expect(terminalStyle(io({ isTty: false, env: { COLUMNS: '80' } }))).toEqual<TerminalStyle>({
      color: false,
      boxes: false,
      width: 80,
    });
    expect(terminalStyle(io({ isTty: false }))).toEqual<TerminalStyle>({
      color: false,
      boxes: false,
      width: 120,
    });
    expect(terminalStyle(io({ isTty: false, env: { COLUMNS: 'wide' } })).width).toBe(120);
  });

  it('a table too wide for the terminal becomes one block per row; words wrap and long ones break', () => {
    const rows = [['2026-11-22 09:00:00', '12.3 s', 'PARTIAL (2 gaps)', '36', '3', '0', '1', '1234', '567']];
    // the columns of `wimon runs`, the widest table the CLI prints
    const head = RUNS_TABLE_HEAD;
    const narrow = fitTable(head, rows, { color: false, boxes: true, width: 40 });
    expect(longest(narrow)).toBeLessThanOrEqual(40);
    expect(narrow.split('\n')).toEqual([
      '2026-11-22 09:00:00',
      '  took: 12.3 s',
      '  read: PARTIAL (2 gaps)',
      '  open: 36',
      '  new: 3',
      '  reopened: 0',
      '  resolved: 1',
      '  requests: 1234',
      '  Graph RU: 567',
    ]);
    const wide = fitTable(head, rows, { color: false, boxes: true, width: 200 });
    expect(wide.split('\n')).toHaveLength(5); // top, head, rule, row, bottom
    expect(wrapText('abcdefghij klm', 4)).toEqual(['abcd', 'efgh', 'ij', 'klm']);
  });
});
