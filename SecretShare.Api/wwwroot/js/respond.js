// Fill-in page (/r/{id}, respond.html): fetches the request's public key, refuses it unless its SHA-256 matches the
// fingerprint in the link's fragment, and encrypts the sender's text and files to it (request-protocol.js) before
// posting. The check runs before the form is shown and again when sealing.
//
// Element ids (stable; the Playwright tests use them): #respond-form #secret #files #file-list #budget #send #sent
// #sent-detail #status #error

import { encodeFile, envelopeSize, filesJsonSize, PAYLOAD_OVERHEAD, base64urlDecode } from './protocol.js';
import { KeyMismatchError, fingerprint, parseFingerprint, parseRequestPath, sealAnswer } from './request-protocol.js';
import { answerRequest, describeError, getRequest, ApiError } from './api.js';
import { fileListItem, formatBytes, payloadBudget, readAttachment } from './files.js';
import { $, clearError, setBusy, setStatus, show, showError, focusElement, formatLocal } from './ui.js';
import { initLanguages, onLanguageChange, setText, t } from './i18n.js';

await initLanguages();

const id = parseRequestPath(location.pathname, 'r');
const expected = parseFingerprint(location.hash);
const form = $('respond-form');
let request = null;
let attachments = [];

function budget() {
  const size = envelopeSize($('secret').value, filesJsonSize(attachments.map((a) => a.entry)));
  return payloadBudget(size, PAYLOAD_OVERHEAD, request.maxPayloadBytes);
}

function renderBudget() {
  // Files can be picked before the request (and so its size limit) has loaded.
  if (!request) return;
  const { remaining, over } = budget();
  setText($('budget'), () => (over > 0
    ? t('respond.tooLarge', { over: formatBytes(over) })
    : t('create.roomLeft', { remaining: formatBytes(remaining) })));
  $('send').disabled = over > 0;
}

function renderFiles() {
  const list = $('file-list');
  list.replaceChildren(...attachments.map((attachment, index) => fileListItem(attachment.name, attachment.size, {
    label: t('create.remove'),
    namedLabel: t('create.removeNamed', { name: attachment.name }),
    className: 'secondary',
    onClick: () => {
      attachments.splice(index, 1);
      renderFiles();
    },
  })));
  renderBudget();
}

/** Hides the form and shows why: a catalogue key, or a function returning the text. */
function refuse(message) {
  show(form, false);
  showError(message);
}

async function load() {
  if (!id || !expected) return refuse('respond.errors.badLink');
  setStatus('respond.loading');
  try {
    request = await getRequest(id);
  } catch (error) {
    setStatus('');
    return refuse(error instanceof ApiError && error.status === 404 ? 'respond.errors.gone' : () => describeError(error));
  }
  setStatus('');
  // Refused before anyone types: a key the link does not name may be an attacker's.
  if ((await fingerprint(base64urlDecode(request.publicKey))) !== expected) return refuse('respond.errors.keyMismatch');
  setText($('open-until'), () => t('respond.openUntil', { date: formatLocal(request.expiresAt) }));
  show(form);
  renderBudget();
}

$('secret').addEventListener('input', renderBudget);
// The file list's labels are drawn with the texts of the moment: drawn again in a new language.
onLanguageChange(renderFiles);

$('files').addEventListener('change', async (event) => {
  for (const file of event.target.files) {
    const attachment = await readAttachment(file);
    attachments.push({ name: attachment.name, size: attachment.bytes.length, entry: encodeFile(attachment) });
  }
  event.target.value = '';
  renderFiles();
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearError();
  if (budget().over > 0) return;
  const button = $('send');
  setBusy(button, true, 'respond.sending');
  try {
    const envelope = { text: $('secret').value };
    if (attachments.length > 0) envelope.files = attachments.map((a) => a.entry);
    const answer = await sealAnswer(id, request.publicKey, expected, envelope);
    const stored = await answerRequest(id, answer);
    $('secret').value = '';
    attachments = [];
    show(form, false);
    setText($('sent-detail'), () => t('respond.sentDetail', { date: formatLocal(stored.expiresAt) }));
    show($('sent'));
    focusElement($('sent-heading'));
  } catch (error) {
    if (error instanceof KeyMismatchError) refuse('respond.errors.keyMismatch');
    else if (error instanceof ApiError && error.status === 404) refuse('respond.errors.gone');
    else showError(() => describeError(error));
  } finally {
    setBusy(button, false);
  }
});

load();
