// SecretShare HTTP API client (SPEC section 2): same-origin fetch wrappers, JSON camelCase bodies,
// RFC 9457 problem+json errors turned into ApiError (status, title, detail, attemptsRemaining on 403,
// retryAfterSeconds on 429, field errors on 400). No DOM access; element ids live in create.js/view.js.
// Tokens are only ever sent in bodies or the Authorization header, never in URLs.
import { t } from './i18n.js';

/** An HTTP or network failure. status is 0 when the server could not be reached. */
export class ApiError extends Error {
  constructor(status, { title, detail, problem = null, attemptsRemaining = null, code = null, retryAfterSeconds = null, errors = null } = {}) {
    // The message is for developers; describeError gives the page's text.
    super(detail || title || (status ? `HTTP ${status}` : 'network error'));
    this.name = 'ApiError';
    this.status = status;
    this.title = title ?? null;
    this.detail = detail ?? null;
    this.problem = problem;
    this.attemptsRemaining = attemptsRemaining;
    // 'wrong_token' or 'not_extendable' on a 403 (SPEC section 2).
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
    this.errors = errors;
  }

  get isNotFound() {
    return this.status === 404;
  }
}

/**
 * Parses a Retry-After header value (delta-seconds or an HTTP date) into whole seconds, or null.
 * `now` (ms since epoch) is injectable for tests.
 */
