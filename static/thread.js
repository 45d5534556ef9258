// The side panel's thread view and filters. A highlight opens its thread: the
// annotation as the server drew it in the list (its links, its replies), a
// reply form and, for its author, edit and delete. Where highlights overlap,
// the thread first offers every annotation under the point.

import { api, h } from "./dom.js";

const thread = document.querySelector("[data-role=thread]");
const body = thread?.querySelector("[data-role=thread-body]");
const filters = document.querySelector("[data-role=filters]");
let article = null;
/** Redraws what annotation `id` touches, then announces `message` (see live.js). */
let refresh = async (_id, _message) => {};
/** What the thread shows: a list of annotation ids (a choice when more than one). */
let shown = null;
let returnFocus = null;

const item = (id) => document.getElementById(`a-${id}`);
const KINDS = ["claim", "counterargument", "source", "question", "note"];
const VISIBILITIES = [["private", "Only me"], ["instructors", "Me and instructors"], ["class", "Whole class"]];

/** Opens the thread of the annotations `ids` (those the list shows); `from` gets focus back on close. */
export async function openThread(ids, from = null) {
  // A long list leaves entries out: fetch those of the highlights opened (drawn by the server).
  const missing = ids.filter((id) => !item(id));
  if (missing.length) await Promise.all(missing.map((id) => refresh(id, "", { entry: true })));
  const known = ids.filter((id) => item(id));
  if (!known.length || !thread) return;
  if (from) returnFocus = from;
  shown = known;
  draw();
  thread.hidden = false;
  thread.focus({ preventScroll: true });
  thread.scrollIntoView({ block: "nearest" });
}

export function closeThread() {
  if (!thread || thread.hidden) return;
  thread.hidden = true;
  shown = null;
  if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
  returnFocus = null;
}

/** Draws the open thread again after the page was refreshed (or closes it when its annotation is gone). */
export function rerenderThread() {
  if (!shown) return;
  shown = shown.filter((id) => item(id));
  if (shown.length) draw();
  else closeThread();
}

function draw() {
  const title = shown.length > 1 ? "Annotations here" : "Thread";
  thread.querySelector("h2").textContent = title;
  if (shown.length > 1) {
    body.dataset.showing = "";
    body.replaceChildren(
      h("ul", { class: "choices" }, ...shown.map((id) => h("li", {}, h("button", { type: "button", class: "choice", onclick: () => openThread([id]) }, summary(id))))),
      closeButton(),
    );
    return;
  }
  const id = shown[0];
  const source = item(id);
  // A copy of the list item's content (not the <li> itself, which belongs in the list).
  const copy = h("div", { class: "annotation open" }, ...source.cloneNode(true).childNodes);
  for (const link of copy.querySelectorAll("a[data-target]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      jumpTo(link.dataset.target);
    });
  }
  if (body.dataset.showing === id && body.querySelector("[data-role=reply-form]")) {
    // A refresh: redraw the annotation, keep the forms and whatever is typed in them;
    // the link form (only choices, nothing typed) follows the links as they are now.
    body.querySelector(".annotation").replaceWith(copy);
    body.querySelector("[data-role=link-form]")?.replaceWith(linkForm(id, source));
    body.querySelector("[data-role=mark-tools]")?.replaceWith(markTools(id, source));
    const quote = copy.querySelector(".quote[data-shortened]");
    if (quote) showWholeQuote(id, quote);
    return;
  }
  body.dataset.showing = id;
  const mine = source.dataset.mine === "true";
  body.replaceChildren(copy, markTools(id, source), replyForm(id), mine ? authorTools(id, source) : "", closeButton());
  const quote = copy.querySelector(".quote[data-shortened]");
  if (quote) showWholeQuote(id, quote);
}

/** Spotlight (instructors) and answered (a question's author or an instructor), one toggle each. */
function markTools(id, source) {
  const teaches = thread.dataset.instructor === "true";
  const buttons = [];
  const toggle = (mark, on, [add, remove, added, removed]) => {
    const button = h("button", { type: "button", class: "secondary", "data-role": `${mark}-toggle` }, on ? remove : add);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await api(on ? "DELETE" : "POST", `/api/annotations/${encodeURIComponent(id)}/${mark}`);
        await refresh();
        announce(on ? removed : added);
      } catch (error) {
        announce(error.message);
      } finally {
        button.disabled = false;
      }
    });
    buttons.push(button);
  };
  if (teaches) {
    toggle("spotlight", source.dataset.spotlight === "true", ["Spotlight", "Remove from spotlight", "Spotlit.", "Removed from the spotlight."]);
  }
  if (source.dataset.kind === "question" && (teaches || source.dataset.mine === "true")) {
    toggle("answered", source.dataset.answered === "true", ["Mark answered", "Mark unanswered", "Marked answered.", "Marked unanswered."]);
  }
  return h("p", { class: "buttons", "data-role": "mark-tools" }, ...buttons);
}

