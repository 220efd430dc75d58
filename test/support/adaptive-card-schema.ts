/** Validates an Adaptive Card against Microsoft's published 1.5.0 schema (test/fixtures/schemas). */
import Ajv from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './sample';

let validate: ReturnType<Ajv['compile']> | undefined;

export function adaptiveCardErrors(card: unknown): string[] {
  if (!validate) {
    // strict off: the published schema uses keywords and formats ajv does not know (e.g. "id").
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addMetaSchema(draft06);
    const schema = JSON.parse(
      readFileSync(path.join(ROOT, 'test', 'fixtures', 'schemas', 'adaptive-card-1.5.0.json'), 'utf8'),
    ) as Record<string, unknown>;
    delete schema.id; // draft-06 "id": a URL ajv would try to register; refs are local
    validate = ajv.compile(schema);
  }
  return validate(card) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
