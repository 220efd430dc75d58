import { InvocationContext, HttpRequest } from '@azure/functions';
import { describe, expect, inject, it } from 'vitest';
import { parseBaseline } from '../../shared/baseline/parse';
import { BaselineStore } from '../../shared/baseline/store';
import { status } from '../../functions/status';
import { Tables } from '../../shared/storage/tables';
import { sampleBaselineText, SAMPLE_NOW } from '../support/sample';
import { testPrefix } from '../support/tables';

describe('status function (test mode, real Azurite)', () => {
  it('reports the baseline in force', async () => {
    const prefix = testPrefix();
    process.env.WIMON_STORAGE_CONNECTION_STRING = inject('azuriteConnectionString');
    process.env.WIMON_TABLE_PREFIX = prefix;
    const tables = new Tables({ connectionString: inject('azuriteConnectionString'), prefix });
    const applied = await new BaselineStore(tables).apply(
      parseBaseline(sampleBaselineText(), 'b.yaml', SAMPLE_NOW),
      {
        actor: 'ci',
        now: SAMPLE_NOW,
        summary: 's',
      },
    );
    const logs: string[] = [];
    const context = new InvocationContext({ logHandler: (_level, ...args) => logs.push(args.join(' ')) });
    const response = await status(
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/status' }),
      context,
    );
    expect(response.status).toBe(200);
    expect(response.jsonBody).toEqual({
      baseline: {
        sequence: 1,
        contentHash: applied.contentHash,
        appliedAt: SAMPLE_NOW.toISOString(),
        appliedBy: 'ci',
        identities: 16,
      },
    });
    expect(logs).toEqual(['status: baseline sequence 1']);
  });
});
