/**
 * The management-group hierarchy through the emulator (issue 19): contoso's environments are its
 * two management groups, so data-sync's cross-environment finding and github-deployer-dev's
 * scope-broader one need the hierarchy. When getEntities fails the run is partial, names it in
 * ARM's words, and neither raises nor resolves what needed it; once it answers, nothing changed.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { openKeys } from '../support/findings';
import type { Tables } from '../../shared/storage/tables';
import { reconcileContoso, useContosoEmulator } from '../support/emulator';
import { tablesWithSampleBaseline } from '../support/tables';

describe('management-group hierarchy (emulator + Azurite)', () => {
  const env = useContosoEmulator();
  let tables: Tables;
  beforeEach(async () => {
    tables = await tablesWithSampleBaseline();
    env.get().clearFaults();
  });

  it('read once per run (paged); its findings need it; an outage resolves and raises nothing', async () => {
    const before = await reconcileContoso(env.get(), tables);
    expect(before.run.complete).toBe(true);
    // One listing per run, paged like every ARM list (contoso pages ARM by 3).
    const entities = (
      env.get().fixture.get('arm', 'providers/Microsoft.Management/getEntities') as { value: unknown[] }
    ).value;
    expect(env.get().requests.filter((r) => r.route.includes('getEntities'))).toHaveLength(
      Math.ceil(entities.length / 3),
    );
    const needing = before.findings.filter((f) => f.readScope.includes('managementgroups'));
    expect(needing.map((f) => `${f.ruleId} ${f.identity.name}`).sort()).toEqual(
      expect.arrayContaining(['role.cross-environment data-sync', 'role.scope-broader github-deployer-dev']),
    );

    env.get().addFault({ api: 'arm', path: 'getEntities', status: 500, times: Infinity });
    const during = await reconcileContoso(env.get(), tables);
    expect(during.run.complete).toBe(false);
    expect(during.run.scopes.find((s) => s.scope === 'managementgroups')).toMatchObject({
      complete: false,
      error: expect.stringMatching(/^HTTP 500 InternalServerError/),
    });
    expect(during.sync.resolved).toEqual([]);
    expect(during.sync.opened).toEqual([]);
    expect(openKeys(during.findings)).toEqual(openKeys(before.findings));

    env.get().clearFaults();
    const after = await reconcileContoso(env.get(), tables);
    expect(after.run.complete).toBe(true);
    expect(openKeys(after.findings)).toEqual(openKeys(before.findings));
  });
});
