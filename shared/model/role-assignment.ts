/**
 * A role assignment as the monitor holds it after reading it from ARM. Its id is its scope, the
 * segment below, and its name (a GUID): ARM builds it that way, so when the id read is exactly
 * that, only the name is kept and the id is put together when asked for. A million ids are the
 * largest part of a 200,000-identity tenant in memory (about 170 bytes each against 56 for the
 * name; docs/scale.md). An id that is not exactly scope + segment + name (another case, a
 * trailing slash, no name in the payload) is kept whole, as read.
 */
import type { RolePermission } from './role-permissions';
import type { LiveRoleAssignment } from './inventory';

export const ROLE_ASSIGNMENT_SEGMENT = '/providers/Microsoft.Authorization/roleAssignments/';

/** What to keep of an id: the name when `id` is exactly `scope` + segment + `name`, else the id itself. */
export function idTail(id: string, scope: string, name: string | null | undefined): string {
  const at = scope.length + ROLE_ASSIGNMENT_SEGMENT.length;
  return name &&
    name.charCodeAt(0) !== 47 /* / */ &&
    id.length === at + name.length &&
    id.startsWith(scope) &&
    id.startsWith(ROLE_ASSIGNMENT_SEGMENT, scope.length) &&
    id.endsWith(name)
    ? name
    : id;
}

/** The id again from what `idTail` kept (a kept id starts with `/`, a name never does). */
export function idOf(tail: string, scope: string): string {
  return tail.charCodeAt(0) === 47 ? tail : scope + ROLE_ASSIGNMENT_SEGMENT + tail;
}

export class ReadRoleAssignment implements LiveRoleAssignment {
  // A private field: not copied by a spread, not serialised, not compared as a property.
  readonly #tail: string;
  constructor(
    tail: string,
    readonly scope: string,
    readonly principalId: string,
    readonly principalType: string | null,
    readonly roleDefinitionId: string,
    readonly roleName: string | null,
    readonly roleType: string,
    readonly permissions: readonly RolePermission[] | null,
    readonly condition: string | null,
    readonly createdOn: string | null,
    readonly createdBy: string | null,
  ) {
    this.#tail = tail;
  }

  get id(): string {
    return idOf(this.#tail, this.scope);
  }

  /** The plain form, fields in the interface's order (what `wimon inventory --json` prints). */
  toJSON(): LiveRoleAssignment {
    return {
      id: this.id,
      scope: this.scope,
      principalId: this.principalId,
      principalType: this.principalType,
      roleDefinitionId: this.roleDefinitionId,
      roleName: this.roleName,
      roleType: this.roleType,
      permissions: this.permissions,
      condition: this.condition,
      createdOn: this.createdOn,
      createdBy: this.createdBy,
    };
  }
}
