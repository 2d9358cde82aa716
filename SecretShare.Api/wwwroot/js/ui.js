// Small DOM and text helpers shared by create.js and view.js. Importable in Node (document is only used
// inside functions). Both pages have #status (role="status", aria-live="polite") and #error
// (role="alert"); both regions collapse while empty (CSS :empty).

/** document.getElementById shorthand. */
export const $ = (id) => document.getElementById(id);

/** Sets the polite status message (empty string clears it). */
export function setStatus(text) {
  const el = $('status');
  if (el) el.textContent = text || '';
}

/** Shows an error in the role="alert" region and clears the status. */
export function showError(text) {
  const el = $('error');
  if (el) el.textContent = text || '';
  if (text) setStatus('');
}

export function clearError() {
  showError('');
}

/**
 * Marks a button as busy: disabled, aria-busy="true", label swapped for `busyLabel`; restores it when
 * busy is false. The busy spinner is drawn by CSS from [aria-busy="true"].
 */
export function setBusy(button, busy, busyLabel) {
  if (!button) return;
  if (busy) {
    if (button.dataset.label === undefined) button.dataset.label = button.textContent;
    if (busyLabel) button.textContent = busyLabel;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  } else {
    if (button.dataset.label !== undefined) {
      button.textContent = button.dataset.label;
      delete button.dataset.label;
    }
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** Shows or hides an element through its `hidden` attribute. */
export function show(el, visible = true) {
  if (el) el.hidden = !visible;
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

/** Wires a copy button to a read-only field and reports the outcome in #status. */
export function wireCopyButton(button, field, what) {
  button.addEventListener('click', async () => {
    const outcome = await copyFromField(field);
    setStatus(outcome === 'copied'
      ? `${what} copied to the clipboard.`
      : `${what} selected: press Ctrl+C (or Cmd+C) to copy it.`);
  });
}

/** "in 3 days", "in 5 hours", "in 12 minutes", "in less than a minute", "expired". */
export function formatRelative(date, now = Date.now(), locale = undefined) {
  const seconds = Math.round((new Date(date).getTime() - now) / 1000);
  if (!Number.isFinite(seconds)) return '';
  if (seconds <= 0) return 'expired';
  if (seconds < 60) return 'in less than a minute';
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'always' });
  // days from 2 days on (36 hours reads "in 36 hours"), hours from about one hour on
  if (seconds >= 2 * 86400) return rtf.format(Math.round(seconds / 86400), 'day');
  if (seconds >= 3570) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 60), 'minute');
}

/** Local date and time, e.g. "12 Mar 2030, 14:05" in the browser's locale. */
export function formatLocal(date, locale = undefined) {
  const d = new Date(date);
  if (Number.isNaN(d.getTime())) return String(date);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** "Expires 12 Mar 2030, 14:05 (in 23 hours)." */
export function formatExpiry(date, now = Date.now(), locale = undefined) {
  const relative = formatRelative(date, now, locale);
  return `Expires ${formatLocal(date, locale)}${relative ? ` (${relative})` : ''}.`;
}

/** "1 view left", "3 views left", or "Unlimited views until it expires" for null. */
export function formatViewsLeft(viewsRemaining) {
  if (viewsRemaining === null || viewsRemaining === undefined) return 'Unlimited views until it expires';
  return `${viewsRemaining} view${viewsRemaining === 1 ? '' : 's'} left`;
}

/** "N attempts left" with the right plural. */
export function formatAttempts(n) {
  return `${n} attempt${n === 1 ? '' : 's'} left`;
}
