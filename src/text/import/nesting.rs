//! A guard against HTML nested so deeply that parsing it would take minutes:
//! the HTML parser's tree building slows with the square of the nesting depth
//! (52,000 nested `div`s take seconds; the 2 MiB limit allows 400,000). This
//! scan estimates the depth in one linear pass before anything is parsed.

/// The deepest nesting an imported HTML source may have.
pub const MAX_DEPTH: usize = 512;

/// Elements that never have content, or whose end tag is implied by the next
/// sibling: they do not make the tree deeper, however many there are.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li",
    "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup", "caption", "rb", "rt",
    "rtc", "rp",
];

/// Elements whose content is raw text: tags inside them are not tags.
const RAW: &[&str] = &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"];

use std::collections::HashMap;

/// An upper estimate of how deeply `html`'s elements nest.
#[must_use]
pub fn max_depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    // How many of each element are open: the parser ignores an end tag with no
    // open element of its name, so such a tag must not make the estimate shallower.
    let mut open: HashMap<String, usize> = HashMap::new();
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        i += offset + 1;
        if bytes[i..].starts_with(b"!--") {
            i = find(bytes, i, b"-->").unwrap_or(bytes.len());
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        if !bytes.get(start).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let end = bytes[start..].iter().position(|b| !b.is_ascii_alphanumeric()).map_or(bytes.len(), |n| start + n);
        let name = html[start..end].to_ascii_lowercase();
        if FLAT.contains(&name.as_str()) {
            continue;
        }
        if closing {
            if let Some(count) = open.get_mut(&name).filter(|count| **count > 0) {
                *count -= 1;
                depth -= 1;
            }
        } else if RAW.contains(&name.as_str()) {
            i = find(bytes, end, format!("</{name}").as_bytes()).unwrap_or(bytes.len());
        } else {
            *open.entry(name).or_default() += 1;
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// The index just past the first case-insensitive `needle` at or after `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|n| from + n + needle.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_nested_containers_but_not_flat_or_raw_elements() {
        assert_eq!(max_depth("<div><div><span>x</span></div></div>"), 3);
        assert_eq!(max_depth(&"<p>para ".repeat(10_000)), 0, "p closes itself");
        assert_eq!(max_depth(&"<div>".repeat(1_000)), 1_000);
        assert_eq!(max_depth("<script>'<div><div><div>'</script><b>x</b>"), 1);
        assert_eq!(max_depth("<!-- <div><div> --><i>x</i>"), 1);
        assert_eq!(max_depth("a < b and c <3 d </ e"), 0);
        assert_eq!(max_depth("<DIV><Div>"), 2);
        assert_eq!(max_depth("</div></div><div>"), 1, "stray closes do not go negative");
        assert_eq!(max_depth("<div><span></i><em>x</em></span></div>"), 3);
    }

    /// Found by `tests/fuzz`: `<span/>` opens a span (the slash means nothing on
    /// it) and `</code>` with no open code is ignored, so this nests one span per
    /// repeat; counting the stray end tag hid that and the parse took seconds.
    #[test]
    fn end_tags_of_elements_never_opened_do_not_hide_depth() {
        let source = "<span class=x/>a</code></noscript>".repeat(2_000);
        assert_eq!(max_depth(&source), 2_000);
        assert!(matches!(
            super::super::import(super::super::SourceFormat::Html, &source),
            Err(super::super::ImportError::TooDeep { .. })
        ));
    }
}
