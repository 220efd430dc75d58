import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  idOf,
  idTail,
  ReadRoleAssignment,
  ROLE_ASSIGNMENT_SEGMENT,
} from '../../../shared/model/role-assignment';

const SCOPE = '/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2/resourceGroups/rg';
const NAME = 'b0f43c54-e787-4862-89b1-a653fa9cf747';
const ID = `${SCOPE}${ROLE_ASSIGNMENT_SEGMENT}${NAME}`;

/** Every role assignment in Microsoft's published examples kept in test/fixtures/published. */
function publishedAssignments(): Array<{ id: string; name?: string; properties: { scope: string } }> {
  const dir = path.join(__dirname, '../../fixtures/published');
  return readdirSync(dir)
    .filter((f) => f.startsWith('arm-roleassignments-') && f.endsWith('.json'))
    .flatMap((f) => {
      const body = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { value?: unknown[] };
      return (body.value ?? [body]) as Array<{ id: string; name?: string; properties: { scope: string } }>;
    });
}

describe('role assignment ids held as their name', () => {
  it('keeps only the name when the id is exactly scope, segment and name', () => {
    expect(idTail(ID, SCOPE, NAME)).toBe(NAME);
    expect(idOf(NAME, SCOPE)).toBe(ID);
  });

  it.each([
    ['the scope in another case', ID.replace('resourceGroups', 'resourcegroups'), SCOPE, NAME],
    ['the segment in another case', ID.replace('roleAssignments', 'roleassignments'), SCOPE, NAME],
    ['another name of the same length', ID, SCOPE, NAME.replace('b0f4', 'c0f4')],
    ['a name the id does not end with, shorter', ID, SCOPE, NAME.slice(1)],
    ['an id with more after the name', `${ID}/`, SCOPE, NAME],
    ['an id of another scope', ID, `${SCOPE}x`, NAME],
    ['an id under a longer scope', `${SCOPE}/x${ROLE_ASSIGNMENT_SEGMENT}${NAME}`, SCOPE, NAME],
    ['no name in the payload', ID, SCOPE, undefined],
    ['a null name', ID, SCOPE, null],
    ['an empty name', `${SCOPE}${ROLE_ASSIGNMENT_SEGMENT}`, SCOPE, ''],
    ['a name starting with a slash', `${SCOPE}${ROLE_ASSIGNMENT_SEGMENT}/x`, SCOPE, '/x'],
  ])('keeps the whole id for %s', (_why, id, scope, name) => {
    expect(idTail(id, scope, name)).toBe(id);
    expect(idOf(idTail(id, scope, name), scope)).toBe(id);
  });

  it('gives back every id of Microsoft published examples exactly, most from the name alone', () => {
    const listed = publishedAssignments();
    expect(listed.length).toBeGreaterThan(3);
    let compact = 0;
    for (const a of listed) {
      const tail = idTail(a.id, a.properties.scope, a.name);
      if (tail !== a.id) compact += 1;
      expect(idOf(tail, a.properties.scope)).toBe(a.id);
    }
    expect(compact).toBeGreaterThan(listed.length / 2);
  });
});

describe('a read role assignment', () => {
  const make = (tail: string) =>
    new ReadRoleAssignment(
      tail,
      SCOPE,
      'ce2ce14e-85d7-4629-bdbc-454d0519d987',
      'ServicePrincipal',
      '0b5fe924-9a61-425c-96af-cfe6e287ca2d',
      'Reader',
      'BuiltInRole',
      null,
      null,
      '2026-03-14T10:21:05.000Z',
      null,
    );
  const plain = {
    id: ID,
    scope: SCOPE,
    principalId: 'ce2ce14e-85d7-4629-bdbc-454d0519d987',
    principalType: 'ServicePrincipal',
    roleDefinitionId: '0b5fe924-9a61-425c-96af-cfe6e287ca2d',
    roleName: 'Reader',
    roleType: 'BuiltInRole',
    permissions: null,
    condition: null,
    createdOn: '2026-03-14T10:21:05.000Z',
    createdBy: null,
  };

  it('answers its id whether it kept the name or the whole id', () => {
    expect(make(NAME).id).toBe(ID);
    expect(make(ID).id).toBe(ID);
  });

  it('serialises as the plain assignment, fields in the same order', () => {
    expect(JSON.stringify(make(NAME))).toBe(JSON.stringify(plain));
    expect(JSON.stringify(make(ID))).toBe(JSON.stringify(plain));
  });

  it('shows no field of its own beyond the assignment', () => {
    const { id: _id, ...rest } = plain;
    expect({ ...make(NAME) }).toEqual(rest);
  });
});
