// The one place a DOM selection becomes code-point offsets, shared by the
// reading page's scripts (annotate.js opens the editor on it, reattach.js
// places an orphan with it).
//
// Offsets: the article's text content equals the reading's canonical text, so
// the offset of a DOM point is the number of code points of the text before it
// in the article. Browsers count UTF-16 units; `[...string].length` counts code
// points (an emoji is one), which is what the server stores.

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
  const start = codePointOffset(root, range.startContainer, range.startOffset);
  let lead = 0;
  while (lead < text.length && /\s/u.test(text[lead])) lead++;
  let trail = text.length;
  while (trail > lead && /\s/u.test(text[trail - 1])) trail--;
  if (trail === lead) return null;
  return { start: start + lead, end: start + trail, exact: text.slice(lead, trail).join("") };
}
