// Live changes on the reading page. Each event names one annotation; the page
// asks the server for just what it must redraw — that annotation's list entry,
// the blocks of the text it lies on (and those where the page last drew it),
// the counts — drawn by the page's own templates for this viewer, and moves
// them into place. Nothing here draws markup. Focus, a selection in progress,
// the scroll position and an open editor are kept; a screen reader hears one
// announcement per change. After a gap (a reconnection, a `resync`), or when
// the viewer's whole view changes (post-first), the page is redrawn whole.

import { announce } from "./dom.js";

/** Past this many annotations or blocks at once, one whole redraw is cheaper (the server's own bounds). */
const MOST_IDS = 50;
const MOST_BLOCKS = 200;

let article = null;
let readingId = null;
/** Redraws the page whole; and what to do after any redraw (filters, the open thread). */
let redrawWhole = async () => {};
let afterRedraw = () => {};

const pending = { ids: new Set(), messages: [], whole: false, timer: null, waiters: [] };
/** Entries asked for by the reader (a thread opened from a highlight): shown even past a list cut short. */
const wanted = new Set();

const list = () => document.getElementById("annotation-list");
const item = (id) => document.getElementById(`a-${id}`);

/** Wires live changes: `options.refresh` redraws the page whole, `options.after` runs after every redraw. */
export function initLive(options) {
  ({ article, refresh: redrawWhole, after: afterRedraw } = options);
  readingId = article.dataset.readingId;
}

/**
 * Redraws what annotation `id` touches; `message` (if any) is announced once it
 * is shown; `entry` asks for its list entry even where a long list leaves it
 * out. Changes that arrive together are fetched together. Resolves once drawn.
 */
export function redrawAnnotation(id, message = "", { entry = false } = {}) {
  if (id) pending.ids.add(id);
  if (id && entry) wanted.add(id);
  if (message) pending.messages.push(message);
  return schedule();
}

/** Redraws the page whole (after a gap); `message` is announced once it is shown. */
export function redrawAll(message = "") {
  pending.whole = true;
  if (message) pending.messages.push(message);
  return schedule();
}

function schedule(delay = 120) {
  clearTimeout(pending.timer);
  pending.timer = setTimeout(flush, delay);
  return new Promise((resolve) => pending.waiters.push(resolve));
}

async function flush() {
  // Do not pull the text from under a selection in progress (until the editor
  // opens on it, which keeps its offsets): try again shortly.
  const selection = document.getSelection();
  const editing = document.querySelector("[data-role=annotation-editor]")?.classList.contains("floating");
  if (selection && !selection.isCollapsed && article.contains(selection.anchorNode) && !editing) {
    pending.timer = setTimeout(flush, 300);
    return;
  }
  const ids = [...pending.ids];
  const messages = pending.messages.splice(0);
  const waiters = pending.waiters.splice(0);
  let whole = pending.whole;
  pending.ids.clear();
  pending.whole = false;
  try {
    if (!whole) whole = !(await redrawParts(ids));
    if (whole) await redrawWhole();
    afterRedraw();
    if (messages.length) announce(messages.join(" "));
  } finally {
    waiters.forEach((resolve) => resolve());
  }
}

/** Fetches and applies the fragments for `ids`; false when the page must be redrawn whole instead. */
async function redrawParts(ids) {
  if (!ids.length) return true;
  const asked = new Set(ids);
  // Entries that link to a changed annotation show its label (or lose it): they are asked for too.
  for (const id of ids) {
    for (const link of list().querySelectorAll(`a[data-target="${CSS.escape(id)}"]`)) {
      const from = link.closest("li[data-annotation-id]")?.dataset.annotationId;
      if (from) asked.add(from);
    }
  }
  const blocks = new Set();
  for (const id of asked) {
    for (const mark of article.querySelectorAll(`mark[data-annotation-ids~="${CSS.escape(id)}"]`)) {
      blocks.add(mark.closest("[data-start]").dataset.start);
    }
  }
  if (asked.size > MOST_IDS || blocks.size > MOST_BLOCKS) return false;
  const query = new URLSearchParams({ ids: [...asked].join(","), blocks: [...blocks].join(",") });
  let response;
  try {
    response = await fetch(`/readings/${readingId}/fragments?${query}`, { headers: { Accept: "text/html" } });
  } catch {
    return false;
  }
  if (!response.ok) return false;
  const parsed = new DOMParser().parseFromString(await response.text(), "text/html");
  const fragments = parsed.querySelector("[data-role=fragments]");
  // Signed out meanwhile (the sign-in form came back), or the viewer's whole view changed (post-first).
  if (!fragments || fragments.dataset.seesClass !== article.dataset.seesClass) return false;
  apply(fragments);
  return true;
}

