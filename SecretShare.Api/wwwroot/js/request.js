// Request page (/request, request.html): makes an ECDH P-256 key pair in this browser, registers its public half and
// shows the fill-in link (with the key's fingerprint) and the private inbox link (with the private key and the manage
// token), once. Nothing of the private half leaves the page except inside the inbox link shown here.
//
// Element ids (stable; the Playwright tests use them): #request-form #expires #answers #create #result
// #fill-in-link #inbox-link #copy-fill-in #copy-inbox #open-inbox #status #error

import { base64urlEncode } from './protocol.js';
import { fingerprint, formatFillInLink, formatInboxLink, generateKeyPair, publicKeyOf } from './request-protocol.js';
import { createRequest, describeError } from './api.js';
import { $, clearError, setBusy, show, showError, focusElement, translateDurations, wireCopyButton } from './ui.js';
import { initLanguages } from './i18n.js';

await initLanguages();
translateDurations();

wireCopyButton($('copy-fill-in'), $('fill-in-link'), 'fillInLink', 'request');
wireCopyButton($('copy-inbox'), $('inbox-link'), 'inboxLink', 'request');

$('request-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearError();
  const button = $('create');
  setBusy(button, true, 'request.creating');
  try {
    const privateKey = await generateKeyPair();
    const publicKey = publicKeyOf(privateKey);
    const created = await createRequest({
      publicKey: base64urlEncode(publicKey),
      expiresInSeconds: Number($('expires').value),
      maxAnswers: Number($('answers').value) || 1,
    });
    $('fill-in-link').value = formatFillInLink(location.origin, created.id, await fingerprint(publicKey));
    $('inbox-link').value = formatInboxLink(location.origin, created.id, privateKey, created.manageToken);
    $('open-inbox').href = $('inbox-link').value;
    privateKey.fill(0);
    show($('request-form'), false);
    show($('result'));
    focusElement($('result-heading'));
  } catch (error) {
    showError(() => describeError(error));
  } finally {
    setBusy(button, false);
  }
});
