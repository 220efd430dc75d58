/**
 * Microsoft Graph delta queries (`/applications/delta`, `/servicePrincipals/delta`) over a fixture
 * that tests change between requests. Each deltaLink's token names a snapshot of the collection
 * (object id → its JSON); a request with that token returns the objects added or changed since,
 * and `{"id", "@removed": {"reason": "changed"}}` for those gone, then a new deltaLink. Like
 * Graph, a token remembers the `$select` of the round that started it. Pages follow
 * `@odata.nextLink` (`$skiptoken`). An unknown token (expired, or from an earlier emulator)
 * answers 410 Gone with `resyncRequired`, as Graph does when a token is too old.
 * Unlike Graph, a changed object comes back whole rather than only its changed properties.
 */
import { randomUUID } from 'node:crypto';

export interface DeltaPage {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Select = (item: unknown, fields: string | null) => unknown;

interface Round {
  items: unknown[];
  deltaToken: string;
}

export class GraphDelta {
  private readonly snapshots = new Map<string, { objects: Map<string, string>; select: string | null }>();
  private readonly rounds = new Map<string, Round>();

  constructor(
    private readonly pageSize: () => number,
    private readonly select: Select,
  ) {}

  /** Invalidates every token issued so far (what Graph does after about 7 days for directory objects). */
  expireTokens(): void {
    this.snapshots.clear();
    this.rounds.clear();
  }

  respond(collectionUrl: string, current: ReadonlyArray<{ id: string }>, params: URLSearchParams): DeltaPage {
    const skip = params.get('$skiptoken');
    if (skip) {
      const [roundId = '', offset] = skip.split('.');
      const round = this.rounds.get(roundId);
      return round ? this.page(collectionUrl, roundId, round, Number(offset) || 0) : gone(collectionUrl);
    }
    const token = params.get('$deltatoken');
    const now = new Map(current.map((o) => [o.id.toLowerCase(), JSON.stringify(o)]));
    let fields = params.get('$select');
    const items: unknown[] = [];
    if (token === null) {
      for (const o of current) items.push(this.select(o, fields));
    } else {
      const before = this.snapshots.get(token);
      if (!before) return gone(collectionUrl);
      fields = before.select;
      for (const o of current)
        if (before.objects.get(o.id.toLowerCase()) !== now.get(o.id.toLowerCase()))
          items.push(this.select(o, fields));
      for (const id of before.objects.keys())
        if (!now.has(id)) items.push({ id, '@removed': { reason: 'changed' } });
    }
    const deltaToken = randomUUID();
    this.snapshots.set(deltaToken, { objects: now, select: fields });
    const roundId = randomUUID();
    const round = { items, deltaToken };
    this.rounds.set(roundId, round);
    return this.page(collectionUrl, roundId, round, 0);
  }

  private page(collectionUrl: string, roundId: string, round: Round, offset: number): DeltaPage {
    const size = this.pageSize();
    const body: Record<string, unknown> = {
      '@odata.context': `${collectionUrl.replace(/\/delta$/, '')}/$metadata#delta`,
      value: round.items.slice(offset, offset + size),
    };
    if (offset + size < round.items.length)
      body['@odata.nextLink'] = `${collectionUrl}?$skiptoken=${roundId}.${offset + size}`;
    else {
      body['@odata.deltaLink'] = `${collectionUrl}?$deltatoken=${round.deltaToken}`;
      this.rounds.delete(roundId);
    }
    return { status: 200, body };
  }
}

function gone(collectionUrl: string): DeltaPage {
  return {
    status: 410,
    headers: { Location: collectionUrl },
    body: {
      error: {
        code: 'resyncRequired',
        message:
          "Resync required. Replace any local items with the server's version (including deletes) if you're sure that the service was up to date with your local changes when you last sync'd. Upload any local changes that the server doesn't know about.",
      },
    },
  };
}
