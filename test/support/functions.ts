/** Runs a real function handler in @azure/functions test mode against Azurite and the emulator. */
import { InvocationContext } from '@azure/functions';
import { useRuntimeForTests } from '../../shared/app/runtime';
import { loadSettings } from '../../shared/config/settings';
import { openServices } from '../../shared/app/services';
import { emulatorCredential } from '../../shared/azure/clients';
import type { Tables } from '../../shared/storage/tables';
import type { RunningEmulator } from '../../emulator/server';
import { tenantFor } from './emulator';

export const TIMER = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

/** Calls `invoke` with a test-mode context and returns the lines the handler logged. */
export async function runFunction(
  name: string,
  tables: Tables,
  emulator: RunningEmulator,
  invoke: (context: InvocationContext) => Promise<void>,
  settings: Record<string, string> = {},
): Promise<string[]> {
  const lines: string[] = [];
  useRuntimeForTests(
    openServices(loadSettings(settings), {
      tables,
      tenant: () => tenantFor(emulator),
      credential: emulatorCredential,
    }),
  );
  try {
    await invoke(
      new InvocationContext({
        functionName: name,
        // Warnings and errors are marked, so tests can tell them from plain lines.
        logHandler: (level, ...args) =>
          lines.push(
            `${level === 'warning' || level === 'error' ? `${level.toUpperCase()}: ` : ''}${args.join(' ')}`,
          ),
      }),
    );
  } finally {
    useRuntimeForTests(undefined);
  }
  return lines;
}
