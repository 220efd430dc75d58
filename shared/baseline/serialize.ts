/** Writes a baseline back as YAML that `parseBaseline` reads to the same value (used by `baseline show`). */
import { stringify } from 'yaml';
import type { Baseline } from './schema';

export function baselineToYaml(baseline: Baseline): string {
  const { $schema: _ignored, ...rest } = baseline;
  return stringify(rest, { lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
}
