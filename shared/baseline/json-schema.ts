/** The published JSON Schema for editors, generated from the same zod schema that validates. */
import { z } from 'zod';
import { baselineSchema } from './schema';

export function baselineJsonSchema(): Record<string, unknown> {
  // io 'input': keys with defaults are optional for the person writing the file.
  const schema = z.toJSONSchema(baselineSchema('2000-01-01'), { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    $id: 'https://workload-identity-monitor/schema/baseline.schema.json',
    title: 'workload-identity-monitor baseline',
    description:
      'Declared workload identities, policy and exemptions. Validate with `wimon baseline validate FILE`.',
  };
}

export function baselineJsonSchemaText(): string {
  return `${JSON.stringify(baselineJsonSchema(), null, 2)}\n`;
}
