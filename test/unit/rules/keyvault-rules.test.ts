/** shared/rules/keyvault-rules.ts: Key Vault events × baseline × now → findings, routed to owners. */
import { describe, expect, it } from 'vitest';
import { keyVaultRoute, keyVaultRules, type KeyVaultEvent } from '../../../shared/rules/keyvault-rules';
import { baseline, DEV, NOW, PROD } from './builders';

const VAULT_ID =
  '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/RG-Pay/providers/Microsoft.KeyVault/vaults/KV-Pay';
const DAY = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();

function kvEvent(over: Partial<KeyVaultEvent> = {}): KeyVaultEvent {
  return {
    kind: 'keyVault',
    id: 'e1',
    type: 'Microsoft.KeyVault.SecretNearExpiry',
    time: NOW.toISOString(),
    subject: 'stripe-api-key',
    change: 'nearExpiry',
    objectType: 'secret',
    vaultId: VAULT_ID,
    vaultName: 'KV-Pay',
    objectName: 'stripe-api-key',
    objectUrl: 'https://kv-pay.vault.azure.net/secrets/stripe-api-key',
    version: 'v1',
    notBefore: null,
    expires: at(10),
    ...over,
  } as KeyVaultEvent;
}

const routes = {
  keyVaultSecrets: [
    { vault: 'kv-pay', secret: 'Stripe-API-Key', owners: ['alice@contoso.com'] },
    { vault: 'kv-pay', owners: ['payments-team@contoso.com'] },
    { vault: 'kv-other', secret: 'stripe-api-key', owners: ['mallory@contoso.com'] },
  ],
};

describe('keyVaultRoute', () => {
  const b = baseline({}, routes);
  it('an entry for the secret wins (names compared case-insensitively), then the whole vault, then security contacts', () => {
    expect(keyVaultRoute(b, 'KV-PAY', 'stripe-api-key')).toEqual({
      owners: ['alice@contoso.com'],
      routedBy: 'keyVaultSecrets kv-pay/Stripe-API-Key',
    });
    expect(keyVaultRoute(b, 'kv-pay', 'db-password')).toEqual({
      owners: ['payments-team@contoso.com'],
      routedBy: 'keyVaultSecrets kv-pay',
    });
    expect(keyVaultRoute(b, 'kv-unknown', 'stripe-api-key')).toEqual({
      owners: ['secops@contoso.com'],
      routedBy: 'policy.securityContacts (no keyVaultSecrets entry)',
    });
  });
  it('a secret entry of another vault never routes; a vault with only secret entries falls back to security contacts', () => {
    const only = baseline(
      {},
      { keyVaultSecrets: [{ vault: 'kv-pay', secret: 'a', owners: ['alice@contoso.com'] }] },
    );
    expect(keyVaultRoute(only, 'kv-pay', 'b').owners).toEqual(['secops@contoso.com']);
    expect(keyVaultRoute(b, 'kv-other', 'db-password').owners).toEqual(['secops@contoso.com']);
  });
  it('the whole-vault entry is found even when listed before the secret entry', () => {
    const reversed = baseline({}, { keyVaultSecrets: [...routes.keyVaultSecrets].reverse() });
    expect(keyVaultRoute(reversed, 'kv-pay', 'stripe-api-key').owners).toEqual(['alice@contoso.com']);
  });
});

describe('keyVaultRules', () => {
  const b = baseline({}, routes);

  it('near expiry: keyvault.secret-expiring on the object URL, severity from the warning window, routed evidence', () => {
    const [f, ...rest] = keyVaultRules(kvEvent(), b, NOW);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      ruleId: 'keyvault.secret-expiring',
      severity: 'medium',
      target: 'https://kv-pay.vault.azure.net/secrets/stripe-api-key',
      identity: { name: null, objectId: VAULT_ID.toLowerCase(), appId: null, displayName: 'KV-Pay' },
      readScope: 'keyvault',
      evidence: {
        vault: 'KV-Pay',
        vaultId: VAULT_ID,
        objectType: 'secret',
        objectName: 'stripe-api-key',
        version: 'v1',
        notBefore: null,
        expires: at(10),
        owners: ['alice@contoso.com'],
        routedBy: 'keyVaultSecrets kv-pay/Stripe-API-Key',
      },
    });
    expect(f!.message).toBe(
      `The secret 'stripe-api-key' in vault KV-Pay expires on ${at(10).slice(0, 10)}: rotate it before then.`,
    );
  });

  it.each([
    [25, 'low'],
    [14, 'medium'],
    [7, 'high'],
    [1, 'high'],
  ])('near expiry %i days ahead → %s', (days, severity) => {
    expect(keyVaultRules(kvEvent({ expires: at(days) }), b, NOW)[0]!.severity).toBe(severity);
  });

  it('outside every warning window (NearExpiry fires 30 days ahead; windows may be shorter) keeps the default severity', () => {
    const short = baseline(
      {},
      {
        ...routes,
        policy: {
          securityContacts: ['secops@contoso.com'],
          expiryWarningDays: [7],
          environments: { prod: [PROD], dev: [DEV] },
        },
      },
    );
    expect(keyVaultRules(kvEvent({ expires: at(20) }), short, NOW)[0]!.severity).toBe('medium');
  });

  it('near expiry with no expiry date keeps the default severity and says the date is unknown', () => {
    const [f] = keyVaultRules(kvEvent({ expires: null }), b, NOW);
    expect(f!.severity).toBe('medium');
    expect(f!.message).toMatch(/expires on an unknown date: rotate it before then\.$/);
  });

  it('expired: keyvault.secret-expired at its catalogue severity, whatever the date', () => {
    const [f] = keyVaultRules(kvEvent({ change: 'expired', expires: at(-2) }), b, NOW);
    expect([f!.ruleId, f!.severity]).toEqual(['keyvault.secret-expired', 'high']);
    expect(f!.message).toBe(
      `The secret 'stripe-api-key' in vault KV-Pay expired on ${at(-2).slice(0, 10)}: rotate it and update what uses it.`,
    );
  });

  it('certificates: keyvault.certificate-expiring / -expired, "renew it"', () => {
    const cert = {
      objectType: 'certificate' as const,
      objectName: 'tls',
      objectUrl: 'https://kv-pay.vault.azure.net/certificates/tls',
    };
    const [soon] = keyVaultRules(kvEvent({ ...cert, expires: at(3) }), b, NOW);
    expect([soon!.ruleId, soon!.severity]).toEqual(['keyvault.certificate-expiring', 'high']);
    expect(soon!.message).toMatch(
      /^The certificate 'tls' in vault KV-Pay expires on .*: renew it before then\.$/,
    );
    expect(soon!.evidence.owners).toEqual(['payments-team@contoso.com']);
    const [gone] = keyVaultRules(kvEvent({ ...cert, change: 'expired', expires: at(-1) }), b, NOW);
    expect(gone!.ruleId).toBe('keyvault.certificate-expired');
    expect(gone!.message).toMatch(/renew it and update what uses it\.$/);
  });

  it('a new version clears: no finding', () => {
    expect(keyVaultRules(kvEvent({ change: 'newVersion' }), b, NOW)).toEqual([]);
  });
});
