/**
 * The loaded baseline with its repeated values held once: one object for each declared role that
 * several identities declare alike, and one empty list for the lists most identities leave empty.
 * A 200,000-identity baseline declares a million roles over a few thousand scopes, and the process
 * keeps the parsed baseline through every run (docs/scale.md). What is shared is frozen: a loaded
 * baseline is read, never changed, and a change would now throw instead of reaching every identity
 * that shares the value.
 */
import type { Baseline, DeclaredRole } from './schema';

const EMPTY: readonly never[] = Object.freeze([]);

export function shareRepeatedValues(baseline: Baseline): Baseline {
  const roles = new Map<string, DeclaredRole>();
  for (const identity of baseline.identities) {
    const list = identity.roles;
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      // Both are strings of a validated baseline; NUL occurs in neither.
      const key = `${r.role}\u0000${r.scope}`;
      const known = roles.get(key);
      if (known) list[i] = known;
      else roles.set(key, Object.freeze(r));
    }
    if (identity.roles.length === 0) identity.roles = EMPTY as never[];
    if (identity.allowedEnvironments.length === 0) identity.allowedEnvironments = EMPTY as never[];
    if (identity.credentials.length === 0) identity.credentials = EMPTY as never[];
    if (identity.federatedCredentials.length === 0) identity.federatedCredentials = EMPTY as never[];
    if (identity.appRoles.length === 0) identity.appRoles = EMPTY as never[];
  }
  return baseline;
}
