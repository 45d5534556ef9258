// Counterpoint's reading page, enhanced: selecting text in the reading (with
// the mouse, or with the keyboard) opens the annotation editor next to the
// passage; saving posts a W3C annotation to the API and redraws what it touched
// from the server; classmates' changes arrive as Server-Sent Events (live.js).
//
// Offsets: selection.js turns a selection into code-point offsets into the
// canonical text (what the server stores); they are re-exported here, where the
// browser tests' offset fixtures find them.

import { announce, api, idsAround } from "./dom.js";
import { initLive, redrawAll, redrawAnnotation } from "./live.js";
import { selectionInside } from "./selection.js";
import { applyFilters, closeThread, initThreads, openThread, rerenderThread, restoreTarget } from "./thread.js";

export { codePointOffset, selectionInside } from "./selection.js";

const article = document.getElementById("reading-text");
const editor = document.querySelector("[data-role=annotation-editor]");
const readingId = article?.dataset.readingId;
const LINKED_KINDS = ["counterargument", "source"];

const field = (name) => editor.elements.namedItem(name);
const chosenKind = () => editor.querySelector("input[name=kind]:checked")?.value ?? "note";
const isOpen = () => editor.classList.contains("floating");

function showError(message) {
  const box = editor.querySelector("[data-role=editor-error]");
  box.textContent = message;
  box.hidden = !message;
}

/** Shows the link fields for counterarguments and sources, the citation for sources. */
function showKindFields() {
  const kind = chosenKind();
  editor.querySelector("[data-role=link-fields]").hidden = !LINKED_KINDS.includes(kind);
  editor.querySelector("[data-role=source-fields]").hidden = kind !== "source";
  editor.querySelector("[data-role=pick-hint]").hidden = !LINKED_KINDS.includes(kind);
  if (isOpen()) editor.scrollIntoView({ block: "nearest" });
}

function setOffsets(found) {
  for (const name of ["start", "end"]) {
    let input = field(name);
    if (!found) {
      input?.remove();
      continue;
    }
    if (!input) {
      input = Object.assign(document.createElement("input"), { type: "hidden", name });
      editor.append(input);
    }
    input.value = String(found[name]);
  }
}

let returnFocus = null;

/** Opens the editor beside `rect` (the selection's box) for the passage `found`. */
function openEditor(found, rect) {
  returnFocus = document.activeElement;
  field("quote").value = found.exact;
  setOffsets(found);
  showError("");
  editor.classList.add("floating", "has-selection");
  editor.querySelector("[data-role=cancel]").hidden = false;
  const width = Math.min(editor.offsetWidth || 384, window.innerWidth - 16);
  const left = Math.max(8, Math.min(rect.left, window.innerWidth - width - 8));
  editor.style.left = `${left + window.scrollX}px`;
  editor.style.top = `${rect.bottom + window.scrollY + 8}px`;
  showKindFields();
  (editor.querySelector("input[name=kind]:checked") ?? editor.querySelector("input[name=kind]"))?.focus({
    preventScroll: true,
  });
}

function closeEditor() {
  editor.classList.remove("floating", "has-selection");
  editor.style.left = editor.style.top = "";
  editor.querySelector("[data-role=cancel]").hidden = true;
  if (returnFocus && document.contains(returnFocus)) returnFocus.focus({ preventScroll: true });
  else article.focus({ preventScroll: true });
  returnFocus = null;
}

/** Opens the editor on the current selection, if it lies in the reading. */
function annotateSelection() {
  const selection = document.getSelection();
  const found = selectionInside(article, selection);
  if (!found) return false;
  openEditor(found, selection.getRangeAt(0).getBoundingClientRect());
  return true;
}

