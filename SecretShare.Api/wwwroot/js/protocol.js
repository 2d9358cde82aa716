// SecretShare client protocol v1 (SPEC section 1). Pure ES module: no DOM access, no globals besides
// globalThis.crypto (WebCrypto), TextEncoder and TextDecoder, so it runs in browsers and in Node 20+.
// It touches no page elements (element ids are documented in create.js and view.js).
//
//   K  = 32 random bytes (lives only in the link fragment)
//   S  = PBKDF2-HMAC-SHA256(UTF-8(NFC(P)), salt = K, 600000 iterations, 32 bytes), or empty without P
//   M  = K || S
//   EK = HKDF-SHA256(ikm = M, salt = empty, info = "secretshare v1 encrypt", 32 bytes)
//   AT = HKDF-SHA256(ikm = M, salt = empty, info = "secretshare v1 access", 32 bytes)
//   payload = 0x01 || IV(12) || AES-256-GCM(EK, IV, plaintext, aad = "secretshare v1") (tag appended)
//   plaintext = UTF-8 JSON envelope {"text": "...", "files": [{"name", "type", "data": base64url}]}, files left
//   out when there are none (docs/design.md, "Files"); link = {origin}/s/{id}#{base64url(K)}

export const PROTOCOL_VERSION = 1;
export const KEY_LENGTH = 32;
export const IV_LENGTH = 12;
export const TAG_LENGTH = 16;
export const ID_LENGTH = 16;
export const PBKDF2_ITERATIONS = 600000;
export const INFO_ENCRYPT = 'secretshare v1 encrypt';
export const INFO_ACCESS = 'secretshare v1 access';
export const AAD = 'secretshare v1';
/** Bytes that encryption adds to the envelope (version, IV, tag); the server's payload limit counts them. */
export const PAYLOAD_OVERHEAD = 1 + IV_LENGTH + TAG_LENGTH;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/** Thrown when a payload cannot be decrypted (wrong key or passphrase, or tampered data). */
export class DecryptionError extends Error {
  constructor(message = 'The secret could not be decrypted.') {
    super(message);
    this.name = 'DecryptionError';
  }
}

function subtle() {
  const c = globalThis.crypto;
  if (!c || !c.subtle) {
    throw new Error('WebCrypto is not available (a secure context, HTTPS or localhost, is required).');
  }
  return c.subtle;
}

