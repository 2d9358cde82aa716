// View page (/s/{id}, view.html). On load it only reads metadata (GET); the secret is revealed on an
// explicit click. The id comes from location.pathname, the key K from location.hash. Key material is
// derived once per passphrase and reused for reveal, extend and delete.
//
// Element ids (stable; the Playwright end-to-end tests use them):
//   #details          metadata + reveal form   #meta            expiry and views-left text
//   #reveal-form      form                     #passphrase-group wrapper, shown when passphraseProtected
//   #passphrase       passphrase input         #show-passphrase  checkbox: show the passphrase
//   #reveal-hint      what revealing costs     #reveal-button    reveals (aria-busy while working)
//   #revealed         result section           #revealed-heading focused after reveal
//   #revealed-text    read-only secret text    #copy-secret      copy button
//   #revealed-text-group  wrapper, hidden when the secret is files only
//   #revealed-files-group wrapper, shown when there are files
//   #revealed-files   one <li> per file with a .download-file button (Blob download, never shown inline)
//   #views-left       views left / "This was the last view; the secret is now deleted."
//   #extend-panel     shown when extendable    #extend-form      form
//   #add-seconds      select: 0 / 3600 / 86400 (default) / 604800
//   #add-views-group  wrapper (hidden for unlimited secrets)     #add-views  number 0..100
//   #extend-button    extends                  #delete-panel     delete section
//   #delete-now       asks for confirmation    #confirm-group    inline confirmation
//   #confirm-delete   deletes (Bearer access token)             #cancel-delete  closes the confirmation
//   #status           aria-live polite         #error            role=alert

import { deriveKeys, decryptSecret, envelopeFiles, parseLinkKey, parseSecretPath, DecryptionError } from './protocol.js';
import { downloadFile, fileListItem, safeFileName } from './files.js';
import { getSecret, revealSecret, extendSecret, deleteSecret, describeError, ApiError } from './api.js';
import {
  $, setStatus, showError, clearError, setBusy, show, focusElement, wireConfirmation, wireCopyButton,
  formatExpiry, formatViewsLeft, formatAttempts, translateDurations,
} from './ui.js';
import { initLanguages, onLanguageChange, setText, t } from './i18n.js';

const GONE = 'errors.notFound';

const details = $('details');
const meta = $('meta');
const revealForm = $('reveal-form');
const passphraseGroup = $('passphrase-group');
const passphrase = $('passphrase');
const showPassphrase = $('show-passphrase');
const revealHint = $('reveal-hint');
const revealButton = $('reveal-button');
const revealed = $('revealed');
const revealedHeading = $('revealed-heading');
const revealedText = $('revealed-text');
const viewsLeft = $('views-left');
const revealedTextGroup = $('revealed-text-group');
const revealedFilesGroup = $('revealed-files-group');
const revealedFiles = $('revealed-files');
const extendPanel = $('extend-panel');
const extendForm = $('extend-form');
const addSeconds = $('add-seconds');
const addViewsGroup = $('add-views-group');
const addViews = $('add-views');
const extendButton = $('extend-button');
const deletePanel = $('delete-panel');
const deleteNow = $('delete-now');
const confirmGroup = $('confirm-group');
const confirmDelete = $('confirm-delete');
const cancelDelete = $('cancel-delete');
const closeConfirm = wireConfirmation(deleteNow, confirmGroup, confirmDelete, cancelDelete);

const state = {
  id: null,
  linkKey: null,
  info: null, // latest {expiresAt, maxViews, viewsRemaining, passphraseProtected, extendable}
  derived: null, // { passphrase, keys } cache: derive once per passphrase
  confirmedKeys: null, // keys the server accepted (after a successful reveal)
  gone: false,
  revealed: false,
};

/** A problem with what the user typed; its message is a catalogue key. */
class InputError extends Error {}

// ---------- key material ----------

async function getKeys() {
  if (state.confirmedKeys) return state.confirmedKeys;
  const protectedByPassphrase = state.info?.passphraseProtected;
  const pass = protectedByPassphrase ? passphrase.value : '';
  if (protectedByPassphrase && pass === '') {
    throw new InputError('view.errors.passphraseMissing');
  }
  if (state.derived && state.derived.passphrase === pass) return state.derived.keys;
  if (protectedByPassphrase) setStatus('busy.deriving');
  const keys = await deriveKeys(state.linkKey, protectedByPassphrase ? pass : undefined);
  state.derived = { passphrase: pass, keys };
  return keys;
}

// ---------- rendering ----------

function describeInfo(info) {
  return [formatExpiry(info.expiresAt), formatViewsLeft(info.viewsRemaining), info.passphraseProtected ? t('view.protected') : '']
    .filter(Boolean).join(' ');
}

