/**
 * One copy of each repeated string. A large tenant has a million role assignments over a few
 * thousand scopes, a handful of principal types and role definitions, and few creators; a large
 * baseline declares hundreds of thousands of roles with a few dozen names. Each copy is 50–200
 * bytes the garbage collector marks on every major collection, so at 200,000 identities they
 * decide how much room the heap has (docs/scale.md). Bounded: a pathological input clears the
 * table rather than growing it without limit.
 */
const LIMIT = 400_000;
const interned = new Map<string, string>();
const lowered = new Map<string, string>();

export function intern(value: string): string {
  const known = interned.get(value);
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: a memo; the same text either way
  if (known !== undefined) return known;
  // Stryker disable next-line all: bounds the table's size only
  if (interned.size >= LIMIT) interned.clear();
  interned.set(value, value);
  return value;
}

/** `value.toLowerCase()`, one copy per distinct value. */
export function lowerShared(value: string): string {
  let known = lowered.get(value);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a memo; the same text either way
  if (known === undefined) {
    known = intern(value.toLowerCase());
    // Stryker disable next-line all: bounds the table's size only
    if (lowered.size >= LIMIT) lowered.clear();
    lowered.set(value, known);
  }
  return known;
}
