// Create page (/, index.html). Encrypts in the browser (protocol.js), uploads only the ciphertext and
// the access token, and shows the link. The manage token lives only in this module's memory.
//
// Element ids (stable; the Playwright end-to-end tests use them):
//   #create-form          the form             #secret-text         secret textarea (optional with files)
//   #file-input           file picker (multiple)                    #drop-zone  also accepts dropped files
//   #file-list            attached files, each <li> with a .remove-file button
//   #size-hint            room left under the server's payload limit (GET /api/limits)
//   #expiry               select: 3600 / 86400 (default) / 604800 / 2592000 seconds
//   #views                number 1..100        #unlimited-views     checkbox: maxViews = null
//   #passphrase           optional passphrase  #generate-passphrase fills #passphrase with 5 words
//   #extendable           checkbox             #create-button       submit button (aria-busy while working)
//   #result               result section       #result-heading      focused after creation
//   #share-link           read-only link       #copy-link           copy button
//   #share-qr             canvas: QR code of the link, drawn in the page (qr.js)
//   #status-link          the creator's private status link /status/{id}#{manageToken}   #copy-status-link
//   #passphrase-result    wrapper (hidden without passphrase)
//   #passphrase-display   read-only passphrase #copy-passphrase     copy button
//   #result-expiry        expiry and views text
//   #delete-now           deletes with the manage token
//   #create-another       resets the page      #status (aria-live polite)  #error (role=alert)

import {
  encryptSecret, encodeFile, envelopeSize, filesJsonSize, formatLink, formatStatusLink, hasPassphrase, PAYLOAD_OVERHEAD,
} from './protocol.js';
import { createSecret, deleteSecret, getLimits, describeError, ApiError } from './api.js';
import { generatePassphrase } from './wordlist.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, fileListItem, formatBytes, payloadBudget, readAttachment } from './files.js';
import { drawQrCode, clearQrCode } from './qr.js';
import {
  $, setStatus, showError, clearError, setBusy, show, focusElement, wireCopyButton, formatExpiry, formatList, translateDurations,
} from './ui.js';
import { initLanguages, onLanguageChange, setText, t } from './i18n.js';

/** The server's limit; replaced by GET /api/limits when it answers. */
let maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;

const form = $('create-form');
const secretText = $('secret-text');
const expiry = $('expiry');
const views = $('views');
const unlimitedViews = $('unlimited-views');
const passphrase = $('passphrase');
const generateButton = $('generate-passphrase');
const extendable = $('extendable');
const createButton = $('create-button');
const result = $('result');
const resultHeading = $('result-heading');
const shareLink = $('share-link');
const statusLink = $('status-link');
const passphraseResult = $('passphrase-result');
const passphraseDisplay = $('passphrase-display');
const resultExpiry = $('result-expiry');
const deleteButton = $('delete-now');
const createAnother = $('create-another');
const fileInput = $('file-input');
const dropZone = $('drop-zone');
const fileList = $('file-list');
const sizeHint = $('size-hint');
const shareQr = $('share-qr');

/** Attached files as envelope entries ({name, type, data}) with their size; memory only. */
let attachments = [];
/** UTF-8 size of the attachments' JSON, kept so that typing does not re-serialise the files. */
let attachmentsJsonSize = 0;

/** { id, manageToken } of the secret just created; memory only, never storage. */
let created = null;

function readViews() {
  if (unlimitedViews.checked) return { ok: true, value: null };
  const text = views.value.trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 1 || n > 100) return { ok: false };
  return { ok: true, value: n };
}

function setInvalid(field, invalid) {
  if (invalid) field.setAttribute('aria-invalid', 'true');
  else field.removeAttribute('aria-invalid');
}

function setFormDisabled(disabled) {
  for (const el of form.elements) {
    if (el !== createButton) el.disabled = disabled;
  }
  if (!disabled) views.disabled = unlimitedViews.checked;
}

function describeViews(maxViews) {
  if (maxViews === null || maxViews === undefined) return t('result.opensUnlimited');
  return t('result.opens', { count: maxViews });
}

