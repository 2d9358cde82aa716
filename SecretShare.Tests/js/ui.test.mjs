// Unit tests for the text helpers of ui.js, in English, Norwegian Bokmål and Arabic. Run: node --test SecretShare.Tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRelative, formatExpiry, formatViewsLeft, formatAttempts, formatDuration, formatList } from '../../SecretShare.Api/wwwroot/js/ui.js';
import { pickLanguage } from '../../SecretShare.Api/wwwroot/js/i18n.js';
import { useLanguage } from './catalogues.mjs';

const NOW = Date.parse('2030-01-01T12:00:00Z');
const at = (s) => new Date(NOW + s * 1000).toISOString();

test('formatRelative picks readable units', async () => {
  await useLanguage('en');
  assert.equal(formatRelative(at(-5), NOW), 'expired');
  assert.equal(formatRelative(at(0), NOW), 'expired');
  assert.equal(formatRelative(at(30), NOW), 'in less than a minute');
  assert.equal(formatRelative(at(90), NOW), 'in 2 minutes');
  assert.equal(formatRelative(at(3600), NOW), 'in 1 hour');
  assert.equal(formatRelative(at(3590), NOW), 'in 1 hour');
  assert.equal(formatRelative(at(86400), NOW), 'in 24 hours');
  assert.equal(formatRelative(at(36 * 3600), NOW), 'in 36 hours');
  assert.equal(formatRelative(at(7 * 86400), NOW), 'in 7 days');
  assert.equal(formatRelative('not a date', NOW), '');
});

test('formatExpiry combines local time and relative time', async () => {
  await useLanguage('en');
  assert.match(formatExpiry(at(3600), NOW), /^Expires .+2030.+ \(in 1 hour\)\.$/);
  await useLanguage('nb');
  assert.match(formatExpiry(at(3 * 86400), NOW), /^Utløper .+2030.+ \(om 3 døgn\)\.$/);
});

test('views and attempts use the language\'s plural rules', async () => {
  await useLanguage('en');
  assert.equal(formatViewsLeft(1), '1 view left.');
  assert.equal(formatViewsLeft(0), '0 views left.');
  assert.equal(formatViewsLeft(5), '5 views left.');
  assert.equal(formatViewsLeft(null), 'Unlimited views until it expires.');
  assert.equal(formatAttempts(1), '1 attempt left.');
  assert.equal(formatAttempts(4), '4 attempts left.');
  await useLanguage('nb');
  assert.equal(formatViewsLeft(1), '1 visning igjen.');
  assert.equal(formatViewsLeft(2), '2 visninger igjen.');
  await useLanguage('pl');
  // Polish: one, few (2-4), many (5-21), few again (22-24)
  const pl = [1, 2, 5, 22].map(formatViewsLeft);
  assert.equal(new Set(pl.map((text) => text.replace(/[\d\s]/g, ''))).size, 3, pl.join(' | '));
  await useLanguage('ar');
  // Arabic has six plural forms: 0, 1, 2, 3-10, 11-99 and 100 all read differently.
  const ar = [0, 1, 2, 3, 11, 100].map(formatViewsLeft);
  assert.equal(new Set(ar.map((text) => text.replace(/[\d\u0660-\u0669\s٬,]/g, ''))).size, 6, ar.join(' | '));
  await useLanguage('en');
});

test('durations, lists and numbers come from Intl in the page\'s language', async () => {
  await useLanguage('en');
  assert.deepEqual([3600, 86400, 604800, 2592000].map(formatDuration), ['1 hour', '1 day', '7 days', '30 days']);
  assert.equal(formatList(['a.txt', 'b.txt', 'c.txt']), 'a.txt, b.txt, and c.txt');
  await useLanguage('nb');
  assert.equal(formatDuration(3600), '1 time');
  assert.equal(formatList(['a.txt', 'b.txt']), 'a.txt og b.txt');
  await useLanguage('en');
});

test('the stored choice wins over the page\'s negotiated language, if it is still offered', () => {
  const offered = ['en', 'nb', 'ar'];
  assert.equal(pickLanguage('ar', 'nb', offered), 'ar');
  assert.equal(pickLanguage(null, 'nb', offered), 'nb');
  assert.equal(pickLanguage('xx', 'nb', offered), 'nb');
  assert.equal(pickLanguage(null, 'xx', offered), 'en');
});
