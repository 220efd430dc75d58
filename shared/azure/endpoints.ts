/**
 * Cloud endpoints. Public cloud by default; every one can be overridden for sovereign clouds
 * (e.g. Azure US Government: https://management.usgovcloudapi.net, https://graph.microsoft.us,
 * https://api.loganalytics.us)
 * and for the local emulator.
 */
export interface CloudEndpoints {
  arm: string;
  graph: string;
  authorityHost: string;
  /** Log Analytics query API (US Government: https://api.loganalytics.us). */
  logs?: string;
}

export const PUBLIC_CLOUD: Required<CloudEndpoints> = {
  arm: 'https://management.azure.com',
  graph: 'https://graph.microsoft.com',
  authorityHost: 'https://login.microsoftonline.com',
  logs: 'https://api.loganalytics.io',
};

export function trimEndpoint(url: string): string {
  return url.replace(/\/+$/, '');
}