/** "3 views left. Expires …", after a reveal or an extension. */
function describeViewsLeft(info) {
  return `${formatViewsLeft(info.viewsRemaining)} ${formatExpiry(info.expiresAt)}`;
}

function render() {
  const info = state.info;
  if (!info || state.gone) return;
  setText(meta, () => describeInfo(info));
  // after a reveal, #views-left carries the same facts; #meta stays up to date while hidden
  show(details, !state.revealed);
  show(revealForm, !state.revealed);
  show(passphraseGroup, info.passphraseProtected && !state.revealed);
  passphrase.required = Boolean(info.passphraseProtected);
  if (info.viewsRemaining === 1) {
    setText(revealHint, () => t('view.hintLastView'));
  } else if (info.viewsRemaining === null || info.viewsRemaining === undefined) {
    setText(revealHint, () => t('view.hintUnlimited'));
  } else {
    setText(revealHint, () => t('view.hintUsesView'));
  }
  show(extendPanel, Boolean(info.extendable));
  show(addViewsGroup, info.maxViews !== null && info.maxViews !== undefined);
  show(deletePanel, true);
}

/** The secret no longer exists: say so and remove every control that would talk to the server. */
function markGone(message, { keepRevealed = true } = {}) {
  state.gone = true;
  showError(message);
  show(details, false);
  show(extendPanel, false);
  show(deletePanel, false);
  if (!keepRevealed) show(revealed, false);
}

/** Lists the received files with a download button each; the text field is hidden for a files-only secret. */
function showFiles(files, text) {
  receivedFiles = files;
  renderFiles();
  show(revealedFilesGroup, files.length > 0);
  show(revealedTextGroup, text !== '' || files.length === 0);
}

/** The received files, drawn again when the language changes. */
let receivedFiles = [];

function renderFiles() {
  revealedFiles.replaceChildren(...receivedFiles.map((file) => {
    const name = safeFileName(file.name);
    return fileListItem(name, file.bytes.length, {
      label: t('view.download'),
      namedLabel: t('view.downloadNamed', { name }),
      className: 'primary download-file',
      onClick: () => {
        downloadFile({ name, bytes: file.bytes });
        setStatus('view.downloadStarted', { name });
      },
    });
  }));
}

/** Common handling of API failures for reveal, extend and delete. Returns the field to focus, if any. */
function handleFailure(error, action) {
  if (error instanceof InputError) {
    showError(error.message);
    return passphrase;
  }
  if (error instanceof ApiError && error.status === 404) {
    markGone(GONE);
    return null;
  }
  if (error instanceof ApiError && error.status === 403 && error.code === 'not_extendable') {
    showError('view.errors.notExtendable');
    return null;
  }
  if (error instanceof ApiError && error.status === 403) {
    state.derived = null;
    const n = error.attemptsRemaining;
    const what = state.info?.passphraseProtected ? 'view.errors.wrongPassphrase' : 'view.errors.wrongKey';
    if (n === 0) {
      markGone(() => `${t(what)} ${t('view.errors.burnedByAttempts')}`);
      return null;
    }
    showError(() => (typeof n === 'number' ? `${t(what)} ${formatAttempts(n)}` : t(what)));
    if (state.info?.passphraseProtected && !state.revealed) {
      passphrase.setAttribute('aria-invalid', 'true');
      return passphrase;
    }
    return null;
  }
  if (error instanceof DecryptionError) {
    showError('view.errors.undecryptable');
    return null;
  }
  showError(() => t(action, { reason: describeError(error) }));
  return null;
}

// ---------- actions ----------

async function onReveal(event) {
  event.preventDefault();
  if (state.gone) return;
  clearError();
  setBusy(revealButton, true, state.info?.passphraseProtected ? 'busy.deriving' : 'busy.revealing');
  passphrase.disabled = true;
  let focusTarget = revealButton;
  try {
    const keys = await getKeys();
    setBusy(revealButton, true, 'busy.revealing');
    setStatus('busy.revealing');
    const response = await revealSecret(state.id, keys.accessTokenText);
    state.confirmedKeys = keys;
    state.revealed = true;
    state.info = { ...state.info, expiresAt: response.expiresAt, viewsRemaining: response.viewsRemaining };
    let envelope;
    try {
      envelope = await decryptSecret(keys, response.ciphertext);
    } catch (error) {
      if (response.burned) markGone('view.errors.undecryptableBurned');
      throw error;
    }
    revealedText.value = envelope.text;
    showFiles(envelopeFiles(envelope), envelope.text);
    passphrase.value = '';
    if (response.burned) {
      setText(viewsLeft, () => t('view.lastViewTaken'));
      state.gone = true;
      show(details, false);
      show(extendPanel, false);
      show(deletePanel, false);
    } else {
      setText(viewsLeft, () => describeViewsLeft(response));
      render();
    }
    show(revealed, true);
    setStatus(response.burned ? 'view.revealedBurned' : 'view.revealed');
    focusTarget = revealedHeading;
  } catch (error) {
    const field = handleFailure(error, 'view.errors.revealFailed');
    if (field) focusTarget = field;
    else if (state.gone) focusTarget = null;
    if (!(error instanceof InputError)) setStatus('');
  } finally {
    setBusy(revealButton, false);
    passphrase.disabled = false;
    if (focusTarget === revealedHeading) focusElement(revealedHeading);
    else if (focusTarget && !focusTarget.closest('[hidden]')) focusTarget.focus();
    if (focusTarget === passphrase) passphrase.select();
  }
}

