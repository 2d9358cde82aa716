// Unit tests for the passphrase word list and generator. Run: node --test SecretShare.Tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WORDS, randomIndex, generateWords, generatePassphrase, passphraseEntropyBits } from '../../SecretShare.Api/wwwroot/js/wordlist.js';

test('at least 2048 words', () => {
  assert.ok(WORDS.length >= 2048, `only ${WORDS.length} words`);
});

test('words are unique, short, lowercase a-z, sorted and frozen', () => {
  assert.equal(new Set(WORDS).size, WORDS.length);
  for (const w of WORDS) assert.match(w, /^[a-z]{3,8}$/, w);
  assert.deepEqual([...WORDS].sort(), [...WORDS]);
  assert.ok(Object.isFrozen(WORDS));
});

test('a 5-word passphrase carries at least 55 bits', () => {
  assert.ok(passphraseEntropyBits(5) >= 55);
});

test('generatePassphrase gives 5 list words joined by spaces or a chosen separator', () => {
  const words = generatePassphrase().split(' ');
  assert.equal(words.length, 5);
  for (const w of words) assert.ok(WORDS.includes(w), w);
  const hyphen = generatePassphrase({ separator: '-', words: 6 }).split('-');
  assert.equal(hyphen.length, 6);
  for (const w of hyphen) assert.ok(WORDS.includes(w), w);
});

test('generated passphrases differ (CSPRNG)', () => {
  const seen = new Set();
  for (let i = 0; i < 50; i++) seen.add(generatePassphrase());
  assert.equal(seen.size, 50);
});

test('passphrases are already NFC and ASCII', () => {
  const p = generatePassphrase();
  assert.equal(p, p.normalize('NFC'));
  assert.match(p, /^[a-z ]+$/);
});

test('randomIndex rejects draws at or above the largest multiple of n (no modulo bias)', () => {
  const n = 3; // 2^32 % 3 = 1, so limit = 2^32 - 1 and the draw 0xffffffff must be rejected
  const draws = [0xffffffff, 0xffffffff, 7];
  let calls = 0;
  const fill = (a) => { a[0] = draws[calls++]; return a; };
  assert.equal(randomIndex(n, fill), 7 % 3);
  assert.equal(calls, 3);
});

test('randomIndex with the word list size rejects the biased tail', () => {
  const n = WORDS.length;
  const limit = Math.floor(2 ** 32 / n) * n;
  const draws = [limit, limit + 1, limit - 1];
  let calls = 0;
  const fill = (a) => { a[0] = draws[calls++]; return a; };
  assert.equal(randomIndex(n, fill), (limit - 1) % n);
  assert.equal(calls, 3);
});

test('randomIndex stays in range and covers small ranges', () => {
  const counts = new Array(7).fill(0);
  for (let i = 0; i < 7000; i++) counts[randomIndex(7)]++;
  for (const c of counts) assert.ok(c > 700 && c < 1300, String(counts));
  assert.equal(randomIndex(1), 0);
  assert.throws(() => randomIndex(0), RangeError);
  assert.throws(() => randomIndex(1.5), RangeError);
});

test('generateWords uses the injected random source', () => {
  const fill = (a) => { a[0] = 0; return a; };
  assert.deepEqual(generateWords(5, fill), new Array(5).fill(WORDS[0]));
});
