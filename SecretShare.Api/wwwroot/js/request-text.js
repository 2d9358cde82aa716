// Every user-visible string of the request pages (request.html, respond.html, inbox.html), in one object so that it
// moves into the translation catalogues as it is. Elements name their string with data-text="key" (textContent) or
// data-label="key" (aria-label); scripts use TEXT directly. Functions take the values they insert.
import { setStatus as setStatusKey, showError as showErrorKey } from './ui.js';

// The shared status and error regions take catalogue keys; these pages' texts are English sentences from TEXT, shown
// as they are until they move into the catalogues.
const literal = (text) => (text ? () => text : '');
export const setStatus = (text) => setStatusKey(literal(text));
export const showError = (text) => showErrorKey(literal(text));

export const TEXT = {
  // request.html
  requestTitle: 'SecretShare: ask for a secret',
  requestHeading: 'Ask someone for a secret',
  requestIntro: 'A key pair is made in this browser. The person you ask encrypts to its public half; only the private half, kept in your inbox link, can read the answer. The server never sees either key.',
  expiresLabel: 'The request and its answers expire after',
  expires1h: '1 hour',
  expires1d: '1 day',
  expires7d: '7 days',
  answersLabel: 'How many answers it takes',
  createButton: 'Create request',
  creating: 'Creating…',
  createdHeading: 'Your request is ready',
  fillInLinkLabel: 'Fill-in link: send this to the person who has the secret',
  inboxLinkLabel: 'Inbox link: keep this private, it is shown only now',
  inboxWarning: 'The inbox link holds the key that reads the answers. Save it now: it cannot be shown again, and without it nobody can read the answers.',
  copyButton: 'Copy',
  copyFillIn: 'Copy the fill-in link',
  copyInbox: 'Copy the inbox link',
  copied: 'Copied.',
  selected: 'Selected: press Ctrl+C to copy.',
  openInbox: 'Open the inbox',
  anotherRequest: 'Ask for another secret',
  shareSecret: 'Share a secret instead',

  // respond.html
  respondTitle: 'SecretShare: send a secret on request',
  respondHeading: 'Someone asked you for a secret',
  respondIntro: 'What you type here is encrypted in this browser to the requester’s key, which matches the link you were sent. Only the requester can read it; the server cannot.',
  secretLabel: 'Your secret',
  filesLabel: 'Attach files (optional)',
  removeFile: 'Remove',
  sendButton: 'Encrypt and send',
  sending: 'Encrypting and sending…',
  loading: 'Loading the request…',
  badLink: 'This link is incomplete: the part after # is missing or damaged. Ask the requester for the link again.',
  requestGone: 'This request is no longer open: it has expired, already has its answer, or never existed.',
  keyMismatch: 'Refused: the server sent a key that does not match your link, so your secret could be read by someone else. Nothing was encrypted or sent. Tell the requester on another channel.',
  sentHeading: 'Sent',
  sentDetail: (expiresAt) => `Your secret is encrypted to the requester’s key: only they can read it. It is deleted after they read it, or on ${expiresAt}.`,
  budget: (remaining) => `${remaining} left`,
  overLimit: (over) => `Too large: remove ${over} (text and files are encrypted together).`,
  expiresOn: (when) => `Open until ${when}.`,

  // inbox.html
  inboxTitle: 'SecretShare: your inbox',
  inboxHeading: 'Answers to your request',
  inboxIntro: 'Answers are decrypted in this browser with the key in your inbox link. Revealing an answer uses one of its views; the last view deletes it.',
  noAnswers: 'No answers yet. Refresh later.',
  answerHeading: (n, when) => `Answer ${n}, sent ${when}`,
  revealButton: 'Reveal',
  revealing: 'Revealing…',
  downloadButton: 'Download',
  answerText: (n) => `Text of answer ${n}`,
  answerGone: 'Gone: already read, deleted or expired.',
  lastView: 'That was its last view: the answer is now deleted from the server.',
  viewsLeft: (n) => `${n} view${n === 1 ? '' : 's'} left.`,
  inboxSummary: (answers, remaining, until) => `${answers} answer${answers === 1 ? '' : 's'}; ${remaining} more can come until ${until}.`,
  historyHeading: 'History',
  refreshButton: 'Refresh',
  inboxGone: 'This request has expired, or the inbox link is wrong.',
  wrongToken: 'This inbox link is not valid for this request.',
  cannotDecrypt: 'This answer could not be decrypted with your key.',
  events: {
    created: 'Request created',
    answered: (n) => `Answer ${n} received`,
    viewed: (n) => `Answer ${n} read`,
    burned: (n) => `Answer ${n} deleted after its last view`,
    deleted: (n) => `Answer ${n} deleted`,
    expired: (n) => `Answer ${n} expired`,
  },

  // all pages
  skipLink: 'Skip to main content',
  footer: 'The part after # in these links never reaches the server except as a header you send yourself. Keep inbox links private.',
};

/** Fills every [data-text] element's text and every [data-label] element's aria-label from TEXT. */
export function applyText(root = document) {
  for (const el of root.querySelectorAll('[data-text]')) el.textContent = TEXT[el.dataset.text];
  for (const el of root.querySelectorAll('[data-label]')) el.setAttribute('aria-label', TEXT[el.dataset.label]);
}
