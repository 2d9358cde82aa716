// Unit tests for files in the envelope, the room left under the payload limit, safe names and the QR encoder.
//   node --test SecretShare.Tests/js/
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as p from '../../SecretShare.Api/wwwroot/js/protocol.js';
import { safeFileName, formatBytes, payloadBudget, readAttachment, DEFAULT_MAX_PAYLOAD_BYTES } from '../../SecretShare.Api/wwwroot/js/files.js';
import { qrModules } from '../../SecretShare.Api/wwwroot/js/qr.js';
import { useLanguage } from './catalogues.mjs';

await useLanguage('en');

const bytes = (...values) => Uint8Array.from(values);

describe('envelope with files', () => {
  test('files travel as {name, type, data: base64url} and come back as bytes', async () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const files = [p.encodeFile({ name: 'all.bin', type: '', bytes: all }), p.encodeFile({ name: 'a.txt', type: 'text/plain', bytes: bytes() })];
    assert.deepEqual(files[0], { name: 'all.bin', type: 'application/octet-stream', data: p.base64urlEncode(all) });
    assert.doesNotMatch(files[0].data, /[+/=]/);

    const encrypted = await p.encryptSecret('note', { passphrase: 'pw', envelope: { files } });
    const envelope = await p.decryptSecret(encrypted.keys, encrypted.ciphertext);
    assert.equal(envelope.text, 'note');
    assert.deepEqual(p.envelopeFiles(envelope), [
      { name: 'all.bin', type: 'application/octet-stream', bytes: all },
      { name: 'a.txt', type: 'text/plain', bytes: bytes() },
    ]);
  });

  test('without files the envelope is the text alone (the SPEC vectors)', () => {
    assert.equal(p.utf8Decode(p.encodeEnvelope({ text: 'x' })), '{"text":"x"}');
    assert.deepEqual(p.envelopeFiles(p.decodeEnvelope(p.utf8Encode('{"text":"x"}'))), []);
  });

  test('what the C# client writes is read, unknown fields included', () => {
    const json = '{"text":"t","files":[{"name":"a.bin","data":"AP8","future":1}],"future":true}';
    const envelope = p.decodeEnvelope(p.utf8Encode(json));
    assert.deepEqual(p.envelopeFiles(envelope), [{ name: 'a.bin', type: null, bytes: bytes(0, 255) }]);
  });

  for (const json of [
    '{"text":"","files":[{"name":"a"}]}',
    '{"text":"","files":[{"data":"AA"}]}',
    '{"text":"","files":[{"name":"a","data":"AA=="}]}',
    '{"text":"","files":[{"name":"a","data":"A+/A"}]}',
    '{"text":"","files":[null]}',
    '{"text":"","files":{}}',
  ]) {
    test(`invalid files are a DecryptionError: ${json}`, () => {
      assert.throws(() => p.decodeEnvelope(p.utf8Encode(json)), p.DecryptionError);
    });
  }
});

describe('room left under the limit', () => {
  const texts = ['', 'plain', 'quote " backslash \\ newline \n tab \t', 'ä ö ü € 🔑', '\u0001\u001f\u2028</script>'];
  const fileSets = [
    [],
    [p.encodeFile({ name: 'a.bin', type: 'application/octet-stream', bytes: bytes(1, 2, 3) })],
    [p.encodeFile({ name: 'naïve "q".txt', type: 'text/plain; charset=utf-8', bytes: new Uint8Array(1000) }), p.encodeFile({ name: 'e', bytes: bytes() })],
  ];
  for (const text of texts) {
    for (const files of fileSets) {
      test(`envelopeSize is the encoded size: ${JSON.stringify(text)} with ${files.length} file(s)`, () => {
        const envelope = files.length > 0 ? { text, files } : { text };
        assert.equal(p.envelopeSize(text, p.filesJsonSize(files)), p.encodeEnvelope(envelope).length);
      });
    }
  }

  test('the budget counts the 29 bytes of encryption and says exactly how much is over', () => {
    assert.equal(p.PAYLOAD_OVERHEAD, 29);
    const fits = 'x'.repeat(DEFAULT_MAX_PAYLOAD_BYTES - 29 - 11);
    assert.deepEqual(payloadBudget(p.envelopeSize(fits), p.PAYLOAD_OVERHEAD, DEFAULT_MAX_PAYLOAD_BYTES), { size: 262144, remaining: 0, over: 0 });
    assert.deepEqual(payloadBudget(p.envelopeSize(`${fits}y`), p.PAYLOAD_OVERHEAD, DEFAULT_MAX_PAYLOAD_BYTES), { size: 262145, remaining: 0, over: 1 });
    assert.deepEqual(payloadBudget(p.envelopeSize(''), p.PAYLOAD_OVERHEAD, 1000), { size: 40, remaining: 960, over: 0 });
  });

  test('a file grows by a third once encoded', () => {
    const files = [p.encodeFile({ name: 'f', type: 'x', bytes: new Uint8Array(3000) })];
    assert.equal(p.filesJsonSize(files), '[{"name":"f","type":"x","data":""}]'.length + 4000);
  });

  test('the actual payload has the computed size', async () => {
    const files = [p.encodeFile({ name: 'z', bytes: new Uint8Array(777) })];
    const encrypted = await p.encryptSecret('ä', { envelope: { files } });
    assert.equal(encrypted.payload.length, p.envelopeSize('ä', p.filesJsonSize(files)) + p.PAYLOAD_OVERHEAD);
  });

  test('formatBytes', () => {
    assert.equal(formatBytes(0), '0 bytes');
    assert.equal(formatBytes(1), '1 byte');
    assert.equal(formatBytes(1023), '1,023 bytes');
    assert.equal(formatBytes(1536), '1.5 kB');
    assert.equal(formatBytes(262144), '256 kB');
    assert.equal(formatBytes(300000), '293 kB');
    assert.equal(formatBytes(262104), '256 kB');
    assert.equal(formatBytes(3 * 1024 * 1024), '3 MB');
  });
});

