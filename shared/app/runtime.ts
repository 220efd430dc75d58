/** The Functions side of the composition root: the services of services.ts, built once per worker. */
import { loadSettings } from '../config/settings';
import { credentialFor } from '../azure/credential';
import { openServices, type Services } from './services';
import { startTelemetry } from './telemetry-setup';

export { reportRun } from './telemetry';
export * from './run-reports';

/** What a trigger needs to decide whether to throw for redelivery (functions/ import only shared/app). */
export { isTransient } from '../errors';

let cached: Services | undefined;

export function runtime(): Services {
  if (!cached) {
    const settings = loadSettings();
    // Application Insights gets the runs' structured records (telemetry.ts), in Azure only.
    startTelemetry(process.env, () => credentialFor(settings));
    cached = openServices(settings);
  }
  return cached;
}

/**
 * Tests run the real handlers in @azure/functions test mode against Azurite and the local
 * emulator: they attach those through openServices instead of the app settings. Never called by
 * the app itself.
 */
export function useRuntimeForTests(replacement: Services | undefined): void {
  cached = replacement;
}
