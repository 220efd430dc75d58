/**
 * Microsoft Graph routes computed rather than stored: delta rounds (graph-delta.ts) and the
 * relations of an object that has no file for them — an empty list for a relation Graph has,
 * `appRoleAssignedTo` from the grants, 404 for an unset `manager`, and Graph's own 400 for a
 * segment it does not have.
 */
import { GRAPH_RELATIONS, unknownSegment } from './conformance';
import { hasValueArray } from './fixture';
import type { GraphDelta } from './graph-delta';
import { appRoleAssignedTo } from './graph-directory';
import { errorReply, type ApiContext, type Reply } from './replies';

export function graphDeltaRoute(
  ctx: ApiContext,
  delta: GraphDelta,
  url: URL,
  fixturePath: string,
): Reply | undefined {
  const deltaOf = /^(v1\.0|beta)\/(applications|servicePrincipals)\/delta$/i.exec(fixturePath);
  if (!deltaOf) return undefined;
  const collection = ctx.fixture.get('graph', `${deltaOf[1]}/${deltaOf[2]}`);
  return delta.respond(
    `${ctx.origins.graph}/${fixturePath}`,
    hasValueArray(collection) ? (collection.value as Array<{ id: string }>) : [],
    url.searchParams,
  );
}

export function graphRelationRoute(ctx: ApiContext, url: URL, fixturePath: string): Reply | undefined {
  const segments = fixturePath.split('/');
  if (segments.length < 4) return undefined;
  const { fixture } = ctx;
  const last = (segments.at(-1) ?? '').toLowerCase();
  const owner = fixture.get('graph', segments.slice(0, -2).join('/'));
  const id = (segments.at(-2) ?? '').toLowerCase();
  if (!hasValueArray(owner) || !fixture.itemOf('graph', segments.slice(0, -2).join('/'), id))
    return undefined;
  if (!GRAPH_RELATIONS.has(last)) {
    const r = unknownSegment(segments.at(-1)!);
    return errorReply('graph', r.status, r.code, r.message);
  }
  if (last === 'approleassignedto')
    return ctx.page('graph', url, {
      '@odata.context': `${ctx.origins.graph}/${segments[0]}/$metadata#appRoleAssignments`,
      value: appRoleAssignedTo(fixture, id),
    });
  // A single-valued relation that is not set: Graph answers 404 (e.g. a user without a manager).
  if (last === 'manager')
    return errorReply(
      'graph',
      404,
      'Request_ResourceNotFound',
      `Resource 'manager' does not exist or one of its queried reference-property objects are not present.`,
    );
  // A relation of an existing object with nothing in it: /v1.0/applications/{id}/owners → empty list
  return ctx.page('graph', url, {
    '@odata.context': `${ctx.origins.graph}/${segments[0]}/$metadata#directoryObjects`,
    value: [],
  });
}
