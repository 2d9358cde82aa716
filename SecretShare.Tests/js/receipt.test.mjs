// Unit tests for the status page's receipt checks (receipt.js), on the test vector of docs/spec.md ("Receipts"),
// which SecretShare.Tests/Client/ReceiptVectorTests.cs pins for .NET. Run: node --test SecretShare.Tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalBytes, hasValidSignature, chainProblem, checkKeySet, memoryProblem, memoryOf, receiptFile, thumbprint, GENESIS,
} from '../../SecretShare.Api/wwwroot/js/receipt.js';
import { base64urlEncode } from '../../SecretShare.Api/wwwroot/js/protocol.js';

const RECEIPT = JSON.parse('{"id":"AAECAwQFBgcICQoLDA0ODw","status":"burned","expiresAt":"2026-12-02T12:00:00+00:00","viewsRemaining":null,"events":[{"seq":1,"type":"created","occurredAt":"2026-12-01T12:00:00+00:00","viewsRemaining":1,"detail":null,"keyId":"test-2026","prevHash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","hash":"19cMqqXQpQuRbYZvT9VQAppqIlwSCJRfXRP6BukbSnc"},{"seq":2,"type":"viewed","occurredAt":"2026-12-01T12:01:00+00:00","viewsRemaining":0,"detail":null,"keyId":"test-2026","prevHash":"19cMqqXQpQuRbYZvT9VQAppqIlwSCJRfXRP6BukbSnc","hash":"dj-pMutUb-pXjT_16y3Lrll9DrlN08SSnq_cEAzdcE4"},{"seq":3,"type":"burned","occurredAt":"2026-12-01T12:01:00+00:00","viewsRemaining":0,"detail":"last_view","keyId":"test-2026","prevHash":"dj-pMutUb-pXjT_16y3Lrll9DrlN08SSnq_cEAzdcE4","hash":"TeOUQAbuv7VUorb4sZLU_dhvihE9z42nYE8mbByemu8"}],"chain":{"verified":true,"length":3,"headHash":"TeOUQAbuv7VUorb4sZLU_dhvihE9z42nYE8mbByemu8","problem":null},"issuedAt":"2026-12-01T12:05:00+00:00","signature":{"alg":"ES256","keyId":"test-2026","value":"_q3DCokk6vOv8q94-kic3rh4z124VzcWsxEXavo6lxtojUuAlNtiq24V3XC6hU0g5m5w81TKTbad-LnXizrZsg"}}');
const JWK = { kty: 'EC', crv: 'P-256', kid: 'test-2026', x: 'b6t4iZxVrQR2RiAVnB6vJKh2ua4JSTNga_SrhC1qb9s', y: 'WVZReOl6x53JXgIAqridrPP-Twu5hJ_NDIWmhxMfgGQ', alg: 'ES256', use: 'sig' };
const copy = () => structuredClone(RECEIPT);

test('the vector receipt has the documented canonical bytes and a signature WebCrypto verifies', async () => {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', canonicalBytes(RECEIPT)));
  assert.equal(base64urlEncode(digest), 'Ct02QAw_uhQOdb7e3rXtDFz8H33AiSHUUwRyt66ZUBI');
  assert.equal(await hasValidSignature(RECEIPT, JWK), true);
  assert.equal(await thumbprint(JWK), '53UkqyYcNkacqlVXRuxUBj22MoiMvyZxgnfyqQjMIuI');
  assert.equal(GENESIS, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
});

test('any signed field changed, or another key, fails the signature', async () => {
  const changed = copy();
  changed.events[1].viewsRemaining = 1;
  assert.equal(await hasValidSignature(changed, JWK), false);
  const verdict = copy();
  verdict.chain.verified = false;
  assert.equal(await hasValidSignature(verdict, JWK), false);
  assert.equal(await hasValidSignature(RECEIPT, { ...JWK, kid: 'other' }), false);
  assert.equal(await hasValidSignature(RECEIPT, { ...JWK, x: JWK.y }), false);
  const padded = copy();
  padded.signature.value = padded.signature.value.slice(0, -1) + 'h'; // same bytes but for the unused trailing bits
  assert.equal(await hasValidSignature(padded, JWK), false);
});

test('the chain check finds a gap, a broken link, a head that is not the end and a status that does not match', () => {
  assert.equal(chainProblem(RECEIPT), null);
  const gap = copy();
  gap.events.splice(1, 1);
  assert.deepEqual(chainProblem(gap), { code: 'missing', seq: 2 });
  const unlinked = copy();
  unlinked.events[2].prevHash = unlinked.events[0].hash;
  assert.deepEqual(chainProblem(unlinked), { code: 'unlinked', seq: 3 });
  const cut = copy();
  cut.events.pop();
  assert.deepEqual(chainProblem(cut), { code: 'head', seq: 3 });
  const status = copy();
  status.status = 'active';
  assert.deepEqual(chainProblem(status), { code: 'status' });
  const server = copy();
  server.chain.verified = false;
  server.chain.problem = 'Event 2 does not match its keyed hash.';
  assert.deepEqual(chainProblem(server), { code: 'serverBroken', problem: 'Event 2 does not match its keyed hash.' });
});

test('what this device saw must be extended, not rewound or rewritten', async () => {
  const two = copy();
  two.events.pop();
  const seenTwo = await memoryOf(two);
  assert.equal(await memoryProblem(RECEIPT, seenTwo), null);
  const seenAll = await memoryOf(RECEIPT);
  assert.deepEqual(await memoryProblem(two, seenAll), { code: 'rewound', seen: 3, now: 2 });
  const rewritten = copy();
  rewritten.events[0].viewsRemaining = 5;
  assert.deepEqual(await memoryProblem(rewritten, seenTwo), { code: 'rewritten', seen: 2 });
  assert.equal(await memoryProblem(RECEIPT, null), null);
});

test('a key set is trusted on first use and may grow, but not swap a key or drop every known one', async () => {
  const first = await checkKeySet({}, { keys: [JWK] });
  assert.equal(first.problem, null);
  const other = { ...JWK, kid: 'next', x: JWK.y, y: JWK.x };
  assert.equal((await checkKeySet(first.keys, { keys: [JWK, other] })).problem, null);
  assert.deepEqual((await checkKeySet(first.keys, { keys: [other] })).problem, { code: 'keyChanged' });
  assert.deepEqual((await checkKeySet(first.keys, { keys: [{ ...other, kid: 'test-2026' }] })).problem, { code: 'keyChanged' });
});

test('the receipt file holds exactly the documented properties, compact and printable ASCII', () => {
  const file = receiptFile({ ...copy(), extra: 1 }, { ...JWK, ext: true });
  assert.match(file, /^[\x20-\x7e]*$/);
  assert.ok(!file.includes('\\'));
  const parsed = JSON.parse(file);
  assert.deepEqual(Object.keys(parsed), ['format', 'receipt', 'key']);
  assert.deepEqual(Object.keys(parsed.receipt), ['id', 'status', 'expiresAt', 'viewsRemaining', 'events', 'chain', 'issuedAt', 'signature']);
  assert.deepEqual(Object.keys(parsed.receipt.events[0]), ['seq', 'type', 'occurredAt', 'viewsRemaining', 'detail', 'keyId', 'prevHash', 'hash']);
  assert.deepEqual(parsed.key, JWK);
});
