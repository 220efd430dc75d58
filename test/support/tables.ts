import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { Tables } from '../../shared/storage/tables';
import { parseBaseline } from '../../shared/baseline/parse';
import { BaselineStore } from '../../shared/baseline/store';
import { sampleBaselineText, SAMPLE_NOW } from './sample';

/** A fresh, isolated set of tables in the run's Azurite. */
export function freshTables(): Tables {
  return new Tables({ connectionString: inject('azuriteConnectionString'), prefix: testPrefix() });
}

export function testPrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

/** Fresh tables with the contoso sample baseline applied, as a monitor would have them. */
export async function tablesWithSampleBaseline(): Promise<Tables> {
  const tables = freshTables();
  await new BaselineStore(tables).apply(parseBaseline(sampleBaselineText(), 'b.yaml', SAMPLE_NOW), {
    actor: 't',
    now: SAMPLE_NOW,
    summary: 's',
  });
  return tables;
}
