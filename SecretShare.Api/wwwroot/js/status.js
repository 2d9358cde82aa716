// Status page (/status/{id}, status.html): the creator's private view of one secret. The id comes from
// location.pathname, the manage token from location.hash; the token is sent only in the Authorization
// header of same-origin API calls. Shows the status, the recorded events, the server's verdict on the chain
// and this device's own check of the signed receipt (receipt.js): signature, internal consistency, and trust on
// first use (the key set and the events seen before, in localStorage). Offers the receipt as a file, and
// deletes the secret on request (the creator's delete acts at once, as on the create page).
//
// Element ids (stable; the Playwright end-to-end tests use them):
//   #summary     status section          #state        headline: Active / Burned / Deleted / Expired
//   #state-detail expiry and views left   #chain        the server's verdict
//   #device-check this device's verdict (class "tampered" when it warns)
//   #refresh     reloads                 #delete-now   deletes with the manage token (active only)
//   #download-receipt saves the signed receipt as JSON
//   #history     events section          #event-list   one <li> per event, oldest first
//   #status      aria-live polite        #error        role=alert

import { parseStatusPath, parseLinkKey } from './protocol.js';
import { getSecretStatus, getReceiptKeys, deleteSecret, describeError, ApiError } from './api.js';
import { $, setStatus, showError, clearError, setBusy, show, focusElement, formatExpiry, formatLocal, formatViewsLeft } from './ui.js';
import { initLanguages, onLanguageChange, setText, t } from './i18n.js';
import { hasValidSignature, chainProblem, checkKeySet, memoryProblem, memoryOf, receiptFile } from './receipt.js';

// This device's check in words (catalogue keys status.device.*): a problem's code names its sentence, and its fields
// (seq, seen, now, problem) fill it.
function describeProblem(problem) {
  return t('status.device.warning', {
    problem: t(`status.device.problems.${problem.code}`, { ...problem, count: problem.seen }),
  });
}

const downloadName = (secretId) => `secretshare-receipt-${secretId.slice(0, 8)}.json`;

const summary = $('summary');
const stateHeading = $('state');
const stateDetail = $('state-detail');
const chain = $('chain');
const deviceCheck = $('device-check');
const downloadButton = $('download-receipt');
const refreshButton = $('refresh');
const deleteButton = $('delete-now');
const history = $('history');
const eventList = $('event-list');

const STATES = ['active', 'burned', 'deleted', 'expired'];

/** One sentence per recorded event. */
function describeEvent(event) {
  const views = event.viewsRemaining;
  switch (event.type) {
    case 'created':
      return views == null ? t('status.events.createdUnlimited') : t('status.events.created', { count: views });
    case 'viewed':
      return views == null ? t('status.events.viewedUnlimited') : t('status.events.viewed', { count: views });
    case 'failed_attempt':
      return t('status.events.failedAttempt');
    case 'extended':
      return views == null ? t('status.events.extendedUnlimited') : t('status.events.extended', { count: views });
    case 'deleted':
      return event.detail === 'creator' ? t('status.events.deletedByCreator') : t('status.events.deletedByRecipient');
    case 'burned':
      return event.detail === 'failed_attempts' ? t('status.events.burnedByAttempts') : t('status.events.burned');
    case 'expired':
      return t('status.events.expired');
    default:
      return t('status.events.unknown', { type: event.type });
  }
}

const id = parseStatusPath(location.pathname);
const token = parseLinkKey(location.hash) ? location.hash.slice(1).trim() : null;
// Read once: the manage token leaves the address bar and the session history (screen shares, synced history, copied URLs).
if (token) globalThis.history.replaceState(null, '', location.pathname + location.search);

/** The last receipt shown, drawn again when the language changes. */
let shown = null;

function render(receipt) {
  shown = receipt;
  const active = receipt.status === 'active';
  setText(stateHeading, () => (STATES.includes(receipt.status) ? t(`status.states.${receipt.status}`) : t('status.states.unknown', { status: receipt.status })));
  setText(stateDetail, () => (active
    ? `${formatExpiry(receipt.expiresAt)} ${formatViewsLeft(receipt.viewsRemaining)}`
    : t('status.historyKept')));
  // The server's description of a broken chain is English and technical: the page names the failure in its own words.
  setText(chain, () => (receipt.chain.verified ? t('status.chainVerified', { count: receipt.chain.length }) : t('status.chainFailed')));
  chain.classList.toggle('warning', !receipt.chain.verified);
  show(deleteButton, active);
  renderEvents();
  show(summary, true);
  show(history, true);
}

