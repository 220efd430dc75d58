/**
 * What the emulator refuses instead of answering a plausible but wrong 200 (issue 20): a wrong
 * 200 lets the monitor's own bugs pass the tests. Each refusal is the error the real API gives
 * for the same mistake, or, for a query option the emulator does not implement, a 400 in that
 * API's error format saying so.
 */
import type { Api } from './fixture';

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

/** Graph query options the emulator implements (anything else would be silently ignored). */
const GRAPH_OPTIONS = new Set(['$select', '$filter', '$top', '$skiptoken', '$deltatoken']);

/**
 * Relations of an application, service principal or user that the emulator serves (empty when
 * the fixture has no file for them): any other segment is one Graph does not have, or one the
 * emulator does not implement.
 */
export const GRAPH_RELATIONS = new Set([
  'owners',
  'federatedidentitycredentials',
  'approleassignments',
  'approleassignedto',
  'manager',
]);

/**
 * The api-versions each emulated ARM route accepts: the versions the services publish in
 * azure-rest-api-specs (those a client may send), in one place. A route not listed here is not
 * checked.
 */
const API_VERSIONS: ReadonlyArray<{ route: RegExp; versions: readonly string[] }> = [
  {
    route: /\/providers\/Microsoft\.Authorization\/roleAssignments(\/[^/]+)?$/i,
    versions: [
      '2015-07-01',
      '2017-10-01-preview',
      '2018-01-01-preview',
      '2018-09-01-preview',
      '2020-03-01-preview',
      '2020-04-01-preview',
      '2020-08-01-preview',
      '2020-10-01-preview',
      '2022-01-01-preview',
      '2022-04-01',
    ],
  },
  {
    route: /\/providers\/Microsoft\.Authorization\/roleDefinitions(\/[^/]+)?$/i,
    versions: ['2015-07-01', '2018-01-01-preview', '2022-04-01', '2022-05-01-preview'],
  },
  {
    route: /\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities(\/[^/]+)?$/i,
    versions: [
      '2018-11-30',
      '2021-09-30-preview',
      '2022-01-31-preview',
      '2023-01-31',
      '2023-07-31-preview',
      '2024-11-30',
      '2025-01-31-preview',
      '2026-05-31',
    ],
  },
  {
    // Federated credentials came with 2022-01-31-preview.
    route: /\/userAssignedIdentities\/[^/]+\/federatedIdentityCredentials(\/[^/]+)?$/i,
    versions: [
      '2022-01-31-preview',
      '2023-01-31',
      '2023-07-31-preview',
      '2024-11-30',
      '2025-01-31-preview',
      '2026-05-31',
    ],
  },
  {
    route: /^\/providers\/Microsoft\.ResourceGraph\/resources$/i,
    versions: ['2019-04-01', '2020-04-01-preview', '2021-03-01', '2022-10-01', '2024-04-01'],
  },
  {
    route: /^\/providers\/Microsoft\.Management\/getEntities$/i,
    versions: ['2020-02-01', '2020-05-01', '2020-10-01', '2021-04-01', '2023-04-01'],
  },
  {
    route: /^\/(subscriptions(\/[^/]+)?|tenants)$/i,
    versions: ['2016-06-01', '2019-06-01', '2019-11-01', '2020-01-01', '2021-01-01', '2022-12-01'],
  },
];

export function refusal(api: Api, url: URL): Refusal | undefined {
  if (api === 'arm') {
    const version = url.searchParams.get('api-version');
    if (version === null)
      // ARM's own answer to a request without an api-version.
      return {
        status: 400,
        code: 'MissingApiVersionParameter',
        message: 'The api-version query parameter (?api-version=) is required for all requests.',
      };
    const path = decodeURIComponent(url.pathname).replace(/\/+$/, '');
    const known = API_VERSIONS.findLast((v) => v.route.test(path));
    if (known && !known.versions.includes(version))
      return {
        status: 400,
        code: 'InvalidApiVersionParameter',
        message: `The api-version '${version}' is invalid. The supported versions are '${known.versions.join(',')}'.`,
      };
  }
  if (api === 'graph')
    for (const name of url.searchParams.keys())
      if (name.startsWith('$') && !GRAPH_OPTIONS.has(name.toLowerCase()))
        return {
          status: 400,
          code: 'BadRequest',
          message: `Query option '${name}' is not implemented by the local emulator (it implements ${[...GRAPH_OPTIONS].join(', ')}).`,
        };
  return undefined;
}

/** Graph's answer to a segment it does not know under an object. */
export function unknownSegment(segment: string): Refusal {
  return { status: 400, code: 'BadRequest', message: `Resource not found for the segment '${segment}'.` };
}