async function onSubmit(event) {
  event.preventDefault();
  clearError();
  setInvalid(secretText, false);
  setInvalid(views, false);

  const text = secretText.value;
  if (text.trim() === '' && attachments.length === 0) {
    setInvalid(secretText, true);
    showError('create.errors.empty');
    secretText.focus();
    return;
  }
  const viewCount = readViews();
  if (!viewCount.ok) {
    setInvalid(views, true);
    showError('create.errors.views');
    views.focus();
    return;
  }
  const budget = currentBudget();
  if (budget.over > 0) {
    setInvalid(secretText, true);
    showError(() => t('create.errors.tooLarge', {
      size: formatBytes(budget.size), over: formatBytes(budget.over), limit: formatBytes(maxPayloadBytes),
    }));
    (attachments.length > 0 ? fileList.querySelector('button') : secretText).focus();
    return;
  }
  if (!globalThis.crypto?.subtle) {
    showError('create.errors.noCrypto');
    return;
  }

  const pass = passphrase.value;
  const withPassphrase = hasPassphrase(pass);
  setBusy(createButton, true, withPassphrase ? 'busy.deriving' : 'busy.encrypting');
  setFormDisabled(true);
  form.setAttribute('aria-busy', 'true');
  let failed = false;
  setStatus(withPassphrase ? 'busy.deriving' : 'busy.encrypting');
  try {
    const files = attachments.map((attachment) => attachment.entry);
    const encrypted = await encryptSecret(text, {
      passphrase: withPassphrase ? pass : undefined,
      envelope: files.length > 0 ? { files } : undefined,
    });
    setBusy(createButton, true, 'busy.uploading');
    setStatus('create.uploading');
    const response = await createSecret({
      ciphertext: encrypted.ciphertext,
      accessToken: encrypted.accessToken,
      expiresInSeconds: Number(expiry.value),
      maxViews: viewCount.value,
      extendable: extendable.checked,
      passphraseProtected: withPassphrase,
    });
    created = { id: response.id, manageToken: response.manageToken };
    showResult(response, formatLink(location.origin, response.id, encrypted.linkKeyText), withPassphrase ? pass : '');
  } catch (error) {
    showError(() => t('create.errors.notCreated', { reason: describeError(error) }));
    setFormDisabled(false);
    failed = true;
  } finally {
    form.removeAttribute('aria-busy');
    setBusy(createButton, false);
    if (failed) createButton.focus();
  }
}

function showResult(response, link, pass) {
  shareLink.value = link;
  statusLink.value = formatStatusLink(location.origin, response.id, response.manageToken);
  passphraseDisplay.value = pass;
  show(passphraseResult, pass !== '');
  setText(resultExpiry, () => [
    formatExpiry(response.expiresAt), describeViews(response.maxViews), response.extendable ? t('result.extendable') : '',
  ].filter(Boolean).join(' '));
  deleteButton.disabled = false;
  show(deleteButton, true);

  drawQrCode(shareQr, link);

  // The plaintext leaves the page: clear the form and hide it.
  form.reset();
  setAttachments([]);
  setFormDisabled(false);
  show(form, false);
  show(result, true);
  setStatus('result.created');
  focusElement(resultHeading);
}

async function onDelete() {
  if (!created) return;
  clearError();
  setBusy(deleteButton, true, 'busy.deleting');
  setStatus('busy.deleting');
  try {
    await deleteSecret(created.id, created.manageToken);
    created = null;
    show(deleteButton, false);
    setStatus('result.deleted');
    createAnother.focus();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      created = null;
      show(deleteButton, false);
      setStatus('result.alreadyGone');
      createAnother.focus();
    } else {
      showError(() => t('result.errors.notDeleted', { reason: describeError(error) }));
    }
  } finally {
    setBusy(deleteButton, false);
    if (created && !deleteButton.hidden) deleteButton.focus();
  }
}

function onCreateAnother() {
  created = null;
  shareLink.value = '';
  statusLink.value = '';
  passphraseDisplay.value = '';
  setText(resultExpiry, '');
  clearQrCode(shareQr);
  show(result, false);
  form.reset();
  setFormDisabled(false);
  setInvalid(secretText, false);
  setInvalid(views, false);
  setAttachments([]);
  show(form, true);
  clearError();
  setStatus('');
  secretText.focus();
}

// ---------- files and size ----------

function currentBudget() {
  return payloadBudget(envelopeSize(secretText.value, attachmentsJsonSize), PAYLOAD_OVERHEAD, maxPayloadBytes);
}

function updateSizeHint() {
  const budget = currentBudget();
  setText(sizeHint, () => (budget.over > 0
    ? t('create.sizeOver', { over: formatBytes(budget.over), limit: formatBytes(maxPayloadBytes) })
    : t('create.sizeLeft', { remaining: formatBytes(budget.remaining), limit: formatBytes(maxPayloadBytes) })));
  sizeHint.classList.toggle('warning', budget.over > 0);
}

function setAttachments(list) {
  attachments = list;
  attachmentsJsonSize = filesJsonSize(list.map((attachment) => attachment.entry));
  renderAttachments();
  updateSizeHint();
}