/** Moves each fragment into place. */
function apply(fragments) {
  const spotlight = fragments.querySelector("template[data-role=spotlight-slot]");
  if (spotlight) document.querySelector("[data-role=spotlight-slot]")?.replaceWith(document.importNode(spotlight.content, true));
  const focus = rememberFocus();
  for (const template of fragments.querySelectorAll("template[data-block]")) {
    const fresh = template.content.firstElementChild;
    const old = article.querySelector(`:scope > [data-start="${CSS.escape(template.dataset.block)}"]`);
    if (fresh && old) old.replaceWith(document.importNode(fresh, true));
  }
  const claims = document.querySelector("select[data-role=link]");
  for (const template of fragments.querySelectorAll("template[data-entry]")) {
    const id = template.dataset.entry;
    const fresh = document.importNode(template.content.firstElementChild, true);
    const old = item(id);
    const before = item(template.dataset.before);
    if (old) old.replaceWith(fresh);
    // A list cut short (thousands of annotations) takes in only what falls among what it shows.
    else if (before || wanted.has(id) || !list().hasAttribute("data-truncated")) place(list(), fresh, before);
    const option = fragments.querySelector(`template[data-claim="${CSS.escape(id)}"]`);
    const oldOption = [...claims.options].find((o) => o.value === id);
    if (!option) oldOption?.remove();
    else if (!oldOption) {
      const before = [...claims.options].find((o) => o.value === option.dataset.before);
      place(claims, document.importNode(option.content.firstElementChild, true), before);
    }
  }
  for (const template of fragments.querySelectorAll("template[data-gone]")) {
    const id = template.dataset.gone;
    item(id)?.remove();
    [...claims.options].find((o) => o.value === id)?.remove();
  }
  const authors = document.querySelector("select[data-role=authors]");
  const kept = authors.value;
  authors.replaceChildren(...document.importNode(fragments.querySelector("template[data-role=authors]").content, true).childNodes);
  authors.value = [...authors.options].some((o) => o.value === kept) ? kept : "";
  for (const count of document.querySelectorAll("[data-count-kind], [data-role=total], [data-argument-count]")) {
    const { countKind, argumentCount } = count.dataset;
    const selector = countKind
      ? `[data-count-kind="${countKind}"]`
      : argumentCount
        ? `[data-argument-count="${argumentCount}"]`
        : "[data-role=total]";
    count.textContent = fragments.querySelector(selector)?.textContent ?? count.textContent;
  }
  document.querySelector("[data-role=empty]").hidden = Number(fragments.querySelector("[data-role=total]")?.textContent) > 0;
  focus();
}

/** Inserts `node` into `parent` before `before` (when it is there), else at the end. */
function place(parent, node, before) {
  if (before && before.parentNode === parent) parent.insertBefore(node, before);
  else parent.append(node);
}

/** What has focus in the parts that may be replaced, and a function that gives it back after. */
function rememberFocus() {
  const active = document.activeElement;
  const mark = active?.closest?.("#reading-text mark[data-annotation-ids]");
  const entry = active?.closest?.("#annotation-list > li");
  if (mark) {
    const ids = mark.dataset.annotationIds;
    const block = mark.closest("[data-start]")?.dataset.start;
    return () => {
      if (document.contains(mark)) return;
      const again = article.querySelector(`:scope > [data-start="${CSS.escape(block)}"] mark[data-annotation-ids="${CSS.escape(ids)}"]`);
      again?.focus({ preventScroll: true });
    };
  }
  if (entry) {
    const focusable = [...entry.querySelectorAll("a, button, [tabindex]")];
    const at = focusable.indexOf(active);
    const id = entry.dataset.annotationId;
    return () => {
      if (document.contains(entry)) return;
      const again = item(id);
      ([...(again?.querySelectorAll("a, button, [tabindex]") ?? [])][at] ?? again)?.focus({ preventScroll: true });
    };
  }
  return () => {};
}