async function onExtend(event) {
  event.preventDefault();
  if (state.gone) return;
  clearError();
  const seconds = Number(addSeconds.value) || 0;
  let views = 0;
  if (!addViewsGroup.hidden) {
    const text = addViews.value.trim() || '0';
    views = Number(text);
    if (!/^\d+$/.test(text) || views > 100) {
      addViews.setAttribute('aria-invalid', 'true');
      showError('view.errors.addViews');
      addViews.focus();
      return;
    }
    addViews.removeAttribute('aria-invalid');
  }
  if (seconds === 0 && views === 0) {
    showError('view.errors.nothingToAdd');
    addSeconds.focus();
    return;
  }
  setBusy(extendButton, true, 'busy.extending');
  let focusTarget = extendButton;
  try {
    const keys = await getKeys();
    setStatus('busy.extending');
    const info = await extendSecret(state.id, keys.accessTokenText, { addSeconds: seconds, addViews: views });
    state.info = { ...state.info, ...info };
    render();
    if (state.revealed) {
      const info = state.info;
      setText(viewsLeft, () => describeViewsLeft(info));
    }
    addViews.value = '0';
    const extended = state.info;
    setStatus(() => t('view.extended', { info: describeInfo(extended) }));
  } catch (error) {
    const field = handleFailure(error, 'view.errors.extendFailed');
    focusTarget = field || (state.gone ? null : extendButton);
    if (!(error instanceof InputError)) setStatus('');
  } finally {
    setBusy(extendButton, false);
    if (focusTarget && !focusTarget.closest('[hidden]')) focusTarget.focus();
  }
}

async function onConfirmDelete() {
  if (state.gone) return;
  clearError();
  setBusy(confirmDelete, true, 'busy.deleting');
  cancelDelete.disabled = true;
  let focusTarget = null;
  try {
    const keys = await getKeys();
    setStatus('busy.deleting');
    await deleteSecret(state.id, keys.accessTokenText);
    state.gone = true;
    show(details, false);
    show(extendPanel, false);
    show(deletePanel, false);
    setStatus('view.deleted');
    focusTarget = document.querySelector('.back a');
  } catch (error) {
    const field = handleFailure(error, 'view.errors.deleteFailed');
    if (!(error instanceof InputError)) setStatus('');
    focusTarget = field || (state.gone ? null : confirmDelete);
    if (field) closeConfirm(false);
  } finally {
    setBusy(confirmDelete, false);
    cancelDelete.disabled = false;
    if (focusTarget && !focusTarget.closest('[hidden]')) focusTarget.focus();
  }
}

// ---------- start ----------

async function load() {
  state.id = parseSecretPath(location.pathname);
  if (!state.id) {
    showError('view.errors.invalidLink');
    return;
  }
  const hash = location.hash.replace(/^#/, '');
  state.linkKey = parseLinkKey(hash);
  if (!state.linkKey) {
    showError(hash === '' ? 'view.errors.keyMissing' : 'view.errors.keyDamaged');
    return;
  }
  // Read once: the key leaves the address bar and the session history (screen shares, synced history, copied URLs).
  history.replaceState(null, '', location.pathname + location.search);
  if (!globalThis.crypto?.subtle) {
    showError('view.errors.noCrypto');
    return;
  }
  setStatus('busy.loading');
  try {
    state.info = await getSecret(state.id);
    setStatus('');
    render();
  } catch (error) {
    setStatus('');
    if (error instanceof ApiError && error.status === 404) markGone(GONE);
    else showError(() => t('view.errors.loadFailed', { reason: describeError(error) }));
  }
}

revealForm.addEventListener('submit', onReveal);
extendForm.addEventListener('submit', onExtend);
confirmDelete.addEventListener('click', onConfirmDelete);
showPassphrase.addEventListener('change', () => {
  passphrase.type = showPassphrase.checked ? 'text' : 'password';
});
passphrase.addEventListener('input', () => passphrase.removeAttribute('aria-invalid'));
addEventListener('hashchange', () => location.reload());
wireCopyButton($('copy-secret'), revealedText, 'secret');
onLanguageChange(renderFiles);

await initLanguages();
translateDurations();
load();
