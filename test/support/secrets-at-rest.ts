/**
 * Reads every table of a monitor (every table whose name starts with its prefix) and reports any
 * string that works as an attestation link (verifies with the key) or holds the key itself.
 */
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { verifyToken } from '../../shared/attest/links';

/** Every candidate `payload.signature` in a text that verifies with `key`. */
export function workingTokens(text: string, key: string, now: Date): string[] {
  // The payload is what the signature covers, so only its own spelling can verify; the signature
  // is scanned generously (base64 as well as base64url, padded): anything the verifier takes counts.
  const candidates = text.match(/[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_+/=-]{40,}/g) ?? [];
  return candidates.filter((t) => verifyToken(t, key, now).ok);
}

export async function secretsAtRest(
  connectionString: string,
  prefix: string,
  key: string,
  now: Date,
): Promise<{ tables: string[]; rows: number; tokens: string[]; keyFound: string[] }> {
  const options = { allowInsecureConnection: true };
  const service = TableServiceClient.fromConnectionString(connectionString, options);
  const out = { tables: [] as string[], rows: 0, tokens: [] as string[], keyFound: [] as string[] };
  for await (const t of service.listTables()) {
    if (!t.name?.startsWith(prefix)) continue;
    out.tables.push(t.name);
    const table = TableClient.fromConnectionString(connectionString, t.name, options);
    for await (const row of table.listEntities()) {
      out.rows += 1;
      for (const [name, value] of Object.entries(row)) {
        // Binary columns (packed indexes) are read as text too: a token could hide anywhere.
        const text =
          value instanceof Uint8Array
            ? Buffer.from(value).toString('latin1')
            : typeof value === 'string'
              ? value
              : '';
        out.tokens.push(
          ...workingTokens(text, key, now).map((tok) => `${t.name}/${row.rowKey}/${name}: ${tok}`),
        );
        if (text.includes(key)) out.keyFound.push(`${t.name}/${row.rowKey}/${name}`);
      }
    }
  }
  return out;
}
