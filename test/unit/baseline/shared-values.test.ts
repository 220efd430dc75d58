import { describe, expect, it } from 'vitest';
import { shareRepeatedValues } from '../../../shared/baseline/shared-values';
import { baseline, PROD } from '../rules/builders';

const RG = `${PROD}/resourceGroups/rg`;

function twoIdentities() {
  const b = baseline();
  const first = b.identities[0]!;
  b.identities.push({
    ...first,
    name: 'app-two',
    objectId: 'aaaaaaaa-0000-4000-8000-000000000002',
    appId: 'bbbbbbbb-0000-4000-8000-000000000002',
    roles: [
      { role: 'Reader', scope: RG },
      { role: 'Contributor', scope: RG },
    ],
    allowedEnvironments: [],
    appRoles: [],
    federatedCredentials: [],
  });
  return b;
}

describe('a loaded baseline holds repeated values once', () => {
  it('shares one frozen object per declared role, and keeps what differs apart', () => {
    const b = twoIdentities();
    const before = JSON.stringify(b);
    const [one, two] = shareRepeatedValues(b).identities;
    expect(one!.roles[0]).toBe(two!.roles[0]);
    expect(two!.roles[1]).not.toBe(two!.roles[0]);
    expect(two!.roles[1]).toEqual({ role: 'Contributor', scope: RG });
    expect(Object.isFrozen(one!.roles[0])).toBe(true);
    expect(JSON.stringify(b)).toBe(before);
  });

  it('shares one frozen empty list for the lists identities leave empty', () => {
    const b = shareRepeatedValues(twoIdentities());
    const [one, two] = b.identities;
    expect(one!.appRoles).toBe(two!.federatedCredentials);
    expect(one!.allowedEnvironments).toBe(two!.allowedEnvironments);
    expect(Object.isFrozen(one!.appRoles)).toBe(true);
    expect(() => (one!.appRoles as string[]).push('Microsoft Graph/User.Read.All')).toThrow(TypeError);
    expect(two!.roles).toHaveLength(2);
  });

  it('refuses a change to a shared role instead of changing it for every identity', () => {
    const [one, two] = shareRepeatedValues(twoIdentities()).identities;
    expect(() => {
      (one!.roles[0] as { scope: string }).scope = PROD;
    }).toThrow(TypeError);
    expect(two!.roles[0]!.scope).toBe(RG);
  });
});
