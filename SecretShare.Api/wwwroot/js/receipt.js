// Receipts checked on this device (docs/spec.md, "Receipts"): the canonical bytes the server signs, the ES256
// signature (WebCrypto), the chain's internal consistency, and trust on first use: the key set and the events this
// device saw before. SecretShare.Client/Receipts.cs implements the same rules for the CLI; the spec's test vector
// pins both. No DOM access and no strings for people: status.js words the problems it gets as codes.

import { base64urlEncode, base64urlDecode, utf8Encode } from './protocol.js';

export const RECEIPT_FORMAT = 'secretshare-receipt-v1';
export const GENESIS = base64urlEncode(new Uint8Array(32));
const TERMINAL = new Set(['burned', 'deleted', 'expired']);

const seconds = (time) => String(Math.floor(Date.parse(time) / 1000));
const number = (value) => (value == null ? '' : String(value));

function eventLines(e) {
  return [number(e.seq), e.type, seconds(e.occurredAt), number(e.viewsRemaining), e.detail ?? '', e.keyId ?? '', e.prevHash, e.hash];
}

/** The bytes the server signs: lines joined by \n (see docs/spec.md). */
export function canonicalBytes(receipt) {
  const lines = [
    RECEIPT_FORMAT, receipt.id, seconds(receipt.issuedAt), receipt.status, seconds(receipt.expiresAt), number(receipt.viewsRemaining),
    receipt.chain.verified ? 'true' : 'false', number(receipt.chain.length), receipt.chain.headHash, receipt.chain.problem ?? '',
    number(receipt.events.length), ...receipt.events.flatMap(eventLines),
  ];
  return utf8Encode(lines.join('\n'));
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** What this device remembers of events 1..count: base64url SHA-256 of their canonical lines. */
export async function eventsDigest(events, count) {
  return base64urlEncode(await sha256(utf8Encode(events.slice(0, count).flatMap(eventLines).join('\n'))));
}

/** RFC 7638 thumbprint of an EC key. */
export async function thumbprint(jwk) {
  return base64urlEncode(await sha256(utf8Encode(`{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`)));
}

function strictBase64url(text, length) {
  try {
    const bytes = base64urlDecode(text);
    return bytes.length === length && base64urlEncode(bytes) === text ? bytes : null;
  } catch {
    return null;
  }
}

/** Whether the receipt carries a valid ES256 signature by this JWK over its canonical bytes. */
export async function hasValidSignature(receipt, jwk) {
  const signature = receipt.signature;
  if (!signature || signature.alg !== 'ES256' || signature.keyId !== jwk.kid) return false;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || jwk.alg !== 'ES256' || jwk.use !== 'sig') return false;
  const value = strictBase64url(signature.value, 64);
  if (!value || !strictBase64url(jwk.x, 32) || !strictBase64url(jwk.y, 32)) return false;
  try {
    const key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, value, canonicalBytes(receipt));
  } catch {
    return false;
  }
}

/**
 * The first internal inconsistency, as { code, ... }, or null: events 1..n linked from GENESIS, 'created' first, a
 * terminal event only last and matching the status, the head naming the last event, and the server's own verdict.
 */
export function chainProblem(receipt) {
  let previous = GENESIS;
  const events = receipt.events;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.seq !== i + 1) return { code: 'missing', seq: i + 1 };
    if (e.prevHash !== previous) return { code: 'unlinked', seq: e.seq };
    if ((i === 0) !== (e.type === 'created')) return { code: 'misplaced', seq: e.seq };
    if (TERMINAL.has(e.type) && i !== events.length - 1) return { code: 'afterEnd', seq: e.seq };
    previous = e.hash;
  }
  if (events.length === 0 || receipt.chain.length !== events.length || receipt.chain.headHash !== previous) {
    return { code: 'head', seq: receipt.chain.length };
  }
  const last = events[events.length - 1].type;
  if (receipt.status !== (TERMINAL.has(last) ? last : 'active')) return { code: 'status' };
  return receipt.chain.verified ? null : { code: 'serverBroken', problem: receipt.chain.problem };
}

/**
 * Trust on first use of the key set. `seen` maps kid → thumbprint from earlier visits (empty at first). A set that
 * gives a known kid another key, or shares no key with what was seen, is an unannounced key change.
 * Returns { problem, keys }: keys maps kid → thumbprint of the fetched set.
 */
export async function checkKeySet(seen, jwks) {
  const keys = {};
  for (const jwk of jwks.keys ?? []) keys[jwk.kid] = await thumbprint(jwk);
  const seenIds = Object.keys(seen ?? {});
  if (seenIds.some((kid) => kid in keys && keys[kid] !== seen[kid])) return { problem: { code: 'keyChanged' }, keys };
  if (seenIds.length > 0 && !seenIds.some((kid) => keys[kid] === seen[kid])) return { problem: { code: 'keyChanged' }, keys };
  return { problem: null, keys };
}

/**
 * Whether the receipt extends what this device saw of this secret (`memory` = { seq, head, digest } or null): at least
 * as long, and its first `seq` events the very ones seen. Returns a problem or null.
 */
export async function memoryProblem(receipt, memory) {
  if (!memory) return null;
  if (receipt.events.length < memory.seq) return { code: 'rewound', seen: memory.seq, now: receipt.events.length };
  if (receipt.events[memory.seq - 1]?.hash !== memory.head || (await eventsDigest(receipt.events, memory.seq)) !== memory.digest) {
    return { code: 'rewritten', seen: memory.seq };
  }
  return null;
}

/** What to remember after a receipt that checked out. */
export async function memoryOf(receipt) {
  const n = receipt.events.length;
  return { seq: n, head: receipt.events[n - 1].hash, digest: await eventsDigest(receipt.events, n) };
}

/** The downloadable file: exactly the documented properties, in a fixed order, compact JSON. */
export function receiptFile(receipt, jwk) {
  const r = receipt;
  return JSON.stringify({
    format: RECEIPT_FORMAT,
    receipt: {
      id: r.id, status: r.status, expiresAt: r.expiresAt, viewsRemaining: r.viewsRemaining ?? null,
      events: r.events.map((e) => ({
        seq: e.seq, type: e.type, occurredAt: e.occurredAt, viewsRemaining: e.viewsRemaining ?? null, detail: e.detail ?? null,
        keyId: e.keyId ?? null, prevHash: e.prevHash, hash: e.hash,
      })),
      chain: { verified: r.chain.verified, length: r.chain.length, headHash: r.chain.headHash, problem: r.chain.problem ?? null },
      issuedAt: r.issuedAt,
      signature: { alg: r.signature.alg, keyId: r.signature.keyId, value: r.signature.value },
    },
    key: { kty: jwk.kty, crv: jwk.crv, kid: jwk.kid, x: jwk.x, y: jwk.y, alg: jwk.alg, use: jwk.use },
  });
}
