// Create page (/, index.html). Encrypts in the browser (protocol.js), uploads only the ciphertext and
// the access token, and shows the link. The manage token lives only in this module's memory.
//
// Element ids (stable; the Playwright end-to-end tests use them):
//   #create-form          the form             #secret-text         secret textarea
//   #expiry               select: 3600 / 86400 (default) / 604800 / 2592000 seconds
//   #views                number 1..100        #unlimited-views     checkbox: maxViews = null
//   #passphrase           optional passphrase  #generate-passphrase fills #passphrase with 5 words
//   #extendable           checkbox             #create-button       submit button (aria-busy while working)
//   #result               result section       #result-heading      focused after creation
//   #share-link           read-only link       #copy-link           copy button
//   #status-link          the creator's private status link /m/{id}#{manageToken}   #copy-status-link
//   #passphrase-result    wrapper (hidden without passphrase)
//   #passphrase-display   read-only passphrase #copy-passphrase     copy button
//   #result-expiry        expiry and views text
//   #delete-now           deletes with the manage token
//   #create-another       resets the page      #status (aria-live polite)  #error (role=alert)

import { encryptSecret, encodeEnvelope, formatLink, formatStatusLink, hasPassphrase, IV_LENGTH, TAG_LENGTH } from './protocol.js';
import { createSecret, deleteSecret, describeError, ApiError } from './api.js';
import { generatePassphrase } from './wordlist.js';
import {
  $, setStatus, showError, clearError, setBusy, show, focusElement, wireCopyButton, formatExpiry,
} from './ui.js';

const MAX_PAYLOAD_BYTES = 262144;

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
  if (text.trim() === '') {
    setInvalid(secretText, true);
    showError('Enter the secret to share.');
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
  if (encodeEnvelope({ text }).length + 1 + IV_LENGTH + TAG_LENGTH > MAX_PAYLOAD_BYTES) {
    setInvalid(secretText, true);
    showError('The secret is too large: the limit is 256 KB after encryption.');
    secretText.focus();
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
    const encrypted = await encryptSecret(text, { passphrase: withPassphrase ? pass : undefined });
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

  // The plaintext leaves the page: clear the form and hide it.
  form.reset();
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
  show(result, false);
  form.reset();
  setFormDisabled(false);
  setInvalid(secretText, false);
  setInvalid(views, false);
  show(form, true);
  clearError();
  setStatus('');
  secretText.focus();
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
wireCopyButton($('copy-link'), shareLink, 'Link');
wireCopyButton($('copy-status-link'), statusLink, 'Status link');
wireCopyButton($('copy-passphrase'), passphraseDisplay, 'Passphrase');
onUnlimitedChange();

if (!globalThis.crypto?.subtle) {
  showError('This browser cannot encrypt here: open the page over HTTPS in an up-to-date browser.');
}
