import { beforeEach, describe, expect, it } from 'vitest';
import { handleEvents, TransientEventError } from '../../shared/app/handle-events';
import { FindingStore } from '../../shared/findings/store';
import { parseEvent } from '../../shared/events/incoming-event';
import type { Tables } from '../../shared/storage/tables';
import { eventsTrigger } from '../../functions/events';
import { emulatorCredential } from '../../shared/azure/clients';
import { eventGridFindingPublisher } from '../../shared/notify/finding-events';
import { tenantFor, useContosoEmulator } from '../support/emulator';
import { keyVaultEvent, PROD_SUB, resourceEvent } from '../support/events';
import { freshTables, tablesWithSampleBaseline } from '../support/tables';
import { SAMPLE_NOW } from '../support/sample';
import { runFunction } from '../support/functions';

const ASSIGNMENTS = `subscriptions/${PROD_SUB}/providers/Microsoft.Authorization/roleAssignments`;
const PAYMENTS_API = '10000000-0000-4000-8000-000000000001';
const OWNER_GUID = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const NEW_ASSIGNMENT = `/subscriptions/${PROD_SUB}/providers/Microsoft.Authorization/roleAssignments/6a000000-0000-4000-8000-0000000000aa`;
const WRITE = 'Microsoft.Authorization/roleAssignments/write';
const DELETE = 'Microsoft.Authorization/roleAssignments/delete';
const UAMI = `/subscriptions/${PROD_SUB}/resourceGroups/rg-pay/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-payments-api`;
const UAMI_FICS = `subscriptions/${PROD_SUB}/resourceGroups/rg-pay/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-payments-api/federatedIdentityCredentials`;

const rules = (list: Array<{ ruleId: string }>) => list.map((f) => f.ruleId).sort();

/**
 * What an undeclared Owner on the subscription opens for payments-api, a runtime identity: too
 * broad, not declared, and (Owner can do anything, secrets included) a secret manager.
 */
const OWNER_ON_SUBSCRIPTION = ['role.privileged-broad', 'role.secret-manager-on-runtime', 'role.unexpected'];

