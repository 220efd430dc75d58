/**
 * Cloud endpoints. Public cloud by default; every one can be overridden for sovereign clouds
 * (e.g. Azure US Government: https://management.usgovcloudapi.net, https://graph.microsoft.us)
 * and for the local emulator.
 */
export interface CloudEndpoints {
  arm: string;
  graph: string;
  authorityHost: string;
}

export const PUBLIC_CLOUD: CloudEndpoints = {
  arm: 'https://management.azure.com',
  graph: 'https://graph.microsoft.com',
  authorityHost: 'https://login.microsoftonline.com',
};

export function trimEndpoint(url: string): string {
  return url.replace(/\/+$/, '');
}