function toBytes(value, name) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${name} must be a Uint8Array`);
}

/** Encodes bytes as base64url without padding. */
export function base64urlEncode(bytes) {
  const b = toBytes(bytes, 'bytes');
  let out = '';
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const n = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    out += ALPHABET[n >>> 18] + ALPHABET[(n >>> 12) & 63] + ALPHABET[(n >>> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = b.length - i;
  if (rest === 1) {
    const n = b[i] << 16;
    out += ALPHABET[n >>> 18] + ALPHABET[(n >>> 12) & 63];
  } else if (rest === 2) {
    const n = (b[i] << 16) | (b[i + 1] << 8);
    out += ALPHABET[n >>> 18] + ALPHABET[(n >>> 12) & 63] + ALPHABET[(n >>> 6) & 63];
  }
  return out;
}

/**
 * Decodes strict base64url without padding. Rejects padding, the standard alphabet's '+' and '/',
 * whitespace, impossible lengths and non-canonical trailing bits, so that every byte string has exactly
 * one accepted encoding. Throws a TypeError on invalid input.
 */
export function base64urlDecode(text) {
  if (typeof text !== 'string') throw new TypeError('base64url input must be a string');
  const len = text.length;
  if (len % 4 === 1) throw new TypeError('Invalid base64url length');
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? DECODE[c] : -1;
    if (v < 0) throw new TypeError('Invalid base64url character');
    buffer = ((buffer << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >>> bits) & 0xff;
    }
  }
  if (bits > 0 && (buffer & ((1 << bits) - 1)) !== 0) {
    throw new TypeError('Invalid base64url: non-zero trailing bits');
  }
  return out;
}

/** Returns n bytes from the platform CSPRNG. */
export function randomBytes(n) {
  const out = new Uint8Array(n);
  globalThis.crypto.getRandomValues(out);
  return out;
}

/** A fresh 32-byte link key K. */
export function generateLinkKey() {
  return randomBytes(KEY_LENGTH);
}

export function utf8Encode(text) {
  return new TextEncoder().encode(text);
}

export function utf8Decode(bytes) {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** NFC-normalises the passphrase and encodes it as UTF-8. Nothing is trimmed. */
export function passphraseBytes(passphrase) {
  return utf8Encode(String(passphrase).normalize('NFC'));
}

export function concatBytes(...parts) {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Constant-shape comparison of two byte arrays (used by tests and callers; not security critical here). */
export function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** S = PBKDF2-HMAC-SHA256(UTF-8(NFC(P)), salt = K, 600000, 32 bytes). */
export async function derivePassphraseSecret(linkKey, passphrase, iterations = PBKDF2_ITERATIONS) {
  const k = toBytes(linkKey, 'linkKey');
  const base = await subtle().importKey('raw', passphraseBytes(passphrase), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle().deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: k, iterations },
    base,
    KEY_LENGTH * 8,
  );
  return new Uint8Array(bits);
}

/** HKDF-SHA256 to 32 bytes; the secret protocol uses an empty salt, the request protocol its two public keys. */
export async function hkdf(ikm, info, salt = new Uint8Array(0)) {
  const base = await subtle().importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  const bits = await subtle().deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt, info: utf8Encode(info) },
    base,
    KEY_LENGTH * 8,
  );
  return new Uint8Array(bits);
}

/** True when a passphrase is present (null, undefined and the empty string mean "no passphrase"). */
export function hasPassphrase(passphrase) {
  return passphrase !== undefined && passphrase !== null && String(passphrase).length > 0;
}

/**
 * Derives the key material once: { encryptionKey: Uint8Array(32) EK, accessToken: Uint8Array(32) AT,
 * accessTokenText: base64url(AT) }. PBKDF2 (600000 iterations, about half a second) runs only when a
 * passphrase is given.
 */
export async function deriveKeys(linkKey, passphrase) {
  const k = toBytes(linkKey, 'linkKey');
  if (k.length !== KEY_LENGTH) throw new TypeError('The link key must be 32 bytes');
  const s = hasPassphrase(passphrase) ? await derivePassphraseSecret(k, passphrase) : new Uint8Array(0);
  const m = concatBytes(k, s);
  const [encryptionKey, accessToken] = await Promise.all([hkdf(m, INFO_ENCRYPT), hkdf(m, INFO_ACCESS)]);
  m.fill(0);
  s.fill(0);
  return { encryptionKey, accessToken, accessTokenText: base64urlEncode(accessToken) };
}

async function importAesKey(encryptionKey, usage) {
  const ek = toBytes(encryptionKey, 'encryptionKey');
  if (ek.length !== KEY_LENGTH) throw new TypeError('The encryption key must be 32 bytes');
  return subtle().importKey('raw', ek, { name: 'AES-GCM' }, false, [usage]);
}

/** payload = 0x01 || IV || AES-256-GCM(EK, IV, plaintext, aad). `iv` may be injected for tests; a request's answer has its own `aad`. */
export async function encryptPayload(encryptionKey, plaintext, iv = randomBytes(IV_LENGTH), aad = AAD) {
  const ivBytes = toBytes(iv, 'iv');
  if (ivBytes.length !== IV_LENGTH) throw new TypeError('The IV must be 12 bytes');
  const key = await importAesKey(encryptionKey, 'encrypt');
  const sealed = await subtle().encrypt(
    { name: 'AES-GCM', iv: ivBytes, additionalData: utf8Encode(aad), tagLength: TAG_LENGTH * 8 },
    key,
    toBytes(plaintext, 'plaintext'),
  );
  return concatBytes(Uint8Array.of(PROTOCOL_VERSION), ivBytes, new Uint8Array(sealed));
}

/** Inverse of encryptPayload. Throws DecryptionError on a wrong key, tampering or an unknown version. */
export async function decryptPayload(encryptionKey, payload, aad = AAD) {
  const p = toBytes(payload, 'payload');
  if (p.length < 1 + IV_LENGTH + TAG_LENGTH) throw new DecryptionError('The encrypted data is too short.');
  if (p[0] !== PROTOCOL_VERSION) throw new DecryptionError(`Unsupported protocol version ${p[0]}.`);
  const key = await importAesKey(encryptionKey, 'decrypt');
  try {
    const plain = await subtle().decrypt(
      { name: 'AES-GCM', iv: p.subarray(1, 1 + IV_LENGTH), additionalData: utf8Encode(aad), tagLength: TAG_LENGTH * 8 },
      key,
      p.subarray(1 + IV_LENGTH),
    );
    return new Uint8Array(plain);
  } catch {
    throw new DecryptionError();
  }
}

/** Serialises an envelope ({text, files?, ...}) as compact UTF-8 JSON. */
export function encodeEnvelope(envelope) {
  if (!envelope || typeof envelope.text !== 'string') throw new TypeError('The envelope needs a text string');
  return utf8Encode(JSON.stringify(envelope));
}

/** One envelope file entry from { name, type, bytes }: the bytes as unpadded base64url in "data". */
export function encodeFile({ name, type, bytes }) {
  return { name: String(name), type: type ? String(type) : 'application/octet-stream', data: base64urlEncode(bytes) };
}

function invalidEnvelope() {
  return new DecryptionError('The decrypted data is not a valid envelope.');
}

/**
 * The envelope's files as [{ name, type, bytes }] ([] without files). Every entry needs a string name and base64url
 * data; type is optional (null when absent) and unknown fields are ignored. Throws DecryptionError otherwise.
 */
export function envelopeFiles(envelope) {
  if (envelope.files === undefined || envelope.files === null) return [];
  if (!Array.isArray(envelope.files)) throw invalidEnvelope();
  return envelope.files.map((file) => {
    if (!file || typeof file !== 'object' || typeof file.name !== 'string' || typeof file.data !== 'string') throw invalidEnvelope();
    let bytes;
    try {
      bytes = base64urlDecode(file.data);
    } catch {
      throw invalidEnvelope();
    }
    return { name: file.name, type: typeof file.type === 'string' ? file.type : null, bytes };
  });
}

/**
 * The exact UTF-8 size of encodeEnvelope({ text, files }) without encoding the files again: `encodedFiles` are
 * encodeFile() entries, serialised once by the caller. Used to show how much room is left while typing.
 */
export function envelopeSize(text, encodedFilesJsonSize = 0) {
  // {"text":<json text>} or {"text":<json text>,"files":<json files>}
  const textSize = utf8Encode(JSON.stringify(String(text))).length;
  return 9 + textSize + (encodedFilesJsonSize > 0 ? 9 + encodedFilesJsonSize : 0);
}

/** The UTF-8 size of JSON.stringify(encodedFiles), for envelopeSize (0 for no files: "files" is then left out). */
export function filesJsonSize(encodedFiles) {
  return encodedFiles.length === 0 ? 0 : utf8Encode(JSON.stringify(encodedFiles)).length;
}

/** Parses an envelope; unknown fields are preserved on the returned object, files are checked (envelopeFiles). */
export function decodeEnvelope(bytes) {
  let value;
  try {
    value = JSON.parse(utf8Decode(bytes));
  } catch {
    throw new DecryptionError('The decrypted data is not a valid envelope.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new DecryptionError('The decrypted data is not a valid envelope.');
  }
  if (typeof value.text !== 'string') value.text = value.text == null ? '' : String(value.text);
  envelopeFiles(value);
  return value;
}

/**
 * Encrypts a text secret. Options: passphrase, linkKey (inject K for tests), iv (inject IV for tests),
 * envelope (extra envelope fields). Returns { linkKey, linkKeyText, keys, payload, ciphertext,
 * accessToken } where ciphertext and accessToken are base64url strings ready for POST /api/secrets.
 */
export async function encryptSecret(text, options = {}) {
  const linkKey = options.linkKey ? toBytes(options.linkKey, 'linkKey') : generateLinkKey();
  const keys = await deriveKeys(linkKey, options.passphrase);
  const envelope = { ...(options.envelope || {}), text: String(text) };
  const payload = await encryptPayload(keys.encryptionKey, encodeEnvelope(envelope), options.iv);
  return {
    linkKey,
    linkKeyText: base64urlEncode(linkKey),
    keys,
    payload,
    ciphertext: base64urlEncode(payload),
    accessToken: keys.accessTokenText,
  };
}

/** Decrypts a base64url (or raw) payload with derived keys; returns the envelope object. */
export async function decryptSecret(keys, ciphertext, aad = AAD) {
  let payload;
  if (typeof ciphertext === 'string') {
    try {
      payload = base64urlDecode(ciphertext);
    } catch {
      throw new DecryptionError('The encrypted data is not valid base64url.');
    }
  } else {
    payload = toBytes(ciphertext, 'ciphertext');
  }
  return decodeEnvelope(await decryptPayload(keys.encryptionKey, payload, aad));
}

/** A secret id is 16 bytes in canonical base64url: 22 characters. */
export function isValidId(id) {
  if (typeof id !== 'string' || id.length !== 22) return false;
  try {
    return base64urlDecode(id).length === ID_LENGTH;
  } catch {
    return false;
  }
}

/**
 * Parses the link key from a URL fragment ("#abc..." or "abc..."). Returns the 32-byte K or null when
 * it is missing or malformed.
 */
export function parseLinkKey(fragment) {
  if (typeof fragment !== 'string') return null;
  let text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  text = text.trim();
  if (text.length !== 43) return null;
  try {
    const k = base64urlDecode(text);
    return k.length === KEY_LENGTH ? k : null;
  } catch {
    return null;
  }
}

/** Extracts the id from a path like "/s/{id}" (a trailing slash is tolerated). Returns null if invalid. */
export function parseSecretPath(pathname) {
  if (typeof pathname !== 'string') return null;
  const m = /^\/s\/([A-Za-z0-9_-]+)\/?$/.exec(pathname);
  if (!m) return null;
  return isValidId(m[1]) ? m[1] : null;
}

/** Extracts the id from a private status link's path "/status/{id}" (a trailing slash is tolerated). Returns null if invalid. */
export function parseStatusPath(pathname) {
  if (typeof pathname !== 'string') return null;
  const m = /^\/status\/([A-Za-z0-9_-]+)\/?$/.exec(pathname);
  if (!m) return null;
  return isValidId(m[1]) ? m[1] : null;
}

/** Builds the creator's private status link {origin}/status/{id}#{manageToken}: the token only in the fragment. */
export function formatStatusLink(origin, id, manageToken) {
  return `${String(origin).replace(/\/+$/, '')}/status/${encodeURIComponent(id)}#${manageToken}`;
}

/** Builds {origin}/s/{id}#{base64url(K)}. A trailing slash on origin is dropped. */
export function formatLink(origin, id, linkKey) {
  const base = String(origin).replace(/\/+$/, '');
  const key = typeof linkKey === 'string' ? linkKey : base64urlEncode(toBytes(linkKey, 'linkKey'));
  return `${base}/s/${encodeURIComponent(id)}#${key}`;
}

/**
 * Parses a full share link. Returns { origin, id, linkKey } (linkKey null when the fragment is missing
 * or invalid, id null when the path is not /s/{id}); throws TypeError when the text is not a URL.
 */
export function parseLink(link) {
  const url = new URL(String(link).trim());
  const pathMatch = /\/s\/([^/]+)\/?$/.exec(url.pathname);
  const id = pathMatch && isValidId(pathMatch[1]) ? pathMatch[1] : null;
  const prefix = pathMatch ? url.pathname.slice(0, pathMatch.index) : url.pathname.replace(/\/+$/, '');
  return { origin: url.origin + prefix, id, linkKey: parseLinkKey(url.hash) };
}
