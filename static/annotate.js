// Counterpoint's reading page, enhanced: selecting text in the reading fills the
// annotation editor with the passage and its exact code-point offsets.
//
// Offsets: the article's text content equals the reading's canonical text, so
// the offset of a DOM point is the number of code points of the text before it
// in the article. Browsers count UTF-16 units; `[...string].length` counts code
// points (an emoji is one), which is what the server stores.

const article = document.getElementById("reading-text");
const editor = document.querySelector("[data-role=annotation-editor]");

/** Code points from the start of `root` to the DOM point (node, offset). */
export function codePointOffset(root, node, offset) {
  const range = document.createRange();
  range.setStart(root, 0);
  range.setEnd(node, offset);
  return [...range.toString()].length;
}

/** The selection as {start, end, exact}, trimmed of surrounding whitespace, or null. */
export function selectionInside(root, selection) {
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
  const text = [...range.toString()];
  let start = codePointOffset(root, range.startContainer, range.startOffset);
  let lead = 0;
  while (lead < text.length && /\s/u.test(text[lead])) lead++;
  let trail = text.length;
  while (trail > lead && /\s/u.test(text[trail - 1])) trail--;
  if (trail === lead) return null;
  return { start: start + lead, end: start + trail, exact: text.slice(lead, trail).join("") };
}

function fillEditor(found) {
  editor.querySelector("[data-role=quote]").value = found.exact;
  for (const [name, value] of [["start", found.start], ["end", found.end]]) {
    let input = editor.querySelector(`input[name=${name}]`);
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      editor.append(input);
    }
    input.value = String(value);
  }
  editor.classList.add("has-selection");
}

if (article && editor) {
  const onSelect = () => {
    const found = selectionInside(article, document.getSelection());
    if (found) fillEditor(found);
  };
  article.addEventListener("mouseup", onSelect);
  article.addEventListener("keyup", onSelect);
  // Typing a quote by hand drops the offsets: the server anchors the quote instead.
  editor.querySelector("[data-role=quote]")?.addEventListener("input", () => {
    editor.querySelectorAll("input[name=start], input[name=end]").forEach((input) => input.remove());
  });
}
