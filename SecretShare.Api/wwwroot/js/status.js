// Status page (/m/{id}, status.html): the creator's private view of one secret. The id comes from
// location.pathname, the manage token from location.hash; the token is sent only in the Authorization
// header of same-origin API calls. Shows the status, the recorded events and the hash chain's verdict,
// and deletes the secret on request (the creator's delete acts at once, as on the create page).
//
// Element ids (stable; the Playwright end-to-end tests use them):
//   #summary     status section          #state        headline: Active / Burned / Deleted / Expired
//   #state-detail expiry and views left   #chain        the chain verdict
//   #refresh     reloads                 #delete-now   deletes with the manage token (active only)
//   #history     events section          #event-list   one <li> per event, oldest first
//   #status      aria-live polite        #error        role=alert

import { parseStatusPath, parseLinkKey } from './protocol.js';
import { getSecretEvents, deleteSecret, describeError, ApiError } from './api.js';
import { $, setStatus, showError, clearError, setBusy, show, focusElement, formatExpiry, formatLocal, formatViewsLeft } from './ui.js';

const summary = $('summary');
const stateHeading = $('state');
const stateDetail = $('state-detail');
const chain = $('chain');
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
  chain.textContent = receipt.chain.verified
    ? `History verified: ${receipt.chain.length} recorded event${receipt.chain.length === 1 ? '' : 's'}, intact and in order.`
    : `History check failed: ${receipt.chain.problem}`;
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

async function load() {
  clearError();
  setBusy(refreshButton, true, 'Loading…');
  try {
    render(await getSecretEvents(id, token));
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
    deleteButton.addEventListener('click', onDelete);
    load();
  }
}
