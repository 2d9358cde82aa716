// Inbox page (/i/{id}, inbox.html): reads the private key and the manage token from the fragment, lists the answers
// (metadata only, with the request's history) and reveals one on an explicit click: the access token and the key are
// derived by ECDH from the private key and the answer's ephemeral key, the answer is revealed as a secret (one view)
// and decrypted here. Files are offered as downloads, never rendered.
//
// Element ids (stable; the Playwright tests use them): #summary #inbox-summary #refresh #answer-list (li.answer with
// button.reveal, textarea.answer-text, ul.file-list) #history #event-list #status #error; #delete-request opens the
// confirmation #confirm-group, whose #confirm-delete deletes the request and its answers (#cancel-delete, Escape close it)

import { envelopeFiles } from './protocol.js';
import { answerKeys, openAnswer, parseInboxFragment, parseRequestPath } from './request-protocol.js';
import { deleteRequest, describeError, getInbox, revealSecret, ApiError } from './api.js';
import { downloadFile, fileListItem, safeFileName } from './files.js';
import { $, clearError, setBusy, setStatus, show, showError, formatLocal, formatViewsLeft, wireConfirmation } from './ui.js';
import { initLanguages, onLanguageChange, setText, t } from './i18n.js';

await initLanguages();

const id = parseRequestPath(location.pathname, 'i');
const link = parseInboxFragment(location.hash);
// Read once, as on the view and status pages: the private key leaves the address bar and the session history.
if (link) globalThis.history.replaceState(null, '', location.pathname + location.search);

/** The inbox last loaded, and what this page revealed of it (answer id → { envelope, burned, viewsRemaining }). */
let shown = null;
const revealed = new Map();

function element(tag, className) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  return el;
}

/** An element whose text is the catalogue's `key` in the page's language, now and after a change of language. */
function translated(tag, className, key, options) {
  const el = element(tag, className);
  setText(el, () => t(key, options));
  return el;
}

async function reveal(answer, button) {
  clearError();
  setBusy(button, true, 'busy.revealing');
  try {
    const keys = await answerKeys(id, link.privateKey, answer.ephemeralKey);
    const opened = await revealSecret(answer.id, keys.accessTokenText);
    const envelope = await openAnswer(id, keys, opened.ciphertext);
    revealed.set(answer.id, { envelope, burned: opened.burned, viewsRemaining: opened.viewsRemaining });
    renderAnswers();
    $('answer-list').querySelector(`textarea[data-answer="${CSS.escape(answer.id)}"]`)?.focus();
  } catch (error) {
    setBusy(button, false);
    if (error instanceof ApiError && error.status === 404) showError('inbox.answerGone');
    else if (error instanceof ApiError) showError(() => describeError(error));
    else showError('inbox.errors.cannotDecrypt');
  }
}

/** What a revealed answer shows: its text, its files as downloads, and how many views it has left. */
function revealedParts(answerId, number) {
  const { envelope, burned, viewsRemaining } = revealed.get(answerId);
  const text = element('textarea', 'answer-text');
  text.readOnly = true;
  text.rows = 4;
  text.value = envelope.text;
  text.dir = 'auto';
  text.dataset.answer = answerId;
  text.setAttribute('aria-label', t('inbox.answerText', { number }));
  const files = element('ul', 'file-list');
  for (const file of envelopeFiles(envelope)) {
    // The sender chose the name: shown and saved as the view page does (no bidi overrides, no device names).
    const name = safeFileName(file.name);
    files.append(fileListItem(name, file.bytes.length, {
      label: t('view.download'),
      namedLabel: t('view.downloadNamed', { name }),
      className: 'secondary',
      onClick: () => downloadFile({ name, bytes: file.bytes }),
    }));
  }
  const views = element('p', 'meta');
  setText(views, () => (burned ? t('inbox.lastView') : formatViewsLeft(viewsRemaining)));
  return [text, files, views];
}

