// Status page (/m/{id}, status.html): the creator's private view of one secret. The id comes from
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
import { getSecretEvents, getReceiptKeys, deleteSecret, describeError, ApiError } from './api.js';
import { $, setStatus, showError, clearError, setBusy, show, focusElement, formatExpiry, formatLocal, formatViewsLeft } from './ui.js';
import { hasValidSignature, chainProblem, checkKeySet, memoryProblem, memoryOf, receiptFile } from './receipt.js';

// Every sentence of this device's check, in one place.
const TEXT = {
  serverVerified: (n) => `The server reports: history intact, ${n} recorded event${n === 1 ? '' : 's'} in order.`,
  serverBroken: (problem) => `The server reports: history check failed. ${problem ?? ''}`.trim(),
  deviceVerified: (n, kid, print) =>
    `Verified on this device: the receipt is signed by key ${kid} (${print.slice(0, 12)}…) and its ${n} event${n === 1 ? '' : 's'} link in order.`,
  deviceExtends: (seen) => ` It extends what this device saw before (event ${seen}).`,
  deviceFirst: ' This device had not seen this secret before and now remembers it.',
  deviceNoMemory: ' This browser keeps no memory, so a rewound history would go unnoticed.',
  warning: 'Warning: ',
  problems: {
    noKey: () => 'the receipt names a signing key the server does not publish.',
    signature: () => 'the receipt\'s signature does not verify: it was changed after the server signed it.',
    keyChanged: () => 'the server\'s signing keys changed without notice since this device last saw them.',
    missing: (p) => `event ${p.seq} is missing.`,
    unlinked: (p) => `event ${p.seq} does not link to the event before it: events were changed, removed or reordered.`,
    misplaced: (p) => `event ${p.seq} is out of place.`,
    afterEnd: (p) => `events follow event ${p.seq}, which ended the secret.`,
    head: (p) => `the history ends before its recorded last event (${p.seq}).`,
    status: () => 'the status does not match the last event.',
    serverBroken: (p) => `the server reports the history broken: ${p.problem ?? ''}`,
    rewound: (p) => `this device saw ${p.seen} events, but the history now has only ${p.now}: it was cut back.`,
    rewritten: (p) => `the first ${p.seen} events differ from what this device saw: the history was rewritten.`,
  },
  downloadName: (id) => `secretshare-receipt-${id.slice(0, 8)}.json`,
};

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

const HEADLINES = {
  active: 'Active: not used up yet',
  burned: 'Burned: the secret is gone',
  deleted: 'Deleted: the secret is gone',
  expired: 'Expired: the secret is gone',
};

/** One sentence per recorded event. */
function describeEvent(event) {
  const views = event.viewsRemaining;
  switch (event.type) {
    case 'created':
      return views == null ? 'Created, with unlimited views until it expires' : `Created, with ${views} view${views === 1 ? '' : 's'}`;
    case 'viewed':
      return `Viewed (${formatViewsLeft(views).toLowerCase()})`;
    case 'failed_attempt':
      return 'Someone tried a wrong passphrase or token';
    case 'extended':
      return `Extended (${formatViewsLeft(views).toLowerCase()})`;
    case 'deleted':
      return event.detail === 'creator' ? 'Deleted by you' : 'Deleted by a recipient';
    case 'burned':
      return event.detail === 'failed_attempts' ? 'Burned after too many wrong attempts' : 'Burned: the last view was taken';
    case 'expired':
      return 'Expired';
    default:
      return event.type;
  }
}

const id = parseStatusPath(location.pathname);
const token = parseLinkKey(location.hash) ? location.hash.slice(1).trim() : null;
// Read once: the manage token leaves the address bar and the session history (screen shares, synced history, copied URLs).
if (token) globalThis.history.replaceState(null, '', location.pathname + location.search);

function render(receipt) {
  const active = receipt.status === 'active';
  stateHeading.textContent = HEADLINES[receipt.status] ?? receipt.status;
  stateDetail.textContent = active
    ? `${formatExpiry(receipt.expiresAt)} ${formatViewsLeft(receipt.viewsRemaining)}.`
    : 'Its history below stays available for a while, then it is deleted too.';
  chain.textContent = receipt.chain.verified ? TEXT.serverVerified(receipt.chain.length) : TEXT.serverBroken(receipt.chain.problem);
  chain.classList.toggle('warning', !receipt.chain.verified);
  show(deleteButton, active);

  eventList.replaceChildren(...receipt.events.map((event) => {
    const item = document.createElement('li');
    const time = document.createElement('time');
    time.dateTime = event.occurredAt;
    time.textContent = formatLocal(event.occurredAt);
    item.append(time, ` ${describeEvent(event)}`);
    item.dataset.type = event.type;
    return item;
  }));
  show(summary, true);
  show(history, true);
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

/** This device's own check; remembers the receipt only when nothing is wrong, so a warning stays on reload. */
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
  const n = receipt.events.length;
  return {
    jwk,
    text: TEXT.deviceVerified(n, jwk.kid, keySet.keys[jwk.kid])
      + (!remembered ? TEXT.deviceNoMemory : memory ? TEXT.deviceExtends(memory.seq) : TEXT.deviceFirst),
  };
}

function renderDeviceCheck(check) {
  deviceCheck.textContent = check.problem ? TEXT.warning + TEXT.problems[check.problem.code](check.problem) : check.text;
  deviceCheck.classList.toggle('tampered', Boolean(check.problem));
}

function onDownload() {
  if (!downloadable) return;
  const blob = new Blob([receiptFile(downloadable.receipt, downloadable.jwk)], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = TEXT.downloadName(downloadable.receipt.id);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
}

async function load() {
  clearError();
  setBusy(refreshButton, true, 'Loading…');
  try {
    const [receipt, jwks] = await Promise.all([getSecretEvents(id, token), getReceiptKeys()]);
    render(receipt);
    const check = await checkOnDevice(receipt, jwks);
    renderDeviceCheck(check);
    downloadable = check.jwk && receipt.signature ? { receipt, jwk: check.jwk } : null;
    show(downloadButton, Boolean(downloadable));
    setStatus('');
  } catch (error) {
    show(summary, false);
    show(history, false);
    showError(error instanceof ApiError && error.isNotFound
      ? 'Nothing is known about this secret: the link is wrong, or its history has already been deleted.'
      : `The status could not be loaded. ${describeError(error)}`);
  } finally {
    setBusy(refreshButton, false);
  }
}

async function onDelete() {
  clearError();
  setBusy(deleteButton, true, 'Deleting…');
  let message;
  try {
    await deleteSecret(id, token);
    message = 'The secret has been deleted. The link no longer works.';
  } catch (error) {
    if (!(error instanceof ApiError && error.isNotFound)) {
      showError(`The secret was not deleted. ${describeError(error)}`);
      return;
    }
    message = 'The secret was already gone.';
  } finally {
    setBusy(deleteButton, false);
  }
  await load();
  setStatus(message);
  focusElement(stateHeading);
}

if (typeof document !== 'undefined' && summary) {
  if (!id || !token) {
    showError('This status link is incomplete. Copy the whole link, including the part after #.');
  } else {
    refreshButton.addEventListener('click', load);
    downloadButton.addEventListener('click', onDownload);
    deleteButton.addEventListener('click', onDelete);
    load();
  }
}
