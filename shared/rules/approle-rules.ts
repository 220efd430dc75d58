/** approle.unexpected, approle.privileged: each on its own (an undeclared tier-0 permission is both). */
import type { LiveIdentity } from '../model/inventory';
import type { FindingCandidate } from '../model/finding';
import { candidate, identityOf, label, type RuleContext } from './context';
import { DIRECTORY } from './read-scope';
import type { Evaluation, RuleDescriptor } from './rule';

export const grantKey = (g: { resourceDisplayName: string; permission: string }): string =>
  `${g.resourceDisplayName}/${g.permission}`;

export function appRoleRules(ctx: RuleContext, live: LiveIdentity): FindingCandidate[] {
  // Stryker disable next-line ConditionalExpression: a shortcut; the loop below finds nothing either
  if (live.appRoleGrants.length === 0) return [];
  const declared = ctx.declaredByObjectId.get(live.objectId);
  const identity = identityOf(declared, live, live.objectId);
  const privileged = new Set(ctx.baseline.policy.privilegedAppRoles.map((r) => r.toLowerCase()));
  // Stryker disable next-line ArrayDeclaration: without a declared identity `allowed` is never read
  const allowed = new Set((declared?.appRoles ?? []).map((r) => r.toLowerCase()));
  const out: FindingCandidate[] = [];
  for (const g of live.appRoleGrants) {
    const key = grantKey(g);
    const evidence = {
      grantId: g.id,
      resource: g.resourceDisplayName,
      resourceId: g.resourceId,
      permission: g.permission,
      appRoleId: g.appRoleId,
      granted: g.createdDateTime,
    };
    if (privileged.has(key.toLowerCase())) {
      out.push(
        candidate('approle.privileged', {
          identity,
          target: key,
          evidence,
          readScope: DIRECTORY,
          message: `${label(identity)} holds the tier-0 permission ${key}, which lets it take over the tenant: revoke it.`,
        }),
      );
    }
    // Stands alone: an undeclared tier-0 permission is approle.unexpected as well.
    if (declared && !allowed.has(key.toLowerCase())) {
      out.push(
        candidate('approle.unexpected', {
          identity,
          target: key,
          evidence,
          readScope: DIRECTORY,
          message: `${label(identity)} holds ${key}, which the baseline does not declare: revoke it or declare it.`,
        }),
      );
    }
  }
  return out;
}

const declaredAppRoles: Evaluation = {
  per: 'declaredIdentity',
  run: (ctx, _declared, live) => (live ? appRoleRules(ctx, live) : []),
};
const undeclaredAppRoles: Evaluation = { per: 'undeclaredIdentity', run: appRoleRules };

export const APP_ROLE_RULES = [
  {
    id: 'approle.unexpected',
    severity: 'high',
    title: 'Application permission not declared in the baseline',
    fix: 'Revoke the permission, or declare it under the identity’s appRoles.',
    source: 'tenant',
    inputs: ['baseline', 'appRoleGrants'],
    absence: false,
    evaluation: [declaredAppRoles, undeclaredAppRoles],
  },
  {
    id: 'approle.privileged',
    severity: 'critical',
    title: 'Tier-0 application permission granted',
    fix: 'Revoke the permission; tier-0 permissions let the identity take over the tenant.',
    source: 'tenant',
    inputs: ['baseline', 'appRoleGrants'],
    absence: false,
    evaluation: [declaredAppRoles, undeclaredAppRoles],
  },
] as const satisfies readonly RuleDescriptor[];
