// Unit tests for the pure text helpers of ui.js. Run: node --test SecretShare.Tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRelative, formatExpiry, formatViewsLeft, formatAttempts } from '../../SecretShare.Api/wwwroot/js/ui.js';

const NOW = Date.parse('2030-01-01T12:00:00Z');
const at = (s) => new Date(NOW + s * 1000).toISOString();

test('formatRelative picks readable units', () => {
  assert.equal(formatRelative(at(-5), NOW, 'en'), 'expired');
  assert.equal(formatRelative(at(0), NOW, 'en'), 'expired');
  assert.equal(formatRelative(at(30), NOW, 'en'), 'in less than a minute');
  assert.equal(formatRelative(at(90), NOW, 'en'), 'in 2 minutes');
  assert.equal(formatRelative(at(3600), NOW, 'en'), 'in 1 hour');
  assert.equal(formatRelative(at(3590), NOW, 'en'), 'in 1 hour');
  assert.equal(formatRelative(at(86400), NOW, 'en'), 'in 24 hours');
  assert.equal(formatRelative(at(36 * 3600), NOW, 'en'), 'in 36 hours');
  assert.equal(formatRelative(at(7 * 86400), NOW, 'en'), 'in 7 days');
  assert.equal(formatRelative('not a date', NOW, 'en'), '');
});

test('formatExpiry combines local time and relative time', () => {
  const text = formatExpiry(at(3600), NOW, 'en');
  assert.match(text, /^Expires .+2030.+ \(in 1 hour\)\.$/);
});

test('views and attempts use the right plural', () => {
  assert.equal(formatViewsLeft(1), '1 view left');
  assert.equal(formatViewsLeft(0), '0 views left');
  assert.equal(formatViewsLeft(5), '5 views left');
  assert.equal(formatViewsLeft(null), 'Unlimited views until it expires');
  assert.equal(formatAttempts(1), '1 attempt left');
  assert.equal(formatAttempts(4), '4 attempts left');
});
