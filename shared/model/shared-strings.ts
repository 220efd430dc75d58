/**
 * One copy of each repeated string. A large tenant has a million role assignments over a few
 * thousand scopes, a handful of principal types and role definitions, a principal id repeated by
 * each of its assignments, and few creators; a large baseline declares hundreds of thousands of
 * roles with a few dozen names. Each copy is 50–200 bytes the garbage collector marks on every
 * major collection, so at 200,000 identities they decide how much room the heap has
 * (docs/scale.md).
 */

/**
 * Shares strings for as long as one read lasts: the pool goes with the read. (A table kept by the
 * process held, between reconciles, hundreds of thousands of principal ids and creation times no
 * read still used.)
 */
export class StringPool {
  readonly #strings = new Map<string, string>();

  share(value: string): string {
    const known = this.#strings.get(value);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: a memo; the same text either way
    if (known !== undefined) return known;
    this.#strings.set(value, value);
    return value;
  }
}

// Role names as the rules compare them: a few dozen distinct values in any tenant, so kept.
const LIMIT = 10_000;
const lowered = new Map<string, string>();
let lowerCopies = new StringPool();

/** `value.toLowerCase()`, one copy per distinct value. */
export function lowerShared(value: string): string {
  let known = lowered.get(value);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a memo; the same text either way
  if (known === undefined) {
    known = lowerCopies.share(value.toLowerCase());
    // Stryker disable next-line all: bounds the table's size only
    if (lowered.size >= LIMIT) {
      lowered.clear();
      lowerCopies = new StringPool();
    }
    lowered.set(value, known);
  }
  return known;
}
