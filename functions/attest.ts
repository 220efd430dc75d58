import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { actOnLink, viewLink } from '../shared/app/attestation';
import { runtime } from '../shared/app/runtime';

// The page shows tenant names: no scripts, no framing, no referrer (the token is in the URL).
const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

/** Attestation links from owner digests: GET shows what the link does, POST (the page's button) does it. */
export async function attestHttp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const { tables, settings } = runtime();
  if (!settings.WIMON_ATTESTATION_KEY) return { status: 404, body: 'Attestation links are not enabled.' };
  const post = request.method === 'POST';
  const token = (post ? new URLSearchParams(await request.text()).get('t') : request.query.get('t')) ?? '';
  const deps = {
    tables,
    key: settings.WIMON_ATTESTATION_KEY,
    previousKey: settings.WIMON_ATTESTATION_PREVIOUS_KEY,
    now: new Date(),
  };
  const page = post ? await actOnLink(token, deps) : await viewLink(token, deps);
  context.log(`attest ${request.method}: ${page.status}`);
  return { status: page.status, body: page.html, headers: HEADERS };
}

// Anonymous on purpose: the HMAC signature is the credential (an owner has no function key).
app.http('attest', {
  methods: ['GET', 'POST'],
  authLevel: 'anonymous',
  route: 'attest',
  handler: attestHttp,
});
