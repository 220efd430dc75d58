/** The Functions side of the composition root: the services of services.ts, built once per worker. */
import { loadSettings } from '../config/settings';
import { gapsOf } from '../findings/runs';
import { openServices, type Services } from './services';

/** What a trigger needs to decide whether to throw for redelivery (functions/ import only shared/app). */
export { isTransient } from '../errors';

/** What a run could not read, one "scope (error)" or unreadable object per gap; empty when it saw everything. */
export function describeGaps(run: Parameters<typeof gapsOf>[0]): string {
  return gapsOf(run).join('; ');
}

let cached: Services | undefined;

export function runtime(): Services {
  return (cached ??= openServices(loadSettings()));
}

/**
 * Tests run the real handlers in @azure/functions test mode against Azurite and the local
 * emulator: they attach those through openServices instead of the app settings. Never called by
 * the app itself.
 */
export function useRuntimeForTests(replacement: Services | undefined): void {
  cached = replacement;
}
