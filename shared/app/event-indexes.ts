/**
 * What each complete reconcile leaves for the event path, so one event costs a handful of requests
 * whatever the tenant's size (packed-index.ts):
 *   assignmentindex  role assignment id → the principal, role and scope it held: a deleted
 *                    assignment no longer says whose it was.
 *   identityindex    object id → the identity as the reconcile read it: an event re-reads the one
 *                    thing it is about (an assignment, a federated credential) and judges it with
 *                    the rest of the identity as last seen, instead of reading the identity again.
 * Events keep both current (a new or moved assignment, a changed credential list). A stale or
 * missing entry costs a live read, never a wrong finding (event-recheck.ts).
 */
import type { Inventory, LiveIdentity } from '../model/inventory';
import { isComplete } from '../model/inventory';
import { PackedIndex } from '../storage/packed-index';
import type { Tables } from '../storage/tables';

export interface IndexedAssignment {
  principalId: string;
  roleDefinitionId: string;
  scope: string;
}

export const assignmentIndex = (tables: Tables) =>
  new PackedIndex<IndexedAssignment>(tables, 'assignmentindex');
export const identityIndex = (tables: Tables) => new PackedIndex<LiveIdentity>(tables, 'identityindex');

/** Brings both indexes in line with a reconcile's read, each only when the reads it comes from were complete. */
export async function keepEventIndexes(tables: Tables, inventory: Inventory): Promise<void> {
  const armComplete = inventory.scopes
    .filter((s) => s.kind === 'subscription' || s.kind === 'managementGroup')
    .every((s) => s.complete);
  if (armComplete)
    await assignmentIndex(tables).replaceAll(
      inventory.roleAssignments,
      (a) => a.id,
      (a) => ({ principalId: a.principalId, roleDefinitionId: a.roleDefinitionId, scope: a.scope }),
    );
  const directoryComplete = inventory.scopes.some((s) => s.kind === 'directory' && s.complete);
  if (directoryComplete && (inventory.unreadable ?? []).length === 0 && isComplete(inventory))
    await identityIndex(tables).replaceAll(
      inventory.identities,
      (i) => i.objectId,
      (i) => i,
    );
}
