/**
 * When an owner hears about a finding again. A (recipient, finding, stage) goes out once:
 * - an expiring credential or Key Vault object: once per warning window it enters (30/14/7/1
 *   days by default, policy.expiryWarningDays), so reminders get closer as the date nears and
 *   stop when the finding is resolved;
 * - an expired one: when it expires, a day later and a week later, until it is removed;
 * - anything else: once while it is open.
 * Security operations hear about an owner's expired credential, overdue review or expired Key
 * Vault object once it has stayed open ESCALATE_AFTER_DAYS.
 */
import type { Policy } from '../baseline/schema';
import type { Finding } from '../model/finding';
import { DAY_MS } from '../rules/context';
import { expiryStage, SSO_WARNING_DAYS } from '../rules/credential-rules';
import { ruleOf } from '../rules/catalogue';

// Each rule says its cadence in its descriptor (`notice`, `escalates`); nothing here names a rule.
const cadenceOf = (ruleId: string) => ruleOf(ruleId)?.notice ?? 'once';
/** A SAML certificate's finding counts down to its end and goes on past it (SSO_WARNING_DAYS windows). */
function isSsoCertificate(ruleId: string): boolean {
  return cadenceOf(ruleId) === 'sso-windows';
}
function isExpiring(ruleId: string): boolean {
  return cadenceOf(ruleId) === 'expiry-windows' || isSsoCertificate(ruleId);
}
function isExpired(ruleId: string): boolean {
  return cadenceOf(ruleId) === 'expired';
}
/** Findings security operations hear about once an owner has left them open long enough. */
export function isEscalating(ruleId: string): boolean {
  return ruleOf(ruleId)?.escalates === true;
}
export const ESCALATE_AFTER_DAYS = 7;

/** The date the finding counts down to, when it has one (credential end, Key Vault EXP). */
export function dueDate(f: Finding): string | null {
  const v = f.evidence.end ?? f.evidence.expires;
  return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : null;
}

export function ownerStage(
  f: Finding,
  policy: Pick<Policy, 'expiryWarningDays'>,
  now: Date,
): string | undefined {
  const sso = isSsoCertificate(f.ruleId);
  const left = (due: string) => (Date.parse(due) - now.getTime()) / DAY_MS;
  if (isExpiring(f.ruleId)) {
    const due = dueDate(f);
    if (!due) return 'expiring';
    if (!sso || left(due) > 0) {
      const window = expiryStage(left(due), sso ? SSO_WARNING_DAYS : policy.expiryWarningDays);
      return window === undefined ? undefined : `expiring-${window}d`;
    }
  }
  if (isExpired(f.ruleId) || sso) {
    // It keeps going after expiry (the day, a day later, a week later) until it is removed.
    const due = dueDate(f);
    // Stryker disable next-line ConditionalExpression: without a date the arithmetic below is NaN, which also gives 'expired'
    if (!due) return 'expired';
    const daysPast = Math.floor((now.getTime() - Date.parse(due)) / DAY_MS);
    return daysPast >= 7 ? 'expired+7d' : daysPast >= 1 ? 'expired+1d' : 'expired';
  }
  return 'open';
}

export function escalationDue(f: Finding, now: Date): boolean {
  return isEscalating(f.ruleId) && now.getTime() - Date.parse(f.firstSeen) >= ESCALATE_AFTER_DAYS * DAY_MS;
}

/** "expires in 7 days" / "expired 3 days ago" for the action line. */
export function dueText(f: Finding, now: Date): string | undefined {
  if (!isExpiring(f.ruleId) && !isExpired(f.ruleId)) return undefined;
  const due = dueDate(f);
  if (!due) return undefined;
  if (isExpired(f.ruleId)) {
    const past = Math.max(0, Math.floor((now.getTime() - Date.parse(due)) / DAY_MS));
    return past === 0 ? 'expired today' : `expired ${past} day${past === 1 ? '' : 's'} ago`;
  }
  const days = Math.round((Date.parse(due) - now.getTime()) / DAY_MS);
  if (days > 1) return `expires in ${days} days`;
  if (days === 1) return 'expires tomorrow';
  if (days === 0) return 'expires today';
  return `expired ${-days} day${days === -1 ? '' : 's'} ago`;
}
