/**
 * ARM scope ids: `/`, `/providers/Microsoft.Management/managementGroups/<mg>`,
 * `/subscriptions/<sub>[/resourceGroups/<rg>[/providers/<ns>/<type>/<name>...]]`.
 * ARM compares ids case-insensitively and returns them in mixed casing, so every comparison
 * here works on a normalised form; the original text is kept for display.
 */

/** Returns why `scope` is not a valid ARM scope, or undefined when it is. */
export function armScopeProblem(scope: string): string | undefined {
  if (!scope.startsWith('/')) return 'must be an ARM scope starting with /';
  if (scope === '/') return undefined;
  if (/\s/.test(scope)) return 'must not contain whitespace';
  if (scope.includes('*')) return 'must be an exact scope, not a wildcard';
  if (scope.endsWith('/')) return 'must not end with /';
  // ARM compares scopes as written: these would name another scope, or none, not this one.
  if (/[?#]/.test(scope)) return 'must be a scope, not a URL: no query string or fragment (? or #)';
  if (scope.includes('%')) return 'must be written out, not percent-encoded (%)';
  const segments = scope.slice(1).split('/');
  if (segments.some((s) => s.length === 0)) return 'must not contain empty segments (//)';
  if (segments.some((s) => s === '.' || s === '..')) return "must not contain '.' or '..' segments";
  const first = segments[0]!.toLowerCase();
  if (first === 'subscriptions') {
    if (segments.length < 2 || !isGuid(segments[1]!)) return 'subscription id must be a GUID';
    if (segments.length > 2 && segments.length % 2 !== 0 && segments[2]!.toLowerCase() === 'resourcegroups')
      return 'resourceGroups must be followed by a name';
    return undefined;
  }
  if (first === 'providers') {
    if (
      segments[1]?.toLowerCase() === 'microsoft.management' &&
      segments[2]?.toLowerCase() === 'managementgroups'
    ) {
      return segments.length >= 4 ? undefined : 'management group scope must name the group';
    }
    return undefined; // tenant-level provider scopes exist (e.g. /providers/Microsoft.Capacity)
  }
  return 'must start with /subscriptions/, /providers/ or be /';
}

// Rules compare the same few thousand scopes hundreds of thousands of times in a large tenant.
const normalized = new Map<string, string>();
const NORMALIZED_CACHE_LIMIT = 200_000;

export function normalizeScope(scope: string): string {
  let n = normalized.get(scope);
  // Stryker disable next-line ConditionalExpression: a memo; normalising again gives the same text
  if (n === undefined) {
    let end = scope.length;
    while (end > 1 && scope.charCodeAt(end - 1) === 47 /* / */) end--;
    n = scope.slice(0, end).toLowerCase();
    // Stryker disable next-line all: bounds the memo's size only
    if (normalized.size >= NORMALIZED_CACHE_LIMIT) normalized.clear();
    normalized.set(scope, n);
  }
  return n;
}

/** The scope itself and every ancestor its id shows, normalised, nearest first (ending with `/`). */
export function scopeAndAncestors(scope: string): readonly string[] {
  let out = ancestors.get(scope);
  // Stryker disable next-line ConditionalExpression: a memo; the list built again is the same
  if (!out) {
    const s = normalizeScope(scope);
    const list = [s];
    for (let i = s.lastIndexOf('/'); i > 0; i = s.lastIndexOf('/', i - 1)) list.push(s.slice(0, i));
    if (s !== '/') list.push('/');
    // Stryker disable next-line all: bounds the memo's size only
    if (ancestors.size >= NORMALIZED_CACHE_LIMIT) ancestors.clear();
    ancestors.set(scope, (out = list));
  }
  return out;
}
const ancestors = new Map<string, readonly string[]>();

export function sameScope(a: string, b: string): boolean {
  return normalizeScope(a) === normalizeScope(b);
}

/** True when `ancestor` is a strict ancestor of `scope` in the ARM hierarchy (ignoring management-group nesting, which ids do not show). */
export function isStrictAncestor(ancestor: string, scope: string): boolean {
  const a = normalizeScope(ancestor);
  const s = normalizeScope(scope);
  if (a === s) return false;
  if (a === '/') return true;
  return s.startsWith(a + '/');
}

export function isSameOrAncestor(ancestor: string, scope: string): boolean {
  return sameScope(ancestor, scope) || isStrictAncestor(ancestor, scope);
}

export type ScopeLevel = 'root' | 'managementGroup' | 'subscription' | 'resourceGroup' | 'resource' | 'other';

const levels = new Map<string, ScopeLevel>();

export function scopeLevel(scope: string): ScopeLevel {
  let level = levels.get(scope);
  // Stryker disable next-line ConditionalExpression: a memo; computing again gives the same level
  if (level === undefined) {
    level = computeScopeLevel(scope);
    // Stryker disable next-line all: bounds the memo's size only
    if (levels.size >= NORMALIZED_CACHE_LIMIT) levels.clear();
    levels.set(scope, level);
  }
  return level;
}

function computeScopeLevel(scope: string): ScopeLevel {
  const s = normalizeScope(scope);
  if (s === '/') return 'root';
  const segments = s.slice(1).split('/');
  if (
    segments[0] === 'providers' &&
    segments[1] === 'microsoft.management' &&
    segments[2] === 'managementgroups'
  )
    return segments.length === 4 ? 'managementGroup' : 'other';
  if (segments[0] === 'subscriptions') {
    if (segments.length === 2) return 'subscription';
    if (segments.length === 4 && segments[2] === 'resourcegroups') return 'resourceGroup';
    return 'resource';
  }
  return 'other';
}

/** The subscription id (lower-case) a scope lies in, if any. */
export function subscriptionOf(scope: string): string | undefined {
  const m = /^\/subscriptions\/([^/]+)/i.exec(scope);
  return m ? m[1]!.toLowerCase() : undefined;
}

export function isGuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