describe('file names', () => {
  // The same cases as the C# SecretFile.SafeFileName tests: both clients name received files alike.
  const cases = [
    ['report.pdf', 'report.pdf'],
    ['../x', 'x'],
    ['/etc/passwd', 'passwd'],
    ['..\\..\\Windows\\win.ini', 'win.ini'],
    ['..', 'file'],
    ['', 'file'],
    ['  .hidden ', 'hidden'],
    ['a\u0000b\u001fc\u007f<>:"|?*.txt', 'abc.txt'],
    ['trailing. . ', 'trailing'],
    ['café 🔑.txt', 'café 🔑.txt'],
    // A hostile sender: Windows devices, names that read differently than they are, broken text.
    ['NUL.txt', '_NUL.txt'],
    ['con', '_con'],
    ['Com1 .tar.gz', '_Com1 .tar.gz'],
    ['LPT\u00b9', '_LPT\u00b9'],
    ['CONIN$', '_CONIN$'],
    ['COM10.txt', 'COM10.txt'],
    ['console.log', 'console.log'],
    ['invoice\u202efdp.exe', 'invoicefdp.exe'],
    ['a\u200b\u200d\u2066b\ufeff\u00ad\u061c.txt', 'ab.txt'],
    ['x\ud800y\udc00.txt', 'xy.txt'],
    ['a\u2028b\u2029c\u0085', 'abc'],
    ['\u202e.bashrc', 'bashrc'],
  ];
  for (const [name, expected] of cases) {
    test(`safeFileName(${JSON.stringify(name)}) = ${JSON.stringify(expected)}`, () => {
      assert.equal(safeFileName(name), expected);
    });
  }

  test('long names are cut to 200 characters keeping the extension', () => {
    const safe = safeFileName(`${'a'.repeat(300)}.tar.gz`);
    assert.equal(safe.length, 200);
    assert.ok(safe.endsWith('aaa.gz'));
  });

  // Cut between text elements, within 200 bytes of UTF-8: never half a surrogate pair, a flag or a combining sequence.
  const cuts = [
    ['surrogate pairs', `${'a'.repeat(195)}${'\u{1F511}'.repeat(3)}.txt`, `${'a'.repeat(195)}.txt`],
    ['combining marks', `${'e\u0301'.repeat(100)}.txt`, `${'e\u0301'.repeat(65)}.txt`],
    ['flags', '\u{1F1E9}\u{1F1EA}'.repeat(30), '\u{1F1E9}\u{1F1EA}'.repeat(25)],
    ['CJK', '\u6587'.repeat(100), '\u6587'.repeat(66)],
  ];
  for (const [what, name, expected] of cuts) {
    test(`long names are cut by text element: ${what}`, () => {
      assert.equal(safeFileName(name), expected);
      assert.ok(new TextEncoder().encode(safeFileName(name)).length <= 200);
    });
  }

  test('readAttachment takes the bytes, a safe name and a type', async () => {
    const file = new File([bytes(1, 2, 3)], '../up.bin');
    assert.deepEqual(await readAttachment(file), { name: 'up.bin', type: 'application/octet-stream', bytes: bytes(1, 2, 3) });
  });
});

describe('QR code', () => {
  test('the vendored encoder is the npm package, unchanged', async () => {
    const vendored = await readFile(new URL('../../SecretShare.Api/wwwroot/lib/qrcode-generator/qrcode.mjs', import.meta.url));
    const published = await readFile(new URL('../../node_modules/qrcode-generator/dist/qrcode.mjs', import.meta.url));
    assert.ok(vendored.equals(published));
  });

  test('a share link fits a small symbol with the finder patterns in place', () => {
    const link = `https://secrets.example.com/s/${'A'.repeat(22)}#${'k'.repeat(43)}`;
    const modules = qrModules(link);
    assert.equal((modules.size - 17) % 4, 0);
    assert.ok(modules.size <= 57, `version ${(modules.size - 17) / 4} is larger than needed`);
    // The top-left finder pattern: a dark 7x7 ring around a light ring around a dark 3x3 core.
    for (let i = 0; i < 7; i++) {
      assert.ok(modules.isDark(0, i) && modules.isDark(6, i) && modules.isDark(i, 0) && modules.isDark(i, 6));
    }
    assert.ok(!modules.isDark(1, 1) && modules.isDark(3, 3));
  });
});
