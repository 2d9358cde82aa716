// Unit tests for the web UI's protocol module (SPEC section 1). Run from the repository root:
//   node --test SecretShare.Tests/js/
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as p from '../../SecretShare.Api/wwwroot/js/protocol.js';

const K = Uint8Array.from({ length: 32 }, (_, i) => i);
const IV = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
const PLAINTEXT = '{"text":"correct horse battery staple"}';
const VECTORS = [
  {
    name: 'no passphrase',
    passphrase: undefined,
    ek: '-F1PrEwkOk4x4XcptvnWDi78i_fR2e6yB6JqqETELeU',
    at: '4B5PwXyuXDdk3mS7cGGjLnG_amYRU9xhLLbc4ikr-Qg',
    payload: 'AaChoqOkpaanqKmqq8V3CVpmu_ZoAwfQnVIixgHzZEjK2zQv5Pjv4GfBUYP7V-cQyG-WdCFx05zFWvkCVI8QP0Y10aw',
  },
  {
    name: 'passphrase "tröll fjord ski"',
    passphrase: 'tröll fjord ski',
    ek: 'YAz09LEJaiaKUkvT67Si_WgP5ocKBDLBvPsw3iYUiUc',
    at: 'GXZVRP-J6nWpwkTqZypMEMTbzOZBd1oMCtyHhqoUQqE',
    payload: 'AaChoqOkpaanqKmqqwepHTNpaoa6rYILX356yd33Gy3Tz1QrUAtsDdDH6DPa-9rt2D3oKeWD8Ws3jfh0EqE65qAytUE',
  },
];

