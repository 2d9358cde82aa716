// No user-visible text in the web UI's HTML or JavaScript outside the catalogues (wwwroot/locales): the pages mark
// where a text goes (data-i18n) and the scripts name catalogue keys. Run: node --test SecretShare.Tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'acorn';

// WWWROOT (a folder URL) points the checks at another copy of the pages, to see them fail on one with text in it.
const wwwroot = process.env.WWWROOT ? new URL(process.env.WWWROOT) : new URL('../../SecretShare.Api/wwwroot/', import.meta.url);
const scripts = new URL('js/', wwwroot);

/** Attributes a browser shows or reads out. */
const VISIBLE_ATTRIBUTES = ['alt', 'title', 'aria-label', 'placeholder', 'aria-description', 'aria-valuetext', 'label'];

/** The user-visible texts written into an HTML page. */
export function textsInHtml(html) {
  const found = [];
  const withoutCode = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, '');
  for (const [, text] of withoutCode.matchAll(/>([^<]+)</g)) {
    if (/\p{L}/u.test(text)) found.push(text.trim());
  }
  for (const [, name, value] of withoutCode.matchAll(/\s([a-z-]+)="([^"]*)"/g)) {
    if (VISIBLE_ATTRIBUTES.includes(name) && /\p{L}/u.test(value)) found.push(`${name}="${value}"`);
  }
  for (const [tag] of withoutCode.matchAll(/<meta\b[^>]*>/g)) {
    const content = tag.match(/\scontent="([^"]*)"/)?.[1];
    if (/name="(description|keywords)"/.test(tag) && content) found.push(tag);
  }
  if (/<title>[^<]*\p{L}/u.test(withoutCode)) found.push('<title>');
  return found;
}

/**
 * Whether a string literal reads as text for people: a capitalised word ("Remove", "Wrong passphrase."), a sentence
 * ending in punctuation, or a phrase of three or more lower-case words ("in less than a minute").
 */
export function looksLikeProse(text) {
  const t = text.trim();
  return /^\p{Lu}\p{Ll}/u.test(t)
    || /\p{L}{2,}\s+\p{L}{2,}.*[.!?…:]$/u.test(t)
    || /^\p{Ll}+(\s+\p{Ll}+){2,}$/u.test(t);
}

/**
 * Technical strings that look like words: DOM and keyboard names, HTTP header names. Each is named by what it is,
 * never shown to anyone.
 */
const TECHNICAL = new Set([
  'Escape', // KeyboardEvent.key
  'Files', // DataTransfer.types entry for dropped files
  'Byte', // qrcode-generator's encoding mode
  'Accept', 'Content-Type', 'Authorization', 'Bearer', // HTTP headers of the API client
  'ApiError', 'DecryptionError', // Error.name
]);

function walk(node, visit, parents = []) {
  if (!node || typeof node.type !== 'string') return;
  visit(node, parents);
  for (const value of Object.values(node)) {
    const children = Array.isArray(value) ? value : [value];
    for (const child of children) if (child && typeof child.type === 'string') walk(child, visit, [...parents, node]);
  }
}

/** The prose-looking string literals of a script, outside developer-only places (exceptions, imports, keys). */
export function textsInScript(source) {
  const found = [];
  walk(parse(source, { ecmaVersion: 'latest', sourceType: 'module' }), (node, parents) => {
    const parent = parents.at(-1);
    let text;
    if (node.type === 'Literal' && typeof node.value === 'string') text = node.value;
    else if (node.type === 'TemplateLiteral') text = node.quasis.map((q) => q.value.cooked).join(' ');
    else return;
    if (['ImportDeclaration', 'ExportNamedDeclaration', 'ExportAllDeclaration', 'ImportExpression'].includes(parent?.type)) return;
    if (parent?.type === 'Property' && parent.key === node) return;
    // An exception's message is for developers: the pages show a catalogue text for every error (describeError).
    if (parents.some((p) => p.type === 'NewExpression' && /Error$/.test(p.callee.name ?? ''))) return;
    if (parents.some((p) => p.type === 'CallExpression' && p.callee.type === 'Super')) return;
    if (parents.some((p) => p.type === 'ClassDeclaration' && /Error$/.test(p.superClass?.name ?? ''))) return;
    if (TECHNICAL.has(text.trim())) return;
    if (looksLikeProse(text)) found.push(text.trim());
  });
  return found;
}

test('the pages hold no text of their own: every text is a data-i18n key', () => {
  const found = readdirSync(wwwroot).filter((name) => name.endsWith('.html'))
    .map((page) => [page, textsInHtml(readFileSync(new URL(page, wwwroot), 'utf8'))])
    .filter(([, texts]) => texts.length > 0);
  assert.deepEqual(Object.fromEntries(found), {});
});

// The passphrase words are data, not text: the web UI and the CLI share the one English list (the create page says so).
const DATA_SCRIPTS = ['wordlist.js'];

test('the scripts hold no text of their own: every text is a catalogue key', () => {
  const found = readdirSync(scripts).filter((name) => name.endsWith('.js') && !DATA_SCRIPTS.includes(name))
    .map((script) => [script, textsInScript(readFileSync(new URL(script, scripts), 'utf8'))])
    .filter(([, texts]) => texts.length > 0);
  assert.deepEqual(Object.fromEntries(found), {});
});

test('the checks find text where there is some', () => {
  assert.deepEqual(textsInHtml('<p class="x">Share a secret</p><img alt="Logo"><meta name="description" content="A page">'),
    ['Share a secret', 'alt="Logo"', '<meta name="description" content="A page">']);
  assert.deepEqual(textsInHtml('<p data-i18n="a.b"></p><input aria-describedby="x">'), []);
  assert.deepEqual(textsInScript("el.textContent = 'Remove'; setStatus(`${n} copied to the clipboard.`); x = 'in less than a minute';"),
    ['Remove', 'copied to the clipboard.', 'in less than a minute']);
  assert.deepEqual(textsInScript("setStatus('create.generated'); throw new Error('Bad input here.'); if (e.key === 'Escape') f('secondary remove-file');"), []);
});
