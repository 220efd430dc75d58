import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmulatorCertificate } from '../../emulator/certificate';
import { AzureClients, emulatorCredential } from '../../shared/azure/clients';

/** A stand-in Graph host answering what the client's transport must handle beyond the emulator's plain JSON. */
describe('Graph client transport (node:https)', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; auth?: string; body: string }> = [];

  beforeAll(async () => {
    const { key, cert } = ensureEmulatorCertificate();
    server = createServer({ key, cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          auth: req.headers.authorization,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        if (req.url?.startsWith('/v1.0/compressed')) {
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
          res.end(gzipSync(JSON.stringify({ value: [{ id: 'ü-1' }] })));
        } else if (req.url?.startsWith('/v1.0/missing')) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'Request_ResourceNotFound', message: 'gone' } }));
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ echo: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const graph = () =>
    new AzureClients(emulatorCredential, {
      arm: base,
      graph: base,
      logs: base,
      authorityHost: 'https://127.0.0.1',
    }).graph();

  it('decodes a gzip body and sends the bearer token', async () => {
    expect(await graph().api('/compressed').get()).toEqual({ value: [{ id: 'ü-1' }] });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', auth: 'Bearer local-emulator-token' });
  });

  it('posts a JSON body (as $batch does) and reads the answer', async () => {
    const answer = (await graph()
      .api('/$batch')
      .post({ requests: [{ id: '1', method: 'GET', url: '/x' }] })) as { echo: unknown };
    expect(answer.echo).toEqual({ requests: [{ id: '1', method: 'GET', url: '/x' }] });
    expect(seen.at(-1)?.method).toBe('POST');
  });

  it('turns an error answer into the SDK error with its status and code', async () => {
    await expect(graph().api('/missing').get()).rejects.toMatchObject({
      statusCode: 404,
      code: 'Request_ResourceNotFound',
    });
  });
});