describe('Event Grid events → findings (emulator + Azurite)', () => {
  const env = useContosoEmulator();
  let tables: Tables;
  const deliver = (body: unknown) => handleEvents(body, { tables, tenant: tenantFor(env.get()) });
  const original = () => env.get().fixture.get('arm', ASSIGNMENTS) as { value: unknown[] };
  let pristine: { value: unknown[] };

  /** Someone grants payments-api Owner on the whole prod subscription (or another role and scope). */
  const grantOwner = (roleGuid = OWNER_GUID, scope = `/subscriptions/${PROD_SUB}`, id = NEW_ASSIGNMENT) =>
    env.get().fixture.set('arm', ASSIGNMENTS, {
      ...pristine,
      value: [
        ...pristine.value,
        {
          properties: {
            roleDefinitionId: `/subscriptions/${PROD_SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
            principalId: PAYMENTS_API,
            principalType: 'ServicePrincipal',
            scope,
            condition: null,
            conditionVersion: null,
            createdOn: '2026-11-22T08:59:00.0000000Z',
            updatedOn: '2026-11-22T08:59:00.0000000Z',
            createdBy: '40000000-0000-4000-8000-0000000000ee',
            updatedBy: '40000000-0000-4000-8000-0000000000ee',
            delegatedManagedIdentityResourceId: null,
            description: null,
          },
          id,
          type: 'Microsoft.Authorization/roleAssignments',
          name: id.split('/').pop(),
        },
      ],
    });
  const revoke = () => env.get().fixture.set('arm', ASSIGNMENTS, pristine);

  beforeEach(async () => {
    tables = await tablesWithSampleBaseline();
    env.get().clearFaults();
    pristine ??= structuredClone(original());
    revoke();
  });

  it('assignment added (Owner on the subscription, undeclared) → role.privileged-broad, role.unexpected and (a runtime identity that can now change secrets) role.secret-manager-on-runtime opened, with the actor and event recorded; reads only that identity', async () => {
    grantOwner();
    env.get().resetRequests();
    const write = resourceEvent({ operation: 'write', resourceUri: NEW_ASSIGNMENT, operationName: WRITE });
    const [outcome] = await deliver(write);
    expect(outcome!.status).toBe('processed');
    expect(outcome!.objectIds).toEqual([PAYMENTS_API]);
    expect(rules(outcome!.changes.opened)).toEqual(OWNER_ON_SUBSCRIPTION);
    for (const f of outcome!.changes.opened)
      expect(f.evidence.event).toMatchObject({
        id: write.id,
        operation: 'write',
        actor: { upn: 'mallory@contoso.com', name: 'Mallory Doe' },
      });
    // no token material from the claims is kept
    expect(JSON.stringify(outcome!.changes.opened)).not.toMatch(/"aio"|"uti"|"puid"/);
    // targeted reads only: no full listing of any subscription's assignments
    const routes = env.get().requestsByRoute();
    expect(
      Object.keys(routes).some((r) => r.includes('userAssignedIdentities') && !r.includes('federated')),
    ).toBe(false);
    expect(env.get().requestCount()).toBeLessThan(15);
  });

  it('an undeclared, non-privileged assignment → role.unexpected at its scope', async () => {
    const rg = `/subscriptions/${PROD_SUB}/resourceGroups/rg-pay`;
    const id = `${rg}/providers/Microsoft.Authorization/roleAssignments/6a000000-0000-4000-8000-0000000000bb`;
    grantOwner('ba92f5b4-2d11-453d-a403-e96b0029c9fe', rg, id); // Storage Blob Data Contributor
    const [outcome] = await deliver(
      resourceEvent({ operation: 'write', resourceUri: id, operationName: WRITE }),
    );
    expect(outcome!.changes.opened.map((f) => [f.ruleId, f.target])).toEqual([['role.unexpected', rg]]);
    expect(outcome!.changes.opened[0]!.evidence.event).toMatchObject({
      actor: { upn: 'mallory@contoso.com' },
    });
  });

  it('assignment deleted → those findings resolved, the resolving event recorded', async () => {
    grantOwner();
    await deliver(resourceEvent({ operation: 'write', resourceUri: NEW_ASSIGNMENT, operationName: WRITE }));
    revoke();
    const del = resourceEvent({ operation: 'delete', resourceUri: NEW_ASSIGNMENT, operationName: DELETE });
    const [outcome] = await deliver(del);
    expect(rules(outcome!.changes.resolved)).toEqual(OWNER_ON_SUBSCRIPTION);
    expect(outcome!.changes.resolved[0]!.evidence.resolvedBy).toMatchObject({
      id: del.id,
      operation: 'delete',
    });
  });

  it('the same event delivered twice changes nothing the second time', async () => {
    grantOwner();
    const write = resourceEvent({ operation: 'write', resourceUri: NEW_ASSIGNMENT, operationName: WRITE });
    const [first] = await deliver(write);
    const before = await new FindingStore(tables).list();
    const [second] = await deliver(write);
    expect(first!.status).toBe('processed');
    expect(second!.status).toBe('duplicate');
    expect(await new FindingStore(tables).list()).toEqual(before);
  });

  it('an older write delivered after the delete does not bring the finding back (live state wins)', async () => {
    grantOwner();
    const earlyWrite = resourceEvent({
      operation: 'write',
      resourceUri: NEW_ASSIGNMENT,
      operationName: WRITE,
      time: '2026-11-22T08:59:01Z',
    });
    await deliver(earlyWrite);
    revoke();
    await deliver(
      resourceEvent({
        operation: 'delete',
        resourceUri: NEW_ASSIGNMENT,
        operationName: DELETE,
        time: '2026-11-22T09:10:00Z',
      }),
    );
    // a retried copy of another, older write of the same assignment arrives last
    const [late] = await deliver(
      resourceEvent({
        operation: 'write',
        resourceUri: NEW_ASSIGNMENT,
        operationName: WRITE,
        time: '2026-11-22T08:59:00Z',
      }),
    );
    expect(late!.status).toBe('processed');
    expect(late!.changes.opened).toEqual([]);
    expect(late!.changes.reopened).toEqual([]);
    const open = await new FindingStore(tables).list({ objectId: PAYMENTS_API });
    expect(open.filter((f) => f.state !== 'resolved').map((f) => f.ruleId)).toEqual([]);
  });

  it('a poison event and an unknown one in a batch are skipped with their ids; the rest is processed', async () => {
    grantOwner();
    const outcomes = await deliver([
      { id: 'poison-1', eventType: 'Microsoft.Resources.ResourceWriteSuccess' }, // no data, no time
      resourceEvent({
        operation: 'write',
        resourceUri: `/subscriptions/${PROD_SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st`,
        operationName: 'Microsoft.Storage/storageAccounts/write',
        id: 'storage-1',
      }),
      'not even an object',
      resourceEvent({ operation: 'write', resourceUri: NEW_ASSIGNMENT, operationName: WRITE, id: 'good-1' }),
    ]);
    expect(outcomes.map((o) => [o.id, o.status])).toEqual([
      ['poison-1', 'skipped'],
      ['storage-1', 'skipped'],
      [null, 'skipped'],
      ['good-1', 'processed'],
    ]);
    expect(outcomes[0]!.note).toMatch(/not an Event Grid event: .*eventTime/);
    expect(outcomes[1]!.note).toMatch(/not one the monitor handles/);
    expect(rules(outcomes[3]!.changes.opened)).toEqual(OWNER_ON_SUBSCRIPTION);
  });

  it('federated credential added to a managed identity (CloudEvents schema) → fic.* rules evaluated', async () => {
    const fics = env.get().fixture.get('arm', UAMI_FICS) as { value: unknown[] };
    env.get().fixture.set('arm', UAMI_FICS, {
      value: [
        ...fics.value,
        {
          id: `${UAMI}/federatedIdentityCredentials/from-anywhere`,
          name: 'from-anywhere',
          properties: {
            issuer: 'https://token.example.net',
            subject: 'repo:*',
            audiences: ['api://AzureADTokenExchange'],
          },
          type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
        },
      ],
    });
    try {
      const [outcome] = await deliver(
        resourceEvent({
          schema: 'cloudevents',
          operation: 'write',
          resourceUri: `${UAMI}/federatedIdentityCredentials/from-anywhere`,
          operationName:
            'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write',
        }),
      );
      expect(outcome!.objectIds).toEqual([PAYMENTS_API]);
      expect(rules(outcome!.changes.opened)).toEqual([
        'fic.broad-subject',
        'fic.issuer-untrusted',
        'fic.unexpected',
      ]);
      expect(outcome!.changes.opened[0]!.evidence.event).toMatchObject({ credential: 'from-anywhere' });
    } finally {
      env.get().fixture.set('arm', UAMI_FICS, fics);
    }
  });

  it('Key Vault: near-expiry routed to the declared owner, resolved by a new version, and a late older event is stale', async () => {
    const expires = new Date(Date.now() + 10 * 86_400_000);
    const near = keyVaultEvent({
      type: 'SecretNearExpiry',
      vault: 'kv-pay-prod',
      object: 'stripe-api-key',
      expires,
      time: '2026-11-22T09:00:00Z',
    });
    const [opened] = await deliver(near);
    expect(rules(opened!.changes.opened)).toEqual(['keyvault.secret-expiring']);
    const finding = opened!.changes.opened[0]!;
    expect(finding.severity).toBe('medium'); // 10 days left: the 14-day stage
    expect(finding.evidence).toMatchObject({
      owners: ['alice@contoso.com'],
      routedBy: 'keyVaultSecrets kv-pay-prod/stripe-api-key',
    });
    expect(finding.target).toBe('https://kv-pay-prod.vault.azure.net/secrets/stripe-api-key');

    const [rotated] = await deliver(
      keyVaultEvent({
        type: 'SecretNewVersionCreated',
        vault: 'kv-pay-prod',
        object: 'stripe-api-key',
        time: '2026-11-22T10:00:00Z',
      }),
    );
    expect(rules(rotated!.changes.resolved)).toEqual(['keyvault.secret-expiring']);

    const [late] = await deliver({ ...near, id: 'older-copy', eventTime: '2026-11-22T08:00:00Z' });
    expect(late!.status).toBe('stale');
    expect(
      (await new FindingStore(tables).list({ state: 'open' })).filter((f) =>
        f.ruleId.startsWith('keyvault.'),
      ),
    ).toEqual([]);
  });

  it('Key Vault: an expired certificate in a vault the baseline does not route goes to security operations (CloudEvents, string EXP)', async () => {
    const [outcome] = await deliver(
      keyVaultEvent({
        schema: 'cloudevents',
        type: 'CertificateExpired',
        vault: 'kv-unlisted',
        object: 'tls-cert',
        expires: new Date('2026-11-20T00:00:00Z'),
      }),
    );
    expect(rules(outcome!.changes.opened)).toEqual(['keyvault.certificate-expired']);
    expect(outcome!.changes.opened[0]!.evidence).toMatchObject({
      owners: ['secops@contoso.com'],
      expires: '2026-11-20T00:00:00.000Z',
    });
  });

  describe('events that trust their payload', () => {
    const at = (body: unknown) =>
      handleEvents(body, { tables, tenant: tenantFor(env.get()), clock: () => SAMPLE_NOW });
    const keyVaultOpen = async () =>
      (await new FindingStore(tables).list({ state: 'open' })).filter((f) =>
        f.ruleId.startsWith('keyvault.'),
      );
    const expired = (time: string | undefined, over: Partial<Parameters<typeof keyVaultEvent>[0]> = {}) =>
      keyVaultEvent({
        type: 'SecretExpired',
        vault: 'kv-pay-prod',
        object: 'stripe-api-key',
        expires: new Date('2026-11-20T00:00:00Z'),
        time,
        ...over,
      });

    it('one event of 10 MB is skipped with a note; the valid event after it in the delivery is processed', async () => {
      const huge = expired('2026-11-22T08:00:00Z') as { data: Record<string, unknown> };
      huge.data.ObjectName = 'x'.repeat(10 * 1024 * 1024);
      const outcomes = await at([huge, expired('2026-11-22T08:30:00Z')]);
      expect(outcomes.map((o) => o.status)).toEqual(['skipped', 'processed']);
      expect(outcomes[0]!.note).toMatch(/Event Grid delivers events of at most 1048576 bytes/);
      expect(rules(outcomes[1]!.changes.opened)).toEqual(['keyvault.secret-expired']);
    });

    it('events for a subscription the monitor does not watch raise nothing, with a note', async () => {
      const other = '99999999-9999-4999-8999-999999999999';
      const outcomes = await at([
        resourceEvent({
          operation: 'write',
          resourceUri: `/subscriptions/${other}/providers/Microsoft.Authorization/roleAssignments/6a000000-0000-4000-8000-0000000000ab`,
          operationName: WRITE,
        }),
        {
          ...expired('2026-11-22T08:00:00Z'),
          topic: `/subscriptions/${other}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-pay-prod`,
        },
      ]);
      for (const o of outcomes) {
        expect(o.status).toBe('skipped');
        expect(o.note).toBe(
          `subscription ${other} is not one the monitor watches (WIMON_SUBSCRIPTIONS); not acted on`,
        );
      }
      expect(await new FindingStore(tables).list({ state: 'open' })).toEqual([]);
    });

    it('an event dated 9999-12-31 is refused and cannot silence the real SecretExpired after it', async () => {
      const [future] = await at(expired('9999-12-31T00:00:00Z', { type: 'SecretNewVersionCreated' }));
      expect(future!.status).toBe('skipped');
      const [real] = await at(expired('2026-11-22T08:00:00Z'));
      expect(real!.status).toBe('processed');
      expect(rules(await keyVaultOpen())).toEqual(['keyvault.secret-expired']);
    });

    it('a CloudEvent that does not say when it happened never resolves an earlier, dated SecretExpired', async () => {
      await at(expired('2026-11-22T08:00:00Z'));
      const timeless = keyVaultEvent({
        schema: 'cloudevents',
        type: 'SecretNewVersionCreated',
        vault: 'kv-pay-prod',
        object: 'stripe-api-key',
      });
      delete (timeless as { time?: unknown }).time;
      const [outcome] = await at(timeless);
      expect(outcome!.status).toBe('stale');
      expect(outcome!.changes.resolved).toEqual([]);
      expect(rules(await keyVaultOpen())).toEqual(['keyvault.secret-expired']);
    });

    it('a payload that contradicts its object URL is refused, whatever it names', async () => {
      const lying = expired('2026-11-22T08:00:00Z') as { data: Record<string, unknown> };
      lying.data.VaultName = 'kv-hr-prod';
      const [outcome] = await at(lying);
      expect(outcome!.status).toBe('skipped');
      expect(outcome!.note).toMatch(/VaultName kv-hr-prod contradicts the object URL/);
      expect(await keyVaultOpen()).toEqual([]);
    });
  });

  it('a transient failure throws (so Event Grid redelivers) and the event is not marked processed', async () => {
    grantOwner();
    const write = resourceEvent({ operation: 'write', resourceUri: NEW_ASSIGNMENT, operationName: WRITE });
    env.get().addFault({ api: 'arm', path: 'roleAssignments', status: 503, times: Infinity });
    await expect(deliver(write)).rejects.toBeInstanceOf(TransientEventError);
    env.get().clearFaults();
    const [retried] = await deliver(write);
    expect(retried!.status).toBe('processed');
    expect(rules(retried!.changes.opened)).toEqual(OWNER_ON_SUBSCRIPTION);
  });

  it('finding changes go to the configured Event Grid topic as CloudEvents; a topic outage loses no stored change', async () => {
    const publish = eventGridFindingPublisher(
      env.get().endpoints.eventgrid,
      emulatorCredential,
      '/workload-identity-monitor/test',
    );
    const received = env.get().receivedEvents;
    received.length = 0;
    grantOwner();
    const [opened] = await handleEvents(
      resourceEvent({ operation: 'write', resourceUri: NEW_ASSIGNMENT, operationName: WRITE }),
      { tables, tenant: tenantFor(env.get()), publish },
    );
    expect(opened!.published).toEqual({ sent: OWNER_ON_SUBSCRIPTION.length });
    expect(received).toHaveLength(OWNER_ON_SUBSCRIPTION.length);
    expect(
      received.find((e) => (e as { subject: string }).subject.startsWith('role.privileged-broad/')),
    ).toMatchObject({
      specversion: '1.0',
      type: 'WorkloadIdentityMonitor.Finding.Opened',
      source: '/workload-identity-monitor/test',
      subject: `role.privileged-broad/${PAYMENTS_API}`,
      data: { ruleId: 'role.privileged-broad', state: 'open', identity: { name: 'payments-api' } },
    });
    revoke();
    env.get().addFault({ api: 'eventgrid', status: 503, times: Infinity });
    const [resolved] = await handleEvents(
      resourceEvent({ operation: 'delete', resourceUri: NEW_ASSIGNMENT, operationName: DELETE }),
      { tables, tenant: tenantFor(env.get()), publish },
    );
    expect(resolved!.published?.sent).toBe(0);
    expect(resolved!.published?.error).toBeTruthy();
    expect(rules(resolved!.changes.resolved)).toEqual(OWNER_ON_SUBSCRIPTION);
    expect(rules(await new FindingStore(tables).list({ state: 'resolved' }))).toEqual(OWNER_ON_SUBSCRIPTION);
  });

  it('the events function runs the same handler in @azure/functions test mode and logs one line per event', async () => {
    grantOwner();
    const lines = await runFunction('events', tables, env.get(), (context) =>
      eventsTrigger(
        resourceEvent({ operation: 'write', resourceUri: NEW_ASSIGNMENT, operationName: WRITE, id: 'fn-1' }),
        context,
      ),
    );
    expect(lines).toEqual([
      // In the order the rules raised them.
      'event fn-1 Microsoft.Resources.ResourceWriteSuccess: opened 3 (role.privileged-broad, role.unexpected, role.secret-manager-on-runtime)',
    ]);
  });
});

describe('the events function decides redelivery by the error base', () => {
  const env = useContosoEmulator();
  const write = () =>
    resourceEvent({ operation: 'write', resourceUri: NEW_ASSIGNMENT, operationName: WRITE, id: 'fn-2' });

  it('a transient failure is rethrown (Event Grid redelivers)', async () => {
    const tables = await tablesWithSampleBaseline();
    env.get().addFault({ api: 'arm', path: 'roleAssignments', status: 503, times: Infinity });
    try {
      await expect(
        runFunction('events', tables, env.get(), (context) => eventsTrigger(write(), context)),
      ).rejects.toBeInstanceOf(TransientEventError);
    } finally {
      env.get().clearFaults();
    }
  });

  it('a permanent failure (no baseline applied yet) is logged and acknowledged, not retried for a day', async () => {
    const tables = freshTables();
    const lines = await runFunction('events', tables, env.get(), (context) =>
      eventsTrigger(write(), context),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ERROR: event not processed, not retried: no baseline has been applied yet/);
  });
});

describe('event parsing (both schemas, Microsoft samples)', () => {
  it('reads Key Vault data case-insensitively and keeps null NBF/EXP as unknown', () => {
    const withNulls = keyVaultEvent({
      type: 'SecretNewVersionCreated',
      vault: 'kv-a',
      object: 's',
      expires: null,
    });
    const parsed = parseEvent(withNulls);
    expect(parsed.ok && parsed.event.kind === 'keyVault' && parsed.event.expires).toBeNull();
    const camel = structuredClone(withNulls) as { data: Record<string, unknown> };
    camel.data = Object.fromEntries(
      Object.entries(camel.data).map(([k, v]) => [k[0]!.toLowerCase() + k.slice(1), v]),
    );
    expect(parseEvent(camel)).toMatchObject({ ok: true, event: { kind: 'keyVault', vaultName: 'kv-a' } });
  });
});
