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

export function refusal(api: Api, url: URL): Refusal | undefined {
  if (api === 'arm' && !url.searchParams.has('api-version'))
    // ARM's own answer to a request without an api-version.
    return {
      status: 400,
      code: 'MissingApiVersionParameter',
      message: 'The api-version query parameter (?api-version=) is required for all requests.',
    };
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
