/** shared/rules/identity-rules.ts: cases per rule. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/rules/evaluate';
import { assignment, baseline, inventory, live, NOW, OID, PROD } from './builders';
import { RG, rules, iso, secret } from './helpers';

describe('identity rules', () => {
  it('identity.unbaselined + identity.no-owner for an unknown identity with access; nothing for one that holds nothing', () => {
    const stranger = live({
      objectId: 'eeeeeeee-0000-4000-8000-000000000009',
      owners: [],
      credentials: [secret(iso(-10), iso(100))],
    });
    expect(
      rules(evaluate(baseline(), inventory([live(), stranger], [assignment('Reader', RG)]), NOW)),
    ).toEqual(['identity.no-owner', 'identity.unbaselined']);
    const idle = live({ objectId: 'eeeeeeee-0000-4000-8000-000000000009', owners: [] });
    expect(evaluate(baseline(), inventory([live(), idle], [assignment('Reader', RG)]), NOW)).toEqual([]);
    const owned = live({
      objectId: 'eeeeeeee-0000-4000-8000-000000000009',
      credentials: [secret(iso(-10), iso(100))],
    });
    expect(rules(evaluate(baseline(), inventory([live(), owned], [assignment('Reader', RG)]), NOW))).toEqual([
      'identity.unbaselined',
    ]);
  });
  it('identity.not-found: a declared identity the complete directory read does not have; not while the directory read is partial; not for retired ones', () => {
    const found = evaluate(baseline({ roles: [] }), inventory([], []), NOW);
    expect(found.map((c) => `${c.ruleId}@${c.target}`)).toEqual([
      'identity.not-found@aaaaaaaa-0000-4000-8000-000000000001',
    ]);
    expect(found[0]!.identity.name).toBe('app-one');
    expect(found[0]!.message).toMatch(/no service principal aaaaaaaa-0000-4000-8000-000000000001/);
    // Present → nothing; unknown (directory read partial) is not absent.
    expect(evaluate(baseline({ roles: [] }), inventory([live()], []), NOW)).toEqual([]);
    expect(evaluate(baseline({ roles: [] }), inventory([], [], ['directory']), NOW)).toEqual([]);
    // A retired identity that is gone is what retired means.
    expect(evaluate(baseline({ roles: [], status: 'retired' }), inventory([], []), NOW)).toEqual([]);
    // Its declared roles are still reported missing, each on its own.
    expect(rules(evaluate(baseline(), inventory([], []), NOW))).toEqual([
      'identity.not-found',
      'role.missing',
    ]);
  });
  it('identity.review-overdue: the day after reviewBy, not on it', () => {
    expect(
      rules(
        evaluate(baseline({ reviewBy: '2026-11-21' }), inventory([live()], [assignment('Reader', RG)]), NOW),
      ),
    ).toEqual(['identity.review-overdue']);
    expect(
      evaluate(baseline({ reviewBy: '2026-11-22' }), inventory([live()], [assignment('Reader', RG)]), NOW),
    ).toEqual([]);
  });
  it('identity.retired-present: retired but present (other rules silent); gone → nothing', () => {
    expect(
      rules(
        evaluate(
          baseline({ status: 'retired' }),
          inventory([live({ credentials: [secret(iso(-400), iso(-1))] })], [assignment('Owner', PROD)]),
          NOW,
        ),
      ),
    ).toEqual(['identity.retired-present']);
    expect(evaluate(baseline({ status: 'retired' }), inventory([], []), NOW)).toEqual([]);
  });
});

describe('identity rules: what a finding says', () => {
  const STRANGER = 'eeeeeeee-0000-4000-8000-000000000009';
  const grant = (permission: string) => ({
    id: `g-${permission}`,
    resourceId: 'ffffffff-0000-4000-8000-000000000001',
    resourceDisplayName: 'Microsoft Graph',
    appRoleId: `r-${permission}`,
    permission,
    createdDateTime: null,
  });
  const fic = (subject: string) => ({
    id: `f-${subject}`,
    name: subject,
    issuer: 'https://token.actions.githubusercontent.com',
    subject,
    audiences: ['api://AzureADTokenExchange'],
    claimsMatchingExpression: null,
    on: 'application' as const,
  });
  const unbaselined = (over: Parameters<typeof live>[0], assignments = 0) => {
    const stranger = live({
      objectId: STRANGER,
      appId: null as unknown as string,
      displayName: 'shadow',
      ...over,
    });
    const found = evaluate(
      baseline(),
      inventory(
        [live(), stranger],
        [
          assignment('Reader', RG),
          ...Array.from({ length: assignments }, (_, i) => assignment('Reader', `${RG}${i}`, STRANGER)),
        ],
      ),
      NOW,
    );
    return found.filter((c) => c.identity.objectId === STRANGER);
  };

  it('identity.unbaselined lists what it holds, counted and in the singular or plural', () => {
    const [one] = unbaselined(
      {
        appRoleGrants: [grant('User.Read.All')],
        credentials: [secret(iso(-10), iso(100))],
        federatedCredentials: [fic('repo:o/r:environment:prod')],
      },
      1,
    );
    expect(one!.message).toBe(
      'Application shadow holds 1 role assignment, 1 application permission, 1 secret/certificate credential, 1 federated credential but is not in the baseline: declare it with an owner, or remove its access.',
    );
    expect(one!.evidence).toEqual({
      kind: 'application',
      servicePrincipalType: 'Application',
      holds: [
        '1 role assignment',
        '1 application permission',
        '1 secret/certificate credential',
        '1 federated credential',
      ],
      managedIdentityResourceId: null,
      entraOwners: ['o@contoso.com'],
    });
    expect([one!.target, one!.readScope, one!.severity]).toEqual([STRANGER, 'directory', 'high']);
    const [two] = unbaselined(
      {
        kind: 'managedIdentity',
        servicePrincipalType: 'ManagedIdentity',
        managedIdentityResourceId:
          '/subscriptions/x/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id',
        appRoleGrants: [grant('User.Read.All'), grant('Mail.Send')],
        credentials: [secret(iso(-10), iso(100), 'a'), secret(iso(-10), iso(100), 'b')],
        federatedCredentials: [fic('a'), fic('b')],
      },
      2,
    );
    expect(two!.message).toMatch(
      /^Managed identity shadow holds 2 role assignments, 2 application permissions, 2 secret\/certificate credentials, 2 federated credentials but/,
    );
    expect(two!.evidence.managedIdentityResourceId).toMatch(/userAssignedIdentities\/id$/);
  });

  it('identity.unbaselined for each kind of holding alone (an expired credential still counts)', () => {
    expect(unbaselined({ appRoleGrants: [grant('Mail.Send')] }).map((c) => c.evidence.holds)).toEqual([
      ['1 application permission'],
    ]);
    expect(unbaselined({ federatedCredentials: [fic('x')] }).map((c) => c.evidence.holds)).toEqual([
      ['1 federated credential'],
    ]);
    expect(unbaselined({ credentials: [secret(iso(-100), iso(-1))] }).map((c) => c.evidence.holds)).toEqual([
      ['1 secret/certificate credential'],
    ]);
    expect(unbaselined({}, 1).map((c) => c.evidence.holds)).toEqual([['1 role assignment']]);
  });

  it('identity.no-owner: says so, with no Entra owner in the evidence', () => {
    const found = unbaselined({ owners: [], credentials: [secret(iso(-10), iso(100))] });
    const noOwner = found.find((c) => c.ruleId === 'identity.no-owner')!;
    expect(noOwner.message).toBe('shadow has no owner in the baseline or in Entra: name one.');
    expect(noOwner.evidence).toEqual({ entraOwners: [] });
    expect([noOwner.target, noOwner.readScope, noOwner.severity]).toEqual([STRANGER, 'directory', 'medium']);
  });

  it('identity.no-owner when its only Entra owners are service principals (they cannot answer for it); a person among them is enough', () => {
    const robot = {
      objectId: 'aaaaaaaa-0000-4000-8000-0000000000aa',
      displayName: 'deployer',
      mail: null,
      type: 'servicePrincipal' as const,
    };
    const person = {
      objectId: 'bbbbbbbb-0000-4000-8000-0000000000bb',
      displayName: 'Ann',
      mail: 'ann@contoso.com',
      type: 'user' as const,
    };
    const held = { credentials: [secret(iso(-10), iso(100))] };
    const noOwner = unbaselined({ ...held, owners: [robot] }).find((c) => c.ruleId === 'identity.no-owner')!;
    expect(noOwner.message).toBe(
      'shadow is owned in Entra only by service principal deployer and is not in the baseline: name a person.',
    );
    expect(noOwner.evidence).toMatchObject({ servicePrincipalOwners: ['deployer'] });
    expect(unbaselined({ ...held, owners: [robot, person] }).map((c) => c.ruleId)).toEqual([
      'identity.unbaselined',
    ]);
  });

  it('identity.review-overdue: message and evidence; an attestation until today or later holds it off, an earlier one does not', () => {
    const overdue = baseline({ reviewBy: '2026-11-01' });
    const inv = inventory([live()], [assignment('Reader', RG)]);
    const [f] = evaluate(overdue, inv, NOW);
    expect(f!.message).toBe(
      'The review of app-one was due on 2026-11-01: review its access and credentials and move reviewBy forward.',
    );
    expect(f!.evidence).toEqual({
      reviewBy: '2026-11-01',
      owners: ['o@contoso.com'],
      attestedUntil: null,
      entraOwners: ['o@contoso.com'],
    });
    const attested = (until: string) => evaluate(overdue, inv, NOW, new Map([[OID, until]]));
    expect(attested('2026-11-22')).toEqual([]);
    expect(attested('2027-01-01')).toEqual([]);
    expect(attested('2026-11-21').map((c) => [c.ruleId, c.evidence.attestedUntil])).toEqual([
      ['identity.review-overdue', '2026-11-21'],
    ]);
    // An attestation of another identity does not count.
    expect(
      rules(evaluate(overdue, inv, NOW, new Map([['ffffffff-0000-4000-8000-000000000000', '2027-01-01']]))),
    ).toEqual(['identity.review-overdue']);
  });

  it('identity.retired-present: still exists (directory) or only still has access (ARM), with what it holds', () => {
    const retired = baseline({ status: 'retired' });
    const [exists] = evaluate(
      retired,
      inventory([live({ credentials: [secret(iso(-400), iso(-1))] })], [assignment('Owner', PROD)]),
      NOW,
    );
    expect(exists!.message).toBe(
      'app-one is retired in the baseline but still exists (1 role assignment, 1 secret/certificate credential): delete it or remove what it holds.',
    );
    expect(exists!.evidence).toEqual({
      exists: true,
      holds: ['1 role assignment', '1 secret/certificate credential'],
    });
    expect(exists!.readScope).toBe('directory');
    const [access] = evaluate(retired, inventory([], [assignment('Owner', PROD)]), NOW);
    expect(access!.message).toBe(
      'app-one is retired in the baseline but still has access (1 role assignment): delete it or remove what it holds.',
    );
    expect([access!.evidence.exists, access!.readScope]).toEqual([false, 'arm']);
    const [bare] = evaluate(retired, inventory([live()], []), NOW);
    expect(bare!.message).toBe(
      'app-one is retired in the baseline but still exists: delete it or remove what it holds.',
    );
  });

  it('identity.not-found: evidence names the declared object id and type', () => {
    const [f] = evaluate(
      baseline({ roles: [], type: 'managedIdentity', credentials: ['managed'] }),
      inventory([], []),
      NOW,
    );
    expect(f!.evidence).toEqual({ declaredObjectId: OID, type: 'managedIdentity' });
    expect([f!.readScope, f!.severity]).toEqual(['directory', 'low']);
  });
});
