//! The pure text core: importing a reading into canonical text and blocks, the
//! selectors that point into it, anchoring them again, and the overlay runs the
//! reading page is drawn from. No HTTP, no SQL, no I/O.
//!
//! Every offset in this module is a count of Unicode code points (Rust `char`s)
//! into the canonical text, as the W3C `TextPositionSelector` requires.

pub mod anchor;
pub mod heat;
pub mod import;
pub mod overlay;
pub mod reanchor;

use serde::{Deserialize, Serialize};

/// The string that separates two blocks in the canonical text.
pub const BLOCK_SEPARATOR: &str = "\n\n";

/// A reading as the app stores it: its canonical text and the blocks that tile it.
///
/// Invariants (checked by [`Document::validate`] and the importers' tests):
/// blocks are in order, do not overlap, are separated by exactly
/// [`BLOCK_SEPARATOR`], the first starts at 0 and the last ends at the text's
/// length in code points; every style span lies inside its block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub text: String,
    pub blocks: Vec<Block>,
}

/// A structural piece of a reading, with its inline styles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Block {
    #[serde(flatten)]
    pub kind: BlockKind,
    /// Offset of the block's first code point in the canonical text.
    pub start: usize,
    /// Offset one past the block's last code point.
    pub end: usize,
    /// Inline styles, with absolute offsets; they may nest or overlap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub styles: Vec<StyleSpan>,
}

/// What kind of block: serialised as `{"kind": "heading", "level": 2}` etc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BlockKind {
    Heading { level: u8 },
    Paragraph,
    Quote,
    ListItem,
}

/// An inline style over a range of code points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StyleSpan {
    #[serde(flatten)]
    pub style: Style,
    pub start: usize,
    pub end: usize,
}

/// An inline style. Links keep their target; the renderer decides whether it is safe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "style", rename_all = "snake_case")]
pub enum Style {
    Emphasis,
    Strong,
    Code,
    Link { href: String },
}

impl Document {
    /// The document's length in code points.
    #[must_use]
    pub fn len_chars(&self) -> usize {
        self.text.chars().count()
    }

    /// Checks the invariants above; `Err` names the first one broken.
    pub fn validate(&self) -> Result<(), String> {
        let len = self.len_chars();
        let mut expected_start = 0;
        for (i, block) in self.blocks.iter().enumerate() {
            if block.start != expected_start {
                return Err(format!("block {i} starts at {} not {expected_start}", block.start));
            }
            if block.end < block.start || block.end > len {
                return Err(format!("block {i} has a bad end {}", block.end));
            }
            for span in &block.styles {
                if span.start >= span.end || span.start < block.start || span.end > block.end {
                    return Err(format!("block {i} has a style outside it: {span:?}"));
                }
            }
            expected_start = block.end + BLOCK_SEPARATOR.len();
        }
        let end = self.blocks.last().map_or(0, |b| b.end);
        if end != len {
            return Err(format!("blocks end at {end}, text at {len}"));
        }
        let separators_ok = self.blocks.windows(2).all(|pair| {
            let between: String = self.text.chars().skip(pair[0].end).take(pair[1].start - pair[0].end).collect();
            between == BLOCK_SEPARATOR
        });
        if separators_ok { Ok(()) } else { Err("blocks are not separated by a blank line".into()) }
    }
}

/// A reading's text and blocks, with the index anchoring needs: valid whatever
/// is annotated, until the text is edited (`reading_edits`) or the reading deleted.
#[derive(Debug)]
pub struct ReadingText {
    pub doc: Document,
    pub index: CharIndex,
}

/// Converts between code-point offsets and byte offsets of one string.
///
/// Built once per text (O(n)), then each conversion is O(1) or O(log n).
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// `bytes[i]` is the byte offset of code point `i`; the last entry is the byte length.
    bytes: Vec<usize>,
}

impl CharIndex {
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bytes.push(text.len());
        Self { bytes }
    }

    /// Length of the text in code points.
    #[must_use]
    pub fn len_chars(&self) -> usize {
        self.bytes.len() - 1
    }

    /// Byte offset of code point `offset`, or `None` past the end.
    #[must_use]
    pub fn byte(&self, offset: usize) -> Option<usize> {
        self.bytes.get(offset).copied()
    }

    /// Code-point offset of a byte offset that falls on a char boundary.
    #[must_use]
    pub fn char_of_byte(&self, byte: usize) -> Option<usize> {
        self.bytes.binary_search(&byte).ok()
    }

    /// The slice of `text` between two code-point offsets, or `None` if out of range or reversed.
    #[must_use]
    pub fn slice<'a>(&self, text: &'a str, start: usize, end: usize) -> Option<&'a str> {
        if start > end {
            return None;
        }
        text.get(self.byte(start)?..self.byte(end)?)
    }
}
