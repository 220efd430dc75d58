/**
 * `--faults` through the CLI (issue 18's fault test end to end, issue 20's fault injection for
 * users): role definitions failing on every try make scan exit 4 with one line per scope in ARM's
 * words, nothing resolved and nothing raised from unknown roles; an event in the same outage exits
 * 4 (transient: Event Grid would redeliver) and is processed once ARM answers; the next scan
 * gives back exactly the previous findings.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../shared/errors';
import { contosoBaselineApplied, wimon } from '../support/cli';
import { PROD_SUB, resourceEvent } from '../support/events';
import { openKeys } from '../support/findings';

interface Out {
  run: { complete: boolean; changes: { opened: number; resolved: number } };
  findings: Array<{ key: string; ruleId: string; state: string; message: string }>;
}
const open = (o: Out) => openKeys(o.findings);

describe('wimon … --fixture examples/contoso --faults', () => {
  it('role definitions failing on every try: scan exits 4, resolves nothing, raises nothing; an event is transient; recovery restores the findings', () => {
    const env = contosoBaselineApplied();
    const scan = (...extra: string[]) => {
      const r = wimon(['scan', '--fixture', 'examples/contoso', '--json', ...extra], env);
      return { ...r, out: JSON.parse(r.stdout) as Out };
    };
    const before = scan();
    expect(before.code).toBe(EXIT.ok);
    expect(before.out.findings.filter((f) => f.ruleId.startsWith('role.')).length).toBeGreaterThan(3);

    const during = scan('--faults', 'arm:roleDefinitions:500:always');
    expect(during.code).toBe(EXIT.incomplete);
    expect(during.out.run.complete).toBe(false);
    expect(during.out.run.changes).toMatchObject({ opened: 0, resolved: 0 });
    expect(open(during.out)).toEqual(open(before.out));
    const gaps = during.stderr.split('\n').filter((l) => l.startsWith('  '));
    // Both subscriptions and the management group returned assignments of some role: each is a gap.
    expect(gaps).toHaveLength(3);
    for (const line of gaps)
      expect(line).toMatch(
        /^ {2}\/(subscriptions|providers\/Microsoft\.Management)\S+ \(role definition [0-9a-f-]{36}: HTTP 500 InternalServerError/,
      );

    const dir = mkdtempSync(path.join(os.tmpdir(), 'faults-event-'));
    const file = path.join(dir, 'event.json');
    writeFileSync(
      file,
      JSON.stringify([
        resourceEvent({
          operation: 'write',
          resourceUri: `/subscriptions/${PROD_SUB}/resourceGroups/rg-pay/providers/Microsoft.Authorization/roleAssignments/60000000-0000-4000-8000-000000000002`,
          operationName: 'Microsoft.Authorization/roleAssignments/write',
          id: 'cli-role-def-outage',
        }),
      ]),
    );
    const event = (...extra: string[]) =>
      wimon(['event', file, '--fixture', 'examples/contoso', ...extra], env);
    const failed = event('--faults', 'arm:roleDefinitions:503:always');
    expect(failed.code).toBe(EXIT.incomplete);
    expect(failed.stderr).toMatch(/HTTP 503/);
    const processed = event();
    expect(processed.code).toBe(EXIT.ok);

    const after = scan();
    expect(after.code).toBe(EXIT.ok);
    expect(open(after.out)).toEqual(open(before.out));
  });

  it('--faults without --fixture, or an unreadable fault, is a usage error that names it', () => {
    const alone = wimon(['inventory', '--faults', 'arm:roleDefinitions:500']);
    expect(alone.code).toBe(EXIT.usage);
    expect(alone.stderr).toContain('it needs --fixture DIR');
    const bad = wimon(['inventory', '--fixture', 'examples/contoso', '--faults', 'arm:roleDefinitions:2xx']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toContain("'arm:roleDefinitions:2xx'");
  });

  it('a partial sign-in read through the CLI: dormancy exits 4 with Log Analytics’ words', () => {
    const r = wimon([
      'dormancy',
      '--fixture',
      'examples/contoso',
      '--baseline',
      'examples/contoso/baseline.yaml',
      '--faults',
      'logs:partial',
    ]);
    expect(r.code).toBe(EXIT.incomplete);
    expect(r.stderr).toMatch(/^ {2}signinlogs \(partial result from Log Analytics: PartialError /m);
  });
});
