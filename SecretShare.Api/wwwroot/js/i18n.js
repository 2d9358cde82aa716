// The web UI's languages (docs/design.md, "Languages"). Every text a page shows comes from a catalogue,
// wwwroot/locales/{code}.json, through i18next (vendored in /lib/i18next, MIT); plurals, numbers, dates and relative
// times come from Intl. The languages offered are listed once, in wwwroot/locales/languages.json, which the server
// reads too: it picks the first page's language from Accept-Language and writes it into <html lang dir>. A choice made
// with the page's language switcher is kept in localStorage and wins over that.
//
// Static text: an element with data-i18n="key" gets t(key) as its text; data-i18n-aria-label, -content, -alt and
// -title do the same for those attributes. Dynamic text: setText(element, () => t(...)) keeps the function, so that a
// change of language renders every such text again in place; a page never reloads (the create page holds its manage
// token and the view page a revealed secret only in memory).
import i18next from '../lib/i18next/i18next.js';

export const FALLBACK_LANGUAGE = 'en';
export const STORAGE_KEY = 'secretshare.language';
const TRANSLATED_ATTRIBUTES = ['aria-label', 'content', 'alt', 'title'];

/** [{ code, name, dir }] from languages.json, in the switcher's order. */
let languages = [];
/** element → () => string: dynamic texts, rendered again on a change of language. */
const bindings = new Map();
/** Functions a page registers to render its own dynamic parts (lists) again on a change of language. */
const listeners = new Set();

/** The text of a catalogue key; options carry placeholders and `count` for plurals. */
export const t = (key, options) => i18next.t(key, options);

/** The page's current language code, such as 'nb'. */
export const currentLanguage = () => i18next.resolvedLanguage || i18next.language || FALLBACK_LANGUAGE;

/** A number in the current language's digits and separators. */
export function formatNumber(value, options) {
  return new Intl.NumberFormat(currentLanguage(), options).format(value);
}

/**
 * The language to use: the stored choice if it is still offered, else the one the server put into <html lang>
 * (negotiated from Accept-Language), else English.
 */
export function pickLanguage(stored, documentLanguage, offered) {
  if (stored && offered.includes(stored)) return stored;
  if (documentLanguage && offered.includes(documentLanguage)) return documentLanguage;
  return FALLBACK_LANGUAGE;
}

/** Sets the element's text from `render` now and after every change of language; null clears it. */
export function setText(element, render) {
  if (!element) return;
  if (typeof render !== 'function') {
    bindings.delete(element);
    element.textContent = render ?? '';
    return;
  }
  bindings.set(element, render);
  element.textContent = render();
}

/** Calls `listener` after every change of language (after the static texts have been translated). */
export function onLanguageChange(listener) {
  listeners.add(listener);
}

/** Translates the static texts (data-i18n attributes) under `root` and renders every bound text again. */
export function translatePage(root = document) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    if (!bindings.has(element)) element.textContent = t(element.dataset.i18n);
  }
  for (const attribute of TRANSLATED_ATTRIBUTES) {
    for (const element of root.querySelectorAll(`[data-i18n-${attribute}]`)) {
      element.setAttribute(attribute, t(element.getAttribute(`data-i18n-${attribute}`)));
    }
  }
  for (const [element, render] of bindings) {
    if (element.isConnected) element.textContent = render();
    else bindings.delete(element);
  }
}

async function loadCatalogue(code) {
  if (i18next.hasResourceBundle?.(code, 'translation')) return;
  const response = await fetch(`/locales/${encodeURIComponent(code)}.json`, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${code}.json: HTTP ${response.status}`);
  i18next.addResourceBundle(code, 'translation', await response.json());
}

function readStoredLanguage() {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null; // storage can be switched off; the negotiated language still works
  }
}

function storeLanguage(code) {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, code);
  } catch {
    // not remembered, but the page still changes
  }
}

function applyDocumentLanguage(code) {
  const entry = languages.find((language) => language.code === code);
  document.documentElement.lang = code;
  document.documentElement.dir = entry?.dir === 'rtl' ? 'rtl' : 'ltr';
}

/** Fills the language switcher (#language-form with #language): one option per language, named in itself. */
function buildSwitcher() {
  const form = document.getElementById('language-form');
  const select = document.getElementById('language');
  if (!form || !select) return;
  select.replaceChildren(...languages.map((language) => {
    const option = document.createElement('option');
    option.value = language.code;
    option.lang = language.code;
    option.dir = language.dir === 'rtl' ? 'rtl' : 'ltr';
    option.textContent = language.name;
    return option;
  }));
  select.value = currentLanguage();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const code = select.value;
    await changeLanguage(code);
    storeLanguage(code);
    const status = document.getElementById('status');
    setText(status, () => t('language.changed'));
  });
}

/** Switches the page to `code` in place: catalogue, <html lang dir>, static and bound texts, listeners. */
export async function changeLanguage(code) {
  await loadCatalogue(code);
  await i18next.changeLanguage(code);
  applyDocumentLanguage(code);
  const select = document.getElementById('language');
  if (select) select.value = code;
  translatePage();
  for (const listener of listeners) listener(code);
}

/**
 * Loads the language list and the page's catalogue (and English, the fallback for a missing key), translates the
 * page and fills the switcher. Every page module awaits this before it renders anything.
 */
export async function initLanguages() {
  const response = await fetch('/locales/languages.json', { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`languages.json: HTTP ${response.status}`);
  languages = await response.json();
  const offered = languages.map((language) => language.code);
  const code = pickLanguage(readStoredLanguage(), document.documentElement.lang, offered);
  await startI18next(code, {});
  await loadCatalogue(FALLBACK_LANGUAGE);
  await changeLanguage(code);
  buildSwitcher();
}

/** Starts i18next in `code` with catalogues already loaded ({ code: catalogue }); the unit tests start it so too. */
export async function startI18next(code, catalogues) {
  await i18next.init({
    lng: code,
    fallbackLng: FALLBACK_LANGUAGE,
    resources: Object.fromEntries(Object.entries(catalogues).map(([language, catalogue]) => [language, { translation: catalogue }])),
    partialBundledLanguages: true,
    // Texts only ever reach the page through textContent and setAttribute, never as HTML.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
}
