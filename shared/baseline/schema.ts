/**
 * The baseline file format (docs/guide.md "The baseline"). One zod schema is the single source for
 * validation, the TypeScript types and the published JSON Schema (schema/baseline.schema.json).
 * Keys documented there are a contract: add optional keys, never rename.
 */
import { z } from 'zod';
import { armScopeProblem } from '../model/arm-scope';
import { identifierTextProblem, issuerProblem } from './identifier-text';
import { ruleIds } from '../rules/catalogue';

const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const EMAIL_RE = /^[^\s@<>"',;]+@[^\s@<>"',;]+\.[^\s@<>"',;]+$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/** What `wimon baseline export` writes where it cannot infer an owner; validation points at each one. */
export const OWNER_PLACEHOLDER = 'OWNER-REQUIRED';

export const DEFAULT_PRIVILEGED_ROLES = [
  'Owner',
  'Contributor',
  'User Access Administrator',
  'Role Based Access Control Administrator',
];
export const DEFAULT_PRIVILEGED_APP_ROLES = [
  'Microsoft Graph/RoleManagement.ReadWrite.Directory',
  'Microsoft Graph/AppRoleAssignment.ReadWrite.All',
  'Microsoft Graph/Application.ReadWrite.All',
  'Microsoft Graph/Directory.ReadWrite.All',
];
export const DEFAULT_SECRET_MANAGER_ROLES = [
  'Key Vault Administrator',
  'Key Vault Secrets Officer',
  'Key Vault Contributor',
  'Key Vault Data Access Administrator',
  'Key Vault Certificates Officer',
];
export const STANDARD_FIC_AUDIENCE = 'api://AzureADTokenExchange';