describe('SPEC test vectors', () => {
  for (const v of VECTORS) {
    test(`${v.name}: EK and AT`, async () => {
      const keys = await p.deriveKeys(K, v.passphrase);
      assert.equal(p.base64urlEncode(keys.encryptionKey), v.ek);
      assert.equal(p.base64urlEncode(keys.accessToken), v.at);
      assert.equal(keys.accessTokenText, v.at);
    });

    test(`${v.name}: payload via encryptPayload`, async () => {
      const keys = await p.deriveKeys(K, v.passphrase);
      const payload = await p.encryptPayload(keys.encryptionKey, p.utf8Encode(PLAINTEXT), IV);
      assert.equal(p.base64urlEncode(payload), v.payload);
    });

    test(`${v.name}: payload via encryptSecret with injected K and IV`, async () => {
      const result = await p.encryptSecret('correct horse battery staple', {
        passphrase: v.passphrase,
        linkKey: K,
        iv: IV,
      });
      assert.equal(result.ciphertext, v.payload);
      assert.equal(result.accessToken, v.at);
      assert.equal(result.linkKeyText, 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8');
    });

    test(`${v.name}: vector payload decrypts`, async () => {
      const keys = await p.deriveKeys(K, v.passphrase);
      const envelope = await p.decryptSecret(keys, v.payload);
      assert.deepEqual(envelope, { text: 'correct horse battery staple' });
    });
  }

  test('payload layout: version byte, IV, ciphertext plus 16-byte tag', () => {
    const bytes = p.base64urlDecode(VECTORS[0].payload);
    assert.equal(bytes[0], 1);
    assert.deepEqual(bytes.subarray(1, 13), IV);
    assert.equal(bytes.length, 1 + 12 + PLAINTEXT.length + 16);
  });
});

describe('round trips', () => {
  test('without passphrase', async () => {
    const text = 'hunter2 \u{1F512} ünïcødé\nline two';
    const enc = await p.encryptSecret(text);
    assert.equal(enc.linkKey.length, 32);
    const keys = await p.deriveKeys(p.parseLinkKey('#' + enc.linkKeyText));
    assert.equal(keys.accessTokenText, enc.accessToken);
    const env = await p.decryptSecret(keys, enc.ciphertext);
    assert.equal(env.text, text);
  });

  test('with passphrase', async () => {
    const enc = await p.encryptSecret('s3cr3t', { passphrase: 'apple banana cherry' });
    const keys = await p.deriveKeys(enc.linkKey, 'apple banana cherry');
    assert.equal(keys.accessTokenText, enc.accessToken);
    assert.equal((await p.decryptSecret(keys, enc.ciphertext)).text, 's3cr3t');
  });

  test('empty passphrase means no passphrase', async () => {
    const a = await p.deriveKeys(K, '');
    const b = await p.deriveKeys(K, null);
    const c = await p.deriveKeys(K);
    assert.equal(a.accessTokenText, VECTORS[0].at);
    assert.equal(b.accessTokenText, VECTORS[0].at);
    assert.equal(c.accessTokenText, VECTORS[0].at);
  });

  test('fresh K and IV every time', async () => {
    const a = await p.encryptSecret('same');
    const b = await p.encryptSecret('same');
    assert.notEqual(a.linkKeyText, b.linkKeyText);
    assert.notEqual(a.ciphertext, b.ciphertext);
    const keys = await p.deriveKeys(K);
    const x = await p.encryptPayload(keys.encryptionKey, p.utf8Encode('x'));
    const y = await p.encryptPayload(keys.encryptionKey, p.utf8Encode('x'));
    assert.notDeepEqual(x.subarray(1, 13), y.subarray(1, 13));
  });

  test('empty text round-trips', async () => {
    const enc = await p.encryptSecret('');
    assert.equal((await p.decryptSecret(enc.keys, enc.ciphertext)).text, '');
  });

  test('unknown envelope fields are preserved', async () => {
    const keys = await p.deriveKeys(K);
    const json = '{"text":"hi","files":[{"name":"a.txt","data":"aGk"}],"future":42}';
    const payload = await p.encryptPayload(keys.encryptionKey, p.utf8Encode(json), IV);
    const env = await p.decryptSecret(keys, payload);
    assert.equal(env.text, 'hi');
    assert.deepEqual(env.files, [{ name: 'a.txt', data: 'aGk' }]);
    assert.equal(env.future, 42);
  });

  test('extra envelope fields can be encrypted', async () => {
    const enc = await p.encryptSecret('t', { envelope: { files: [] } });
    assert.deepEqual(await p.decryptSecret(enc.keys, enc.ciphertext), { files: [], text: 't' });
  });
});

describe('failures', () => {
  test('wrong passphrase fails to decrypt and gives a different access token', async () => {
    const enc = await p.encryptSecret('top secret', { passphrase: 'right words here' });
    const wrong = await p.deriveKeys(enc.linkKey, 'wrong words here');
    assert.notEqual(wrong.accessTokenText, enc.accessToken);
    await assert.rejects(p.decryptSecret(wrong, enc.ciphertext), p.DecryptionError);
  });

  test('missing passphrase fails to decrypt', async () => {
    const enc = await p.encryptSecret('top secret', { passphrase: 'pw' });
    await assert.rejects(p.decryptSecret(await p.deriveKeys(enc.linkKey), enc.ciphertext), p.DecryptionError);
  });

  test('wrong link key fails to decrypt', async () => {
    const enc = await p.encryptSecret('x');
    const other = await p.deriveKeys(p.generateLinkKey());
    await assert.rejects(p.decryptSecret(other, enc.ciphertext), p.DecryptionError);
  });

  test('tampered payload, wrong version, short payload, bad base64url', async () => {
    const keys = await p.deriveKeys(K);
    const good = p.base64urlDecode(VECTORS[0].payload);
    const flipped = good.slice();
    flipped[20] ^= 1;
    await assert.rejects(p.decryptSecret(keys, flipped), p.DecryptionError);
    const version = good.slice();
    version[0] = 2;
    await assert.rejects(p.decryptSecret(keys, version), /version/);
    await assert.rejects(p.decryptSecret(keys, good.subarray(0, 28)), p.DecryptionError);
    await assert.rejects(p.decryptSecret(keys, 'not*base64'), p.DecryptionError);
  });

  test('aad is bound: a payload sealed without the aad does not open', async () => {
    const keys = await p.deriveKeys(K);
    const key = await crypto.subtle.importKey('raw', keys.encryptionKey, 'AES-GCM', false, ['encrypt']);
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: IV }, key, p.utf8Encode(PLAINTEXT)));
    await assert.rejects(p.decryptSecret(keys, p.concatBytes(Uint8Array.of(1), IV, sealed)), p.DecryptionError);
  });

  test('non-envelope plaintext is rejected', async () => {
    const keys = await p.deriveKeys(K);
    for (const body of ['not json', '[1,2]', 'null']) {
      const payload = await p.encryptPayload(keys.encryptionKey, p.utf8Encode(body));
      await assert.rejects(p.decryptSecret(keys, payload), p.DecryptionError);
    }
  });

  test('bad key and IV lengths are rejected', async () => {
    await assert.rejects(p.deriveKeys(new Uint8Array(31)), TypeError);
    const keys = await p.deriveKeys(K);
    await assert.rejects(p.encryptPayload(keys.encryptionKey, p.utf8Encode('x'), new Uint8Array(11)), TypeError);
    await assert.rejects(p.encryptPayload(new Uint8Array(16), p.utf8Encode('x'), IV), TypeError);
  });
});

