/** What the sign-in logs say about workload identities over one time range: typed, never raw rows. */

export const SIGN_IN_TABLE_NAMES = ['AADServicePrincipalSignInLogs', 'AADManagedIdentitySignInLogs'] as const;
export type SignInTableName = (typeof SIGN_IN_TABLE_NAMES)[number];

export interface LastSignIn {
  /** Last successful sign-in (ResultType "0") in the range; null when it only failed. */
  lastSuccess: string | null;
  /** Which log it came from: service principals and managed identities log separately. */
  table: SignInTableName;
}

export interface SignInActivity {
  /** The queried range (ISO): a sign-in before `from` is invisible to this read. */
  from: string;
  to: string;
  /**
   * Earliest record of any result in the range. The logs know nothing before it (workspace
   * retention, or when the diagnostic setting was created); null when the range holds none.
   */
  coveredFrom: string | null;
  /** Service principal object id (lower-case) → its sign-ins in the range. */
  byObjectId: Map<string, LastSignIn>;
  /** Credential key id (lower-case) → its last successful sign-in in the range. */
  byKeyId: Map<string, string>;
  /**
   * Service principals (lower-case object ids) with a sign-in row that could not be read → what
   * was wrong with it: the logs cannot speak for them in this run. Absent when every row read.
   */
  unreadable?: ReadonlyMap<string, string>;
}
