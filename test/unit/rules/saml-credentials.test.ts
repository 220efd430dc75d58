/**
 * SAML single-sign-on keys are not client credentials (issue 19), from Microsoft Graph's
 * published addTokenSigningCertificate shape (test/fixtures/published/graph-servicePrincipal-saml-token-signing-assembled.json):
 * no client-credential finding, the SSO certificate's expiry found on its own windows, no dormancy.
 */
import { describe, expect, it } from 'vitest';
import { credentialsOf, GRAPH_WIRE } from '../../../shared/inventory/graph-reader';
import { evaluate } from '../../../shared/rules/evaluate';
import { evaluateDormancy } from '../../../shared/rules/dormancy-rules';
import { ownerStage } from '../../../shared/notify/cadence';
import type { Finding } from '../../../shared/model/finding';
import { published } from '../../support/published';
import { baseline, inventory, live } from './builders';

const sp = GRAPH_WIRE.servicePrincipal.parse(
  published('graph-servicePrincipal-saml-token-signing-assembled.json'),
);
const credentials = credentialsOf(sp, 'servicePrincipal');
const SIGNING_END = Date.parse('2024-01-25T00:00:00Z');
const at = (daysBeforeSigningEnds: number) => new Date(SIGNING_END - daysBeforeSigningEnds * 86_400_000);
const samlApp = (over = {}) =>
  live({
    credentials,
    preferredTokenSigningKeyThumbprint: sp.preferredTokenSigningKeyThumbprint!.toUpperCase(),
    ...over,
  });
/** Declared with federated credentials only and a 180-day limit: every SAML key would break both. */
const declared = baseline({ credentials: ['federated'], roles: [] });

describe('what each key of a SAML app is for', () => {
  it('Sign, its Verify twin and the PFX password are token signing; the Encrypt key is token encryption', () => {
    expect(credentials.map((c) => [c.type, c.keyId.slice(0, 8), c.purpose, c.thumbprint])).toEqual([
      ['secret', '4c266507', 'samlSigning', null],
      ['certificate', '4c266507', 'samlSigning', 'DA20FCA696C4F83E8A9AED59BE33368ED421F3C1'],
      ['certificate', '93bc223f', 'samlSigning', 'DA20FCA696C4F83E8A9AED59BE33368ED421F3C1'],
      ['certificate', '5f6a7b8c', 'tokenEncryption', expect.any(String)],
    ]);
  });
  it('a plain client certificate and secret next to them stay client credentials', () => {
    const mixed = credentialsOf(
      {
        ...sp,
        keyCredentials: [
          ...sp.keyCredentials,
          { keyId: 'aaaa', usage: 'Verify', customKeyIdentifier: 'other' },
        ],
        passwordCredentials: [...sp.passwordCredentials, { keyId: 'bbbb', customKeyIdentifier: null }],
      },
      'servicePrincipal',
    );
    expect(mixed.filter((c) => c.purpose === 'client').map((c) => c.keyId)).toEqual(['bbbb', 'aaaa']);
  });
});

