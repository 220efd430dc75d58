/**
 * Baselines that say one thing and mean another (issue: hardening). Each is the contoso sample
 * with one value changed; each must be refused with a message that names the file, the line and
 * the path and says what to write instead, or (valid YAML 1.1) accepted as written.
 */
import { describe, expect, it } from 'vitest';
import { BaselineValidationError, parseBaseline } from '../../../shared/baseline/parse';
import { replaceOnce, SAMPLE_NOW, sampleBaselineText } from '../../support/sample';

const problemsOf = (text: string): string[] => {
  try {
    parseBaseline(text, 'b.yaml', SAMPLE_NOW);
    return [];
  } catch (error) {
    if (error instanceof BaselineValidationError)
      return error.problems.map((p) => `${p.line}:${p.path}: ${p.message}`);
    throw error;
  }
};
const sample = sampleBaselineText();
const ISSUER = '    - https://token.actions.githubusercontent.com\n';
const KV =
  'role: Key Vault Secrets User\n        scope: /subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-pay/providers/Microsoft.KeyVault/vaults/kv-pay-prod\n';

describe('declared values that would silently never match', () => {
  it.each([
    [
      'a zero-width space in a role name',
      KV,
      KV.replace('Key Vault', 'Key Vault\u200b'),
      /roles\[0\]\.role: contains an invisible or control character \(U\+200B\)/,
    ],
    [
      'a zero-width joiner in a scope',
      KV,
      KV.replace('rg-pay', 'rg-\u200dpay'),
      /roles\[0\]\.scope: contains an invisible or control character \(U\+200D\)/,
    ],
    [
      'a fullwidth solidus in a scope',
      KV,
      KV.replace('/resourceGroups', '\uff0fresourceGroups'),
      /roles\[0\]\.scope: contains '／' \(U\+FF0F\), a look-alike of '\/': write '\/'/,
    ],
    [
      'a right-to-left override in a federated credential subject',
      'subject: repo:contoso/payments:environment:prod',
      'subject: repo:contoso/payments:environment:\u202eprod',
      /federatedCredentials\[0\]\.subject: contains an invisible or control character \(U\+202E\)/,
    ],
    [
      'a Cyrillic look-alike in a role name',
      'role: Contributor\n        scope: /subscriptions/11111111-1111-4111-8111-111111111111\n',
      'role: C\u043entributor\n        scope: /subscriptions/11111111-1111-4111-8111-111111111111\n',
      /role: mixes Latin letters with 'о' \(U\+043E, Cyrillic\) in 'Cоntributor'/,
    ],
    [
      'a Cyrillic look-alike in a trusted issuer',
      ISSUER,
      '    - https://token.\u0430ctions.githubusercontent.com\n',
      /policy\.trustedIssuers\[0\]: contains 'а' \(U\+0430\), which is not ASCII/,
    ],
    [
      'user information in a trusted issuer',
      ISSUER,
      '    - https://token.actions.githubusercontent.com@evil.example\n',
      /policy\.trustedIssuers\[0\]: must not carry user information before '@': its host would be evil\.example/,
    ],
    [
      'an http trusted issuer',
      ISSUER,
      '    - http://token.actions.githubusercontent.com\n',
      /policy\.trustedIssuers\[0\]: must be an https URL/,
    ],
  ])('%s is refused, naming line and path', (_, find, replacement, expected) => {
    const problems = problemsOf(replaceOnce(sample, find, replacement));
    expect(problems.join('\n')).toMatch(expected);
    expect(problems.length).toBeGreaterThan(0);
  });

  it('letters of one script are fine (a resource group named in another language)', () => {
    const text = replaceOnce(sample, KV, KV.replace('rg-pay', 'rg-платежи'));
    expect(problemsOf(text)).toEqual([]);
  });

  it('reviewBy beyond policy.maxReviewDays (default 365) is refused; within it is not', () => {
    expect(
      problemsOf(replaceOnce(sample, 'reviewBy: 2027-03-01', 'reviewBy: 9999-12-31')).join('\n'),
    ).toMatch(/identities\[0\]\.reviewBy: is more than policy\.maxReviewDays \(365\) days after 2026-11-22/);
    expect(problemsOf(replaceOnce(sample, 'reviewBy: 2027-03-01', 'reviewBy: 2027-11-22'))).toEqual([]);
    expect(
      problemsOf(replaceOnce(sample, 'reviewBy: 2027-03-01', 'reviewBy: 2027-11-23')).join('\n'),
    ).toMatch(/maxReviewDays/);
  });
});

describe('messages that say what is wrong', () => {
  it('.nan is not-a-number, not "too large to hold"', () => {
    const text = replaceOnce(sample, 'version: 1', 'version: .nan');
    expect(problemsOf(text).join('\n')).toMatch(/version: must be 1|not-a-number \(\.nan\)/);
    const days = problemsOf(replaceOnce(sample, 'dormantAfterDays: 30', 'dormantAfterDays: .nan'));
    expect(days.join('\n')).toMatch(/dormantAfterDays: must be a number, not not-a-number \(\.nan\)/);
    expect(days.join('\n')).not.toMatch(/too large/);
  });

  it('an apostrophe in a plain scalar does not hide runaway nesting (no stack overflow)', () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const text = replaceOnce(sample, 'version: 1', `version: 1\nnote: it's here\nx: ${deep}`);
    const problems = problemsOf(text);
    expect(problems.join('\n')).toMatch(/YAML nests deeper than 64 levels/);
    expect(problems.join('\n')).not.toMatch(/call stack/);
  });

  it('a valid %YAML 1.1 file is read with its dates as written', () => {
    const baseline = parseBaseline(`%YAML 1.1\n---\n${sample}`, 'b.yaml', SAMPLE_NOW);
    expect(baseline.identities[0]!.reviewBy).toBe('2027-03-01');
  });

  it('a custom tag is named, not reported as a wrong value', () => {
    const problems = problemsOf(replaceOnce(sample, 'version: 1', 'version: !evil 1'));
    expect(problems).toEqual([
      expect.stringMatching(
        /^5:: YAML tag !evil is not one a baseline uses: remove it and write the plain value$/,
      ),
    ]);
  });

  it('an epoch number in reviewBy says how a date is written', () => {
    const problems = problemsOf(replaceOnce(sample, 'reviewBy: 2027-03-01', 'reviewBy: 1798761600'));
    expect(problems.join('\n')).toMatch(
      /identities\[0\]\.reviewBy: must be a date written YYYY-MM-DD, not the number 1798761600/,
    );
  });
});
