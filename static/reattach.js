// The reading page's "Annotations whose passage changed": re-attaching an
// orphan to a new passage, or deleting it. "Re-attach" puts the page in
// re-attach mode: the next passage selected in the text opens a small panel
// (instead of the annotation editor) that places the orphan there with a PUT of
// a TextPositionSelector and a TextQuoteSelector. When the page redraws itself
// (a live change, a resync after the instructor edited the text), the section
// is fetched again from /readings/{id}/orphans.
//
// Offsets: as for the annotation editor, selection.js turns the selection into
// code points into the canonical text.

import { announce, api, h } from "./dom.js";
import { selectionInside } from "./selection.js";

const article = document.getElementById("reading-text");
const readingId = article?.dataset.readingId;
let placing = null; // the id of the orphan being re-attached
let panel = null;

/** The selection in the article as {start, end, exact}, trimmed of white space, or null. */
function selected() {
  return selectionInside(article, document.getSelection());
}

function section() {
  return document.querySelector("[data-role=orphans]");
}

/** Shows the buttons (they need this script) and wires them. */
function enhance() {
  for (const actions of section()?.querySelectorAll("[data-role=orphan-actions]") ?? []) actions.hidden = false;
}

async function reload() {
  try {
    const response = await fetch(`/readings/${readingId}/orphans`, { headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("[data-role=orphans]");
    if (fresh && section()) section().replaceWith(fresh);
    enhance();
  } catch {
    /* the next redraw tries again */
  }
}

function stopPlacing() {
  placing = null;
  panel?.remove();
  panel = null;
  document.documentElement.removeAttribute("data-reattaching");
}

function startPlacing(id) {
  stopPlacing();
  placing = id;
  document.documentElement.dataset.reattaching = id;
  announce("Re-attach mode: select the new passage in the text.");
}

/** The panel next to a selection, in re-attach mode. */
function openPanel(passage) {
  panel?.remove();
  const quote = section()?.querySelector(`[data-orphan-id="${CSS.escape(placing)}"] [data-role=orphan-quote]`)?.textContent ?? "";
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const place = h("button", { type: "button", "data-role": "place" }, "Re-attach here");
  const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
  panel = h(
    "div",
    { class: "editor floating stack", "data-role": "reattach-editor", role: "dialog", "aria-label": "Re-attach an annotation" },
    h("h2", {}, "Re-attach"),
    h("p", {}, "It was on: ", h("q", {}, quote)),
    h("p", {}, "Place it on: ", h("q", {}, passage.exact)),
    error,
    h("p", { class: "buttons" }, place, " ", cancel),
  );
  cancel.addEventListener("click", stopPlacing);
  place.addEventListener("click", async () => {
    try {
      const current = await api("GET", `/api/annotations/${placing}`);
      current.target.selector = [
        { type: "TextPositionSelector", start: passage.start, end: passage.end },
        { type: "TextQuoteSelector", exact: passage.exact },
      ];
      await api("PUT", `/api/annotations/${placing}`, current);
      // The page redraws on the live event that follows, but never under a selection.
      document.getSelection()?.removeAllRanges();
      stopPlacing();
      announce("The annotation was re-attached.");
      reload();
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    }
  });
  section()?.before(panel);
  place.focus();
}

if (article && section()) {
  enhance();
  document.addEventListener("click", async (event) => {
    const button = event.target.closest?.("[data-role=reattach], [data-role=delete-orphan]");
    if (!button) return;
    const id = button.dataset.annotationId;
    if (button.dataset.role === "reattach") {
      startPlacing(id);
      return;
    }
    if (!confirm("Delete this annotation, with its replies?")) return;
    try {
      await api("DELETE", `/api/annotations/${id}`);
      announce("The annotation was deleted.");
      reload();
    } catch (e) {
      announce(e.message);
    }
  });
  // In re-attach mode a selection opens this panel, not the annotation editor:
  // the capture listener runs first and keeps the event from the article's own.
  article.addEventListener(
    "mouseup",
    (event) => {
      if (!placing) return;
      event.stopPropagation();
      setTimeout(() => {
        const passage = selected();
        if (passage) openPanel(passage);
      }, 0);
    },
    true,
  );
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && placing) stopPlacing();
    // With the keyboard: select with Shift+arrows, then R places the orphan.
    if ((event.key === "r" || event.key === "R") && placing && !event.target.closest?.("input, textarea, select")) {
      const passage = selected();
      if (passage) {
        event.preventDefault();
        openPanel(passage);
      }
    }
  });
  // The page redraws its text after live changes: the list follows.
  new MutationObserver(() => reload()).observe(article, { childList: true });
}
