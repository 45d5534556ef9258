//! A toy typesetter for the layout tests: paragraphs and headings set in a
//! monospaced font into one or more columns on pages, with a running header,
//! page numbers and footnotes as a report would have them.

use super::{Glyph, Page};

/// What a test document holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    Heading(String),
    Para(String),
    /// A footnote, set at the foot of the page of the paragraph before it.
    Note(String),
}

/// How it is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Setup {
    pub columns: usize,
    /// A running header and a page number on every page.
    pub furniture: bool,
    /// Spaces drawn as glyphs (some producers do, Chromium's does not always).
    pub space_glyphs: bool,
}

pub(crate) const BODY: f64 = 10.0;
const HEADING: f64 = 16.0;
const NOTE: f64 = 7.0;
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 800.0;
const TOP: f64 = 80.0;
const BOTTOM: f64 = 700.0;
const MARGIN: f64 = 50.0;
const GUTTER: f64 = 24.0;

struct Setter {
    setup: Setup,
    pages: Vec<Page>,
    column: usize,
    y: f64,
    notes: Vec<String>,
}

/// Sets `items` into pages.
pub(crate) fn typeset(items: &[Item], setup: Setup) -> Vec<Page> {
    let mut s = Setter {
        setup,
        pages: vec![Page { width: WIDTH, height: HEIGHT, glyphs: Vec::new() }],
        column: 0,
        y: TOP,
        notes: Vec::new(),
    };
    for item in items {
        match item {
            Item::Heading(text) => s.block(text, HEADING, false),
            Item::Para(text) => s.block(text, BODY, true),
            Item::Note(text) => s.notes.push(text.clone()),
        }
    }
    s.finish_page();
    s.pages
}

impl Setter {
    fn column_width(&self) -> f64 {
        let n = self.setup.columns.max(1) as f64;
        (WIDTH - 2.0 * MARGIN - GUTTER * (n - 1.0)) / n
    }

    fn column_x(&self) -> f64 {
        MARGIN + self.column as f64 * (self.column_width() + GUTTER)
    }

    fn block(&mut self, text: &str, size: f64, indent: bool) {
        let advance = size / 2.0;
        let pitch = size * 1.2;
        let max_chars = (self.column_width() / advance).floor() as usize;
        let mut lines: Vec<String> = Vec::new();
        let mut current = if indent { "  ".to_owned() } else { String::new() };
        for word in text.split_whitespace() {
            let start = current.trim().is_empty();
            let needed = current.chars().count() + usize::from(!start) + word.chars().count();
            if !start && needed > max_chars {
                lines.push(std::mem::take(&mut current));
            }
            if !current.is_empty() && !current.trim().is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        lines.push(current);
        if self.y > TOP {
            self.y += size * 0.8;
        }
        for line in lines {
            if self.y + pitch > BOTTOM {
                self.next_column();
            }
            self.y += pitch;
            let x = self.column_x();
            self.draw(&line, x, self.y, size);
        }
    }

    fn draw(&mut self, text: &str, x: f64, y: f64, size: f64) {
        let advance = size / 2.0;
        let space_glyphs = self.setup.space_glyphs;
        let page = self.pages.last_mut().expect("a page");
        for (i, c) in text.chars().enumerate() {
            if c == ' ' && !space_glyphs {
                continue;
            }
            page.glyphs.push(Glyph { text: c.to_string(), x: x + i as f64 * advance, y, width: advance, size });
        }
    }

    fn next_column(&mut self) {
        self.column += 1;
        self.y = TOP;
        if self.column >= self.setup.columns.max(1) {
            self.finish_page();
            self.pages.push(Page { width: WIDTH, height: HEIGHT, glyphs: Vec::new() });
            self.column = 0;
        }
    }

    /// Footnotes and furniture of the page being set.
    fn finish_page(&mut self) {
        let number = self.pages.len();
        let notes = std::mem::take(&mut self.notes);
        let mut y = BOTTOM + 10.0;
        for note in notes {
            y += NOTE * 1.2;
            self.draw(&note, MARGIN, y, NOTE);
        }
        if self.setup.furniture {
            self.draw("Journal of Toy Studies, vol. 3", MARGIN, 40.0, 8.0);
            self.draw(&number.to_string(), WIDTH / 2.0, 770.0, 8.0);
        }
    }
}
