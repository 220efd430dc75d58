/**
 * The only place that builds the Azure credential, and only from Settings, so the authority host
 * of a sovereign cloud reaches every token request. In Azure the function app runs as its
 * managed identity (AZURE_CLIENT_ID selects a user-assigned one); on a developer machine
 * DefaultAzureCredential falls through to the Azure CLI or VS Code sign-in.
 *
 * One credential per process and configuration: building one per invocation throws away its
 * token cache (and, for managed identity, asks the endpoint again).
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { Settings } from '../config/settings';

export type CredentialSettings = Pick<Settings, 'AZURE_CLIENT_ID' | 'WIMON_AUTHORITY_HOST'>;

/** The monitor's credential: what it was configured with is visible, the SDK credential is built on first use. */
export class MonitorCredential implements TokenCredential {
  readonly kind = 'DefaultAzureCredential';
  readonly authorityHost: string;
  readonly managedIdentityClientId: string | undefined;
  private inner: TokenCredential | undefined;

  constructor(settings: CredentialSettings) {
    this.authorityHost = settings.WIMON_AUTHORITY_HOST;
    this.managedIdentityClientId = settings.AZURE_CLIENT_ID;
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    // Loaded lazily so commands that never reach Azure (validate, the emulator) do not pay for it.
    if (!this.inner) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const identity = require('@azure/identity') as typeof import('@azure/identity');
      this.inner = this.managedIdentityClientId
        ? new identity.DefaultAzureCredential({
            managedIdentityClientId: this.managedIdentityClientId,
            authorityHost: this.authorityHost,
          })
        : new identity.DefaultAzureCredential({ authorityHost: this.authorityHost });
    }
    return this.inner.getToken(scopes, options);
  }
}

const perConfiguration = new Map<string, MonitorCredential>();

/** The process's credential for these settings (the same object every time). */
export function credentialFor(settings: CredentialSettings): MonitorCredential {
  const key = `${settings.AZURE_CLIENT_ID ?? ''}|${settings.WIMON_AUTHORITY_HOST}`;
  let credential = perConfiguration.get(key);
  if (!credential) perConfiguration.set(key, (credential = new MonitorCredential(settings)));
  return credential;
}
