/** shared/rules/context.ts: how findings name identities, default severities, scope and role facts. */
import { describe, expect, it } from 'vitest';
import { buildContext, candidate, identityOf, label } from '../../../shared/rules/context';
import { assignment, baseline, DEV, inventory, live, NOW, PROD } from './builders';

describe('rule context', () => {
  it('identityOf: live appId and display name win, ids lower-cased, nulls where nothing is known', () => {
    const declared = baseline().identities[0]!;
    expect(identityOf(declared, live({ appId: 'BBBB-LIVE', displayName: 'Live Name' }), 'AAAA')).toEqual({
      name: 'app-one',
      objectId: 'aaaa',
      appId: 'bbbb-live',
      displayName: 'Live Name',
    });
    expect(identityOf(declared, undefined, 'AAAA')).toEqual({
      name: 'app-one',
      objectId: 'aaaa',
      appId: 'bbbbbbbb-0000-4000-8000-000000000001',
      displayName: null,
    });
    expect(identityOf(undefined, live({ appId: null as unknown as string }), 'x')).toEqual({
      name: null,
      objectId: 'x',
      appId: null,
      displayName: 'app-one',
    });
    expect(identityOf(undefined, undefined, 'x')).toEqual({
      name: null,
      objectId: 'x',
      appId: null,
      displayName: null,
    });
  });

  it('label: the baseline name, else the display name, else the object id', () => {
    expect(label({ name: 'n', displayName: 'd', objectId: 'o', appId: null })).toBe('n');
    expect(label({ name: null, displayName: 'd', objectId: 'o', appId: null })).toBe('d');
    expect(label({ name: null, displayName: null, objectId: 'o', appId: null })).toBe('o');
  });

  it('candidate: the catalogue severity unless one is given, also when given as undefined', () => {
    const fields = {
      identity: { name: 'n', displayName: null, objectId: 'o', appId: null },
      target: 't',
      message: 'm',
      evidence: {},
      readScope: 'directory',
    };
    expect(candidate('role.unexpected', fields).severity).toBe('high');
    expect(candidate('role.unexpected', { ...fields, severity: undefined }).severity).toBe('high');
    expect(candidate('role.unexpected', { ...fields, severity: 'low' }).severity).toBe('low');
    expect(candidate('role.unexpected', fields).ruleId).toBe('role.unexpected');
  });

  it('scope facts: level, breadth and the environments a scope or its ancestors belong to, in policy order', () => {
    const both = baseline(
      {},
      {
        policy: {
          securityContacts: ['s@contoso.com'],
          environments: { prod: [PROD], dev: [DEV], shared: [`${PROD}/resourceGroups/rg`] },
        },
      },
    );
    const ctx = buildContext(both, inventory([live()], []), NOW);
    expect(ctx.scopeFacts(`${PROD}/resourceGroups/RG/providers/x/y/z`)).toMatchObject({
      key: `${PROD}/resourcegroups/rg/providers/x/y/z`,
      level: 'resource',
      broad: false,
      environments: ['prod', 'shared'],
    });
    expect(ctx.scopeFacts(DEV)).toMatchObject({ level: 'subscription', broad: true, environments: ['dev'] });
    expect(ctx.scopeFacts('/')).toMatchObject({ level: 'root', broad: true, environments: [] });
    expect(ctx.scopeFacts('/providers/Microsoft.Management/managementGroups/m')).toMatchObject({
      level: 'managementGroup',
      broad: true,
    });
    expect(ctx.scopeFacts(`${PROD}/resourceGroups/rg`)).toMatchObject({
      level: 'resourceGroup',
      broad: false,
    });
  });

  it('role facts: privileged and secret-managing by name in any case or by definition GUID', () => {
    const b = baseline(
      {},
      {
        policy: {
          securityContacts: ['s@contoso.com'],
          environments: { prod: [PROD], dev: [DEV] },
          privilegedRoles: ['owner', 'guid-custom-admin'],
          secretManagerRoles: ['KEY VAULT ADMINISTRATOR'],
        },
      },
    );
    const ctx = buildContext(b, inventory([live()], []), NOW);
    expect(ctx.roleFacts(assignment('Owner', PROD))).toEqual({
      known: true,
      name: 'Owner',
      lower: 'owner',
      privileged: true,
      privilegedBecause: 'policy.privilegedRoles lists it',
      secretManager: false,
      secretManagerBecause: null,
    });
    expect(ctx.roleFacts(assignment('Custom Admin', PROD)).privileged).toBe(true);
    expect(ctx.roleFacts(assignment('Key Vault Administrator', PROD))).toMatchObject({
      privileged: false,
      secretManager: true,
    });
    expect(ctx.roleFacts(assignment('Reader', PROD))).toMatchObject({
      privileged: false,
      secretManager: false,
    });
  });

  it('indexes: assignments by principal, those of unknown principals, complete scopes (lower-cased)', () => {
    const unknown = { ...assignment('Reader', PROD, 'gone'), principalType: 'Unknown' };
    const inv = inventory([live()], [assignment('Reader', PROD), unknown], [DEV]);
    const ctx = buildContext(baseline(), inv, NOW);
    expect(ctx.unknownPrincipalAssignments).toEqual([unknown]);
    expect(ctx.assignmentsByPrincipal.get('gone')).toEqual([unknown]);
    expect([...ctx.completeScopes].sort()).toEqual([PROD.toLowerCase(), 'directory']);
    expect(ctx.today).toBe('2026-11-22');
  });
});

describe('rule context: unknown roles', () => {
  it('an assignment whose definition could not be read has unknown role facts: never privileged or secret-managing', () => {
    const ctx = buildContext(baseline(), inventory([live()], []), NOW);
    expect(ctx.roleFacts({ ...assignment('Owner', PROD), roleName: null })).toEqual({
      known: false,
      name: '',
      lower: '',
      privileged: false,
      privilegedBecause: null,
      secretManager: false,
      secretManagerBecause: null,
    });
    expect(ctx.roleFacts(assignment('Owner', PROD)).known).toBe(true);
  });
});
