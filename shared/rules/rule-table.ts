/** The rule table of the README, generated from the descriptors (a test keeps the README equal). */
import { allRules } from './catalogue';

const SOURCE_WORDS = {
  tenant: 'tenant read',
  signIns: 'sign-in logs',
  keyVault: 'Key Vault events',
} as const;

export function ruleTableMarkdown(): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '| rule | severity | what it reports | from | reads | fix |',
    '| --- | --- | --- | --- | --- | --- |',
    ...allRules().map(
      (r) =>
        `| \`${r.id}\` | ${r.severity} | ${escape(r.title)}${r.absence ? ' (only on a complete read)' : ''} | ${SOURCE_WORDS[r.source]} | ${r.inputs.join(', ')} | ${escape(r.fix)} |`,
    ),
  ].join('\n');
}

export const RULE_TABLE_START = '<!-- rule table: generated from shared/rules (npm run docs) -->';
export const RULE_TABLE_END = '<!-- end of rule table -->';

/** The README with its rule table replaced by the current one. */
export function withRuleTable(readme: string): string {
  const start = readme.indexOf(RULE_TABLE_START);
  const end = readme.indexOf(RULE_TABLE_END);
  if (start < 0 || end < start) throw new Error('README.md has no rule table markers');
  return `${readme.slice(0, start)}${RULE_TABLE_START}\n${ruleTableMarkdown()}\n${readme.slice(end)}`;
}
