/**
 * The emulator checked by a client we did not write (issue 20): Debian's Azure CLI, logged in with
 * a managed identity against the emulator serving examples/contoso. Every command's answer must
 * equal the facts of the fixture files (counts and ids, worked out here from the files), and the
 * emulator must answer none of az's requests with a 4xx or 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/server';
import { azAgainst, requireAz, type AzHarness } from '../support/az';
import { useContosoEmulator } from '../support/emulator';

type Item = { id: string; name?: string; properties?: Record<string, string> };
const PROD = '11111111-1111-4111-8111-111111111111';
const PAYMENTS_CI = '10000000-0000-4000-8000-000000000002';
const PAYMENTS_CI_APP = '30000000-0000-4000-8000-000000000002';
const RG_PAY = `/subscriptions/${PROD}/resourceGroups/rg-pay`;

describe('Debian azure-cli 2.45 against the emulator (contoso)', () => {
  const env = useContosoEmulator();
  let harness: AzHarness;
  let emulator: RunningEmulator;
  const files = (rel: string) =>
    (emulator.fixture.get(rel.startsWith('v1.0') ? 'graph' : 'arm', rel) as { value: Item[] }).value;
  const sorted = (list: readonly string[]) => [...list].map((s) => s.toLowerCase()).sort();

  beforeAll(async () => {
    requireAz();
    emulator = env.get();
    harness = await azAgainst(emulator);
  }, 120_000);
  afterAll(async () => {
    await harness?.stop();
  });

  it('logged in: the subscriptions are the fixture’s, in its tenant', async () => {
    const subs = await harness.json<Array<{ id: string; tenantId: string }>>('account', 'list');
    expect(sorted(subs.map((s) => s.id))).toEqual(sorted(emulator.fixture.manifest.subscriptions));
    expect(new Set(subs.map((s) => s.tenantId))).toEqual(new Set([emulator.fixture.manifest.tenantId]));
  });

  it('role assignments: --all --include-inherited, --assignee --all, --scope of a resource group', async () => {
    const prod = files(`subscriptions/${PROD}/providers/Microsoft.Authorization/roleAssignments`);
    const all = await harness.json<Item[]>('role', 'assignment', 'list', '--all', '--include-inherited');
    expect(sorted(all.map((a) => a.id))).toEqual(sorted(prod.map((a) => a.id)));
    const mine = await harness.json<Array<{ scope: string }>>(
      'role',
      'assignment',
      'list',
      '--assignee',
      PAYMENTS_CI,
      '--all',
    );
    expect(sorted(mine.map((a) => a.scope))).toEqual(
      sorted(prod.filter((a) => a.properties!.principalId === PAYMENTS_CI).map((a) => a.properties!.scope!)),
    );
    const atGroup = await harness.json<Array<{ scope: string }>>(
      'role',
      'assignment',
      'list',
      '--scope',
      RG_PAY,
    );
    expect(atGroup.length).toBeGreaterThan(0);
    expect(sorted(atGroup.map((a) => a.scope))).toEqual(
      sorted(
        prod
          .filter((a) => a.properties!.scope!.toLowerCase() === RG_PAY.toLowerCase())
          .map((a) => a.properties!.scope!),
      ),
    );
  }, 60_000);

  it('role definitions, identities (all and per group), federated credentials', async () => {
    const defs = await harness.json<Item[]>('role', 'definition', 'list');
    expect(sorted(defs.map((d) => d.name!))).toEqual(
      sorted(files('providers/Microsoft.Authorization/roleDefinitions').map((d) => d.name!)),
    );
    const uamis = files(`subscriptions/${PROD}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`);
    expect(sorted((await harness.json<Item[]>('identity', 'list')).map((i) => i.id))).toEqual(
      sorted(uamis.map((i) => i.id)),
    );
    const inGroup = await harness.json<Item[]>('identity', 'list', '-g', 'rg-pay');
    expect(sorted(inGroup.map((i) => i.id))).toEqual(
      sorted(uamis.filter((i) => i.id.toLowerCase().includes('/resourcegroups/rg-pay/')).map((i) => i.id)),
    );
    const fics = await harness.json<Item[]>(
      'identity',
      'federated-credential',
      'list',
      '-g',
      'rg-pay',
      '--identity-name',
      'id-payments-api',
    );
    expect(sorted(fics.map((f) => f.name!))).toEqual(
      sorted(
        files(
          `subscriptions/${PROD}/resourceGroups/rg-pay/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-payments-api/federatedIdentityCredentials`,
        ).map((f) => f.name!),
      ),
    );
  }, 60_000);

  it('Microsoft Graph: apps and service principals (all pages), sp show by appId, app federated credentials and owners', async () => {
    const sps = files('v1.0/servicePrincipals') as Array<Item & { appId: string; displayName: string }>;
    expect(sorted((await harness.json<Item[]>('ad', 'sp', 'list', '--all')).map((s) => s.id))).toEqual(
      sorted(sps.map((s) => s.id)),
    );
    expect(sorted((await harness.json<Item[]>('ad', 'app', 'list', '--all')).map((a) => a.id))).toEqual(
      sorted(files('v1.0/applications').map((a) => a.id)),
    );
    const crm = sps.find((s) => s.displayName === 'crm-connector')!;
    expect((await harness.json<Item>('ad', 'sp', 'show', '--id', crm.appId)).id).toBe(crm.id);
    const fics = await harness.json<Item[]>(
      'ad',
      'app',
      'federated-credential',
      'list',
      '--id',
      PAYMENTS_CI_APP,
    );
    expect(sorted(fics.map((f) => f.id))).toEqual(
      sorted(files(`v1.0/applications/${PAYMENTS_CI_APP}/federatedIdentityCredentials`).map((f) => f.id)),
    );
    const owners = await harness.json<Item[]>('ad', 'app', 'owner', 'list', '--id', PAYMENTS_CI_APP);
    expect(sorted(owners.map((o) => o.id))).toEqual(
      sorted(files(`v1.0/applications/${PAYMENTS_CI_APP}/owners`).map((o) => o.id)),
    );
  }, 60_000);

  it('the emulator answered none of az’s requests with an error', () => {
    const failed = emulator.requests
      .filter((r) => r.status >= 400)
      .map((r) => `${r.status} ${r.method} ${r.api} ${r.route}${r.query ?? ''}`);
    expect(failed).toEqual([]);
  });
});
