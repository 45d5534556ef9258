// Unit tests of static/annotate.js's offset conversion, run inside Chromium by
// tests/browser/main.rs (execute_async: the last argument is the callback).
// Each fixture is a small article, a DOM range given as points, and what the
// selection must convert to. Points are [n, offset] (the n-th text node, in
// UTF-16 units, as the DOM counts) or [css, childIndex] (an element boundary).
const done = arguments[arguments.length - 1];

const fixtures = [
  { name: "a word", html: '<p data-start="0">Hello world</p>', start: [0, 6], end: [0, 11], expect: [6, 11, "world"] },
  {
    name: "after astral emoji, which count one code point each",
    html: '<p data-start="0">Ok 🌍🤝 then go</p>',
    start: [0, 8],
    end: [0, 12],
    expect: [6, 10, "then"],
  },
  {
    name: "across blocks, from inside nested styled highlights to after an emoji",
    html: '<p data-start="0">A <mark>b<em>c</em></mark>d</p>\n\n<p data-start="7">e<mark>f🌍</mark>g</p>',
    start: [2, 0],
    end: [6, 3],
    expect: [3, 10, "cd\n\nef🌍"],
  },
  {
    name: "surrounding whitespace and block gaps are trimmed",
    html: '<p data-start="0">one two</p>\n\n<p data-start="9">three</p>',
    start: [0, 3],
    end: ["p:nth-of-type(2)", 0],
    expect: [4, 7, "two"],
  },
  {
    name: "curly quotes and accents",
    html: '<p data-start="0">He said “Déjà Vu?” — twice.</p>',
    start: [0, 9],
    end: [0, 16],
    expect: [9, 16, "Déjà Vu"],
  },
  {
    name: "element boundaries around a whole block",
    html: '<p data-start="0">x</p>\n\n<blockquote data-start="3"><strong>bold</strong> 👀</blockquote>',
    start: ["blockquote", 0],
    end: ["blockquote", 2],
    expect: [3, 9, "bold 👀"],
  },
  { name: "only whitespace selects nothing", html: '<p data-start="0">a   b</p>', start: [0, 1], end: [0, 4], expect: null },
];

function textNodes(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  return nodes;
}

function point(root, [where, offset]) {
  return typeof where === "number" ? [textNodes(root)[where], offset] : [root.querySelector(where), offset];
}

(async () => {
  const { codePointOffset, selectionInside } = await import("/static/annotate.js");
  const failures = [];
  const root = document.createElement("div");
  const outside = document.createElement("p");
  outside.textContent = "outside the reading";
  document.body.append(root, outside);
  const selection = document.getSelection();
  for (const fixture of fixtures) {
    root.innerHTML = fixture.html;
    const range = document.createRange();
    range.setStart(...point(root, fixture.start));
    range.setEnd(...point(root, fixture.end));
    selection.removeAllRanges();
    selection.addRange(range);
    const found = selectionInside(root, selection);
    const got = found && [found.start, found.end, found.exact];
    if (JSON.stringify(got) !== JSON.stringify(fixture.expect)) {
      failures.push(`${fixture.name}: expected ${JSON.stringify(fixture.expect)}, got ${JSON.stringify(got)}`);
    }
    // The block's data-start agrees with the article-prefix count at its start.
    for (const block of root.querySelectorAll("[data-start]")) {
      const counted = codePointOffset(root, block, 0);
      if (counted !== Number(block.dataset.start)) {
        failures.push(`${fixture.name}: block at data-start ${block.dataset.start} counted ${counted}`);
      }
    }
  }
  const range = document.createRange();
  range.selectNodeContents(outside);
  selection.removeAllRanges();
  selection.addRange(range);
  if (selectionInside(root, selection) !== null) failures.push("a selection outside the reading was not ignored");
  range.setStart(textNodes(root)[0], 0);
  selection.removeAllRanges();
  selection.addRange(range);
  if (selectionInside(root, selection) !== null) failures.push("a selection running out of the reading was not ignored");
  selection.removeAllRanges();
  root.remove();
  outside.remove();
  return { ran: fixtures.length + 2, failures };
})().then(done, (error) => done({ ran: 0, failures: [`the fixtures did not run: ${error}`] }));