/** The W3C annotation the editor describes. */
function annotationFromEditor() {
  const kind = chosenKind();
  const body = [{ type: "TextualBody", purpose: "classifying", value: kind }];
  const comment = field("comment").value.trim();
  if (comment) body.push({ type: "TextualBody", purpose: "commenting", value: comment, format: "text/plain" });
  const link = field("link").value;
  if (link && LINKED_KINDS.includes(kind)) {
    const linking = { type: "SpecificResource", purpose: "linking", source: link };
    if (kind === "source") linking.relation = field("relation").value;
    body.push(linking);
  }
  const tag = field("tag")?.value;
  if (tag) body.push({ type: "TextualBody", purpose: "tagging", value: tag });
  const selector = [];
  if (field("start") && field("end")) {
    selector.push({ type: "TextPositionSelector", start: Number(field("start").value), end: Number(field("end").value) });
  }
  selector.push({ type: "TextQuoteSelector", exact: field("quote").value.trim() });
  const annotation = {
    "@context": "http://www.w3.org/ns/anno.jsonld",
    type: "Annotation",
    body,
    visibility: field("visibility").value,
    target: { source: `${location.origin}/readings/${readingId}`, selector },
  };
  const citation = [field("citation").value.trim(), field("citation_url").value.trim()].filter(Boolean).join(" ");
  if (kind === "source" && citation) annotation.citation = citation;
  return annotation;
}

async function save(event) {
  event.preventDefault();
  if (!field("quote").value.trim()) {
    showError("Select a passage in the reading (or paste its exact words) first.");
    return;
  }
  const button = editor.querySelector("[data-role=save]");
  button.disabled = true;
  try {
    const saved = await api("POST", `/api/readings/${readingId}/annotations/`, annotationFromEditor());
    for (const name of ["quote", "comment", "citation", "citation_url", "link"]) field(name).value = "";
    field("visibility").value = "class"; // the next annotation is not private by accident
    setOffsets(null);
    showError("");
    if (isOpen()) closeEditor();
    document.getSelection()?.removeAllRanges();
    const id = String(saved?.id ?? "").split("/").pop();
    await redrawAnnotation(id, "Annotation saved.");
    article.querySelector(`mark[data-annotation-ids~="${CSS.escape(id)}"]`)?.focus({ preventScroll: true });
  } catch (error) {
    showError(error.message);
  } finally {
    button.disabled = false;
  }
}

/**
 * Redraws the article and the panel from the server's whole page, keeping filters
 * and focus: after a gap in the live changes. (The browser revalidates the page
 * by its ETag, so an unchanged reading costs no body.)
 */
export async function refresh() {
  // With its query: a page showing only what is new (`?since=`) keeps showing only that.
  const response = await fetch(location.pathname + location.search, { headers: { Accept: "text/html" } });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  if (!fresh.getElementById("reading-text")) {
    // Signed out meanwhile (the page answered with the sign-in form): keep what is shown.
    announce("Your session ended; sign in again to see new annotations.");
    return;
  }
  const focusedIds = document.activeElement?.closest?.("#reading-text mark")?.dataset.annotationIds;
  article.replaceChildren(...fresh.getElementById("reading-text").childNodes);
  article.dataset.seesClass = fresh.getElementById("reading-text").dataset.seesClass;
  document.getElementById("annotation-list").replaceChildren(...fresh.getElementById("annotation-list").childNodes);
  for (const count of document.querySelectorAll("[data-count-kind], [data-role=total], [data-argument-count]")) {
    const { countKind, argumentCount } = count.dataset;
    const selector = countKind
      ? `[data-count-kind="${countKind}"]`
      : argumentCount
        ? `[data-argument-count="${argumentCount}"]`
        : "[data-role=total]";
    count.textContent = fresh.querySelector(selector)?.textContent ?? count.textContent;
  }
  for (const role of ["link", "authors"]) {
    const select = document.querySelector(`select[data-role=${role}]`);
    const kept = select.value;
    select.replaceChildren(...fresh.querySelector(`select[data-role=${role}]`).childNodes);
    select.value = [...select.options].some((o) => o.value === kept) ? kept : "";
  }
  document.querySelector("[data-role=empty]").hidden = fresh.querySelector("[data-role=empty]").hidden;
  const spotlight = fresh.querySelector("[data-role=spotlight-slot]");
  if (spotlight) document.querySelector("[data-role=spotlight-slot]")?.replaceChildren(...spotlight.childNodes);
  if (focusedIds) article.querySelector(`mark[data-annotation-ids="${CSS.escape(focusedIds)}"]`)?.focus();
}