describe('NFC normalisation', () => {
  test('composed and decomposed passphrases derive the same keys', async () => {
    const composed = 'tr\u00f6ll fjord ski';
    const decomposed = 'tro\u0308ll fjord ski';
    assert.notEqual(composed, decomposed);
    const a = await p.deriveKeys(K, composed);
    const b = await p.deriveKeys(K, decomposed);
    assert.equal(a.accessTokenText, b.accessTokenText);
    assert.equal(p.base64urlEncode(b.encryptionKey), VECTORS[1].ek);
  });

  test('passphraseBytes is NFC UTF-8 and does not trim', () => {
    assert.deepEqual(p.passphraseBytes('e\u0301'), Uint8Array.of(0xc3, 0xa9));
    assert.deepEqual(p.passphraseBytes(' a '), Uint8Array.of(0x20, 0x61, 0x20));
  });

  test('passphrases differing only in whitespace differ', async () => {
    const a = await p.deriveKeys(K, 'a b');
    const b = await p.deriveKeys(K, 'a  b');
    assert.notEqual(a.accessTokenText, b.accessTokenText);
  });
});

describe('base64url', () => {
  test('RFC 4648 vectors, without padding', () => {
    const cases = [['', ''], ['f', 'Zg'], ['fo', 'Zm8'], ['foo', 'Zm9v'], ['foob', 'Zm9vYg'], ['fooba', 'Zm9vYmE'], ['foobar', 'Zm9vYmFy']];
    for (const [plain, enc] of cases) {
      assert.equal(p.base64urlEncode(p.utf8Encode(plain)), enc);
      assert.equal(p.utf8Decode(p.base64urlDecode(enc)), plain);
    }
  });

  test('uses - and _ instead of + and /', () => {
    assert.equal(p.base64urlEncode(Uint8Array.of(0xfb, 0xff, 0xbf)), '-_-_');
    assert.deepEqual(p.base64urlDecode('-_-_'), Uint8Array.of(0xfb, 0xff, 0xbf));
  });

  test('all byte values and lengths 0..64 round-trip', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(p.base64urlDecode(p.base64urlEncode(all)), all);
    for (let n = 0; n <= 64; n++) {
      const b = p.randomBytes(n);
      const e = p.base64urlEncode(b);
      assert.equal(e.length, Math.ceil((n * 4) / 3));
      assert.match(e, /^[A-Za-z0-9_-]*$/);
      assert.deepEqual(p.base64urlDecode(e), b);
    }
  });

  test('rejects padding, standard alphabet, whitespace, bad lengths and non-canonical bits', () => {
    for (const bad of ['Zg==', 'Zm8=', '+/+/', 'ab/c', 'Zm9 v', 'Zm9v\n', 'A', 'AAAAA', 'Zh', 'Zm9', 'é', null, 42]) {
      assert.throws(() => p.base64urlDecode(bad), TypeError, String(bad));
    }
    assert.deepEqual(p.base64urlDecode('Zm8'), p.utf8Encode('fo')); // 'Zm9' is the non-canonical twin
  });

  test('accepts typed array views and ArrayBuffers', () => {
    const buf = new Uint8Array([0, 1, 2, 3, 4]).buffer;
    assert.equal(p.base64urlEncode(new Uint8Array(buf, 1, 3)), 'AQID');
    assert.equal(p.base64urlEncode(buf), 'AAECAwQ');
    assert.throws(() => p.base64urlEncode('text'), TypeError);
  });
});

