/**
 * Every error the monitor raises on purpose extends MonitorError, which says what the edges need
 * to decide without knowing the class: the CLI exits with `exitCode`, a Function throws a
 * `transient` error so Event Grid or the timer retries, and logs the rest as a failed run.
 * The classes live beside the code that raises them; this file holds the base and the codes.
 */

/** Exit codes of every `wimon` command (docs/cli.md "Exit codes" and `--help` list the same). */
export const EXIT = {
  /** Done; nothing the command checks for was found. */
  ok: 0,
  /** The check found problems (an invalid baseline, findings a step refuses to go past). */
  problems: 1,
  /** Usage or configuration error: a flag, a file or a setting is wrong. */
  usage: 2,
  /** Someone else changed the stored baseline first (optimistic concurrency). */
  conflict: 3,
  /** The command could not read everything it needed; what it missed is printed. */
  incomplete: 4,
  /** Open findings at or above the severity given with --fail-on (for CI gates). */
  findings: 5,
  /** A call to Azure or Table Storage failed in a way none of the above describes. */
  failed: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export abstract class MonitorError extends Error {
  /** What a command that stops on this error exits with. */
  abstract readonly exitCode: ExitCode;
  /** True when trying again later may succeed (throttling, an outage): Functions rethrow for redelivery. */
  abstract readonly transient: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A flag, argument or file given to a command is wrong. */
export class UsageError extends MonitorError {
  readonly exitCode = EXIT.usage;
  readonly transient = false;
}

/** A setting (environment variable or app setting) is missing or wrong. */
export class ConfigurationError extends MonitorError {
  readonly exitCode = EXIT.usage;
  readonly transient = false;
}

/** What an error means for a command line: its exit code, or EXIT.failed for anything unclassified. */
export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof MonitorError ? error.exitCode : EXIT.failed;
}

/**
 * Whether a Function should throw so the platform delivers again. Unclassified errors (a bug, a
 * Table Storage outage) are treated as transient: a redelivery costs little, a lost event costs a
 * missed finding.
 */
export function isTransient(error: unknown): boolean {
  return error instanceof MonitorError ? error.transient : true;
}

/** A command could not read everything it needed; the message names each gap in the API's words. */
export class IncompleteReadError extends MonitorError {
  readonly exitCode = EXIT.incomplete;
  readonly transient = true;
}

/** `--fail-on SEVERITY`: open findings at or above it exist (the run itself was complete). */
export class FindingsAtOrAboveError extends MonitorError {
  readonly exitCode = EXIT.findings;
  readonly transient = false;
}

/** No usable credential, or every call answered 401: nothing was read; what to do is in the message. */
export class AuthenticationError extends MonitorError {
  readonly exitCode = EXIT.usage;
  readonly transient = false;
}

/** What a person can do about failed sign-in, for every command that reads a tenant. */
export const SIGN_IN_GUIDANCE =
  'Sign in with `az login` (Azure CLI), run where a managed identity is assigned (AZURE_CLIENT_ID selects a user-assigned one), or set AZURE_TENANT_ID and AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE; for a sovereign cloud also WIMON_AUTHORITY_HOST.';
