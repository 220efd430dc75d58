/**
 * What a rule is: one descriptor holds everything the rest of the monitor needs to know of it —
 * id, severity, title, fix, the inputs it reads (completeness), whether it reports something
 * absent, which process owns its findings, and how it is evaluated. evaluate(), the owner
 * routing (finding-owner.ts), the README's rule table and docs/rules.md are derived from the
 * descriptors (shared/rules/catalogue.ts lists the modules that hold them).
 */
import type { DeclaredIdentity } from '../baseline/schema';
import type { LiveIdentity } from '../model/inventory';
import type { FindingCandidate } from '../model/finding';
import type { RuleContext } from './context';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * Which process may raise and resolve the rule's findings. Each reads only its own source, so it
 * must only resolve what that source can prove gone:
 *   tenant   — ARM + Graph (full reconcile, events, delta sweep)
 *   signIns  — the sign-in logs (dormancy check)
 *   keyVault — Key Vault events
 */
export type RuleSource = 'tenant' | 'signIns' | 'keyVault';

/** What a rule reads: unknown input is never taken for absent (shared/rules/read-scope.ts). */
export type RuleInput =
  | 'baseline'
  | 'roleAssignments'
  | 'roleDefinitions'
  | 'servicePrincipals'
  | 'applications'
  | 'owners'
  | 'credentials'
  | 'federatedCredentials'
  | 'appRoleGrants'
  | 'managedIdentities'
  | 'resourceGraph'
  | 'signInLogs'
  | 'keyVaultEvents'
  | 'attestations';

/**
 * How evaluate() calls a rule. Several rules may share one evaluation (one pass over an
 * identity's role assignments yields all the role.* findings): it runs once.
 */
export type Evaluation =
  /** Each declared identity that is not retired, with its live identity when the tenant has one. */
  | {
      per: 'declaredIdentity';
      run(ctx: RuleContext, declared: DeclaredIdentity, live?: LiveIdentity): FindingCandidate[];
    }
  /** Each identity the baseline declares retired. */
  | { per: 'retiredIdentity'; run(ctx: RuleContext, declared: DeclaredIdentity): FindingCandidate[] }
  /** Each live identity the baseline does not know. */
  | { per: 'undeclaredIdentity'; run(ctx: RuleContext, live: LiveIdentity): FindingCandidate[] }
  /** Each live identity, declared or not, except those declared retired. */
  | { per: 'liveIdentity'; run(ctx: RuleContext, live: LiveIdentity): FindingCandidate[] }
  /** Once per evaluation, over the whole inventory. */
  | { per: 'tenant'; run(ctx: RuleContext): FindingCandidate[] }
  /** Not by evaluate(): by its source's own use case (named here so a reader finds it). */
  | { per: 'elsewhere'; by: string };

/**
 * When an owner hears about a finding of the rule again (shared/notify/cadence.ts):
 *   once            — once while it is open (the default);
 *   expiry-windows  — once per warning window it enters as its due date nears (policy.expiryWarningDays);
 *   sso-windows     — the same in the SAML certificate windows, and on past its end like `expired`;
 *   expired         — when it expires, a day later and a week later, until it is removed.
 */
export type NoticeCadence = 'once' | 'expiry-windows' | 'sso-windows' | 'expired';

/** The targeted re-checks that bring the rule's findings in line between full reconciles. */
export type Recheck = 'roleAssignmentEvent' | 'federatedCredentialEvent' | 'deltaSweep';

/** The Azure portal page where a person fixes a finding (shared/report/portal-links.ts). */
export type PortalPage = 'accessControl' | 'federatedCredentials' | 'appCredentials' | 'keyVault';

export interface RuleDescriptor {
  /** Stable id: exemptions, finding keys, alerts and SIEM routing refer to it. Never rename one. */
  id: string;
  severity: Severity;
  title: string;
  /** What a person should do about a finding. */
  fix: string;
  source: RuleSource;
  inputs: readonly RuleInput[];
  /**
   * The rule reports something absent (a declared role missing, an orphan): only trustworthy
   * where every scope it depends on was read completely.
   */
  absence: boolean;
  evaluation: Evaluation | readonly Evaluation[];
  /** How often owners hear about it (default once). */
  notice?: NoticeCadence;
  /** Security operations hear about it once an owner has left it open ESCALATE_AFTER_DAYS. */
  escalates?: boolean;
  /** Which event or sweep re-checks it (none: only the full reconcile or its own source). */
  rechecks?: readonly Recheck[];
  /** Where it is fixed in the portal (none: the identity's page). */
  portal?: PortalPage;
  /** Its target is a role assignment id; the scope it is about is `evidence.scope`. */
  targetIsAssignment?: boolean;
}
