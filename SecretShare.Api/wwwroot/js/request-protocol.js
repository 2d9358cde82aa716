// The request protocol (docs/spec.md section 8): a requester's ECDH P-256 key pair, the sender's ephemeral key per
// answer, HKDF-SHA256 and AES-256-GCM, with labels of its own so no key or payload of one protocol is ever valid in
// the other. Byte for byte the same as SecretShare.Client/RequestProtocol.cs (tested with the same vectors).
//   Z  = ECDH(e, Q) = ECDH(d, E)                       (the 32-byte x-coordinate)
//   EK = HKDF-SHA256(ikm = Z, salt = E || Q, info = "secretshare request v1 encrypt " || id, 32)
//   AT = HKDF-SHA256(ikm = Z, salt = E || Q, info = "secretshare request v1 access " || id, 32)
//   payload = 0x01 || IV(12) || AES-256-GCM(EK, IV, envelope, aad = "secretshare request v1 " || id)
import {
  base64urlDecode, base64urlEncode, concatBytes, decodeEnvelope, decryptPayload, encodeEnvelope, encryptPayload, hkdf, isValidId,
  KEY_LENGTH,
} from './protocol.js';

export const INFO_REQUEST_ENCRYPT = 'secretshare request v1 encrypt ';
export const INFO_REQUEST_ACCESS = 'secretshare request v1 access ';
export const AAD_REQUEST = 'secretshare request v1 ';

/** A raw uncompressed P-256 public key: 0x04 || X || Y. */
export const PUBLIC_KEY_LENGTH = 65;

/** A private key as links carry it: d || X || Y (the public half too: WebCrypto cannot compute it from d). */
export const PRIVATE_KEY_LENGTH = 96;

const ECDH = { name: 'ECDH', namedCurve: 'P-256' };

function subtle() {
  if (!globalThis.crypto?.subtle) throw new Error('This browser cannot encrypt here (WebCrypto needs HTTPS).');
  return globalThis.crypto.subtle;
}

/** The fingerprint of a public key, which the fill-in link carries: base64url(SHA-256(Q)). */
export async function fingerprint(publicKey) {
  return base64urlEncode(new Uint8Array(await subtle().digest('SHA-256', publicKey)));
}

/** The public half (65 bytes) of a private key of 96 bytes. */
export function publicKeyOf(privateKey) {
  return concatBytes(Uint8Array.of(4), privateKey.subarray(KEY_LENGTH));
}

function jwk(privateKey) {
  return {
    kty: 'EC', crv: 'P-256', ext: true,
    d: base64urlEncode(privateKey.subarray(0, 32)),
    x: base64urlEncode(privateKey.subarray(32, 64)),
    y: base64urlEncode(privateKey.subarray(64, 96)),
  };
}

/** A fresh key pair as bytes: d || X || Y. */
export async function generateKeyPair() {
  const pair = await subtle().generateKey(ECDH, true, ['deriveBits']);
  const exported = await subtle().exportKey('jwk', pair.privateKey);
  return concatBytes(base64urlDecode(exported.d), base64urlDecode(exported.x), base64urlDecode(exported.y));
}

/** EK and AT of one answer, from our private key (d || X || Y) and the other side's public key (65 bytes). */
export async function deriveAnswerKeys(requestId, ownPrivateKey, otherPublicKey, senderPublicKey, requesterPublicKey) {
  const own = await subtle().importKey('jwk', jwk(ownPrivateKey), ECDH, false, ['deriveBits']);
  const other = await subtle().importKey('raw', otherPublicKey, ECDH, false, []);
  const z = new Uint8Array(await subtle().deriveBits({ name: 'ECDH', public: other }, own, 256));
  const salt = concatBytes(senderPublicKey, requesterPublicKey);
  const [encryptionKey, accessToken] = await Promise.all([
    hkdf(z, INFO_REQUEST_ENCRYPT + requestId, salt),
    hkdf(z, INFO_REQUEST_ACCESS + requestId, salt),
  ]);
  z.fill(0);
  return { encryptionKey, accessToken, accessTokenText: base64urlEncode(accessToken) };
}

