// Small DOM and text helpers shared by the pages. Importable in Node (document is only used inside functions).
// Every page has #status (role="status", aria-live="polite") and #error (role="alert"); both regions collapse while
// empty (CSS :empty). Texts come from the catalogues through i18n.js.
import { currentLanguage, formatNumber, setText, t } from './i18n.js';

/** document.getElementById shorthand. */
export const $ = (id) => document.getElementById(id);

/**
 * A message for setText: a function is kept as it is; a catalogue key becomes () => t(key, options); anything falsy
 * clears the element.
 */
function message(keyOrRender, options) {
  if (!keyOrRender) return null;
  return typeof keyOrRender === 'function' ? keyOrRender : () => t(keyOrRender, options);
}

/** Sets the polite status message: a catalogue key (with options) or a function returning the text; '' clears it. */
export function setStatus(keyOrRender, options) {
  setText($('status'), message(keyOrRender, options));
}

/** Shows an error in the role="alert" region and clears the status; same arguments as setStatus. */
export function showError(keyOrRender, options) {
  const render = message(keyOrRender, options);
  setText($('error'), render);
  if (render) setStatus('');
}

export function clearError() {
  showError('');
}

/**
 * Marks a button as busy: disabled, aria-busy="true", label set to the catalogue text `busyKey`; when busy is false
 * its own label (data-i18n) comes back. The busy spinner is drawn by CSS from [aria-busy="true"].
 */
export function setBusy(button, busy, busyKey) {
  if (!button) return;
  if (busy) {
    if (busyKey) setText(button, () => t(busyKey));
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  } else {
    setText(button, null);
    button.textContent = t(button.dataset.i18n);
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** Shows or hides an element through its `hidden` attribute. */
export function show(el, visible = true) {
  if (el) el.hidden = !visible;
}

/**
 * An inline confirmation: `trigger` (with aria-controls and aria-expanded) opens `group` and moves the focus to
 * `confirm`; `cancel` or Escape closes it and gives the focus back to `trigger`. Returns close(focusBack).
 */
export function wireConfirmation(trigger, group, confirm, cancel) {
  const close = (focusBack) => {
    show(group, false);
    trigger.setAttribute('aria-expanded', 'false');
    if (focusBack) trigger.focus();
  };
  trigger.addEventListener('click', () => {
    clearError();
    show(group, true);
    trigger.setAttribute('aria-expanded', 'true');
    confirm.focus();
  });
  cancel.addEventListener('click', () => close(true));
  group.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close(true);
  });
  return close;
}

/** Moves focus to an element (headings carry tabindex="-1") and scrolls it into view. */
export function focusElement(el) {
  if (!el) return;
  el.focus({ preventScroll: true });
  el.scrollIntoView({ block: 'start', behavior: 'auto' });
}

/**
 * Copies text: the async Clipboard API first, then the legacy copy command on the selected field.
 * When neither works the field stays selected for a manual Ctrl+C. Returns 'copied' or 'selected'.
 */
export async function copyFromField(field) {
  const text = field.value;
  try {
    if (globalThis.navigator?.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return 'copied';
    }
  } catch {
    // fall through to the selection fallback
  }
  field.focus();
  field.select();
  try {
    if (document.execCommand && document.execCommand('copy')) return 'copied';
  } catch {
    // ignore
  }
  return 'selected';
}

/**
 * Wires a copy button to a read-only field and reports the outcome in #status: the catalogue text copy.{what}.copied
 * or .selected, or {namespace}.copy.{what}.* for a page whose copy texts live in its own section.
 */
export function wireCopyButton(button, field, what, namespace = '') {
  const prefix = namespace ? `${namespace}.copy.${what}` : `copy.${what}`;
  button.addEventListener('click', async () => {
    const outcome = await copyFromField(field);
    setStatus(outcome === 'copied' ? `${prefix}.copied` : `${prefix}.selected`);
  });
}

/** "in 3 days", "in 5 hours", "in 12 minutes", "in less than a minute", "expired", in the page's language. */
export function formatRelative(date, now = Date.now()) {
  const seconds = Math.round((new Date(date).getTime() - now) / 1000);
  if (!Number.isFinite(seconds)) return '';
  if (seconds <= 0) return t('time.expired');
  if (seconds < 60) return t('time.lessThanAMinute');
  const rtf = new Intl.RelativeTimeFormat(currentLanguage(), { numeric: 'always' });
  // days from 2 days on (36 hours reads "in 36 hours"), hours from about one hour on
  if (seconds >= 2 * 86400) return rtf.format(Math.round(seconds / 86400), 'day');
  if (seconds >= 3570) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 60), 'minute');
}

/** Local date and time, e.g. "12 Mar 2030, 14:05", in the page's language. */
export function formatLocal(date) {
  const d = new Date(date);
  if (Number.isNaN(d.getTime())) return String(date);
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** "Expires 12 Mar 2030, 14:05 (in 23 hours)." */
export function formatExpiry(date, now = Date.now()) {
  const relative = formatRelative(date, now);
  return relative
    ? t('time.expiresRelative', { date: formatLocal(date), relative })
    : t('time.expires', { date: formatLocal(date) });
}

/** "1 view left", "3 views left", or "Unlimited views until it expires." for null. */
export function formatViewsLeft(viewsRemaining) {
  if (viewsRemaining === null || viewsRemaining === undefined) return t('views.unlimited');
  return t('views.left', { count: viewsRemaining });
}

/** "N attempts left." with the right plural. */
export function formatAttempts(n) {
  return t('views.attemptsLeft', { count: n });
}

/** A number of hours or days as Intl names it ("1 hour", "7 days"), for the expiry and extension choices. */
export function formatDuration(seconds) {
  const [value, unit] = seconds % 86400 === 0 ? [seconds / 86400, 'day'] : [seconds / 3600, 'hour'];
  return formatNumber(value, { style: 'unit', unit, unitDisplay: 'long' });
}

/** Names every <option data-duration="SECONDS"> under root by formatDuration. */
export function translateDurations(root = document) {
  for (const option of root.querySelectorAll('option[data-duration]')) {
    setText(option, () => formatDuration(Number(option.dataset.duration)));
  }
}

/** "a, b and c" in the page's language. */
export function formatList(items) {
  return new Intl.ListFormat(currentLanguage(), { style: 'long', type: 'conjunction' }).format(items);
}
