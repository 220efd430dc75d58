/**
 * What each key and password credential of an application or service principal is for. Only
 * client credentials let a workload sign in; the others belong to SAML single sign-on:
 * - token signing (Microsoft Graph `addTokenSigningCertificate`): a private key with usage `Sign`,
 *   its public key with usage `Verify`, and a password credential that only opens the PFX — the
 *   password has the private key's keyId, and all three share one customKeyIdentifier;
 * - token encryption: the key whose keyId the object's `tokenEncryptionKeyId` names (usage
 *   `Encrypt`).
 * Pure.
 */
import type { CredentialPurpose } from '../model/inventory';

interface WireKey {
  keyId: string;
  usage?: string | null;
  customKeyIdentifier?: string | null;
}

export interface CredentialPurposes {
  ofKey(k: WireKey): CredentialPurpose;
  ofPassword(p: Omit<WireKey, 'usage'>): CredentialPurpose;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function credentialPurposes(obj: {
  keyCredentials: readonly WireKey[];
  tokenEncryptionKeyId?: string | null;
}): CredentialPurposes {
  const signing = obj.keyCredentials.filter((k) => k.usage != null && same(k.usage, 'Sign'));
  const signingIds = new Set(signing.map((k) => k.keyId.toLowerCase()));
  const signingCertificates = new Set(
    signing.map((k) => k.customKeyIdentifier).filter((c): c is string => Boolean(c)),
  );
  const encryptionId = obj.tokenEncryptionKeyId?.toLowerCase();
  return {
    ofKey(k) {
      const usage = k.usage ?? '';
      if (same(usage, 'Sign')) return 'samlSigning';
      if (same(usage, 'Verify') && k.customKeyIdentifier && signingCertificates.has(k.customKeyIdentifier))
        return 'samlSigning';
      if (same(usage, 'Encrypt') || (encryptionId !== undefined && same(k.keyId, encryptionId)))
        return 'tokenEncryption';
      return 'client';
    },
    ofPassword(p) {
      if (signingIds.has(p.keyId.toLowerCase())) return 'samlSigning';
      if (p.customKeyIdentifier && signingCertificates.has(p.customKeyIdentifier)) return 'samlSigning';
      return 'client';
    },
  };
}

/**
 * The certificate's SHA-1 thumbprint (upper-case hex) from a customKeyIdentifier that holds it
 * base64-encoded (as `addTokenSigningCertificate` writes it); null for anything else.
 */
export function thumbprintOf(customKeyIdentifier: string | null | undefined): string | null {
  if (!customKeyIdentifier || !/^[A-Za-z0-9+/]{27}=$/.test(customKeyIdentifier)) return null;
  return Buffer.from(customKeyIdentifier, 'base64').toString('hex').toUpperCase();
}
