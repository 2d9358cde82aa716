// Fill-in page (/r/{id}, respond.html): fetches the request's public key, refuses it unless its SHA-256 matches the
// fingerprint in the link's fragment, and encrypts the sender's text and files to it (request-protocol.js) before
// posting. The check runs before the form is shown and again when sealing.
//
// Element ids (stable; the Playwright tests use them): #respond-form #secret #files #file-list #budget #send #sent
// #sent-detail #status #error

import { DecryptionError, encodeFile, envelopeSize, filesJsonSize, PAYLOAD_OVERHEAD, base64urlDecode } from './protocol.js';
import { KeyMismatchError, fingerprint, parseFingerprint, parseRequestPath, sealAnswer } from './request-protocol.js';
import { answerRequest, describeError, getRequest, ApiError } from './api.js';
import { fileListItem, formatBytes, payloadBudget, readAttachment } from './files.js';
import { $, clearError, setBusy, show, focusElement, formatLocal } from './ui.js';
import { TEXT, applyText, setStatus, showError } from './request-text.js';
import { initLanguages } from './i18n.js';

// The shared helpers (error descriptions, file sizes, dates) speak through the catalogues: load them first.
await initLanguages();

applyText();

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
  $('budget').textContent = over > 0 ? TEXT.overLimit(formatBytes(over)) : TEXT.budget(formatBytes(remaining));
  $('send').disabled = over > 0;
}

function renderFiles() {
  const list = $('file-list');
  list.replaceChildren(...attachments.map((attachment, index) => fileListItem(attachment.name, attachment.size, {
    label: TEXT.removeFile,
    namedLabel: `${TEXT.removeFile} ${attachment.name}`,
    className: 'secondary',
    onClick: () => {
      attachments.splice(index, 1);
      renderFiles();
    },
  })));
  renderBudget();
}

function refuse(message) {
  show(form, false);
  showError(message);
}

async function load() {
  if (!id || !expected) return refuse(TEXT.badLink);
  setStatus(TEXT.loading);
  try {
    request = await getRequest(id);
  } catch (error) {
    setStatus('');
    return refuse(error instanceof ApiError && error.status === 404 ? TEXT.requestGone : describeError(error));
  }
  setStatus('');
  // Refused before anyone types: a key the link does not name may be an attacker's.
  if ((await fingerprint(base64urlDecode(request.publicKey))) !== expected) return refuse(TEXT.keyMismatch);
  $('open-until').textContent = TEXT.expiresOn(formatLocal(new Date(request.expiresAt)));
  show(form);
  renderBudget();
}

$('secret').addEventListener('input', renderBudget);

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
  setBusy(button, true, TEXT.sending);
  try {
    const envelope = { text: $('secret').value };
    if (attachments.length > 0) envelope.files = attachments.map((a) => a.entry);
    const answer = await sealAnswer(id, request.publicKey, expected, envelope);
    const stored = await answerRequest(id, answer);
    $('secret').value = '';
    attachments = [];
    show(form, false);
    $('sent-detail').textContent = TEXT.sentDetail(formatLocal(new Date(stored.expiresAt)));
    show($('sent'));
    focusElement($('sent-heading'));
  } catch (error) {
    if (error instanceof KeyMismatchError) refuse(TEXT.keyMismatch);
    else if (error instanceof ApiError && error.status === 404) refuse(TEXT.requestGone);
    else showError(error instanceof DecryptionError ? error.message : describeError(error));
  } finally {
    setBusy(button, false);
  }
});

load();
