/**
 * The CLI side of the composition root: every command gets its services from openServices
 * (shared/app/services.ts) with the same settings the Functions read, and may attach
 *   - the local emulator serving a fixture folder (--fixture) instead of the configured tenant,
 *   - an in-memory Azurite when no Table Storage is configured (for trying things out).
 * close() stops whatever was started for the command.
 */
import path from 'node:path';
import type { TokenCredential } from '@azure/core-auth';
import { loadSettings } from '../config/settings';
import { credentialFor } from '../azure/credential';
import { tenantConfigured } from '../app/tenant';
import { AuthenticationError, SIGN_IN_GUIDANCE, UsageError } from '../errors';
import { openServices, type Services } from '../app/services';
import { Tables } from '../storage/tables';
import { startAzurite } from '../../emulator/azurite';
import { connectToFixture, type FixtureTenant } from './fixture-tenant';
import { loadFaults } from '../../emulator/fault-spec';
import type { CliIo } from './io';

export const FIXTURE_HELP =
  'read a recorded tenant from this fixture folder through the local emulator instead of Azure';

export interface CliServices extends Services {
  /** True when no storage was configured and an in-memory Azurite holds this command's data. */
  readonly ephemeralTables: boolean;
  /** The fixture's tenant when --fixture was given (its recording time is the default "now"). */
  readonly fixtureTenant: FixtureTenant | undefined;
  close(): Promise<void>;
}

export interface CliServiceOptions {
  /** --fixture: the local emulator serving this folder is the tenant. */
  fixture?: string;
  /** --faults: faults the emulator injects (emulator/fault-spec.ts); only with --fixture. */
  faults?: string;
  /**
   * The command stores or reads findings, runs, the baseline…: Table Storage is needed (an
   * in-memory one when none is configured). 'in-memory': always a fresh one (the demo).
   */
  storage?: boolean | 'in-memory';
  /** Table prefix for an in-memory store (the demo keeps its own). */
  ephemeralPrefix?: string;
  /**
   * The command reads the configured tenant: get a token first, so a machine with no usable
   * credential stops at once with what to do instead of failing every read.
   */
  readsTenant?: boolean;
}

const SIGN_IN_TIMEOUT_MS = 15_000;

/** One token for ARM, within 15 s, or an AuthenticationError saying which credentials were tried. */
export async function checkSignIn(credential: TokenCredential, armEndpoint: string): Promise<void> {
  const scope = `${armEndpoint.replace(/\/+$/, '')}/.default`;
  try {
    const token = await credential.getToken(scope, { abortSignal: AbortSignal.timeout(SIGN_IN_TIMEOUT_MS) });
    if (!token) throw new Error('no token was returned');
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error))
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(0, 12)
      .join('\n  ');
    throw new AuthenticationError(
      `could not sign in to Azure for ${scope}; the credentials tried said:\n  ${detail}\n${SIGN_IN_GUIDANCE}`,
      { cause: error },
    );
  }
}

export async function openCliServices(io: CliIo, options: CliServiceOptions = {}): Promise<CliServices> {
  const settings = loadSettings(io.env);
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c();
  };
  try {
    let fixtureTenant: FixtureTenant | undefined;
    if (options.faults !== undefined && !options.fixture)
      throw new UsageError('--faults injects faults into the local emulator: it needs --fixture DIR');
    const faults = options.faults === undefined ? [] : loadFaults(options.faults, io.cwd);
    if (options.fixture) {
      fixtureTenant = await connectToFixture(path.resolve(io.cwd, options.fixture), faults);
      closers.push(fixtureTenant.close);
    }
    let tables: Tables | undefined;
    const configured = Boolean(settings.WIMON_STORAGE_CONNECTION_STRING || settings.WIMON_TABLE_ENDPOINT);
    if (options.storage === 'in-memory' || (options.storage && !configured)) {
      const azurite = await startAzurite();
      closers.push(() => azurite.stop());
      tables = new Tables({
        connectionString: azurite.connectionString,
        prefix: options.ephemeralPrefix ?? settings.WIMON_TABLE_PREFIX,
      });
    }
    if (options.readsTenant && !fixtureTenant && tenantConfigured(settings))
      await checkSignIn(credentialFor(settings), settings.WIMON_ARM_ENDPOINT);
    const services = openServices(settings, {
      tables,
      // The fixture's clients carry the emulator's own credential: the configured one never reaches it.
      tenant: fixtureTenant ? () => fixtureTenant : undefined,
    });
    return Object.assign(Object.create(services) as Services, {
      ephemeralTables: Boolean(tables),
      fixtureTenant,
      close,
    }) as CliServices;
  } catch (error) {
    await close();
    throw error;
  }
}

/** Runs `work` with the command's services and always closes what was started for it. */
export async function withCliServices<T>(
  io: CliIo,
  options: CliServiceOptions,
  work: (services: CliServices) => Promise<T>,
): Promise<T> {
  const services = await openCliServices(io, options);
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

/**
 * Every read answered "not authorised" (HTTP 401 or a failed sign-in): the run saw nothing,
 * which is a sign-in problem (exit 2), not a partial read.
 */
export function throwIfUnauthorisedEverywhere(
  scopes: readonly { scope: string; complete: boolean; error?: string }[],
): void {
  if (scopes.length === 0 || scopes.some((s) => s.complete)) return;
  if (
    !scopes.every((s) =>
      /HTTP 401\b|AuthenticationError|authentication failed|CredentialUnavailable/i.test(s.error ?? ''),
    )
  )
    return;
  throw new AuthenticationError(
    `every read was refused as unauthenticated (${scopes.map((s) => `${s.scope}: ${s.error}`).join('; ')}).\n${SIGN_IN_GUIDANCE}`,
  );
}
