/**
 * inventory.unreadable-object: an object a read returned that the monitor could not read. The
 * rest of its scope was evaluated as if it were absent; findings about it are neither raised from
 * missing data nor resolved (see quarantinedObjectIds) until it can be read again. Pure.
 */
import type { Inventory, UnreadableObject } from '../model/inventory';
import type { FindingCandidate } from '../model/finding';
import { candidate, identityOf, type RuleContext } from './context';
import { DIRECTORY } from './read-scope';
import type { Evaluation, RuleDescriptor } from './rule';

/** The service principals (lower-case object ids) an unreadable object is about, where that is known. */
export function quarantinedObjectIds(inventory: Pick<Inventory, 'unreadable' | 'identities'>): Set<string> {
  const ids = new Set<string>();
  for (const u of inventory.unreadable ?? []) {
    if (u.objectId) ids.add(u.objectId);
    const app = /^\/?applications\/([^/?]+)/i.exec(u.source)?.[1]?.toLowerCase();
    for (const live of inventory.identities)
      if ((u.appId && live.appId === u.appId) || (app && live.applicationObjectId?.toLowerCase() === app))
        ids.add(live.objectId);
  }
  return ids;
}

/** For FindingStore.sync: a stored finding about a quarantined object is kept, whatever this read saw. */
export function keepQuarantined(inventory: Pick<Inventory, 'unreadable' | 'identities'>) {
  const ids = quarantinedObjectIds(inventory);
  return (f: { identity: { objectId: string }; ruleId: string }) =>
    f.ruleId !== 'inventory.unreadable-object' && ids.has(f.identity.objectId);
}

function what(u: UnreadableObject): string {
  const kind = /roleAssignments/i.test(u.source)
    ? 'role assignment'
    : /federatedIdentityCredentials/i.test(u.source)
      ? 'federated credential'
      : /userAssignedIdentities/i.test(u.source)
        ? 'managed identity'
        : /servicePrincipals/i.test(u.source)
          ? 'service principal'
          : /applications/i.test(u.source)
            ? 'application'
            : 'object';
  return u.id ? `${kind} ${u.id}` : `a ${kind} without a readable id`;
}

export function unreadableObjectRule(ctx: RuleContext): FindingCandidate[] {
  return (ctx.inventory.unreadable ?? []).map((u) => {
    const objectId = u.objectId ?? 'unknown';
    return candidate('inventory.unreadable-object', {
      identity: identityOf(ctx.declaredByObjectId.get(objectId), ctx.liveByObjectId.get(objectId), objectId),
      // Stable per object (its id, else what is wrong with it), so the same blind spot is one finding.
      target: `${u.api}:${u.source} ${u.id ?? u.problems}`,
      message: `The monitor could not read ${what(u)} from ${u.api === 'arm' ? 'Azure Resource Manager' : 'Microsoft Graph'} (${u.source}): ${u.problems}. It is blind to that object until it reads; findings about it are kept as they were.`,
      evidence: { api: u.api, source: u.source, id: u.id, problems: u.problems, scope: u.scope },
      // Resolved once a complete read of its scope no longer returns it unreadable.
      readScope: u.scope === DIRECTORY ? DIRECTORY : u.scope.toLowerCase(),
    });
  });
}

const unreadableObjects: Evaluation = { per: 'tenant', run: unreadableObjectRule };

export const INVENTORY_RULES = [
  {
    id: 'inventory.unreadable-object',
    severity: 'medium',
    title: 'An object the monitor could not read',
    fix: 'Check the object in the portal; if its shape is valid, report it with the evidence so the monitor learns to read it.',
    source: 'tenant',
    inputs: [
      'roleAssignments',
      'servicePrincipals',
      'applications',
      'federatedCredentials',
      'managedIdentities',
    ],
    absence: false,
    evaluation: unreadableObjects,
  },
] as const satisfies readonly RuleDescriptor[];