describe('rules on a declared SAML app', () => {
  it('no client-credential finding (type, lifetime, expiry) for its SSO keys', () => {
    const found = evaluate(declared, inventory([samlApp()], []), at(200)).map((c) => c.ruleId);
    expect(found).toEqual([]);
    // The same keys taken for client credentials would be type-not-allowed and too long-lived.
    const asClient = samlApp({ credentials: credentials.map((c) => ({ ...c, purpose: 'client' as const })) });
    const naive = evaluate(declared, inventory([asClient], []), at(200)).map((c) => c.ruleId);
    expect(naive).toContain('credential.type-not-allowed');
    expect(naive).toContain('credential.lifetime-too-long');
  });

  it('credential.sso-certificate-expiring: the signing certificate in use, once, on the 60/30/7-day windows, then expired', () => {
    const sso = (now: Date) =>
      evaluate(declared, inventory([samlApp()], []), now).filter(
        (c) => c.ruleId === 'credential.sso-certificate-expiring' && c.evidence.purpose === 'samlSigning',
      );
    expect(sso(at(61))).toEqual([]);
    // One certificate, one finding: not its Sign key, Verify key and PFX password each.
    expect(sso(at(45))).toHaveLength(1);
    const [f] = sso(at(45));
    expect(f).toMatchObject({
      target: 'da20fca696c4f83e8a9aed59be33368ed421f3c1',
      severity: 'low',
      evidence: { stage: 60, daysLeft: 45, keyId: '4c266507-3e74-4b91-aeba-18a25b450f6e' },
    });
    expect(f!.message).toBe(
      "The SAML token-signing certificate 'CN=customDisplayName' of app-one expires in 45 days (2024-01-25): create a new one, make it active and give it to the application's administrators before then.",
    );
    expect(sso(at(20))[0]).toMatchObject({ severity: 'low', evidence: { stage: 30 } });
    expect(sso(at(5))[0]).toMatchObject({ severity: 'high', evidence: { stage: 7 } });
    // The day it ends it has expired.
    expect(sso(at(0))[0]!.message).toContain('expired on 2024-01-25');
    const [expired] = sso(at(-3));
    expect(expired).toMatchObject({ severity: 'high' });
    expect(expired!.message).toContain('expired on 2024-01-25: users cannot sign in to it with SAML');
  });

  it('a certificate without an end date is not judged; client credentials are left to the other rules', () => {
    const noEnd = samlApp({ credentials: credentials.map((c) => ({ ...c, end: null })) });
    expect(evaluate(declared, inventory([noEnd], []), at(45))).toEqual([]);
  });

  it('with no signing certificate named in use, every signing certificate is watched', () => {
    const unnamed = samlApp({ preferredTokenSigningKeyThumbprint: null });
    const found = evaluate(declared, inventory([unnamed], []), at(45));
    expect(found.map((c) => c.evidence.purpose)).toEqual(['samlSigning']);
    expect(found[0]!.evidence).toMatchObject({ thumbprint: 'DA20FCA696C4F83E8A9AED59BE33368ED421F3C1' });
  });

  it('a signing certificate that is not the one in use is not watched; the encryption certificate is', () => {
    const other = samlApp({ preferredTokenSigningKeyThumbprint: 'AB'.repeat(20) });
    const found = evaluate(declared, inventory([other], []), new Date('2024-06-01T00:00:00Z'));
    expect(found.map((c) => c.evidence.purpose)).toEqual(['tokenEncryption']);
    expect(found[0]!.message).toContain("SAML token-encryption certificate 'CN=token-encryption'");
  });

  it('owners hear about it at 60, 30 and 7 days, then when it has expired', () => {
    const finding = (now: Date) =>
      ({
        ...evaluate(declared, inventory([samlApp()], []), now).find(
          (c) => c.evidence.purpose === 'samlSigning',
        )!,
      }) as unknown as Finding;
    const policy = { expiryWarningDays: [30, 14, 7, 1] };
    expect(ownerStage(finding(at(45)), policy, at(45))).toBe('expiring-60d');
    expect(ownerStage(finding(at(20)), policy, at(20))).toBe('expiring-30d');
    expect(ownerStage(finding(at(-2)), policy, at(-2))).toBe('expired+1d');
  });

  it('an app with only SSO keys and no access is not dormant, nor unbaselined when undeclared', () => {
    const activity = {
      from: at(400).toISOString(),
      to: at(200).toISOString(),
      coveredFrom: at(400).toISOString(),
      byObjectId: new Map(),
      byKeyId: new Map(),
    };
    const dormancy = evaluateDormancy(
      declared,
      inventory([samlApp({ createdDateTime: '2021-05-05T18:30:00Z' })], []),
      activity,
      at(200),
    );
    expect(dormancy.candidates).toEqual([]);
    expect(dormancy.checked).toBe(0);
    const stranger = samlApp({ objectId: 'eeeeeeee-0000-4000-8000-00000000000e' });
    expect(evaluate(declared, inventory([samlApp(), stranger], []), at(200)).map((c) => c.ruleId)).toEqual(
      [],
    );
  });
});