function renderAttachments() {
  fileList.replaceChildren(...attachments.map((attachment, index) => fileListItem(attachment.entry.name, attachment.size, {
    label: t('create.remove'),
    namedLabel: t('create.removeNamed', { name: attachment.entry.name }),
    className: 'secondary remove-file',
    onClick: () => removeAttachment(index),
  })));
  show(fileList, attachments.length > 0);
}

function describeRoom() {
  const budget = currentBudget();
  return budget.over > 0 ? t('create.roomOver', { over: formatBytes(budget.over) }) : t('create.roomLeft', { remaining: formatBytes(budget.remaining) });
}

async function addFiles(fileObjects) {
  const added = [];
  const tooLarge = [];
  for (const file of fileObjects) {
    // Not even read: it could never fit, and a huge file would only fill memory.
    if (file.size > maxPayloadBytes) {
      tooLarge.push({ name: file.name, size: file.size });
      continue;
    }
    try {
      const attachment = await readAttachment(file);
      added.push({ entry: encodeFile(attachment), size: attachment.bytes.length });
    } catch {
      showError(() => t('create.errors.unreadable', { name: file.name }));
    }
  }
  if (tooLarge.length > 0) {
    showError(() => t('create.errors.filesTooLarge', {
      files: formatList(tooLarge.map((file) => t('files.item', { name: file.name, size: formatBytes(file.size) }))),
      limit: formatBytes(maxPayloadBytes),
    }));
  }
  if (added.length === 0) return;
  setInvalid(secretText, false);
  setAttachments([...attachments, ...added]);
  const names = added.map((attachment) => attachment.entry.name);
  setStatus(() => t('create.attached', { names: formatList(names), room: describeRoom() }));
}

function removeAttachment(index) {
  const [removed] = attachments.splice(index, 1);
  setAttachments([...attachments]);
  setStatus(() => t('create.removed', { name: removed.entry.name, room: describeRoom() }));
  // Focus stays in the list (the next Remove button), or returns to the picker when the list is empty.
  const buttons = fileList.querySelectorAll('button');
  (buttons[Math.min(index, buttons.length - 1)] ?? fileInput).focus();
}

async function onFilesChosen() {
  const chosen = [...fileInput.files];
  // Cleared so that choosing the same file again (after removing it) fires change again.
  fileInput.value = '';
  await addFiles(chosen);
}

function onDragOver(event) {
  if (!event.dataTransfer?.types?.includes('Files')) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'copy';
  dropZone.classList.add('dragging');
}

async function onDrop(event) {
  if (!event.dataTransfer?.types?.includes('Files')) return;
  event.preventDefault();
  dropZone.classList.remove('dragging');
  const dropped = [...(event.dataTransfer?.files ?? [])];
  if (dropped.length > 0) await addFiles(dropped);
}

async function loadLimits() {
  try {
    const limits = await getLimits();
    if (Number.isInteger(limits?.maxPayloadBytes) && limits.maxPayloadBytes > PAYLOAD_OVERHEAD) {
      maxPayloadBytes = limits.maxPayloadBytes;
    }
  } catch {
    // The default limit stands; the server still refuses an oversized secret (413).
  }
  updateSizeHint();
}

function onGenerate() {
  passphrase.value = generatePassphrase();
  setStatus('create.generated');
  passphrase.focus();
  passphrase.select();
}

function onUnlimitedChange() {
  views.disabled = unlimitedViews.checked;
  if (unlimitedViews.checked) setInvalid(views, false);
}

form.addEventListener('submit', onSubmit);
form.addEventListener('reset', () => setTimeout(onUnlimitedChange, 0));
generateButton.addEventListener('click', onGenerate);
unlimitedViews.addEventListener('change', onUnlimitedChange);
deleteButton.addEventListener('click', onDelete);
createAnother.addEventListener('click', onCreateAnother);
fileInput.addEventListener('change', onFilesChosen);
// The whole form takes dropped files, so that a near miss does not make the browser open the file instead.
form.addEventListener('dragover', onDragOver);
form.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
form.addEventListener('drop', onDrop);
secretText.addEventListener('input', updateSizeHint);
wireCopyButton($('copy-link'), shareLink, 'link');
wireCopyButton($('copy-status-link'), statusLink, 'statusLink');
wireCopyButton($('copy-passphrase'), passphraseDisplay, 'passphrase');
onLanguageChange(renderAttachments);
onUnlimitedChange();

await initLanguages();
translateDurations();
updateSizeHint();
loadLimits();

if (!globalThis.crypto?.subtle) {
  showError('create.errors.noCrypto');
}
