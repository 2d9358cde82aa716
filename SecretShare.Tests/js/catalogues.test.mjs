// The web UI's message catalogues (wwwroot/locales): every language has exactly English's keys, the plural forms its
// own plural rules ask for (Intl.PluralRules) and the same placeholders; every key the pages use exists.
// Run: node --test SecretShare.Tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { catalogue, languages, localesUrl } from './catalogues.mjs';

const wwwroot = new URL('../../SecretShare.Api/wwwroot/', import.meta.url);
const PLURAL = /_(zero|one|two|few|many|other)$/;

/** { 'create.heading': 'Share a secret', ... } */
function flatten(object, prefix = '', into = {}) {
  for (const [name, value] of Object.entries(object)) {
    if (value !== null && typeof value === 'object') flatten(value, `${prefix}${name}.`, into);
    else into[prefix + name] = value;
  }
  return into;
}

/** Plain keys, and plural keys grouped by their base: { plain: Set, plurals: Map(base → Set(category)) }. */
function shape(texts) {
  const plain = new Set();
  const plurals = new Map();
  for (const key of Object.keys(texts)) {
    const match = key.match(PLURAL);
    if (!match) plain.add(key);
    else plurals.set(key.slice(0, match.index), (plurals.get(key.slice(0, match.index)) ?? new Set()).add(match[1]));
  }
  return { plain, plurals };
}

/** The names of the {{placeholders}} in a text ({{count, number}} is 'count'). */
const placeholders = (text) => new Set([...String(text).matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1]));
const sorted = (set) => [...set].sort();

const english = flatten(catalogue('en'));
const englishShape = shape(english);

test('languages.json lists each catalogue once, English first, at least twelve languages and one right-to-left', () => {
  const codes = languages.map((language) => language.code);
  assert.equal(codes[0], 'en');
  assert.equal(new Set(codes).size, codes.length);
  assert.ok(codes.length >= 12, `${codes.length} languages`);
  assert.ok(languages.some((language) => language.dir === 'rtl'));
  for (const language of languages) {
    assert.ok(['ltr', 'rtl'].includes(language.dir), language.code);
    assert.equal(Intl.getCanonicalLocales(language.code)[0], language.code);
    assert.ok(language.name.trim().length > 1, language.code);
  }
  const files = readdirSync(localesUrl).filter((name) => name !== 'languages.json');
  assert.deepEqual(files.sort(), codes.map((code) => `${code}.json`).sort());
});

for (const { code } of languages) {
  const texts = flatten(catalogue(code));
  const { plain, plurals } = shape(texts);
  const categories = new Set(new Intl.PluralRules(code).resolvedOptions().pluralCategories);

  test(`${code}: exactly English's keys`, () => {
    assert.deepEqual(sorted(plain), sorted(englishShape.plain));
    assert.deepEqual(sorted(plurals.keys()), sorted(englishShape.plurals.keys()));
  });

  test(`${code}: every plural has exactly the forms of ${code}'s plural rules (${sorted(categories).join(', ')})`, () => {
    for (const [base, forms] of plurals) assert.deepEqual(sorted(forms), sorted(categories), base);
  });

  test(`${code}: every text is a non-empty string with English's placeholders and no markup`, () => {
    for (const [key, text] of Object.entries(texts)) {
      assert.equal(typeof text, 'string', key);
      assert.ok(text.trim() !== '', key);
      assert.doesNotMatch(text, /<[a-z/]/i, key);
      const match = key.match(PLURAL);
      if (!match) {
        assert.deepEqual(sorted(placeholders(text)), sorted(placeholders(english[key])), key);
        continue;
      }
      // A plural form may spell its number out ("once", the Arabic dual), so only `count` may be left out.
      const base = key.slice(0, match.index);
      const expected = placeholders(english[`${base}_other`]);
      const found = placeholders(text);
      const withoutCount = (set) => sorted([...set].filter((name) => name !== 'count'));
      assert.deepEqual(withoutCount(found), withoutCount(expected), key);
      if (['few', 'many', 'other'].includes(match[1]) && expected.has('count')) assert.ok(found.has('count'), `${key} needs {{count}}`);
    }
  });
}

test('every key the pages use exists in English, and static texts have no placeholders', () => {
  const known = (key) => key in english || englishShape.plurals.has(key);
  for (const page of readdirSync(wwwroot).filter((name) => name.endsWith('.html'))) {
    const html = readFileSync(new URL(page, wwwroot), 'utf8');
    for (const [, key] of html.matchAll(/\sdata-i18n(?:-[a-z-]+)?="([^"]+)"/g)) {
      assert.ok(key in english, `${page}: ${key}`);
      assert.equal(placeholders(english[key]).size, 0, `${page}: ${key} is static text`);
    }
  }
  const namespaces = Object.keys(catalogue('en')).join('|');
  const keyLike = new RegExp(`^(${namespaces})\\.[\\w.]+$`);
  const scripts = new URL('js/', wwwroot);
  for (const script of readdirSync(scripts)) {
    const source = readFileSync(new URL(script, scripts), 'utf8');
    for (const [, literal] of source.matchAll(/'([^'\n]+)'/g)) {
      if (keyLike.test(literal)) assert.ok(known(literal), `${script}: ${literal}`);
    }
  }
  // Keys built from a value: each value the code can produce.
  for (const what of ['link', 'statusLink', 'passphrase', 'secret']) for (const outcome of ['copied', 'selected']) assert.ok(known(`copy.${what}.${outcome}`));
  for (const what of ['fillInLink', 'inboxLink']) for (const outcome of ['copied', 'selected']) assert.ok(known(`request.copy.${what}.${outcome}`));
  for (const type of ['created', 'answered', 'viewed', 'burned', 'deleted', 'expired', 'unknown']) assert.ok(known(`inbox.events.${type}`));
  for (const state of ['active', 'burned', 'deleted', 'expired']) assert.ok(known(`status.states.${state}`));
  for (const field of ['ciphertext', 'expiresInSeconds', 'maxViews', 'addSeconds', 'addViews']) assert.ok(known(`errors.field.${field}`));
});
