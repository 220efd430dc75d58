/** `npm run schema`: regenerates schema/baseline.schema.json (a test fails when it is stale). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { baselineJsonSchemaText } from './json-schema';

const target = path.join(__dirname, '..', '..', '..', 'schema', 'baseline.schema.json');
writeFileSync(target, baselineJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
