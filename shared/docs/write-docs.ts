/** `npm run docs`: writes the generated parts of the docs from the code (rule table, permissions). */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { permissionsMarkdown } from '../azure/required-access';
import { withRuleTable } from '../rules/rule-table';

// Compiled, this file sits in dist/shared/docs.
const root = path.resolve(__dirname, '..', '..', '..');
const readme = path.join(root, 'README.md');
writeFileSync(readme, withRuleTable(readFileSync(readme, 'utf8')));
writeFileSync(path.join(root, 'docs', 'permissions.md'), permissionsMarkdown());
process.stdout.write('Wrote the rule table in README.md and docs/permissions.md.\n');