function renderEvents() {
  if (!shown) return;
  const receipt = shown;

  eventList.replaceChildren(...receipt.events.map((event) => {
    const item = document.createElement('li');
    const time = document.createElement('time');
    time.dateTime = event.occurredAt;
    time.textContent = formatLocal(event.occurredAt);
    item.append(time, ` ${describeEvent(event)}`);
    item.dataset.type = event.type;
    return item;
  }));
}

// localStorage may be unavailable (storage disabled): the check still runs, without memory.
const memoryStore = {
  read(key) {
    try {
      return JSON.parse(localStorage.getItem(key) ?? 'null');
    } catch {
      return null;
    }
  },
  write(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch {
      return false;
    }
  },
};
const KEYS_ITEM = 'secretshare.receiptKeys';
const secretItem = (secretId) => `secretshare.receipt.${secretId}`;

let downloadable = null;

/**
 * This device's own check; remembers the receipt only when nothing is wrong, so a warning stays on reload. Returns
 * { problem, jwk } or { jwk, render }: render gives the verdict in the page's language.
 */
async function checkOnDevice(receipt, jwks) {
  const keySet = await checkKeySet(memoryStore.read(KEYS_ITEM) ?? {}, jwks);
  const jwk = (jwks.keys ?? []).find((key) => key.kid === receipt.signature?.keyId);
  const memory = memoryStore.read(secretItem(receipt.id));
  const problem = (!jwk && { code: 'noKey' })
    || keySet.problem
    || (!(await hasValidSignature(receipt, jwk)) && { code: 'signature' })
    || chainProblem(receipt)
    || (await memoryProblem(receipt, memory));
  if (problem) {
    return { problem, jwk };
  }
  const remembered = memoryStore.write(KEYS_ITEM, keySet.keys) && memoryStore.write(secretItem(receipt.id), await memoryOf(receipt));
  const verified = { count: receipt.events.length, kid: jwk.kid, print: keySet.keys[jwk.kid].slice(0, 12) };
  const memoryKey = !remembered ? 'status.device.noMemory' : memory ? 'status.device.extends' : 'status.device.first';
  return { jwk, render: () => `${t('status.device.verified', verified)} ${t(memoryKey, { seq: memory?.seq })}` };
}

function renderDeviceCheck(check) {
  setText(deviceCheck, check.problem ? () => describeProblem(check.problem) : check.render);
  deviceCheck.classList.toggle('tampered', Boolean(check.problem));
}

function onDownload() {
  if (!downloadable) return;
  const blob = new Blob([receiptFile(downloadable.receipt, downloadable.jwk)], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = downloadName(downloadable.receipt.id);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
}

async function load({ announce = false } = {}) {
  clearError();
  setBusy(refreshButton, true, 'busy.loading');
  try {
    const [receipt, jwks] = await Promise.all([getSecretStatus(id, token), getReceiptKeys()]);
    render(receipt);
    const check = await checkOnDevice(receipt, jwks);
    renderDeviceCheck(check);
    downloadable = check.jwk && receipt.signature ? { receipt, jwk: check.jwk } : null;
    show(downloadButton, Boolean(downloadable));
    setStatus(announce ? 'status.updated' : '');
  } catch (error) {
    show(summary, false);
    show(history, false);
    showError(error instanceof ApiError && error.isNotFound
      ? 'status.errors.notFound'
      : () => t('status.errors.loadFailed', { reason: describeError(error) }));
  } finally {
    setBusy(refreshButton, false);
  }
}

async function onDelete() {
  clearError();
  setBusy(deleteButton, true, 'busy.deleting');
  let message;
  try {
    await deleteSecret(id, token);
    message = 'result.deleted';
  } catch (error) {
    if (!(error instanceof ApiError && error.isNotFound)) {
      showError(() => t('result.errors.notDeleted', { reason: describeError(error) }));
      return;
    }
    message = 'status.alreadyGone';
  } finally {
    setBusy(deleteButton, false);
  }
  await load();
  setStatus(message);
  focusElement(stateHeading);
}

if (typeof document !== 'undefined' && summary) {
  onLanguageChange(renderEvents);
  await initLanguages();
  if (!id || !token) {
    showError('status.errors.incomplete');
  } else {
    refreshButton.addEventListener('click', () => load({ announce: true }));
    downloadButton.addEventListener('click', onDownload);
    deleteButton.addEventListener('click', onDelete);
    load();
  }
}
