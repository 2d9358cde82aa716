// The request protocol (docs/spec.md section 7) against the vectors that SecretShare.Tests/Client/RequestProtocolTests.cs
// reproduces in C#. Run: node --test SecretShare.Tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as p from '../../SecretShare.Api/wwwroot/js/protocol.js';
import * as r from '../../SecretShare.Api/wwwroot/js/request-protocol.js';

const V = {
  id: 'AAECAwQFBgcICQoLDA0ODw',
  requesterPrivate: 'AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyBRXD1uueOWuQTT_sp_VP3NDMHpl783XcpRWtCmw7QDX0U2vjpQ8xj7-aVHWQKiIVAr7w1X4IxTsswKVvF9n5NU',
  requesterPublic: 'BFFcPW6545a5BNP-yn9U_c0MwemXvzddylFa0KbDtANfRTa-OlDzGPv5pUdZAqIhUCvvDVfgjFOyzApW8X2fk1Q',
  fingerprint: 'QmmIlDHjExlm_K9qRXFBlD7Sw1tbkXrmLLM5VG9SNVE',
  ephemeralPrivate: 'ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0AfFAFGv7GyUfhPTdvg1M3P13r9mEqVIONXlAIfgxK7nuyZWgix-ncE3z3MC1CpZlJj-3cR-V-fikScUJbkfIkr',
  ephemeralPublic: 'BB8UAUa_sbJR-E9N2-DUzc_Xev2YSpUg41eUAh-DErue7JlaCLH6dwTfPcwLUKlmUmP7dxH5X5-KRJxQluR8iSs',
  encryptionKey: 'Uv2TIPqwYBn58Bs7intx8TEEWx1kBTpVqHVYT7mBo5M',
  accessToken: 'PCHX90CPO9S6dBDcozmRCyezGP_fC7Zm36JkX1LD58I',
  payload: 'AaChoqOkpaanqKmqq30GJj9v4H9c_ciUy0iW5wfYoR0YHCWpyQcCLKNoi6fGOVLIONthBWEUHAJZAsFGO7_bmehvbzU',
};
const IV = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);

test('the sender reproduces the vector', async () => {
  assert.equal(p.base64urlEncode(r.publicKeyOf(p.base64urlDecode(V.requesterPrivate))), V.requesterPublic);
  assert.equal(await r.fingerprint(p.base64urlDecode(V.requesterPublic)), V.fingerprint);
  const sealed = await r.sealAnswer(V.id, V.requesterPublic, V.fingerprint, { text: 'correct horse battery staple' }, {
    ephemeral: p.base64urlDecode(V.ephemeralPrivate), iv: IV,
  });
  assert.deepEqual(sealed, { ciphertext: V.payload, accessToken: V.accessToken, ephemeralKey: V.ephemeralPublic });
});

test('the requester derives the same keys and opens the vector', async () => {
  const keys = await r.answerKeys(V.id, p.base64urlDecode(V.requesterPrivate), V.ephemeralPublic);
  assert.equal(p.base64urlEncode(keys.encryptionKey), V.encryptionKey);
  assert.equal(keys.accessTokenText, V.accessToken);
  assert.equal((await r.openAnswer(V.id, keys, V.payload)).text, 'correct horse battery staple');
});

test('a public key that does not match the fingerprint is refused before encrypting', async () => {
  const swapped = p.base64urlEncode(r.publicKeyOf(await r.generateKeyPair()));
  await assert.rejects(r.sealAnswer(V.id, swapped, V.fingerprint, { text: 'x' }), r.KeyMismatchError);
});

test('an answer is bound to its request and to its protocol', async () => {
  const other = await r.answerKeys('AQECAwQFBgcICQoLDA0ODw', p.base64urlDecode(V.requesterPrivate), V.ephemeralPublic);
  assert.notEqual(other.accessTokenText, V.accessToken);
  await assert.rejects(r.openAnswer(V.id, other, V.payload), p.DecryptionError);
  const keys = await r.answerKeys(V.id, p.base64urlDecode(V.requesterPrivate), V.ephemeralPublic);
  await assert.rejects(p.decryptSecret(keys, V.payload), p.DecryptionError);
});

test('links round trip and damaged fragments are refused', async () => {
  const key = await r.generateKeyPair();
  const inbox = r.formatInboxLink('https://example.test/', V.id, key, V.accessToken);
  const url = new URL(inbox);
  assert.equal(r.parseRequestPath(url.pathname, 'i'), V.id);
  assert.deepEqual(r.parseInboxFragment(url.hash), { privateKey: key, manageToken: V.accessToken });
  assert.equal(r.parseInboxFragment(`#${V.accessToken}`), null);
  const fillIn = new URL(r.formatFillInLink('https://example.test', V.id, V.fingerprint));
  assert.equal(r.parseRequestPath(fillIn.pathname, 'r'), V.id);
  assert.equal(r.parseFingerprint(fillIn.hash), V.fingerprint);
  assert.equal(r.parseFingerprint('#abc'), null);
});
