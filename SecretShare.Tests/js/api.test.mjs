// Unit tests for the web UI's API client (fetch is mocked). Run: node --test SecretShare.Tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiClient, ApiError, parseRetryAfter, describeError } from '../../SecretShare.Api/wwwroot/js/api.js';
import { useLanguage } from './catalogues.mjs';

await useLanguage('en');

function mockFetch(responses) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    const r = responses.shift();
    if (r instanceof Error) throw r;
    return r;
  };
  return { fetch, calls };
}

const json = (status, body, headers = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });

test('createSecret posts camelCase JSON and returns the 201 body', async () => {
  const created = { id: 'AAECAwQFBgcICQoLDA0ODw', expiresAt: '2030-01-01T00:00:00Z', maxViews: null, extendable: true, passphraseProtected: false, manageToken: 'm' };
  const { fetch, calls } = mockFetch([json(201, created)]);
  const api = createApiClient({ fetch });
  const result = await api.createSecret({ ciphertext: 'c', accessToken: 'a', expiresInSeconds: 3600, maxViews: null, extendable: true, passphraseProtected: false });
  assert.deepEqual(result, created);
  assert.equal(calls[0].url, '/api/secrets');
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.headers['Content-Type'], 'application/json');
  assert.deepEqual(JSON.parse(calls[0].init.body), { ciphertext: 'c', accessToken: 'a', expiresInSeconds: 3600, maxViews: null, extendable: true, passphraseProtected: false });
});

test('createSecret omits undefined optional fields', async () => {
  const { fetch, calls } = mockFetch([json(201, {})]);
  await createApiClient({ fetch }).createSecret({ ciphertext: 'c', accessToken: 'a' });
  assert.deepEqual(JSON.parse(calls[0].init.body), { ciphertext: 'c', accessToken: 'a' });
});

test('getSecret uses GET without a body; baseUrl is prefixed', async () => {
  const { fetch, calls } = mockFetch([json(200, { id: 'x', viewsRemaining: null })]);
  const meta = await createApiClient({ fetch, baseUrl: 'http://h:1/' }).getSecret('abc');
  assert.equal(meta.viewsRemaining, null);
  assert.equal(calls[0].url, 'http://h:1/api/secrets/abc');
  assert.equal(calls[0].init.method, 'GET');
  assert.equal(calls[0].init.body, undefined);
});

test('the id is URL-encoded', async () => {
  const { fetch, calls } = mockFetch([json(200, {})]);
  await createApiClient({ fetch }).getSecret('a/../b?c');
  assert.equal(calls[0].url, '/api/secrets/a%2F..%2Fb%3Fc');
});

test('revealSecret posts the access token', async () => {
  const { fetch, calls } = mockFetch([json(200, { ciphertext: 'c', viewsRemaining: 0, expiresAt: 'x', burned: true })]);
  const r = await createApiClient({ fetch }).revealSecret('id1', 'tok');
  assert.equal(r.burned, true);
  assert.equal(calls[0].url, '/api/secrets/id1/reveal');
  assert.deepEqual(JSON.parse(calls[0].init.body), { accessToken: 'tok' });
});

test('403 problem exposes attemptsRemaining (top level or extensions)', async () => {
  const { fetch } = mockFetch([
    json(403, { type: 'about:blank', title: 'Forbidden', status: 403, attemptsRemaining: 3 }),
    json(403, { title: 'Forbidden', status: 403, extensions: { attemptsRemaining: 0 } }),
  ]);
  const api = createApiClient({ fetch });
  await assert.rejects(api.revealSecret('id', 't'), (e) => e instanceof ApiError && e.status === 403 && e.attemptsRemaining === 3);
  await assert.rejects(api.revealSecret('id', 't'), (e) => e.attemptsRemaining === 0);
});

test('404 maps to the gone message', async () => {
  const { fetch } = mockFetch([new Response(null, { status: 404 })]);
  await assert.rejects(createApiClient({ fetch }).getSecret('id'), (e) => {
    assert.equal(e.status, 404);
    assert.ok(e.isNotFound);
    assert.equal(describeError(e), 'This secret does not exist, has expired or has already been viewed.');
    return true;
  });
});

