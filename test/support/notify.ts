/** Notices through the emulator's Communication Services endpoint, as the notify timers send them. */
import { notify, type NotifyInput } from '../../shared/app/notify';
import { emulatorCredential } from '../../shared/azure/clients';
import { communicationServicesTransport } from '../../shared/notify/email-transport';
import type { RunningEmulator } from '../../emulator/server';
import type { Tables } from '../../shared/storage/tables';

export function notifyThroughEmulator(
  emulator: RunningEmulator,
  tables: Tables,
  now: Date,
  over: Partial<NotifyInput> = {},
) {
  return notify({
    tables,
    now,
    digests: true,
    coalesceMinutes: 0,
    portal: 'https://portal.azure.com',
    email: {
      transport: communicationServicesTransport(
        emulator.endpoints.email,
        emulatorCredential,
        'n@wimon.test',
        {
          pollIntervalMs: 5,
          retryOptions: { maxRetries: 1, retryDelayInMs: 5, maxRetryDelayInMs: 10 },
        },
      ),
      perMinute: 100,
      perHour: 100,
    },
    ...over,
  });
}

/** Plans and stores the notices with no transport: nothing is sent, the outbox holds them all. */
export function planNotices(tables: Tables, now: Date) {
  return notify({ tables, now, digests: true, coalesceMinutes: 0, portal: 'https://portal.azure.com' });
}