/** The list shows a long passage's start: the thread asks the API for all of it. */
async function showWholeQuote(id, element) {
  try {
    const annotation = await api("GET", `/api/annotations/${encodeURIComponent(id)}`);
    const exact = [annotation?.target?.selector].flat().find((s) => s?.type === "TextQuoteSelector")?.exact;
    if (exact && element.isConnected) {
      element.textContent = exact;
      delete element.dataset.shortened;
    }
  } catch {
    // The shortened passage stays.
  }
}

function summary(id) {
  const source = item(id);
  const kind = source.querySelector(".badge")?.textContent ?? "";
  const author = source.dataset.author ?? "";
  const quote = source.querySelector(".quote")?.textContent ?? "";
  return `${kind} by ${author}: “${quote.slice(0, 60)}${quote.length > 60 ? "…" : ""}”`;
}

function closeButton() {
  return h("p", { class: "buttons" }, h("button", { type: "button", class: "secondary", onclick: closeThread }, "Close thread"));
}

/** Where the last jump landed, outlined until `until` (a time in ms). */
let target = null;

/** Outlines the highlight of annotation `id` until `until`; returns the mark, if any. */
function outline(id, until) {
  const mark = article.querySelector(`mark[data-annotation-ids~="${CSS.escape(id)}"]`);
  if (mark) {
    mark.classList.add("hl-target");
    setTimeout(() => mark.classList.remove("hl-target"), Math.max(0, until - Date.now()));
  }
  return mark;
}

/** After the article is redrawn (a live change), outlines again where the last jump landed. */
export function restoreTarget() {
  if (target && Date.now() < target.until) outline(target.id, target.until);
}

/** Moves to the highlight of annotation `id` and opens its thread. */
function jumpTo(id) {
  // Show where the jump landed: the focus goes to the thread, so the highlight is outlined a moment.
  target = { id, until: Date.now() + 2500 };
  const mark = outline(id, target.until);
  if (mark) {
    mark.scrollIntoView({ block: "center" });
    openThread([id], mark);
  } else {
    openThread([id]);
  }
}

function errorLine() {
  return h("p", { class: "error", role: "alert", hidden: true });
}

async function attempt(form, action) {
  const error = form.querySelector(".error");
  const buttons = form.querySelectorAll("button");
  buttons.forEach((b) => (b.disabled = true));
  try {
    await action();
    error.hidden = true;
  } catch (failure) {
    error.textContent = failure.message;
    error.hidden = false;
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

function replyForm(id) {
  const text = h("textarea", { name: "reply", rows: 2, required: true });
  const form = h(
    "form",
    { class: "stack reply-form", "data-role": "reply-form" },
    h("label", {}, "Your reply", text),
    errorLine(),
    h("p", { class: "buttons" }, h("button", { type: "submit" }, "Reply")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(form, async () => {
      await api("POST", `/api/annotations/${id}/replies`, { text: text.value });
      text.value = "";
      await refresh(id, "Reply posted.");
    });
  });
  return form;
}

function authorTools(id, source) {
  const kind = h("select", { name: "kind" }, ...KINDS.map((k) => h("option", { value: k, selected: k === source.dataset.kind }, k[0].toUpperCase() + k.slice(1))));
  const visibility = h("select", { name: "visibility" }, ...VISIBILITIES.map(([v, label]) => h("option", { value: v, selected: v === source.dataset.visibility }, label)));
  const comment = h("textarea", { name: "comment", rows: 3 });
  comment.value = source.querySelector(".comment")?.textContent ?? "";
  const edit = h(
    "form",
    { class: "stack", "data-role": "edit-form", "aria-label": "Edit annotation" },
    h("label", {}, "Kind", kind),
    h("label", {}, "Comment", comment),
    h("label", {}, "Visible to", visibility),
    errorLine(),
    h("p", { class: "buttons" }, h("button", { type: "submit" }, "Save changes")),
  );
  edit.addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(edit, async () => {
      // PUT replaces the annotation: start from the stored one so links and selectors stay.
      const current = await api("GET", `/api/annotations/${id}`);
      current.body = current.body.filter((b) => b.purpose !== "classifying" && b.purpose !== "commenting");
      current.body.unshift({ type: "TextualBody", purpose: "classifying", value: kind.value });
      if (comment.value.trim()) current.body.push({ type: "TextualBody", purpose: "commenting", value: comment.value.trim() });
      current.visibility = visibility.value;
      await api("PUT", `/api/annotations/${id}`, current);
      await refresh(id, "Annotation changed.");
    });
  });
  const confirmRow = h("p", { class: "buttons confirm", hidden: true }, "Delete this annotation and its replies? ");
  const remove = h("form", { class: "stack", "data-role": "delete-form" }, errorLine(), confirmRow);
  const ask = h("button", { type: "button", class: "danger", "data-role": "delete" }, "Delete…");
  const yes = h("button", { type: "submit", class: "danger", "data-role": "confirm-delete" }, "Yes, delete");
  const no = h("button", { type: "button", class: "secondary" }, "Keep it");
  confirmRow.append(yes, " ", no);
  ask.addEventListener("click", () => {
    confirmRow.hidden = false;
    ask.hidden = true;
    no.focus();
  });
  no.addEventListener("click", () => {
    confirmRow.hidden = true;
    ask.hidden = false;
    ask.focus();
  });
  remove.prepend(ask);
  remove.addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(remove, async () => {
      await api("DELETE", `/api/annotations/${id}`);
      closeThread();
      await refresh(id, "Annotation deleted.");
    });
  });
  return h("details", { class: "author-tools" }, h("summary", {}, "Edit, link or delete"), edit, linkForm(id, source), remove);
}

