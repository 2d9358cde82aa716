// Inbox page (/i/{id}, inbox.html): reads the private key and the manage token from the fragment, lists the answers
// (metadata only, with the request's history) and reveals one on an explicit click: the access token and the key are
// derived by ECDH from the private key and the answer's ephemeral key, the answer is revealed as a secret (one view)
// and decrypted here. Files are offered as downloads, never rendered.
//
// Element ids (stable; the Playwright tests use them): #summary #inbox-summary #refresh #answer-list (li.answer with
// button.reveal, textarea.answer-text, ul.file-list) #history #event-list #status #error

import { envelopeFiles } from './protocol.js';
import { answerKeys, openAnswer, parseInboxFragment, parseRequestPath } from './request-protocol.js';
import { describeError, getInbox, revealSecret, ApiError } from './api.js';
import { downloadFile, fileListItem } from './files.js';
import { $, clearError, setBusy, show, formatLocal } from './ui.js';
import { TEXT, applyText, setStatus, showError } from './request-text.js';
import { initLanguages } from './i18n.js';

// The shared helpers (error descriptions, file sizes, dates) speak through the catalogues: load them first.
await initLanguages();

applyText();

const id = parseRequestPath(location.pathname, 'i');
const link = parseInboxFragment(location.hash);
// Read once, as on the view and status pages: the private key leaves the address bar and the session history.
if (link) globalThis.history.replaceState(null, '', location.pathname + location.search);

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

async function reveal(answer, number, item, button) {
  clearError();
  setBusy(button, true, TEXT.revealing);
  try {
    const keys = await answerKeys(id, link.privateKey, answer.ephemeralKey);
    const revealed = await revealSecret(answer.id, keys.accessTokenText);
    const envelope = await openAnswer(id, keys, revealed.ciphertext);
    const text = element('textarea', 'answer-text');
    text.readOnly = true;
    text.rows = 4;
    text.value = envelope.text;
    text.setAttribute('aria-label', TEXT.answerText(number));
    const files = element('ul', 'file-list');
    for (const file of envelopeFiles(envelope)) {
      files.append(fileListItem(file.name, file.bytes.length, {
        label: TEXT.downloadButton, namedLabel: `${TEXT.downloadButton} ${file.name}`, className: 'secondary', onClick: () => downloadFile(file),
      }));
    }
    button.remove();
    item.append(text, files, element('p', 'meta', revealed.burned ? TEXT.lastView : TEXT.viewsLeft(revealed.viewsRemaining)));
    text.focus();
  } catch (error) {
    setBusy(button, false);
    if (error instanceof ApiError && error.status === 404) showError(TEXT.answerGone);
    else showError(error instanceof ApiError ? describeError(error) : TEXT.cannotDecrypt);
  }
}

function render(inbox) {
  $('inbox-summary').textContent = TEXT.inboxSummary(inbox.answers.length, inbox.answersRemaining, formatLocal(new Date(inbox.expiresAt)));
  const numbers = new Map(inbox.answers.map((answer, index) => [answer.id, index + 1]));
  $('answer-list').replaceChildren(...inbox.answers.map((answer) => {
    const number = numbers.get(answer.id);
    const item = element('li', 'answer card');
    item.append(element('h2', null, TEXT.answerHeading(number, formatLocal(new Date(answer.answeredAt)))));
    if (answer.status === 'active') {
      const button = element('button', 'primary reveal', TEXT.revealButton);
      button.type = 'button';
      button.addEventListener('click', () => reveal(answer, number, item, button));
      item.append(button);
    } else {
      item.append(element('p', 'meta', TEXT.answerGone));
    }
    return item;
  }));
  if (inbox.answers.length === 0) $('answer-list').replaceChildren(element('li', 'meta', TEXT.noAnswers));
  $('event-list').replaceChildren(...inbox.events.map((event) => {
    const describe = TEXT.events[event.type];
    const text = typeof describe === 'function' ? describe(numbers.get(event.answerId)) : describe ?? event.type;
    const item = element('li');
    const time = element('time', null, formatLocal(new Date(event.occurredAt)));
    time.dateTime = event.occurredAt;
    item.append(time, ' ', text);
    return item;
  }));
  show($('summary'));
  show($('history'));
}

async function load() {
  clearError();
  if (!id || !link) return showError(TEXT.badLink);
  setStatus(TEXT.loading);
  try {
    render(await getInbox(id, link.manageToken));
    setStatus('');
  } catch (error) {
    setStatus('');
    if (error instanceof ApiError && error.status === 404) showError(TEXT.inboxGone);
    else if (error instanceof ApiError && error.status === 403) showError(TEXT.wrongToken);
    else showError(describeError(error));
  }
}

$('refresh').addEventListener('click', load);
load();
