// Files inside the envelope (docs/design.md, "Files"): reading what the user attached, naming what is received, sizes,
// and downloads. Importable in Node: the DOM is only touched inside downloadFile and fileListItem.
import { formatNumber, t } from './i18n.js';

/** The server's payload limit when GET /api/limits cannot be read (SPEC section 2). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 262144;

// At most this many bytes of UTF-8: under every common file system's limit (255 bytes on Linux, 255 UTF-16 units on Windows).
const MAX_SAFE_NAME_BYTES = 200;
const MAX_KEPT_EXTENSION_LENGTH = 20;
// Control (C0, DEL, C1) and format characters (bidirectional overrides such as U+202E, zero-width characters), line and
// paragraph separators, unpaired surrogates, and the characters Windows forbids in file names.
const UNSAFE_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}<>:"|?*]/gu;
// Names of devices on Windows, whatever the extension: "NUL.txt" opens the null device, not a file.
const WINDOWS_DEVICE_NAME = /^(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9\u00b9\u00b2\u00b3]|LPT[0-9\u00b9\u00b2\u00b3]) *(\.|$)/i;
const utf8Length = (text) => new TextEncoder().encode(text).length;
const trimDotsAndSpaces = (text) => text.replace(/^[. ]+/, '').replace(/[. ]+$/, '');

/** The longest prefix of whole text elements (grapheme clusters) that fits in maxBytes of UTF-8. */
function cutToBytes(text, maxBytes) {
  let cut = '';
  for (const { segment } of new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)) {
    if (utf8Length(cut + segment) > maxBytes) break;
    cut += segment;
  }
  return cut;
}

/**
 * The name reduced to one harmless file name, by the same rules as the CLI (SecretFile.SafeFileName): only the part
 * after the last '/' or '\'; without control or format characters, line or paragraph separators, unpaired surrogates
 * or <>:"|?*; without leading dots and spaces or trailing dots and spaces; a Windows device name (CON, NUL.txt) gets a
 * leading '_'; at most 200 bytes of UTF-8, cut between text elements (never inside a surrogate pair or before a
 * combining mark) keeping a short extension. Empty, "." or ".." become `fallback`.
 */
export function safeFileName(name, fallback = 'file') {
  let text = String(name ?? '');
  text = text.slice(Math.max(text.lastIndexOf('/'), text.lastIndexOf('\\')) + 1);
  text = trimDotsAndSpaces(text.replace(UNSAFE_CHARACTERS, ''));
  if (WINDOWS_DEVICE_NAME.test(text)) text = `_${text}`;
  if (utf8Length(text) > MAX_SAFE_NAME_BYTES) {
    const dot = text.lastIndexOf('.');
    const extension = dot > 0 && text.length - dot <= MAX_KEPT_EXTENSION_LENGTH ? text.slice(dot) : '';
    text = trimDotsAndSpaces(cutToBytes(text.slice(0, text.length - extension.length), MAX_SAFE_NAME_BYTES - utf8Length(extension)) + extension);
  }
  return text === '' ? fallback : text;
}

/** "0 bytes", "1 byte", "1,023 bytes", "1.5 kB", "256 kB", "1.2 MB" in the page's language: one decimal at most (1 kB = 1024 bytes). */
export function formatBytes(count) {
  const n = Math.abs(count);
  const [value, unit] = n < 1024 ? [count, 'byte'] : n < 1024 * 1024 ? [count / 1024, 'kilobyte'] : [count / (1024 * 1024), 'megabyte'];
  return formatNumber(value, { style: 'unit', unit, unitDisplay: unit === 'byte' ? 'long' : 'short', maximumFractionDigits: 1 });
}

/**
 * How the envelope stands against the limit: { size, remaining, over } in bytes of payload (envelope + 29).
 * remaining is never negative; over is how much has to go.
 */
export function payloadBudget(envelopeBytes, overhead, maxPayloadBytes) {
  const size = envelopeBytes + overhead;
  return { size, remaining: Math.max(0, maxPayloadBytes - size), over: Math.max(0, size - maxPayloadBytes) };
}

/** Reads a File (picker or drop) into { name, type, bytes }. The name is the file's own, the path is never known. */
export async function readAttachment(file) {
  return { name: safeFileName(file.name), type: file.type || 'application/octet-stream', bytes: new Uint8Array(await file.arrayBuffer()) };
}

/**
 * A list item for a file: "name (size)" and one button labelled `label`, whose accessible name `namedLabel` names
 * the file ("Remove x.txt"). Used for attached files (create page) and received ones (view page); both pages draw
 * their lists again when the language changes.
 */
export function fileListItem(name, size, { label, namedLabel, className, onClick }) {
  const item = document.createElement('li');
  const text = document.createElement('span');
  text.className = 'file-name';
  text.textContent = t('files.item', { name, size: formatBytes(size) });
  const button = document.createElement('button');
  button.type = 'button';
  button.className = className;
  button.textContent = label;
  button.setAttribute('aria-label', namedLabel);
  button.addEventListener('click', onClick);
  item.append(text, button);
  return item;
}

/**
 * Saves received bytes through the browser's download, never displaying them: the Blob is always
 * application/octet-stream (the sender's declared type is not trusted) and the name is made safe.
 */
export function downloadFile({ name, bytes }) {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = safeFileName(name);
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started once click() returns; the URL is released after the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
