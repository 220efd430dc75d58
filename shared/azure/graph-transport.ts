/**
 * The last middleware of the Microsoft Graph client: sends the request with node:https over
 * kept-alive connections instead of the global fetch. A full reconcile of a large tenant makes
 * thousands of Graph requests, and fetch's per-request machinery (web streams, abort signals,
 * transferables) cost more CPU than the requests' own JSON: several seconds in a profile of a
 * 50,000-identity run. The rest of the client (authentication, retries with Retry-After,
 * redirects, error mapping) is the SDK's own and sees a Response-shaped answer.
 *
 * It trusts what node:https trusts (system roots plus NODE_EXTRA_CA_CERTS, like fetch) and
 * accepts gzip/deflate/br bodies.
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/** As long as fetch waits for headers and for the body before giving up. */
const TIMEOUT_MS = 300_000;

export function nodeHttpMessageHandler(): Middleware {
  const agents = {
    'https:': new https.Agent({ keepAlive: true, keepAliveMsecs: 10_000 }),
    'http:': new http.Agent({ keepAlive: true, keepAliveMsecs: 10_000 }),
  };
  return {
    execute: async (context: Context) => {
      if (typeof context.request !== 'string')
        throw new Error('Graph transport: the request must be a URL (the client builds one for every call)');
      const response = await send(context.request, context.options ?? {}, agents);
      context.response = response as unknown as Response;
    },
  };
}

type Agents = Record<'https:' | 'http:', http.Agent>;

function send(url: string, init: RequestInit, agents: Agents): Promise<NodeResponse> {
  const target = new URL(url);
  const protocol = target.protocol === 'http:' ? 'http:' : 'https:';
  const headers = plainHeaders(init.headers);
  headers['accept-encoding'] ??= 'gzip, deflate, br';
  const body = bodyBytes(init.body);
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const request = (protocol === 'http:' ? http : https).request(
      target,
      {
        method: init.method ?? 'GET',
        headers,
        agent: agents[protocol],
        timeout: TIMEOUT_MS,
        signal: init.signal ?? undefined,
      },
      (response) => {
        const chunks: Buffer[] = [];
        const decoded = decode(response);
        decoded.on('data', (chunk: Buffer) => chunks.push(chunk));
        decoded.on('error', reject);
        decoded.on('end', () =>
          resolve(
            new NodeResponse(
              url,
              response.statusCode ?? 0,
              response.statusMessage ?? '',
              responseHeaders(response),
              Buffer.concat(chunks),
            ),
          ),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error(`Graph request timed out after ${TIMEOUT_MS} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

function decode(response: http.IncomingMessage): Readable {
  switch (response.headers['content-encoding']?.trim().toLowerCase()) {
    case 'gzip':
      return response.pipe(zlib.createGunzip());
    case 'deflate':
      return response.pipe(zlib.createInflate());
    case 'br':
      return response.pipe(zlib.createBrotliDecompress());
    default:
      return response;
  }
}

function plainHeaders(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const entries =
    headers instanceof Headers || Array.isArray(headers)
      ? [...(headers as Iterable<[string, string]>)]
      : Object.entries(headers);
  for (const [name, value] of entries) out[name.toLowerCase()] = String(value);
  return out;
}

function bodyBytes(body: RequestInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  // Streams, forms and blobs are for uploads, which the monitor never makes.
  throw new Error('Graph transport: only string and byte bodies are sent');
}

function responseHeaders(response: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers))
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  return headers;
}

/** What the Graph client reads of a fetch Response. */
class NodeResponse {
  readonly redirected = false;
  readonly type = 'basic';
  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    private readonly bytes: Buffer,
  ) {}
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get body(): ReadableStream<Uint8Array> {
    return new Blob([this.bytes]).stream();
  }
  text(): Promise<string> {
    return Promise.resolve(this.bytes.toString('utf8'));
  }
  json(): Promise<unknown> {
    return this.text().then((text) => JSON.parse(text) as unknown);
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    const copy = new Uint8Array(this.bytes.length);
    copy.set(this.bytes);
    return Promise.resolve(copy.buffer);
  }
  blob(): Promise<Blob> {
    return Promise.resolve(new Blob([this.bytes]));
  }
  clone(): NodeResponse {
    return new NodeResponse(this.url, this.status, this.statusText, new Headers(this.headers), this.bytes);
  }
}