const ANNOUNCEMENTS = {
  created: "A new annotation was added.",
  updated: "An annotation was changed.",
  deleted: "An annotation was removed.",
  replied: "A new reply was posted.",
  linked: "An annotation's links changed.",
};

function listen() {
  const events = new EventSource(`/readings/${readingId}/events`);
  events.addEventListener("annotation", (message) => {
    let change = {};
    try {
      change = JSON.parse(message.data);
    } catch {
      /* an unreadable event still redraws */
    }
    if (!change.annotation) {
      redrawAll();
      return;
    }
    // This viewer's own changes are announced where they were made.
    redrawAnnotation(change.annotation, change.mine ? "" : (ANNOUNCEMENTS[change.change] ?? ""));
  });
  events.addEventListener("resync", () => redrawAll());
  // The browser reconnects by itself after a drop; what happened meanwhile is fetched again.
  let connected = false;
  events.addEventListener("open", () => {
    if (connected) redrawAll();
    connected = true;
  });
}

/** Arrow keys move a caret through the reading; with Shift they select, word by word or line by line. */
function keyboardSelect(event) {
  const moves = { ArrowRight: ["forward", "word"], ArrowLeft: ["backward", "word"], ArrowDown: ["forward", "line"], ArrowUp: ["backward", "line"] };
  const move = moves[event.key];
  if (!move || event.altKey || event.ctrlKey || event.metaKey) return;
  const selection = document.getSelection();
  if (!selection.rangeCount || !article.contains(selection.anchorNode)) {
    const start = event.target.closest("mark, [data-start]") ?? article.querySelector("[data-start]");
    selection.collapse(start, 0);
  }
  selection.modify(event.shiftKey ? "extend" : "move", ...move);
  event.preventDefault();
}

function pickClaim(mark) {
  const select = field("link");
  const ids = idsAround(mark);
  const claim = [...select.options].find((option) => option.value && ids.includes(option.value));
  if (!claim) return false;
  select.value = claim.value;
  announce(`Linked to the claim ${claim.textContent}.`);
  return true;
}

if (article && editor) {
  document.documentElement.classList.add("enhanced");
  document.querySelector("[data-role=shortcut-hint]").hidden = false;
  showKindFields();
  editor.addEventListener("change", (event) => event.target.name === "kind" && showKindFields());
  editor.addEventListener("submit", save);
  editor.querySelector("[data-role=cancel]").addEventListener("click", closeEditor);
  // Typing a quote by hand drops the offsets: the server anchors the quote instead.
  field("quote").addEventListener("input", () => setOffsets(null));
  article.addEventListener("mouseup", () => setTimeout(annotateSelection, 0));
  article.addEventListener("click", (event) => {
    const mark = event.target.closest("mark[data-annotation-ids]");
    if (!mark || !document.getSelection().isCollapsed) return;
    if (isOpen() && LINKED_KINDS.includes(chosenKind()) && pickClaim(mark)) return;
    openThread(idsAround(mark), mark);
  });
  article.addEventListener("keydown", (event) => {
    const mark = event.target.closest?.("mark[data-annotation-ids]");
    if (event.key === "Enter" && mark) {
      event.preventDefault();
      openThread(idsAround(mark), mark);
    } else keyboardSelect(event);
  });
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest?.("input, textarea, select, [contenteditable]");
    if (event.key === "Escape") {
      if (isOpen()) closeEditor();
      else closeThread();
    } else if ((event.key === "a" || event.key === "A") && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      if (annotateSelection()) event.preventDefault();
    }
  });
  initLive({
    article,
    refresh,
    after: () => {
      restoreTarget();
      applyFilters();
      rerenderThread();
    },
  });
  initThreads({ article, refresh: redrawAnnotation });
  listen();
}