function isCalendarDate(value: string): boolean {
  if (!DATE_RE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

const guid = z
  .string()
  .regex(GUID_RE, { error: 'must be a GUID (e.g. 3f2a6c1e-8b0d-4c1a-9e2f-0a1b2c3d4e5f)' });
/** The first character of an address outside printable ASCII, described (a look-alike letter, an invisible one). */
export function nonAsciiInAddress(value: string): string | undefined {
  const ch = [...value].find((c) => c.codePointAt(0)! > 0x7e || c.codePointAt(0)! < 0x21);
  if (ch === undefined) return undefined;
  const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return `contains '${ch}' (${code}), which is not ASCII and can pass for another letter: write the address in ASCII (an internationalised domain in its xn-- form)`;
}
const email = z
  .string()
  .refine((v) => v !== OWNER_PLACEHOLDER, {
    error: `owner placeholder: replace ${OWNER_PLACEHOLDER} with the owner's email address`,
    abort: true,
  })
  .superRefine((v, ctx) => {
    const problem = nonAsciiInAddress(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, abort: true });
  })
  .regex(EMAIL_RE, { error: 'must be an email address' });
const isoDate = z
  .string({ error: 'must be a date written YYYY-MM-DD' })
  .refine(isCalendarDate, { error: 'must be a real date written YYYY-MM-DD' });
/** Text that is compared with what Azure returns: nothing invisible, nothing that passes for another letter. */
const identifier = (schema: z.ZodString = z.string()) =>
  schema.superRefine((value, ctx) => {
    const problem = identifierTextProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const armScope = z.string().superRefine((value, ctx) => {
  const problem = identifierTextProblem(value) ?? armScopeProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const positiveDays = z.number().int({ error: 'must be a whole number of days' }).min(1).max(3650);
const issuerUrl = z.string().superRefine((value, ctx) => {
  const problem = issuerProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const policySchema = z.strictObject({
  securityContacts: z.array(email).min(1, { error: 'name at least one security operations address' }),
  dormantAfterDays: positiveDays.default(90),
  expiryWarningDays: z.array(positiveDays).min(1).default([30, 14, 7, 1]),
  maxCredentialLifetimeDays: positiveDays.default(180),
  maxExemptionDays: positiveDays.default(90),
  /** A secret or certificate unused this long while its identity signs in otherwise: credential.unused. */
  credentialUnusedDays: positiveDays.default(30),
  /** How far an owner's "still needed" attestation may push an identity's review date. */
  maxAttestationDays: positiveDays.default(90),
  /** The furthest an identity's reviewBy may lie ahead: every identity is reviewed at least this often. */
  maxReviewDays: positiveDays.default(365),
  privilegedRoles: z.array(identifier(z.string().min(1))).default(DEFAULT_PRIVILEGED_ROLES),
  privilegedAppRoles: z.array(identifier(z.string().min(1))).default(DEFAULT_PRIVILEGED_APP_ROLES),
  secretManagerRoles: z.array(identifier(z.string().min(1))).default(DEFAULT_SECRET_MANAGER_ROLES),
  trustedIssuers: z.array(issuerUrl).default(['https://token.actions.githubusercontent.com']),
  environments: z
    .record(
      z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'environment names use letters, digits, _ and -' }),
      z.array(armScope),
    )
    .default({}),
});

export const roleSchema = z.strictObject({
  role: identifier(z.string().min(1, { error: 'name the role or its role definition GUID' })),
  scope: armScope,
});

export const federatedCredentialSchema = z
  .strictObject({
    issuer: issuerUrl,
    subject: identifier(z.string().min(1)).optional(),
    /** A flexible federated credential (Microsoft Entra): the expression it matches claims with. */
    claimsMatchingExpression: z
      .strictObject({
        value: z.string().min(1),
        languageVersion: z.number().int().min(1),
      })
      .optional(),
    audiences: z
      .array(identifier(z.string().min(1)))
      .min(1)
      .default([STANDARD_FIC_AUDIENCE]),
  })
  .refine((f) => (f.subject === undefined) !== (f.claimsMatchingExpression === undefined), {
    error: 'declare either subject or claimsMatchingExpression (a flexible credential), not both or neither',
  });

export const IDENTITY_TYPES = ['managedIdentity', 'application'] as const;
export const PURPOSES = ['runtime', 'deployment', 'batch', 'automation', 'other'] as const;
export const CREDENTIAL_TYPES = ['federated', 'certificate', 'secret', 'managed'] as const;

export const identitySchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/, {
      error: 'must start with a letter or digit and use only letters, digits, ".", "_" and "-" (at most 120)',
    }),
    objectId: guid,
    appId: guid.optional(),
    type: z.enum(IDENTITY_TYPES),
    environment: z.string().min(1),
    /** Other environments this identity may hold access in (e.g. a monitor or backup identity that spans them). */
    allowedEnvironments: z.array(z.string().min(1)).default([]),
    purpose: z.enum(PURPOSES),
    description: z.string().max(1000).optional(),
    owners: z.array(email).min(1, { error: 'every identity needs at least one owner' }),
    reviewBy: isoDate,
    dormantAfterDays: positiveDays.optional(),
    status: z.enum(['active', 'retired']).default('active'),
    credentials: z.array(z.enum(CREDENTIAL_TYPES)).default([]),
    roles: z.array(roleSchema).default([]),
    federatedCredentials: z.array(federatedCredentialSchema).default([]),
    appRoles: z
      .array(
        identifier(
          z.string().regex(/^[^/]+\/[^/]+$/, {
            error: 'must be written "Resource/Permission", e.g. Microsoft Graph/User.Read.All',
          }),
        ),
      )
      .default([]),
  })
  .superRefine((identity, ctx) => {
    if (identity.type === 'application' && !identity.appId) {
      ctx.addIssue({ code: 'custom', path: ['appId'], message: 'an application identity needs its appId' });
    }
  });

export const keyVaultSecretSchema = z.strictObject({
  vault: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/, {
    error: 'must be a Key Vault name (3-24 letters, digits, -)',
  }),
  secret: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,127}$/, { error: 'must be a Key Vault object name (letters, digits, -)' })
    .optional(),
  owners: z.array(email).min(1, { error: 'name at least one owner for this vault or secret' }),
});

export const exemptionSchema = z.strictObject({
  // Lazy, and typed as a string here: the catalogue is built from the rule modules, which read
  // this file's types (its ids are still the only values accepted, and the JSON Schema's enum).
  rule: z.lazy((): z.ZodType<string> =>
    z.enum(ruleIds(), { error: 'must be one rule id from the catalogue (no wildcards)' }),
  ),
  identity: z.string().min(1, { error: 'name the identity (its name or object id)' }),
  target: identifier(z.string())
    .min(1, { error: 'name the exact target of the finding' })
    .refine((t) => !t.includes('*'), {
      error: 'must be an exact target, not a wildcard',
    }),
  owner: email,
  reason: z.string().trim().min(1, { error: 'say why the exemption is needed' }),
  compensatingControls: z.string().trim().min(1, { error: 'describe the compensating controls' }),
  expires: isoDate,
});

const DAY_MS = 86_400_000;

