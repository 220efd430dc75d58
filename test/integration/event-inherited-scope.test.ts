/**
 * A delete event never raises an absence rule that live state contradicts (reproduced on the code
 * before: a delete event naming payments-ci's User Access Administrator assignment at the
 * management group, which still exists, opened role.missing for its declared Contributor on
 * rg-pay — the re-read at the management group had not covered the subscription below it).
 * - The event is refused: management groups send no events, so one naming a management-group
 *   scope is forged or misrouted.
 * - The re-check itself, asked about a management group, judges only findings about that scope.
 * - A delete of a subscription assignment while the same role is held at the management group
 *   above it opens no role.missing either, and the next full reconcile agrees.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { handleEvents } from '../../shared/app/handle-events';
import { FindingStore } from '../../shared/findings/store';
import type { Tables } from '../../shared/storage/tables';
import { reconcileContoso, tenantFor, useContosoEmulator } from '../support/emulator';
import { PROD_SUB, resourceEvent } from '../support/events';
import { tablesWithSampleBaseline } from '../support/tables';
import { replaceOnce, SAMPLE_NOW, sampleBaselineText } from '../support/sample';
import { parseBaseline } from '../../shared/baseline/parse';
import { BaselineStore } from '../../shared/baseline/store';
import { recheckRoleAssignment } from '../../shared/app/event-recheck';

const SUB_LIST = `subscriptions/${PROD_SUB}/providers/Microsoft.Authorization/roleAssignments`;
const MG = '/providers/Microsoft.Management/managementGroups/contoso';
const MG_LIST = `${MG.slice(1)}/providers/Microsoft.Authorization/roleAssignments`;
const DELETE = 'Microsoft.Authorization/roleAssignments/delete';
/** payments-api's declared Storage Blob Data Reader on rg-pay. */
const AT_RG = `/subscriptions/${PROD_SUB}/resourceGroups/rg-pay/providers/Microsoft.Authorization/roleAssignments/60000000-0000-4000-8000-000000000002`;
/** An assignment at the management group that exists in the sample tenant. */
const AT_MG = `${MG}/providers/Microsoft.Authorization/roleAssignments/60000000-0000-4000-8000-000000000004`;

type Assignment = { id: string; name: string; properties: { scope: string } };

describe('delete events and inherited scopes (emulator + Azurite)', () => {
  const env = useContosoEmulator();
  let tables: Tables;
  let pristine: { sub: unknown; mg: unknown };
  const deliver = (resourceUri: string) =>
    handleEvents(resourceEvent({ operation: 'delete', resourceUri, operationName: DELETE }), {
      tables,
      tenant: tenantFor(env.get()),
      clock: () => SAMPLE_NOW,
    });
  const missing = async () =>
    (await new FindingStore(tables).list({ state: 'open' })).filter((f) => f.ruleId === 'role.missing');

  beforeEach(async () => {
    tables = await tablesWithSampleBaseline();
    const f = env.get().fixture;
    pristine ??= { sub: f.get('arm', SUB_LIST), mg: f.get('arm', MG_LIST) };
    f.set('arm', SUB_LIST, pristine.sub);
    f.set('arm', MG_LIST, pristine.mg);
    await reconcileContoso(env.get(), tables);
  });

  it('a delete event for a management-group assignment that still exists: refused, and the re-check opens no role.missing below it', async () => {
    // payments-ci declares the User Access Administrator it holds at the management group.
    const declared =
      '      - role: Contributor\n        scope: /subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-pay\n    federatedCredentials:';
    const baseline = parseBaseline(
      replaceOnce(
        sampleBaselineText(),
        declared,
        declared.replace(
          '    federatedCredentials:',
          `      - role: User Access Administrator\n        scope: ${MG}\n    federatedCredentials:`,
        ),
      ),
      'b.yaml',
      SAMPLE_NOW,
    );
    await new BaselineStore(tables).apply(baseline, { actor: 'test', now: SAMPLE_NOW, summary: 'mg role' });
    await reconcileContoso(env.get(), tables);
    const before = await missing();
    const [outcome] = await deliver(AT_MG);
    expect(outcome!.status).toBe('skipped');
    expect(outcome!.note).toMatch(
      /is not in a subscription; management-group and tenant scopes send no events/,
    );
    expect(await missing()).toEqual(before);
    // The re-check, were it asked, judges only what its read covered.
    const r = await recheckRoleAssignment(AT_MG, 'delete', {
      tables,
      tenant: tenantFor(env.get()),
      baseline,
      now: SAMPLE_NOW,
      evidence: {},
      relatesTo: () => true,
    });
    expect(r.gaps).toEqual([]);
    expect(r.sync.opened.filter((c) => c.ruleId === 'role.missing')).toEqual([]);
    expect(await missing()).toEqual(before);
  });

  it('the declared assignment deleted while the role is held at the management group: no role.missing, as the reconcile says', async () => {
    const f = env.get().fixture;
    const sub = structuredClone(pristine.sub) as { value: Assignment[] };
    const mg = structuredClone(pristine.mg) as { value: Assignment[] };
    const gone = sub.value.find((a) => a.id.toLowerCase() === AT_RG.toLowerCase())!;
    const inherited = structuredClone(gone);
    inherited.name = '60000000-0000-4000-8000-0000000000f1';
    inherited.id = `${MG}/providers/Microsoft.Authorization/roleAssignments/${inherited.name}`;
    inherited.properties.scope = MG;
    // ARM lists a subscription's assignments with those inherited from above it.
    f.set('arm', SUB_LIST, { ...sub, value: [...sub.value.filter((a) => a !== gone), inherited] });
    f.set('arm', MG_LIST, { ...mg, value: [...mg.value, inherited] });
    const before = await missing();
    const [outcome] = await deliver(AT_RG);
    expect(outcome!.status).toBe('processed');
    expect(outcome!.changes.opened.filter((c) => c.ruleId === 'role.missing')).toEqual([]);
    expect(await missing()).toEqual(before);
    const full = await reconcileContoso(env.get(), tables);
    expect(full.sync.opened.filter((c) => c.ruleId === 'role.missing')).toEqual([]);
    expect(full.sync.resolved.filter((c) => c.ruleId === 'role.missing')).toEqual([]);
  });
});
