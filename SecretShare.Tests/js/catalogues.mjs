// Helpers for the unit tests: the web UI's catalogues and language list, read from wwwroot/locales, and i18next started
// in a language the way the pages start it (i18n.js).
import { readFileSync } from 'node:fs';
import { startI18next } from '../../SecretShare.Api/wwwroot/js/i18n.js';

export const localesUrl = new URL('../../SecretShare.Api/wwwroot/locales/', import.meta.url);

/** [{ code, name, dir }] from languages.json. */
export const languages = JSON.parse(readFileSync(new URL('languages.json', localesUrl), 'utf8'));

/** The catalogue of a language, as parsed JSON. */
export function catalogue(code) {
  return JSON.parse(readFileSync(new URL(`${code}.json`, localesUrl), 'utf8'));
}

/** Starts i18next in `code` (with English as the fallback), as a page does. */
export async function useLanguage(code) {
  await startI18next(code, { en: catalogue('en'), [code]: catalogue(code) });
}
