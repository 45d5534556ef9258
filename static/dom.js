// Small helpers shared by the reading page's modules: building elements
// (text always as text, never as HTML) and calling the JSON API with the
// session's CSRF token.

/** An element with attributes and children (strings become text nodes). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

/** Calls the JSON API; resolves to the parsed body, or throws an Error with the server's message. */
export async function api(method, path, body) {
  const headers = { Accept: "application/json", "X-CSRF-Token": csrf() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new Error("The server could not be reached; check your connection and try again.");
  }
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    throw new Error(parsed?.error ?? `The server answered ${response.status}; try again.`);
  }
  return parsed;
}

/** Says `message` through the page's polite live region. */
export function announce(message) {
  const region = document.querySelector("[data-role=status]");
  if (!region) return;
  region.textContent = "";
  // A fresh text node after a tick makes screen readers read a repeated message again.
  setTimeout(() => (region.textContent = message), 50);
}

/**
 * The ids of the annotations over a highlight: those its `<mark>` lists and those
 * every `<mark>` around it lists (a nested mark lists only the ids it adds), outermost first.
 */
export function idsAround(mark) {
  const lists = [];
  for (let at = mark; at; at = at.parentElement?.closest("mark[data-annotation-ids]")) {
    lists.unshift(at.dataset.annotationIds.split(" "));
  }
  return lists.flat();
}
