//! The reading page's list of annotations. Each entry is drawn whole, for
//! its viewer, by `partials/annotation_item.html` (whether it is theirs, and
//! which of its links they may follow, are decided there); what every viewer
//! shares of it, its text escaped, is kept per revision of the reading, and so
//! is the entry as drawn for all who neither wrote it nor miss any of its
//! links: a class's page writes a thousand of those rather than draw them.

use crate::db::replies::Reply;
use crate::domain::Annotation;
use crate::error::Result;
use crate::snapshot::View;
use crate::web::pages::escaped::{Drawn, Escaped};
use crate::web::snapshots::Cached;
use askama::Template;
use std::sync::{Arc, OnceLock};

/// What every viewer shares of an annotation's entry: its text, escaped once
/// when the annotation is first shown at a revision.
#[derive(Debug)]
pub struct ItemHtml {
    pub id: Escaped,
    pub author: Escaped,
    /// The tags, and the same as a JSON array for the panel's tag filter (the
    /// entry leaves the attribute out when there are none, as it leaves out marks
    /// that are off: the page script reads an absent one as empty or false).
    pub tags: Vec<Escaped>,
    pub tags_json: Escaped,
    /// The passage's start, as the list shows it, and whether it was cut.
    pub quote: Escaped,
    pub shortened: bool,
    pub comment: Escaped,
    pub citation: Escaped,
    /// Each reply's author and text.
    pub replies: Vec<(Escaped, Escaped)>,
    /// The quote shortened for a link to it, and for the claim chooser.
    pub link_label: Escaped,
    pub claim_label: Escaped,
}

/// The most code points of a passage its list entry shows.
const LISTED_QUOTE_CHARS: usize = 200;
/// The most a link to an annotation, and a claim offered to link to, quote of it.
const LINK_QUOTE_CHARS: usize = 80;
const CLAIM_QUOTE_CHARS: usize = 60;

impl ItemHtml {
    fn of(annotation: &Annotation, replies: &[Reply]) -> Self {
        let exact = &annotation.quote.exact;
        // The list shows a passage's start; the thread fetches it whole.
        let quote = super::shorten(exact, LISTED_QUOTE_CHARS);
        Self {
            id: Escaped::uuid(annotation.id),
            author: Escaped::of(&annotation.author_name),
            tags: annotation.tags.iter().map(|t| Escaped::of(t)).collect(),
            tags_json: Escaped::of(&serde_json::to_string(&annotation.tags).unwrap_or_default()),
            shortened: quote.len() != exact.len(),
            quote: Escaped::of(&quote),
            comment: Escaped::of(&annotation.comment),
            citation: Escaped::of(&annotation.citation),
            replies: replies.iter().map(|r| (Escaped::of(&r.author_name), Escaped::of(&r.text))).collect(),
            link_label: Escaped::of(&super::shorten(exact, LINK_QUOTE_CHARS)),
            claim_label: Escaped::of(&super::shorten(exact, CLAIM_QUOTE_CHARS)),
        }
    }
}

/// What every viewer shares of each annotation in the snapshot, made on first
/// use after each revision; that of annotations unchanged since an earlier
/// revision's was made is taken from it (see `Cached::carried`).
pub fn item_html(cached: &Cached) -> Result<&[Arc<ItemHtml>]> {
    if let Some(items) = cached.items.get() {
        return Ok(items);
    }
    let snapshot = &cached.snapshot;
    let carried = cached.carried();
    let made = snapshot
        .annotations
        .iter()
        .map(|a| match carried.get(&a.id) {
            Some(kept) => Arc::clone(kept),
            None => Arc::new(ItemHtml::of(a, snapshot.replies_to(a.id))),
        })
        .collect();
    // Another request may have made them meanwhile: either copy is the same.
    let items = cached.items.get_or_init(|| made);
    cached.forget_carried();
    Ok(items)
}

/// One annotation's entry as one viewer sees it: what `annotation_item.html` draws.
pub struct Item<'a> {
    pub annotation: &'a Annotation,
    pub html: &'a ItemHtml,
    /// Whether the viewer wrote it (`data-mine`).
    pub mine: bool,
    /// Links to annotations this viewer may see: (relation, the target's entry); left
    /// empty when the entry comes `drawn` already (the drawing has them).
    pub links: Vec<(&'static str, &'a ItemHtml)>,
    /// The entry as drawn for everyone who sees it the same way, when this viewer does.
    pub drawn: Option<&'a Drawn>,
}

/// An entry drawn on its own, to be kept (its `drawn` is `None`).
#[derive(Template)]
#[template(path = "partials/annotation_item.html")]
struct EntryPart<'a> {
    item: &'a Item<'a>,
}

impl<'a> Item<'a> {
    /// The annotation at place `i` of `view`, as its viewer sees it, taking its
    /// drawing from (or leaving it in) `drawn` when that is how everyone who did
    /// not write it and sees all its links sees it.
    pub fn for_viewer(view: &'a View, html: &'a [Arc<ItemHtml>], drawn: &'a OnceLock<Drawn>, i: usize) -> Result<Self> {
        let annotation = view.at(i);
        let mine = annotation.author_id == view.viewer().user_id;
        let shared = !mine && view.sees_all_links_of(i);
        // A page lists a thousand entries drawn already: those need no links of their own.
        if let Some(kept) = drawn.get().filter(|_| shared) {
            return Ok(Self { annotation, html: &html[i], mine, links: Vec::new(), drawn: Some(kept) });
        }
        let links = view.links_of(i).map(|(relation, to)| (relation.as_str(), &*html[to])).collect();
        let mut item = Self { annotation, html: &html[i], mine, links, drawn: None };
        if shared {
            let fresh = Drawn::from(EntryPart { item: &item }.render()?);
            // Another request may have drawn it meanwhile: either drawing is the same.
            item.drawn = Some(drawn.get_or_init(|| fresh));
        }
        Ok(item)
    }
}
