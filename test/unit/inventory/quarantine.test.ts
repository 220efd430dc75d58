/** shared/inventory/quarantine.ts: an item that does not validate is set aside with why. */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { field, Quarantine } from '../../../shared/inventory/quarantine';

const schema = z.object({
  id: z.string(),
  properties: z.object({ principalId: z.string(), scope: z.string() }),
});

describe('quarantine', () => {
  it('keeps what reads, sets aside what does not, with the API path (no query), id, principal and problems', () => {
    const q = new Quarantine();
    const items = q.parseAll(
      schema,
      [
        { id: 'a', properties: { principalId: 'P1', scope: '/s' } },
        { id: 'b', properties: { principalId: 'P2', scope: 7 } },
        { properties: { principalId: 'P3' } },
        'not an object',
      ],
      {
        api: 'arm',
        source:
          '/subscriptions/x/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$skipToken=secret',
        scope: '/subscriptions/x',
        objectIdOf: (raw) => field(raw, 'properties', 'principalId'),
      },
    );
    expect(items.map((i) => i.id)).toEqual(['a']);
    expect(q.objects).toEqual([
      {
        api: 'arm',
        source: '/subscriptions/x/providers/Microsoft.Authorization/roleAssignments',
        scope: '/subscriptions/x',
        id: 'b',
        objectId: 'p2',
        appId: null,
        problems: 'properties.scope: Invalid input: expected string, received number',
      },
      expect.objectContaining({
        id: null,
        objectId: 'p3',
        problems: expect.stringMatching(/^id: .*; properties\.scope: /),
      }),
      expect.objectContaining({
        id: null,
        objectId: null,
        problems: expect.stringMatching(/^\(the object\): /),
      }),
    ]);
  });

  it('reads an appId for applications and ignores non-string ids', () => {
    const q = new Quarantine();
    expect(
      q.parse(
        schema,
        { id: 5, appId: 'APP-1' },
        { api: 'graph', source: '/applications', scope: 'directory' },
      ),
    ).toBeUndefined();
    expect(q.objects[0]).toMatchObject({ id: null, appId: 'app-1', objectId: null });
  });

  it('field() reads nested values without trusting the shape', () => {
    expect(field({ a: { b: 'c' } }, 'a', 'b')).toBe('c');
    expect(field({ a: 'x' }, 'a', 'b')).toBeUndefined();
    expect(field({}, 'a')).toBeUndefined();
  });
});
