/**
 * The Entra accounts behind owner addresses, for the owner resolution chain: is the owner still
 * an enabled user, and who is their manager. Read from Microsoft Graph before notices are planned
 * (User.Read.All: `accountEnabled` and `manager` are not in the basic profile) and kept in table
 * `<prefix>owners`, so an owner who has since been deleted is still known as "gone", with the
 * manager recorded when they were last seen, and attestation links can be checked without Graph.
 *
 * An address that never matched a user (a group or shared mailbox) is `unknown` and kept as a
 * recipient: only a user known to be disabled or gone is passed over.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { TableClient } from '@azure/data-tables';
import type { GraphReader } from '../inventory/graph-reader';
import { describeApiError } from '../inventory/errors';
import type { Tables } from '../storage/tables';
import { normaliseAddress } from './recipients';
import type { RequiredAccess } from '../azure/access';

export const OWNER_ACCOUNTS_ACCESS: RequiredAccess = {
  by: 'shared/notify/owner-accounts.ts',
  why: 'check that owners are enabled users and find their managers (accountEnabled and manager are not in the basic profile)',
  grant: {
    kind: 'graphAppRole',
    permission: 'User.Read.All',
    appRoleId: 'df021288-bdef-4463-88db-98f22de89214',
  },
};

export type OwnerAccountState = 'active' | 'disabled' | 'gone' | 'unknown';

export interface OwnerAccount {
  address: string;
  state: OwnerAccountState;
  displayName: string | null;
  /** The manager to turn to when the owner is disabled or gone: an enabled user with a mailbox. */
  manager: { address: string; displayName: string | null } | null;
  /** When Graph last returned this user (for `gone`: the manager is as of then). */
  lastSeen: string | null;
}

export type OwnerAccounts = ReadonlyMap<string, OwnerAccount>;

const userSchema = z.looseObject({
  id: z.string(),
  displayName: z.string().nullish(),
  mail: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  accountEnabled: z.boolean().nullish(),
});
type GraphUser = z.output<typeof userSchema>;
/** The wire schema of a user (an owner, or /users/{id}/manager): checked against the published corpus. */
export const OWNER_ACCOUNT_WIRE = { user: userSchema };

const USER_SELECT = 'id,displayName,mail,userPrincipalName,accountEnabled';
const odataString = (v: string) => `'${v.replace(/'/g, "''")}'`;

const rowSchema = z.object({
  address: z.string(),
  userId: z.string(),
  displayName: z.string().nullish(),
  accountEnabled: z.boolean(),
  managerAddress: z.string().nullish(),
  managerName: z.string().nullish(),
  lastSeen: z.string(),
});
type Row = z.output<typeof rowSchema>;

export class OwnerAccountStore {
  constructor(private readonly tables: Tables) {}

  private table(): Promise<TableClient> {
    return this.tables.table('owners');
  }

  private static rowKey(address: string): string {
    return createHash('sha256').update(normaliseAddress(address)).digest('hex');
  }

  /** What is known of every owner address (no Graph call). */
  async load(): Promise<Map<string, OwnerAccount>> {
    const out = new Map<string, OwnerAccount>();
    for await (const e of (await this.table()).listEntities({
      queryOptions: { filter: "PartitionKey eq 'owner'" },
    })) {
      const parsed = rowSchema.safeParse(e);
      if (!parsed.success) continue;
      const row = parsed.data;
      out.set(normaliseAddress(row.address), toAccount(row));
    }
    return out;
  }

  /**
   * Looks every address up in Graph and records what it found. Returns the accounts (including
   * earlier knowledge of addresses that are gone now), or the Graph error: then nothing is
   * written and the caller routes as if no account were known.
   */
  async refresh(
    graph: GraphReader,
    addresses: readonly string[],
    now: Date,
    options: { write?: boolean } = {},
  ): Promise<{ accounts: Map<string, OwnerAccount>; error?: string }> {
    const wanted = [...new Set(addresses.map(normaliseAddress))].filter((a) => a.includes('@'));
    const known = await this.load();
    let users: Map<string, GraphUser | undefined>;
    let managers: Map<string, GraphUser>;
    // A user object that cannot be read says nothing about the account: the run keeps what it knew.
    const unreadableBefore = graph.unreadable().length;
    try {
      const urlOf = (a: string) =>
        `/users?$filter=${encodeURIComponent(`mail eq ${odataString(a)} or userPrincipalName eq ${odataString(a)}`)}&$select=${USER_SELECT}`;
      const lists = await graph.batchLists(wanted.map(urlOf), userSchema);
      users = new Map(
        wanted.map((a) => {
          const matches = lists.get(urlOf(a)) ?? [];
          return [a, matches.find((u) => u.accountEnabled !== false) ?? matches[0]];
        }),
      );
      const found = [
        ...new Set([...users.values()].filter((u): u is GraphUser => u !== undefined).map((u) => u.id)),
      ];
      // No manager is a 404 in Graph.
      const byUrl = await graph.batchObjects(
        found.map((id) => `/users/${id}/manager?$select=${USER_SELECT}`),
        userSchema,
        { missingOk: true },
      );
      managers = new Map(
        found.flatMap((id) => {
          const m = byUrl.get(`/users/${id}/manager?$select=${USER_SELECT}`);
          return m ? [[id, m] as const] : [];
        }),
      );
    } catch (error) {
      return { accounts: known, error: describeApiError(error) };
    }
    const unreadable = graph.unreadable().slice(unreadableBefore);
    if (unreadable.length)
      return {
        accounts: known,
        error: `could not read ${unreadable.length} user object(s): ${unreadable.map((u) => `${u.source} (${u.problems})`).join('; ')}`,
      };
    const table = await this.table();
    const at = now.toISOString();
    for (const address of wanted) {
      const user = users.get(address);
      const previous = known.get(address);
      let row: Row | undefined;
      if (user) {
        const manager = managers.get(user.id);
        const usable =
          manager && manager.accountEnabled !== false && (manager.mail ?? manager.userPrincipalName);
        row = {
          address,
          userId: user.id,
          displayName: user.displayName ?? null,
          accountEnabled: user.accountEnabled !== false,
          managerAddress: usable ? (manager.mail ?? manager.userPrincipalName ?? null) : null,
          managerName: usable ? (manager.displayName ?? null) : null,
          lastSeen: at,
        };
      } else if (previous && previous.lastSeen) {
        // Seen before, missing now: deleted. Keep what was known, with the manager of then.
        row = {
          address,
          userId: 'gone',
          displayName: previous.displayName,
          accountEnabled: false,
          managerAddress: previous.manager?.address ?? null,
          managerName: previous.manager?.displayName ?? null,
          lastSeen: previous.lastSeen,
        };
      }
      if (row) {
        if (options.write !== false)
          await table.upsertEntity(
            { partitionKey: 'owner', rowKey: OwnerAccountStore.rowKey(address), ...row },
            'Merge',
          );
        known.set(address, toAccount(row));
      } else {
        known.set(address, { address, state: 'unknown', displayName: null, manager: null, lastSeen: null });
      }
    }
    return { accounts: known };
  }
}

function toAccount(row: Row): OwnerAccount {
  return {
    address: row.address,
    state: row.userId === 'gone' ? 'gone' : row.accountEnabled ? 'active' : 'disabled',
    displayName: row.displayName ?? null,
    manager: row.managerAddress
      ? { address: row.managerAddress, displayName: row.managerName ?? null }
      : null,
    lastSeen: row.lastSeen,
  };
}