describe('links', () => {
  const ID = 'AAECAwQFBgcICQoLDA0ODw'; // 16 bytes
  const KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';

  test('formatLink', () => {
    assert.equal(p.formatLink('https://share.example', ID, K), `https://share.example/s/${ID}#${KEY}`);
    assert.equal(p.formatLink('https://share.example/', ID, KEY), `https://share.example/s/${ID}#${KEY}`);
  });

  test('parseLink round-trips', () => {
    const link = p.formatLink('http://127.0.0.1:5000', ID, K);
    const parsed = p.parseLink(link);
    assert.equal(parsed.origin, 'http://127.0.0.1:5000');
    assert.equal(parsed.id, ID);
    assert.deepEqual(parsed.linkKey, K);
  });

  test('parseLink keeps a base path and tolerates surrounding whitespace', () => {
    const parsed = p.parseLink(`  https://x.example/app/s/${ID}#${KEY}\n`);
    assert.equal(parsed.origin, 'https://x.example/app');
    assert.equal(parsed.id, ID);
    assert.deepEqual(parsed.linkKey, K);
  });

  test('parseLink reports missing or invalid parts as null', () => {
    assert.equal(p.parseLink(`https://x.example/s/${ID}`).linkKey, null);
    assert.equal(p.parseLink(`https://x.example/s/${ID}#`).linkKey, null);
    assert.equal(p.parseLink(`https://x.example/s/${ID}#${KEY.slice(1)}`).linkKey, null);
    assert.equal(p.parseLink(`https://x.example/s/short#${KEY}`).id, null);
    assert.equal(p.parseLink(`https://x.example/other#${KEY}`).id, null);
    assert.throws(() => p.parseLink('not a url'), TypeError);
  });

  test('parseLinkKey', () => {
    assert.deepEqual(p.parseLinkKey('#' + KEY), K);
    assert.deepEqual(p.parseLinkKey(KEY), K);
    assert.equal(p.parseLinkKey(''), null);
    assert.equal(p.parseLinkKey('#'), null);
    assert.equal(p.parseLinkKey(undefined), null);
    assert.equal(p.parseLinkKey('#' + KEY + 'A'), null);
    assert.equal(p.parseLinkKey('#' + KEY.slice(0, 42) + '+'), null);
    assert.equal(p.parseLinkKey('#' + KEY.slice(0, 42) + '9'), null); // non-canonical trailing bits
    assert.equal(p.parseLinkKey('#' + KEY + '='), null);
  });

  test('parseSecretPath and isValidId', () => {
    assert.equal(p.parseSecretPath(`/s/${ID}`), ID);
    assert.equal(p.parseSecretPath(`/s/${ID}/`), ID);
    assert.equal(p.parseSecretPath('/s/'), null);
    assert.equal(p.parseSecretPath(`/s/${ID}x`), null);
    assert.equal(p.parseSecretPath(`/x/${ID}`), null);
    assert.equal(p.parseSecretPath(`/s/${ID}/extra`), null);
    assert.equal(p.parseSecretPath(null), null);
    assert.ok(p.isValidId(ID));
    assert.ok(!p.isValidId(ID.slice(0, 21) + 'x')); // non-canonical trailing bits
    assert.ok(!p.isValidId('../../../api/secretsxx'));
  });
});
