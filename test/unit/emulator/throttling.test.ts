import { describe, expect, it } from 'vitest';
import {
  documentedLimits,
  graphQuotaPer10s,
  graphResourceUnits,
  Throttler,
  TokenBucket,
} from '../../../emulator/throttling';

const q = (query: string) => new URLSearchParams(query);

describe('Graph resource units (the documented identity-and-access cost table)', () => {
  it.each([
    ['GET', '/v1.0/applications', '', 2],
    ['GET', '/v1.0/applications', '$select=id,appId&$top=999', 1],
    ['GET', '/v1.0/servicePrincipals', '$select=id&$top=999', 1],
    ['GET', '/v1.0/servicePrincipals/abc/appRoleAssignments', '', 2],
    ['GET', '/v1.0/servicePrincipals/abc/appRoleAssignments', '$select=id', 1],
    ['GET', '/v1.0/servicePrincipals/abc/appRoleAssignedTo', '$top=999', 1],
    ['GET', '/v1.0/applications/abc/owners', '$select=id,displayName,mail', 1],
    ['GET', '/v1.0/users', '$expand=manager', 3],
    ['GET', '/v1.0/groups/g/transitiveMembers', '$top=10', 4],
    ['POST', '/v1.0/directoryObjects/getByIds', '', 3],
    ['PATCH', '/beta/applications/abc', '', 1],
  ])('%s %s?%s costs %d', (method, path, query, cost) => {
    expect(graphResourceUnits(method, path, q(query))).toBe(cost);
  });

  it("sizes the quota by the tenant's users: S under 50, M 50 to 500, L above", () => {
    expect([0, 49, 50, 500, 501].map(graphQuotaPer10s)).toEqual([3_500, 3_500, 5_000, 5_000, 8_000]);
    expect(documentedLimits(1000).graph).toEqual({ size: 8_000, refillPerSecond: 800 });
  });
});

describe('token buckets', () => {
  it('serves the bucket, then refills at its rate and says how long to wait', () => {
    const bucket = new TokenBucket({ size: 250, refillPerSecond: 25 }, 0);
    for (let i = 0; i < 250; i++) expect(bucket.take(1, 0).ok).toBe(true);
    expect(bucket.take(1, 0)).toEqual({ ok: false, waitMs: 40 });
    expect(bucket.take(1, 40).ok).toBe(true);
    expect(bucket.take(1, 40).ok).toBe(false);
    // A full second refills 25, never more than the bucket holds.
    for (let i = 0; i < 25; i++) expect(bucket.take(1, 1040).ok).toBe(true);
    expect(bucket.take(1, 1040).ok).toBe(false);
  });

  it("keeps one ARM bucket per subscription and kind, the tenant's for requests without one", () => {
    let now = 0;
    const t = new Throttler(documentedLimits(1000), () => now);
    for (let i = 0; i < 250; i++) expect(t.admitArm('GET', '/subscriptions/A/providers/x').ok).toBe(true);
    expect(t.admitArm('GET', '/subscriptions/a/resourceGroups/r')).toEqual({
      ok: false,
      retryAfterSeconds: 1,
    });
    expect(t.admitArm('GET', '/subscriptions/B/providers/x').ok).toBe(true);
    expect(t.admitArm('DELETE', '/subscriptions/A/providers/x').ok).toBe(true);
    for (let i = 0; i < 200; i++)
      expect(t.admitArm('POST', '/providers/Microsoft.Management/getEntities').ok).toBe(true);
    expect(t.admitArm('POST', '/providers/Microsoft.Management/getEntities')).toEqual({
      ok: false,
      retryAfterSeconds: 1,
    });
    now = 1000;
    expect(t.admitArm('GET', '/subscriptions/A/providers/x').ok).toBe(true);
  });

  it('charges Graph requests their resource units and refuses what exceeds the quota', () => {
    let now = 0;
    const t = new Throttler({ ...documentedLimits(10), graph: { size: 5, refillPerSecond: 0.5 } }, () => now);
    expect(t.admitGraph(2)).toEqual({ ok: true, resourceUnits: 2 });
    expect(t.admitGraph(2)).toEqual({ ok: true, resourceUnits: 2 });
    // 1 token left, 2 needed, 0.5 a second: 2 seconds.
    expect(t.admitGraph(2)).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(t.admitGraph(1)).toEqual({ ok: true, resourceUnits: 1 });
    expect(t.resourceUnits).toBe(5);
    now = 4000;
    expect(t.admitGraph(2).ok).toBe(true);
  });
});
