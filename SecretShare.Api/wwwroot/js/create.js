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
//   #status-link          the creator's private status link /m/{id}#{manageToken}   #copy-status-link
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
  $, setStatus, showError, clearError, setBusy, show, focusElement, wireCopyButton, formatExpiry,
} from './ui.js';

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
  if (maxViews === null || maxViews === undefined) return 'It can be opened any number of times until then.';
  return maxViews === 1 ? 'It can be opened once.' : `It can be opened ${maxViews} times.`;
}

async function onSubmit(event) {
  event.preventDefault();
  clearError();
  setInvalid(secretText, false);
  setInvalid(views, false);

  const text = secretText.value;
  if (text.trim() === '' && attachments.length === 0) {
    setInvalid(secretText, true);
    showError('Enter the secret to share, or attach a file.');
    secretText.focus();
    return;
  }
  const viewCount = readViews();
  if (!viewCount.ok) {
    setInvalid(views, true);
    showError('The number of views must be a whole number from 1 to 100.');
    views.focus();
    return;
  }
  const budget = currentBudget();
  if (budget.over > 0) {
    setInvalid(secretText, true);
    showError(`The secret is too large: encrypted it would be ${formatBytes(budget.size)}, ${formatBytes(budget.over)} `
      + `over the limit of ${formatBytes(maxPayloadBytes)}. Remove a file or shorten the text.`);
    (attachments.length > 0 ? fileList.querySelector('button') : secretText).focus();
    return;
  }
  if (!globalThis.crypto?.subtle) {
    showError('This browser cannot encrypt here: open the page over HTTPS in an up-to-date browser.');
    return;
  }

  const pass = passphrase.value;
  const withPassphrase = hasPassphrase(pass);
  setBusy(createButton, true, withPassphrase ? 'Deriving key…' : 'Encrypting…');
  setFormDisabled(true);
  form.setAttribute('aria-busy', 'true');
  let failed = false;
  setStatus(withPassphrase ? 'Deriving key…' : 'Encrypting…');
  try {
    const files = attachments.map((attachment) => attachment.entry);
    const encrypted = await encryptSecret(text, {
      passphrase: withPassphrase ? pass : undefined,
      envelope: files.length > 0 ? { files } : undefined,
    });
    setBusy(createButton, true, 'Uploading…');
    setStatus('Uploading the encrypted secret…');
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
    showError(`The secret was not created. ${describeError(error)}`);
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
  const extendNote = response.extendable ? ' The recipient can extend it.' : '';
  resultExpiry.textContent = `${formatExpiry(response.expiresAt)} ${describeViews(response.maxViews)}${extendNote}`;
  deleteButton.disabled = false;
  show(deleteButton, true);

  drawQrCode(shareQr, link);

  // The plaintext leaves the page: clear the form and hide it.
  form.reset();
  setAttachments([]);
  setFormDisabled(false);
  show(form, false);
  show(result, true);
  setStatus('Secret link created. Copy the link and send it to the recipient.');
  focusElement(resultHeading);
}

async function onDelete() {
  if (!created) return;
  clearError();
  setBusy(deleteButton, true, 'Deleting…');
  setStatus('Deleting…');
  try {
    await deleteSecret(created.id, created.manageToken);
    created = null;
    show(deleteButton, false);
    setStatus('The secret has been deleted. The link no longer works.');
    createAnother.focus();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      created = null;
      show(deleteButton, false);
      setStatus('The secret is already gone: it expired, was deleted or has been viewed.');
      createAnother.focus();
    } else {
      showError(`The secret was not deleted. ${describeError(error)}`);
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
  resultExpiry.textContent = '';
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
  sizeHint.textContent = budget.over > 0
    ? `Too large: ${formatBytes(budget.over)} over the limit of ${formatBytes(maxPayloadBytes)} (files count a third more once encoded).`
    : `${formatBytes(budget.remaining)} left of ${formatBytes(maxPayloadBytes)} (files count a third more once encoded).`;
  sizeHint.classList.toggle('warning', budget.over > 0);
}

function setAttachments(list) {
  attachments = list;
  attachmentsJsonSize = filesJsonSize(list.map((attachment) => attachment.entry));
  fileList.replaceChildren(...list.map((attachment, index) => fileListItem(attachment.entry.name, attachment.size, {
    label: 'Remove', className: 'secondary remove-file', onClick: () => removeAttachment(index),
  })));
  show(fileList, list.length > 0);
  updateSizeHint();
}

function describeRoom() {
  const budget = currentBudget();
  return budget.over > 0 ? `${formatBytes(budget.over)} over the limit.` : `${formatBytes(budget.remaining)} left.`;
}

async function addFiles(fileObjects) {
  const added = [];
  const tooLarge = [];
  for (const file of fileObjects) {
    // Not even read: it could never fit, and a huge file would only fill memory.
    if (file.size > maxPayloadBytes) {
      tooLarge.push(`${file.name} (${formatBytes(file.size)})`);
      continue;
    }
    try {
      const attachment = await readAttachment(file);
      added.push({ entry: encodeFile(attachment), size: attachment.bytes.length });
    } catch {
      showError(`${file.name} could not be read.`);
    }
  }
  if (tooLarge.length > 0) {
    showError(`Not attached: ${tooLarge.join(', ')}. Each file must be well under the limit of ${formatBytes(maxPayloadBytes)}, `
      + 'which counts files a third larger once encoded.');
  }
  if (added.length === 0) return;
  setInvalid(secretText, false);
  setAttachments([...attachments, ...added]);
  const names = added.map((attachment) => attachment.entry.name).join(', ');
  setStatus(`Attached ${names}. ${describeRoom()}`);
}

function removeAttachment(index) {
  const [removed] = attachments.splice(index, 1);
  setAttachments([...attachments]);
  setStatus(`Removed ${removed.entry.name}. ${describeRoom()}`);
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
  setStatus('Five random words were put in the passphrase field.');
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
wireCopyButton($('copy-link'), shareLink, 'Link');
wireCopyButton($('copy-status-link'), statusLink, 'Status link');
wireCopyButton($('copy-passphrase'), passphraseDisplay, 'Passphrase');
onUnlimitedChange();
updateSizeHint();
loadLimits();

if (!globalThis.crypto?.subtle) {
  showError('This browser cannot encrypt here: open the page over HTTPS in an up-to-date browser.');
}
