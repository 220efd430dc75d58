import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../shared/baseline/parse';
import { diffBaselines, renderDiff, summarizeDiff } from '../../shared/baseline/diff';
import { replaceOnce, sampleBaselineText, SAMPLE_NOW } from '../support/sample';

const parse = (t: string) => parseBaseline(t, 'b.yaml', SAMPLE_NOW);

describe('baseline plan diff', () => {
  it('is empty for the same content', () => {
    const b = parse(sampleBaselineText());
    expect(summarizeDiff(diffBaselines(b, parse(sampleBaselineText())))).toBe('no changes');
  });

  it('lists every identity as added when nothing is stored', () => {
    const d = diffBaselines(undefined, parse(sampleBaselineText()));
    expect(d.identities.added).toHaveLength(16);
    expect(d.exemptions.added).toHaveLength(2);
  });

  it('reports field-level changes, set-wise for lists, and removals', () => {
    const before = parse(sampleBaselineText());
    let text = replaceOnce(sampleBaselineText(), 'reviewBy: 2027-04-01', 'reviewBy: 2027-05-01');
    text = replaceOnce(text, 'owners: [carol@contoso.com]', 'owners: [carol@contoso.com, zoe@contoso.com]');
    text = replaceOnce(text, 'maxCredentialLifetimeDays: 180', 'maxCredentialLifetimeDays: 90');
    const after = parse(text);
    after.identities = after.identities.filter((i) => i.name !== 'web-frontend');
    const d = diffBaselines(before, after);
    expect(d.identities.removed).toEqual(['web-frontend']);
    expect(d.identities.changed).toEqual([
      {
        key: 'orders-worker',
        changes: [
          { path: 'owners', kind: 'added', after: 'zoe@contoso.com' },
          { path: 'reviewBy', kind: 'set', before: '2027-04-01', after: '2027-05-01' },
        ],
      },
    ]);
    expect(d.policy).toEqual([{ path: 'maxCredentialLifetimeDays', kind: 'set', before: 180, after: 90 }]);
    const text2 = renderDiff(d);
    expect(text2).toContain('~ reviewBy: 2027-04-01 → 2027-05-01');
    expect(text2).toContain('- web-frontend (removed)');
    expect(summarizeDiff(d)).toBe(
      'identities +0 ~1 -1; exemptions +0 ~0 -0; keyVaultSecrets +0 ~0 -0; policy 1 field(s) changed',
    );
  });
});
