// Files inside the envelope (docs/design.md, "Files"): reading what the user attached, naming what is received, sizes,
// and downloads. Importable in Node: the DOM is only touched inside downloadFile and fileListItem.
import { formatNumber, t } from './i18n.js';

/** The server's payload limit when GET /api/limits cannot be read (SPEC section 2). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 262144;

const MAX_SAFE_NAME_LENGTH = 200;
// Control characters (C0, DEL, C1) and the characters Windows forbids in file names.
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f<>:"|?*]/g;

/**
 * The name reduced to one harmless file name, by the same rules as the CLI (SecretFile.SafeFileName): only the part
 * after the last '/' or '\', without control characters or <>:"|?*, without leading dots and spaces or trailing dots
 * and spaces, at most 200 characters (keeping a short extension). Empty, "." or ".." become `fallback`.
 */
export function safeFileName(name, fallback = 'file') {
  let text = String(name ?? '');
  text = text.slice(Math.max(text.lastIndexOf('/'), text.lastIndexOf('\\')) + 1);
  text = text.replace(UNSAFE_CHARACTERS, '').replace(/^[. ]+/, '').replace(/[. ]+$/, '');
  if (text.length > MAX_SAFE_NAME_LENGTH) {
    const dot = text.lastIndexOf('.');
    const extension = dot > 0 && text.length - dot <= 20 ? text.slice(dot) : '';
    text = text.slice(0, MAX_SAFE_NAME_LENGTH - extension.length) + extension;
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