test('429 carries Retry-After seconds', async () => {
  const { fetch } = mockFetch([json(429, { title: 'Too Many Requests', status: 429 }, { 'retry-after': '17' })]);
  await assert.rejects(createApiClient({ fetch }).createSecret({ ciphertext: 'c', accessToken: 'a' }), (e) => {
    assert.equal(e.retryAfterSeconds, 17);
    assert.equal(describeError(e), 'Too many requests. Try again in 17 seconds.');
    return true;
  });
});

test('a 400 is named by its field in the page\'s language, never by the API\'s English detail', async () => {
  const { fetch } = mockFetch([
    json(400, { title: 'Not extendable', status: 400, detail: 'This secret was created without permission to extend it.' }),
    json(400, { title: 'One or more validation errors occurred.', status: 400, errors: { maxViews: ['maxViews must be between 1 and 100.'] } }),
  ]);
  const api = createApiClient({ fetch });
  await assert.rejects(api.extendSecret('id', 't', { addSeconds: 3600 }), (e) => describeError(e) === 'The request was not valid.');
  await assert.rejects(api.extendSecret('id', 't', { addViews: 1 }), (e) => describeError(e) === 'The number of views must be a whole number from 1 to 100.');
});

test('extendSecret sends only the given changes', async () => {
  const { fetch, calls } = mockFetch([json(200, {}), json(200, {})]);
  const api = createApiClient({ fetch });
  await api.extendSecret('id', 't', { addSeconds: 86400 });
  await api.extendSecret('id', 't', { addSeconds: 0, addViews: 2 });
  assert.equal(calls[0].url, '/api/secrets/id/extend');
  assert.deepEqual(JSON.parse(calls[0].init.body), { accessToken: 't', addSeconds: 86400 });
  assert.deepEqual(JSON.parse(calls[1].init.body), { accessToken: 't', addViews: 2 });
});

test('deleteSecret sends a Bearer token and resolves undefined on 204', async () => {
  const { fetch, calls } = mockFetch([new Response(null, { status: 204 })]);
  assert.equal(await createApiClient({ fetch }).deleteSecret('id', 'mt'), undefined);
  assert.equal(calls[0].init.method, 'DELETE');
  assert.equal(calls[0].init.headers.Authorization, 'Bearer mt');
  assert.equal(calls[0].init.body, undefined);
});

test('non-JSON error bodies and network failures still give ApiError', async () => {
  const { fetch } = mockFetch([new Response('<html>oops</html>', { status: 502, headers: { 'content-type': 'text/html' } }), new TypeError('Failed to fetch')]);
  const api = createApiClient({ fetch });
  await assert.rejects(api.getSecret('id'), (e) => e.status === 502 && e.problem === null && /server had a problem/.test(describeError(e)));
  await assert.rejects(api.getSecret('id'), (e) => e.status === 0 && /could not be reached/.test(describeError(e)));
});

test('parseRetryAfter handles seconds, HTTP dates and junk', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('5', now), 5);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now), 30);
  assert.equal(parseRetryAfter('Mon, 31 Dec 2029 00:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), null);
  assert.equal(parseRetryAfter(null, now), null);
  assert.equal(parseRetryAfter('', now), null);
});

test('describeError maps every status to a message of its own, never the API\'s English', () => {
  assert.equal(describeError(new Error('boom')), 'Something went wrong. Try again.');
  assert.equal(describeError(new ApiError(401, { detail: 'Bearer token required' })), 'This link is missing its key or token.');
  assert.equal(describeError(new ApiError(403, { detail: 'Forbidden here' })), 'The key or token in this link is wrong.');
  assert.equal(describeError(new ApiError(413)), 'The secret is too large.');
  assert.equal(describeError(new ApiError(429)), 'Too many requests. Try again in a moment.');
  assert.equal(describeError(new ApiError(429, { retryAfterSeconds: 1 })), 'Too many requests. Try again in 1 second.');
  assert.equal(describeError(new ApiError(418, { detail: 'teapot' })), 'The request failed (HTTP 418).');
});

test('describeError speaks the page\'s language', async (t) => {
  t.after(() => useLanguage('en'));
  await useLanguage('nb');
  assert.equal(describeError(new ApiError(404)), 'Denne hemmeligheten finnes ikke, har utløpt eller er allerede vist.');
  assert.equal(describeError(new ApiError(429, { retryAfterSeconds: 17 })), 'For mange forespørsler. Prøv igjen om 17 sekunder.');
  await useLanguage('ar');
  assert.match(describeError(new ApiError(401)), /\p{Script=Arabic}/u);
});
