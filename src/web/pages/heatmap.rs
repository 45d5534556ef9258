//! The heatmap over a reading as the template draws it: the overlay core's runs
//! with the heat segments as the highlighted ranges, so blocks and inline
//! styles stay as on the reading page and the text content stays canonical.

use super::highlights::{StyleView, class, style, tag};
use crate::text::heat::Segment;
use crate::text::overlay::{self, Highlight};
use crate::text::{CharIndex, Document};

/// The darkest shade; more students than this share its colour (`data-students` keeps the number).
pub const MAX_LEVEL: usize = 5;

pub struct HeatBlock<'a> {
    pub tag: &'static str,
    pub class: &'static str,
    pub start: usize,
    pub runs: Vec<HeatRun<'a>>,
}

pub struct HeatRun<'a> {
    pub text: &'a str,
    /// How many distinct students highlighted this run, if any.
    pub students: Option<usize>,
    /// The shade, 1 to [`MAX_LEVEL`].
    pub level: usize,
    pub styles: Vec<StyleView<'a>>,
}

/// The article's blocks with the segments drawn over them.
pub fn article<'a>(doc: &'a Document, segments: &[Segment]) -> Vec<HeatBlock<'a>> {
    let index = CharIndex::new(&doc.text);
    let ranges: Vec<Highlight> = segments.iter().map(|s| Highlight { start: s.start, end: s.end }).collect();
    overlay::runs(doc, &index, &ranges)
        .into_iter()
        .map(|block| HeatBlock {
            tag: tag(block.block.kind),
            class: class(block.block.kind),
            start: block.block.start,
            runs: block
                .runs
                .into_iter()
                .map(|run| {
                    // Segments are disjoint, so at most one is over a run.
                    let students = run.innermost.and_then(|i| segments.get(i)).map(|s| s.students);
                    HeatRun {
                        text: run.text,
                        students,
                        level: students.unwrap_or(0).min(MAX_LEVEL),
                        styles: run.styles.into_iter().filter_map(style).collect(),
                    }
                })
                .collect(),
        })
        .collect()
}
