/**
 * One-click attestation links: "still needed until <date>" for an identity, "snooze this
 * finding for N days". A link carries its claim and an HMAC-SHA256 over it, made with a key kept
 * outside Table Storage (WIMON_ATTESTATION_KEY, a Key Vault reference in Azure): whoever can
 * read the tables still cannot forge one. Scoped to one identity (and finding) and one
 * recipient, expiring, and single-use (its nonce is consumed when acted on).
 */
import type { RequiredAccess } from '../azure/access';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const claimSchema = z.strictObject({
  v: z.literal(1),
  act: z.enum(['attest', 'snooze']),
  /** Identity (service principal object id). */
  oid: z.string().min(1),
  /** Finding key, for a snooze. */
  key: z.string().optional(),
  /** Who the link was sent to (it acts on their behalf). */
  rcpt: z.string().min(3),
  /** attest: the date the identity is confirmed needed until (YYYY-MM-DD). */
  until: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  /** snooze: days. */
  days: z.number().int().min(1).max(90).optional(),
  /** Link expiry, epoch seconds. */
  exp: z.number().int(),
  nonce: z.string().min(16),
});
export type AttestationClaim = z.output<typeof claimSchema>;

export const LINK_LIFETIME_DAYS = 14;

const b64 = (buf: Buffer) => buf.toString('base64url');
const mac = (payload: string, key: string) => createHmac('sha256', key).update(payload).digest();

export function newClaim(fields: Omit<AttestationClaim, 'v' | 'exp' | 'nonce'>, now: Date): AttestationClaim {
  return {
    v: 1,
    ...fields,
    exp: Math.floor(now.getTime() / 1000) + LINK_LIFETIME_DAYS * 86_400,
    nonce: b64(randomBytes(18)),
  };
}

export function signClaim(claim: AttestationClaim, key: string): string {
  const payload = b64(Buffer.from(JSON.stringify(claim), 'utf8'));
  return `${payload}.${b64(mac(payload, key))}`;
}

export type Verified =
  { ok: true; claim: AttestationClaim } | { ok: false; reason: 'malformed' | 'tampered' | 'expired' };

/** Unpadded base64url, as `b64` writes it: the only encoding a token may use. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Verifies with the current key and, during a rotation, the previous one (a link lives 14 days:
 * keep the previous key that long after rotating, then drop it). Keys older than that never verify.
 */
export function verifyToken(token: string, keys: string | readonly string[], now: Date): Verified {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  // Node decodes base64url leniently (padding, '+' and '/', stray bits in the last character):
  // only the one encoding that re-encodes to itself is a signature, so one link has one spelling.
  if (!BASE64URL.test(payload) || !BASE64URL.test(signature)) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(signature, 'base64url');
  if (b64(given) !== signature) return { ok: false, reason: 'malformed' };
  const signedBy = (typeof keys === 'string' ? [keys] : keys).some((key) => {
    const expected = mac(payload, key);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!signedBy) return { ok: false, reason: 'tampered' };
  let parsed;
  try {
    parsed = claimSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  if (parsed.data.exp * 1000 < now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claim: parsed.data };
}

/**
 * Stored notices carry a link as this placeholder: the claim, unsigned (useless without the key).
 * The signed link is made only when the notice is sent (`resolveLinks`), so whoever reads the
 * outbox holds no link that works.
 *
 * Only the monitor may write one. Its delimiters are Unicode noncharacters (U+FDD0, U+FDD1: kept
 * for a program's internal use, never interchanged), and every piece of tenant text reaches a
 * notice through `visibleText` or `escapeHtml` (report/safe-text.ts), which turn noncharacters
 * into U+FFFD: a display name or subject that spells a placeholder arrives as inert text, so
 * nothing a tenant writes is ever signed. The renderer inserts a placeholder as it is (its other
 * characters are base64url, safe in an HTML attribute and in plain text).
 */
const OPEN = '\ufdd0wimon-link:';
const CLOSE = '\ufdd1';
const PLACEHOLDER = /\ufdd0wimon-link:([A-Za-z0-9_-]+)\ufdd1/g;

/** A link only the monitor wrote (see above); render inserts it without escaping. */
export type LinkPlaceholder = string & { readonly __monitorLink: unique symbol };

export function linkPlaceholder(claim: AttestationClaim): LinkPlaceholder {
  return `${OPEN}${b64(Buffer.from(JSON.stringify(claim), 'utf8'))}${CLOSE}` as LinkPlaceholder;
}

export interface LinkConfig {
  baseUrl: string;
  key: string;
}

/**
 * Replaces every placeholder with its signed link (escaped for HTML when `html`). A placeholder is
 * signed only when its claim acts for `recipient`, the one the notice goes to (a second guard: a
 * placeholder that reached another's notice cannot act for them). Without the link configuration,
 * or for a placeholder that is not such a claim, the link is left out and says so.
 */
export function resolveLinks(
  body: string,
  config: LinkConfig | undefined,
  html: boolean,
  recipient: string,
): string {
  return body.replace(PLACEHOLDER, (_, encoded: string) => {
    const parsed = (() => {
      try {
        return claimSchema.safeParse(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')));
      } catch {
        return undefined;
      }
    })();
    if (!config || !parsed?.success) return '#link-unavailable';
    if (parsed.data.rcpt.trim().toLowerCase() !== recipient.trim().toLowerCase()) return '#link-unavailable';
    const url = `${config.baseUrl}?t=${signClaim(parsed.data, config.key)}`;
    return html ? url.replace(/&/g, '&#38;').replace(/"/g, '&#34;').replace(/</g, '&#60;') : url;
  });
}

export const ATTESTATION_KEY_ACCESS: RequiredAccess = {
  by: 'shared/attest/links.ts',
  why: 'read the attestation link key from Key Vault (an app setting Key Vault reference)',
  grant: {
    kind: 'builtInRole',
    role: 'Key Vault Secrets User',
    roleId: '4633458b-17de-408a-b874-0445c86b69e6',
    scope: 'the attestation key secret',
  },
};
