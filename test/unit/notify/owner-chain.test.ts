/** The owner resolution chain, one step at a time (pure: finding × baseline × known accounts). */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/model/finding';
import type { OwnerAccount } from '../../../shared/notify/owner-accounts';
import { routeFinding } from '../../../shared/notify/recipients';
import { baseline, OID } from '../rules/builders';

const finding = (evidence: Record<string, unknown> = {}, objectId = OID): Finding => ({
  key: 'k1',
  ruleId: 'role.unexpected',
  severity: 'high',
  identity: { name: 'app-one', objectId, appId: null, displayName: 'app-one' },
  target: 't',
  message: 'm',
  evidence,
  state: 'open',
  firstSeen: '2026-11-01T00:00:00Z',
  lastSeen: '2026-11-22T00:00:00Z',
  resolvedAt: null,
  readScope: 'arm',
  exemption: null,
});
const account = (
  address: string,
  state: OwnerAccount['state'],
  manager: string | null = null,
): [string, OwnerAccount] => [
  address,
  {
    address,
    state,
    displayName: null,
    manager: manager ? { address: manager, displayName: null } : null,
    lastSeen: '2026-11-01T00:00:00Z',
  },
];
const b = (owners: string[]) => baseline({ owners });
const route = (f: Finding, owners: string[], accounts?: Array<[string, OwnerAccount]>) =>
  routeFinding(f, b(owners), accounts ? new Map(accounts) : undefined).recipients;

describe('owner resolution chain', () => {
  it('1. baseline owners, when their accounts are enabled', () => {
    expect(route(finding(), ['alice@contoso.com'], [account('alice@contoso.com', 'active')])).toEqual([
      { address: 'alice@contoso.com', via: 'owner of app-one in the baseline' },
    ]);
  });

  it('an address that is not a user (shared mailbox, list) is used as it is', () => {
    expect(route(finding(), ['team@contoso.com'], [account('team@contoso.com', 'unknown')])).toEqual([
      { address: 'team@contoso.com', via: 'owner of app-one in the baseline' },
    ]);
  });

  it('without account knowledge (lookup failed or never ran) the owners are used as declared', () => {
    expect(route(finding(), ['bob@contoso.com'])).toEqual([
      { address: 'bob@contoso.com', via: 'owner of app-one in the baseline' },
    ]);
  });

  it('3. a disabled owner is replaced by their manager, and the notice says why', () => {
    expect(
      route(finding(), ['bob@contoso.com'], [account('bob@contoso.com', 'disabled', 'carol@contoso.com')]),
    ).toEqual([
      {
        address: 'carol@contoso.com',
        via: 'manager of bob@contoso.com, who is disabled in Entra (owner of app-one in the baseline)',
      },
    ]);
  });

  it('3. an owner who is gone is replaced by the manager they had when last seen', () => {
    expect(
      route(finding(), ['erin@contoso.com'], [account('erin@contoso.com', 'gone', 'grace@contoso.com')]),
    ).toEqual([
      {
        address: 'grace@contoso.com',
        via: 'manager of erin@contoso.com, who is no longer in the directory (owner of app-one in the baseline)',
      },
    ]);
  });

  it('one owner disabled, another active: both are reached, the manager once', () => {
    const got = route(
      finding(),
      ['bob@contoso.com', 'dave@contoso.com', 'carol@contoso.com'],
      [
        account('bob@contoso.com', 'disabled', 'carol@contoso.com'),
        account('dave@contoso.com', 'active'),
        account('carol@contoso.com', 'active'),
      ],
    );
    expect(got.map((r) => r.address)).toEqual(['carol@contoso.com', 'dave@contoso.com']);
  });

  it('2. when every baseline owner is passed over without a manager, the Entra owners are next', () => {
    expect(
      route(
        finding({ entraOwners: ['heidi@contoso.com'] }),
        ['bob@contoso.com'],
        [account('bob@contoso.com', 'disabled'), account('heidi@contoso.com', 'active')],
      ),
    ).toEqual([{ address: 'heidi@contoso.com', via: 'Entra owner of app-one' }]);
  });

  it('2. an undeclared identity goes to its Entra owners, through their managers too', () => {
    const undeclared = finding({ entraOwners: ['bob@contoso.com'] }, 'ffffffff-0000-4000-8000-000000000001');
    expect(
      route(undeclared, ['alice@contoso.com'], [account('bob@contoso.com', 'disabled', 'carol@contoso.com')]),
    ).toEqual([
      {
        address: 'carol@contoso.com',
        via: 'manager of bob@contoso.com, who is disabled in Entra (Entra owner (the identity is not in the baseline))',
      },
    ]);
  });

  it('4. nobody left: security operations, told who was passed over', () => {
    expect(
      route(
        finding({ entraOwners: ['erin@contoso.com'] }),
        ['bob@contoso.com'],
        [account('bob@contoso.com', 'disabled'), account('erin@contoso.com', 'gone')],
      ),
    ).toEqual([
      {
        address: 'secops@contoso.com',
        via: 'security contact (bob@contoso.com is disabled in Entra and has no manager with a mailbox; erin@contoso.com is no longer in the directory and has no manager with a mailbox)',
      },
    ]);
  });

  it('4. an undeclared identity without owners goes to security operations', () => {
    expect(
      route(finding({ entraOwners: [] }, 'ffffffff-0000-4000-8000-000000000002'), ['a@contoso.com']),
    ).toEqual([
      { address: 'secops@contoso.com', via: 'security contact (no owner is known for this identity)' },
    ]);
  });
});
