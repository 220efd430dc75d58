/**
 * The only place that builds the Azure credential. In Azure the function app runs as its managed
 * identity (AZURE_CLIENT_ID selects a user-assigned one); on a developer machine
 * DefaultAzureCredential falls through to the Azure CLI or VS Code sign-in.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { Settings } from '../config/settings';

export function createCredential(
  settings: Pick<Settings, 'AZURE_CLIENT_ID'> & { authorityHost?: string },
): TokenCredential {
  // Loaded lazily so commands that never reach Azure (validate, the emulator) do not pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const identity = require('@azure/identity') as typeof import('@azure/identity');
  const authorityHost = settings.authorityHost;
  if (settings.AZURE_CLIENT_ID) {
    return new identity.DefaultAzureCredential({
      managedIdentityClientId: settings.AZURE_CLIENT_ID,
      authorityHost,
    });
  }
  return new identity.DefaultAzureCredential({ authorityHost });
}