/** Thrown when the server's public key is not the one the fill-in link names. */
export class KeyMismatchError extends Error {
  constructor() {
    super('The public key does not match the link.');
    this.name = 'KeyMismatchError';
  }
}

/**
 * The sender's side: checks the requester's public key against the link's fingerprint (refusing to encrypt on a
 * mismatch), then encrypts the envelope to it under a fresh ephemeral key. `ephemeral` and `iv` are for test vectors.
 * Returns the body of POST /api/requests/{id}/answers: { ciphertext, accessToken, ephemeralKey }.
 */
export async function sealAnswer(requestId, publicKeyText, expectedFingerprint, envelope, { ephemeral, iv } = {}) {
  const requesterPublicKey = base64urlDecode(publicKeyText);
  if (requesterPublicKey.length !== PUBLIC_KEY_LENGTH || (await fingerprint(requesterPublicKey)) !== expectedFingerprint) {
    throw new KeyMismatchError();
  }
  const ephemeralKey = ephemeral ?? (await generateKeyPair());
  const senderPublicKey = publicKeyOf(ephemeralKey);
  const keys = await deriveAnswerKeys(requestId, ephemeralKey, requesterPublicKey, senderPublicKey, requesterPublicKey);
  const payload = await encryptPayload(keys.encryptionKey, encodeEnvelope(envelope), iv, AAD_REQUEST + requestId);
  keys.encryptionKey.fill(0);
  return { ciphertext: base64urlEncode(payload), accessToken: keys.accessTokenText, ephemeralKey: base64urlEncode(senderPublicKey) };
}

/** The requester's side: the keys of one answer, from the inbox link's private key and the answer's ephemeral key. */
export function answerKeys(requestId, privateKey, ephemeralKeyText) {
  const senderPublicKey = base64urlDecode(ephemeralKeyText);
  return deriveAnswerKeys(requestId, privateKey, senderPublicKey, senderPublicKey, publicKeyOf(privateKey));
}

/** Decrypts a revealed answer with its keys; returns the envelope. */
export async function openAnswer(requestId, keys, ciphertext) {
  return decodeEnvelope(await decryptPayload(keys.encryptionKey, base64urlDecode(ciphertext), AAD_REQUEST + requestId));
}

function trimOrigin(origin) {
  return String(origin).replace(/\/+$/, '');
}

/** The fill-in link to send: {origin}/r/{id}#{fingerprint}. */
export function formatFillInLink(origin, id, keyFingerprint) {
  return `${trimOrigin(origin)}/r/${encodeURIComponent(id)}#${keyFingerprint}`;
}

/** The private inbox link: {origin}/i/{id}#{base64url(d || X || Y)}.{manageToken}. */
export function formatInboxLink(origin, id, privateKey, manageToken) {
  return `${trimOrigin(origin)}/i/${encodeURIComponent(id)}#${base64urlEncode(privateKey)}.${manageToken}`;
}

/** The id of a page path "/{segment}/{id}" (a trailing slash tolerated), or null. */
export function parseRequestPath(pathname, segment) {
  const m = new RegExp(`^/${segment}/([A-Za-z0-9_-]+)/?$`).exec(String(pathname));
  return m && isValidId(m[1]) ? m[1] : null;
}

/** The fingerprint of a fill-in link's fragment (43 base64url characters), or null. */
export function parseFingerprint(fragment) {
  const text = String(fragment ?? '').replace(/^#/, '').trim();
  try {
    return text.length === 43 && base64urlDecode(text).length === 32 ? text : null;
  } catch {
    return null;
  }
}

/** { privateKey, manageToken } of an inbox link's fragment, or null when it is damaged. */
export function parseInboxFragment(fragment) {
  const [keyText, manageToken, ...rest] = String(fragment ?? '').replace(/^#/, '').trim().split('.');
  try {
    const privateKey = base64urlDecode(keyText);
    return rest.length === 0 && privateKey.length === PRIVATE_KEY_LENGTH && base64urlDecode(manageToken ?? '').length === 32
      ? { privateKey, manageToken }
      : null;
  } catch {
    return null;
  }
}
