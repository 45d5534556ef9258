//! The reading page's classroom parts: the Spotlight section, the tags the
//! editor offers and the panel filters by.

use super::entries::ItemHtml;
use crate::snapshot::Snapshot;
use std::sync::Arc;

/// What the reading page shows of the course's spotlights and tags, for one viewer.
pub struct ReadingClassroom<'a> {
    /// The spotlit annotations this viewer may see, in text order.
    pub spotlight: Vec<&'a ItemHtml>,
    /// The course's vocabulary (the editor's choices); empty when any tag goes.
    pub vocabulary: &'a [String],
    /// The tags to filter by: the vocabulary, else those on what the viewer sees.
    pub filter_tags: Vec<&'a str>,
}

impl<'a> ReadingClassroom<'a> {
    #[must_use]
    pub fn new(snapshot: &'a Snapshot, html: &'a [Arc<ItemHtml>], shown: &[usize]) -> Self {
        let spotlight = shown.iter().filter(|&&i| snapshot.annotations[i].spotlight).map(|&i| &*html[i]).collect();
        let vocabulary = snapshot.vocabulary.as_slice();
        let filter_tags = if vocabulary.is_empty() {
            let mut tags: Vec<&str> =
                shown.iter().flat_map(|&i| snapshot.annotations[i].tags.iter().map(String::as_str)).collect();
            tags.sort_unstable();
            tags.dedup();
            tags
        } else {
            vocabulary.iter().map(String::as_str).collect()
        };
        Self { spotlight, vocabulary, filter_tags }
    }
}