/** The answers, numbered in the order they came; drawn again after a reveal and in a new language. */
function renderAnswers() {
  if (!shown) return;
  const list = $('answer-list');
  if (shown.answers.length === 0) {
    list.replaceChildren(translated('li', 'meta', 'inbox.noAnswers'));
    return;
  }
  list.replaceChildren(...shown.answers.map((answer, index) => {
    const number = index + 1;
    const item = element('li', 'answer card');
    const heading = element('h2');
    setText(heading, () => t('inbox.answerHeading', { number, date: formatLocal(answer.answeredAt) }));
    item.append(heading);
    if (revealed.has(answer.id)) {
      item.append(...revealedParts(answer.id, number));
    } else if (answer.status === 'active') {
      const button = element('button', 'primary reveal');
      button.type = 'button';
      button.dataset.i18n = 'inbox.reveal';
      button.textContent = t('inbox.reveal');
      button.addEventListener('click', () => reveal(answer, button));
      item.append(button);
    } else {
      item.append(translated('p', 'meta', 'inbox.answerGone'));
    }
    return item;
  }));
}

const EVENTS = ['created', 'answered', 'viewed', 'burned', 'deleted', 'expired'];

function renderEvents() {
  if (!shown) return;
  const numbers = new Map(shown.answers.map((answer, index) => [answer.id, index + 1]));
  $('event-list').replaceChildren(...shown.events.map((event) => {
    const item = element('li');
    const time = element('time');
    time.dateTime = event.occurredAt;
    time.textContent = formatLocal(event.occurredAt);
    const text = EVENTS.includes(event.type)
      ? t(`inbox.events.${event.type}`, { number: numbers.get(event.answerId) })
      : t('inbox.events.unknown', { type: event.type });
    item.append(time, ` ${text}`);
    return item;
  }));
}

function render(inbox) {
  shown = inbox;
  setText($('inbox-summary'), () => [
    t('inbox.received', { count: inbox.answers.length }),
    inbox.answersRemaining > 0 ? t('inbox.more', { count: inbox.answersRemaining, date: formatLocal(inbox.expiresAt) }) : t('inbox.full'),
  ].join(' '));
  renderAnswers();
  renderEvents();
  show($('summary'));
  show($('history'));
}

async function load({ announce = false } = {}) {
  clearError();
  if (!id || !link) return showError('inbox.errors.badLink');
  setStatus('inbox.loading');
  try {
    render(await getInbox(id, link.manageToken));
    setStatus(announce ? 'inbox.updated' : '');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) showError('inbox.errors.gone');
    else if (error instanceof ApiError && error.status === 403) showError('inbox.errors.wrongToken');
    else showError(() => describeError(error));
  }
}

const closeConfirm = wireConfirmation($('delete-request'), $('confirm-group'), $('confirm-delete'), $('cancel-delete'));

async function onConfirmDelete() {
  clearError();
  const button = $('confirm-delete');
  setBusy(button, true, 'busy.deleting');
  $('cancel-delete').disabled = true;
  try {
    await deleteRequest(id, link.manageToken);
    // What this page revealed goes with the request.
    shown = null;
    revealed.clear();
    $('answer-list').replaceChildren();
    show($('summary'), false);
    show($('history'), false);
    setStatus('inbox.deleted');
    $('another-request').focus();
  } catch (error) {
    closeConfirm(false);
    if (error instanceof ApiError && error.status === 404) showError('inbox.errors.gone');
    else showError(() => t('inbox.errors.notDeleted', { reason: describeError(error) }));
  } finally {
    setBusy(button, false);
    $('cancel-delete').disabled = false;
  }
}

$('confirm-delete').addEventListener('click', onConfirmDelete);
onLanguageChange(() => {
  renderAnswers();
  renderEvents();
});
$('refresh').addEventListener('click', () => load({ announce: true }));
load();