/** Hides the list items and dims the highlights that the panel's filters leave out. */
/** The author links the annotation to a claim of this reading, or removes one of its links. */
function linkForm(id, source) {
  // The claims this page offers (the editor's list), less the annotation itself.
  const offered = [...document.querySelectorAll("select[data-role=link] option")].filter((o) => o.value && o.value !== id);
  const target = h("select", { name: "target", required: true }, h("option", { value: "" }, "Choose a claim…"), ...offered.map((o) => h("option", { value: o.value }, o.textContent)));
  const relation = h(
    "select",
    { name: "relation" },
    h("option", { value: "" }, "as its kind implies"),
    h("option", { value: "supports" }, "supports"),
    h("option", { value: "rebuts" }, "rebuts / opposes"),
  );
  const form = h(
    "form",
    { class: "stack", "data-role": "link-form", "aria-label": "Link to a claim" },
    h("label", {}, "Link to claim", target),
    h("label", {}, "Relation", relation),
    errorLine(),
    h("p", { class: "buttons" }, h("button", { type: "submit" }, "Add link")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(form, async () => {
      const body = { target: target.value };
      if (relation.value) body.relation = relation.value;
      await api("POST", `/api/annotations/${id}/links`, body);
      await refresh(id, "Link added.");
    });
  });
  for (const link of source.querySelectorAll("a[data-target]")) {
    const unlink = h("button", { type: "button", class: "secondary", "data-role": "unlink", "data-target": link.dataset.target }, `Remove link to ${link.textContent}`);
    unlink.addEventListener("click", () =>
      attempt(form, async () => {
        await api("DELETE", `/api/annotations/${id}/links/${link.dataset.target}`);
        await refresh(id, "Link removed.");
      }),
    );
    form.append(h("p", { class: "buttons" }, unlink));
  }
  return form;
}

export function applyFilters() {
  if (!filters || !article) return;
  const kinds = new Set([...filters.querySelectorAll("input[name=kind]:checked")].map((i) => i.value));
  const author = filters.elements.namedItem("author").value;
  const mine = filters.elements.namedItem("mine").checked;
  const marks = classroomFilter();
  const passing = new Set();
  for (const li of document.querySelectorAll("#annotation-list > li")) {
    const ok = kinds.has(li.dataset.kind) && (!author || li.dataset.author === author) && (!mine || li.dataset.mine === "true") && marks(li);
    li.hidden = !ok;
    if (ok) passing.add(li.dataset.annotationId);
  }
  for (const mark of article.querySelectorAll("mark[data-annotation-ids]")) {
    mark.classList.toggle("hl-off", !mark.dataset.annotationIds.split(" ").some((id) => passing.has(id)));
  }
}

/** The panel's tag and spotlight/answered filters, as a test of a list entry. */
function classroomFilter() {
  const tag = filters.elements.namedItem("tag")?.value ?? "";
  const show = filters.elements.namedItem("show")?.value ?? "";
  return (li) => {
    let tags = [];
    try {
      tags = JSON.parse(li.dataset.tags || "[]");
    } catch {
      tags = [];
    }
    if (tag && !tags.includes(tag)) return false;
    const question = li.dataset.kind === "question";
    switch (show) {
      case "spotlight": return li.dataset.spotlight === "true";
      case "unanswered": return question && li.dataset.answered !== "true";
      case "answered": return question && li.dataset.answered === "true";
      default: return true;
    }
  };
}

/** Wires the panel: filters, and links in the list that jump to highlights. */
export function initThreads(options) {
  ({ article, refresh } = options);
  if (filters) {
    for (const input of filters.querySelectorAll("input[name=kind]")) input.hidden = false;
    filters.querySelector("[data-role=filter-extra]").hidden = false;
    filters.addEventListener("change", applyFilters);
    // A link from a student's page names them: `?author=NAME` sets the author filter.
    const wanted = new URLSearchParams(location.search).get("author");
    const authors = filters.elements.namedItem("author");
    if (wanted && [...authors.options].some((o) => o.value === wanted)) {
      authors.value = wanted;
      applyFilters();
    }
    filters.addEventListener("submit", (event) => event.preventDefault());
  }
  document.getElementById("annotation-list")?.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-target]");
    if (!link) return;
    event.preventDefault();
    jumpTo(link.dataset.target);
  });
  // A link from elsewhere (a search result) names an annotation: land on it with its thread open.
  const fromHash = () => {
    const id = /^#annotation-([0-9a-f-]{36})$/i.exec(location.hash)?.[1];
    if (id && item(id)) jumpTo(id);
  };
  addEventListener("hashchange", fromHash);
  fromHash();
}