/** Builds the root schema; `today` (YYYY-MM-DD, UTC) bounds exemption expiry against the policy maximum. */
export function baselineSchema(today: string) {
  return z
    .strictObject({
      $schema: z.string().optional(),
      version: z.literal(1, { error: 'must be 1' }),
      policy: policySchema,
      identities: z.array(identitySchema).default([]),
      keyVaultSecrets: z.array(keyVaultSecretSchema).default([]),
      exemptions: z.array(exemptionSchema).default([]),
    })
    .superRefine((b, ctx) => {
      const seen = {
        name: new Map<string, number>(),
        objectId: new Map<string, number>(),
        appId: new Map<string, number>(),
      };
      b.identities.forEach((identity, i) => {
        for (const key of ['name', 'objectId', 'appId'] as const) {
          const value = identity[key];
          if (value === undefined) continue;
          const normalized = value.toLowerCase();
          const first = seen[key].get(normalized);
          if (first !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: ['identities', i, key],
              message: `duplicate identity ${key} '${value}' (first declared at identities[${first}])`,
            });
          } else seen[key].set(normalized, i);
        }
        identity.allowedEnvironments.forEach((env, k) => {
          if (!Object.hasOwn(b.policy.environments, env)) {
            ctx.addIssue({
              code: 'custom',
              path: ['identities', i, 'allowedEnvironments', k],
              message: `unknown environment '${env}': declare it under policy.environments`,
            });
          }
        });
        if (!Object.hasOwn(b.policy.environments, identity.environment)) {
          const known = Object.keys(b.policy.environments);
          ctx.addIssue({
            code: 'custom',
            path: ['identities', i, 'environment'],
            message: known.length
              ? `unknown environment '${identity.environment}' (policy.environments has: ${known.join(', ')})`
              : `unknown environment '${identity.environment}': declare it under policy.environments`,
          });
        }
      });
      const maxReview = Date.parse(`${today}T00:00:00Z`) + b.policy.maxReviewDays * DAY_MS;
      b.identities.forEach((identity, i) => {
        if (isCalendarDate(identity.reviewBy) && Date.parse(`${identity.reviewBy}T00:00:00Z`) > maxReview)
          ctx.addIssue({
            code: 'custom',
            path: ['identities', i, 'reviewBy'],
            message: `is more than policy.maxReviewDays (${b.policy.maxReviewDays}) days after ${today}: every identity is reviewed at least that often`,
          });
      });
      const maxExpiry = Date.parse(`${today}T00:00:00Z`) + b.policy.maxExemptionDays * DAY_MS;
      const exemptionKeys = new Map<string, number>();
      b.exemptions.forEach((ex, i) => {
        const known =
          seen.name.has(ex.identity.toLowerCase()) || seen.objectId.has(ex.identity.toLowerCase());
        if (!known) {
          ctx.addIssue({
            code: 'custom',
            path: ['exemptions', i, 'identity'],
            message: `'${ex.identity}' is not an identity name or object id in this baseline`,
          });
        }
        if (isCalendarDate(ex.expires) && Date.parse(`${ex.expires}T00:00:00Z`) > maxExpiry) {
          ctx.addIssue({
            code: 'custom',
            path: ['exemptions', i, 'expires'],
            message: `expires more than policy.maxExemptionDays (${b.policy.maxExemptionDays}) days after ${today}`,
          });
        }
        const key = `${ex.rule}|${ex.identity.toLowerCase()}|${ex.target.toLowerCase()}`;
        const first = exemptionKeys.get(key);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['exemptions', i],
            message: `duplicate of exemptions[${first}]`,
          });
        } else exemptionKeys.set(key, i);
      });
      const vaultKeys = new Map<string, number>();
      b.keyVaultSecrets.forEach((kv, i) => {
        const key = `${kv.vault.toLowerCase()}/${(kv.secret ?? '*').toLowerCase()}`;
        const first = vaultKeys.get(key);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['keyVaultSecrets', i],
            message: `duplicate of keyVaultSecrets[${first}]`,
          });
        } else vaultKeys.set(key, i);
      });
    });
}

export type Baseline = z.output<ReturnType<typeof baselineSchema>>;
export type BaselineInput = z.input<ReturnType<typeof baselineSchema>>;
export type Policy = Baseline['policy'];
export type DeclaredIdentity = Baseline['identities'][number];
export type DeclaredRole = DeclaredIdentity['roles'][number];
export type DeclaredFederatedCredential = DeclaredIdentity['federatedCredentials'][number];
export type Exemption = Baseline['exemptions'][number];