export function parseRetryAfter(value, now = Date.now()) {
  if (value == null) return null;
  const text = String(value).trim();
  if (text === '') return null;
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** Builds an ApiError from a non-2xx Response, reading problem+json when present. */
export async function parseProblem(response) {
  let problem = null;
  try {
    const type = (response.headers.get('content-type') || '').toLowerCase();
    if (type.includes('json')) problem = await response.json();
  } catch {
    problem = null;
  }
  const p = problem && typeof problem === 'object' ? problem : {};
  const attempts = p.attemptsRemaining ?? p.extensions?.attemptsRemaining;
  return new ApiError(response.status, {
    title: typeof p.title === 'string' ? p.title : response.statusText || null,
    detail: typeof p.detail === 'string' ? p.detail : null,
    problem,
    attemptsRemaining: typeof attempts === 'number' ? attempts : null,
    code: typeof p.code === 'string' ? p.code : null,
    retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
    errors: p.errors && typeof p.errors === 'object' ? p.errors : null,
  });
}

/** The fields of a 400 whose problem the UI can name in the page's language (errors.field.*). */
const EXPLAINED_FIELDS = ['ciphertext', 'expiresInSeconds', 'maxViews', 'addSeconds', 'addViews'];

/**
 * A user-facing sentence for an error, in the page's language. The API's problem details stay English (they are
 * machine-facing); the page maps each status, and each field of a 400, to a catalogue message of its own.
 */
export function describeError(error) {
  if (!(error instanceof ApiError)) return t('errors.unexpected');
  switch (error.status) {
    case 0:
      return t('errors.network');
    case 400: {
      const field = EXPLAINED_FIELDS.find((name) => error.errors && name in error.errors);
      return field ? t(`errors.field.${field}`) : t('errors.invalid');
    }
    case 401:
      return t('errors.unauthorized');
    case 403:
      return t('errors.forbidden');
    case 404:
      return t('errors.notFound');
    case 413:
      return t('errors.tooLarge');
    case 429: {
      const seconds = error.retryAfterSeconds;
      return seconds != null ? t('errors.tooManyRequests', { count: seconds }) : t('errors.tooManyRequestsLater');
    }
    default:
      if (error.status >= 500) return t('errors.server');
      return t('errors.status', { status: error.status });
  }
}

/**
 * Creates a client. Options: baseUrl (default '' = same origin), fetch (injectable for tests).
 * Every method resolves with the parsed JSON body (or undefined for 204) and rejects with ApiError.
 */
export function createApiClient({ baseUrl = '', fetch: fetchImpl } = {}) {
  const doFetch = fetchImpl || ((...args) => globalThis.fetch(...args));
  const root = String(baseUrl).replace(/\/+$/, '');

  async function request(method, path, { body, token } = {}) {
    const headers = { Accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await doFetch(root + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'same-origin',
        redirect: 'error',
        referrerPolicy: 'no-referrer',
      });
    } catch (cause) {
      const error = new ApiError(0);
      error.cause = cause;
      throw error;
    }
    if (!response.ok) throw await parseProblem(response);
    if (response.status === 204) return undefined;
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  }

  const secretPath = (id) => `/api/secrets/${encodeURIComponent(id)}`;

  return {
    /** GET /api/limits → {maxPayloadBytes}. */
    getLimits() {
      return request('GET', '/api/limits');
    },
    /** POST /api/secrets → 201 {id, expiresAt, maxViews, extendable, passphraseProtected, manageToken}. */
    createSecret({ ciphertext, accessToken, expiresInSeconds, maxViews, extendable, passphraseProtected }) {
      const body = { ciphertext, accessToken };
      if (expiresInSeconds !== undefined) body.expiresInSeconds = expiresInSeconds;
      if (maxViews !== undefined) body.maxViews = maxViews; // null = unlimited
      if (extendable !== undefined) body.extendable = Boolean(extendable);
      if (passphraseProtected !== undefined) body.passphraseProtected = Boolean(passphraseProtected);
      return request('POST', '/api/secrets', { body });
    },
    /** GET /api/secrets/{id} → {id, expiresAt, maxViews, viewsRemaining, passphraseProtected, extendable}. */
    getSecret(id) {
      return request('GET', secretPath(id));
    },
    /** POST /api/secrets/{id}/reveal → {ciphertext, viewsRemaining, expiresAt, burned}. */
    revealSecret(id, accessToken) {
      return request('POST', `${secretPath(id)}/reveal`, { body: { accessToken } });
    },
    /** POST /api/secrets/{id}/extend → same body as GET. */
    extendSecret(id, accessToken, { addSeconds, addViews } = {}) {
      const body = { accessToken };
      if (addSeconds) body.addSeconds = addSeconds;
      if (addViews) body.addViews = addViews;
      return request('POST', `${secretPath(id)}/extend`, { body });
    },
    /** GET /api/secrets/{id}/status with Authorization: Bearer <manage token> → {id, status, expiresAt, viewsRemaining, events, chain, …, signature}. */
    getSecretStatus(id, manageToken) {
      return request('GET', `${secretPath(id)}/status`, { token: manageToken });
    },
    /** GET /api/receipt-keys → the JWK set of receipt-signing keys. */
    getReceiptKeys() {
      return request('GET', '/api/receipt-keys');
    },
    /** DELETE /api/secrets/{id} with Authorization: Bearer <manage token or access token> → 204. */
    deleteSecret(id, bearerToken) {
      return request('DELETE', secretPath(id), { token: bearerToken });
    },
    /** POST /api/requests → 201 {id, expiresAt, maxAnswers, answerViews, manageToken}. */
    createRequest({ publicKey, expiresInSeconds, maxAnswers }) {
      return request('POST', '/api/requests', { body: { publicKey, expiresInSeconds, maxAnswers } });
    },
    /** GET /api/requests/{id} → {id, publicKey, expiresAt, answersRemaining, maxPayloadBytes}. */
    getRequest(id) {
      return request('GET', `/api/requests/${encodeURIComponent(id)}`);
    },
    /** POST /api/requests/{id}/answers {ciphertext, accessToken, ephemeralKey} → 201 {id, expiresAt}. */
    answerRequest(id, answer) {
      return request('POST', `/api/requests/${encodeURIComponent(id)}/answers`, { body: answer });
    },
    /** GET /api/requests/{id}/answers with Authorization: Bearer <manage token> → the inbox. */
    getInbox(id, manageToken) {
      return request('GET', `/api/requests/${encodeURIComponent(id)}/answers`, { token: manageToken });
    },
    /** DELETE /api/requests/{id} with Authorization: Bearer <manage token> → 204: the request and its answers. */
    deleteRequest(id, manageToken) {
      return request('DELETE', `/api/requests/${encodeURIComponent(id)}`, { token: manageToken });
    },
  };
}

const defaultClient = createApiClient();
export const getLimits = () => defaultClient.getLimits();
export const createSecret = (body) => defaultClient.createSecret(body);
export const getSecret = (id) => defaultClient.getSecret(id);
export const revealSecret = (id, accessToken) => defaultClient.revealSecret(id, accessToken);
export const extendSecret = (id, accessToken, changes) => defaultClient.extendSecret(id, accessToken, changes);
export const getSecretStatus = (id, manageToken) => defaultClient.getSecretStatus(id, manageToken);
export const deleteSecret = (id, bearerToken) => defaultClient.deleteSecret(id, bearerToken);
export const getReceiptKeys = () => defaultClient.getReceiptKeys();
export const createRequest = (body) => defaultClient.createRequest(body);
export const getRequest = (id) => defaultClient.getRequest(id);
export const answerRequest = (id, answer) => defaultClient.answerRequest(id, answer);
export const getInbox = (id, manageToken) => defaultClient.getInbox(id, manageToken);
export const deleteRequest = (id, manageToken) => defaultClient.deleteRequest(id, manageToken);
