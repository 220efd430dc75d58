import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { Tables } from '../../shared/storage/tables';

/** A fresh, isolated set of tables in the run's Azurite. */
export function freshTables(): Tables {
  return new Tables({ connectionString: inject('azuriteConnectionString'), prefix: testPrefix() });
}

export function testPrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}
