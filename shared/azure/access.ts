/**
 * The Azure access a reader or writer needs, declared beside the code that uses it (Cloud
 * Custodian style), so the deployment's roles (infra/ and its tests) and docs/permissions.md are
 * checked against the code instead of prose. shared/azure/required-access.ts collects them.
 */
export type Grant =
  /** Actions of the monitor's own custom role, assigned on every monitored subscription. */
  | { kind: 'customRoleActions'; actions: readonly string[]; scope: string }
  /** A built-in Azure role (its GUID is the same in every tenant). */
  | { kind: 'builtInRole'; role: string; roleId: string; scope: string }
  /** A Microsoft Graph application permission (app role on Microsoft Graph's service principal). */
  | { kind: 'graphAppRole'; permission: string; appRoleId: string };

export interface RequiredAccess {
  /** The module that makes the calls. */
  by: string;
  /** What for, in a sentence a deployer can judge. */
  why: string;
  grant: Grant;
  /**
   * Granted by infra/ unless this says otherwise: `setting:<NAME>` when only needed once that
   * setting turns the feature on (and granted then), `operator` when the deployer grants it.
   */
  when?: `setting:${string}` | 'operator';
}
