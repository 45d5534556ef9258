//! The reading page's list of annotations: each entry drawn once per revision
//! of the reading, whole, and in parts for the viewers it differs for (its
//! author, who gets `data-mine`, and those who may not see all it links to).

use crate::db::replies::Reply;
use crate::domain::Annotation;
use crate::error::Result;
use crate::snapshot::View;
use crate::web::snapshots::Cached;
use askama::Template;
use std::fmt::{self, Display};
use std::sync::Arc;

/// What every viewer shares of an annotation's entry.
#[derive(Debug)]
pub struct ItemHtml {
    pub id: Drawn,
    /// The start tag's opening, up to where a viewer's own `data-mine` goes.
    open: Drawn,
    /// The rest of the start tag, the badge, quote, comment and citation.
    head: Drawn,
    /// The replies.
    replies: Drawn,
    /// The quote shortened, for a link to it, and with its author for the claim chooser.
    pub link_label: Drawn,
    pub claim_option: Drawn,
    /// The whole entry as anyone sees it who did not write it and sees all it links to.
    whole: Drawn,
}

/// HTML a template drew (and so escaped), or an annotation id (which needs no
/// escaping): the page writes it as it is.
#[derive(Debug, Default)]
pub struct Drawn(String);

impl Drawn {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Display for Drawn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl askama::filters::HtmlSafe for Drawn {}

fn draw(template: &impl Template) -> askama::Result<Drawn> {
    template.render().map(Drawn)
}

/// A short quote, or a quote and its author, escaped once for every page that shows it.
#[derive(Template)]
#[template(source = "“{{ quote }}”{% if let Some(author) = author %} ({{ author }}){% endif %}", ext = "html")]
struct Label<'a> {
    quote: &'a str,
    author: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "partials/annotation_item.html")]
struct ItemParts<'a> {
    part: &'static str,
    annotation: &'a Annotation,
    /// The tags as a JSON array, for the panel's tag filter.
    tags_json: String,
    quote: String,
    shortened: bool,
    replies: &'a [Reply],
}

/// The most code points of a passage its list entry shows.
const LISTED_QUOTE_CHARS: usize = 200;

impl ItemHtml {
    fn draw(annotation: &Annotation, replies: &[Reply]) -> askama::Result<Self> {
        // The list shows a passage's start; the thread fetches it whole.
        let quote = super::shorten(&annotation.quote.exact, LISTED_QUOTE_CHARS);
        let shortened = quote.len() != annotation.quote.exact.len();
        let tags_json = serde_json::to_string(&annotation.tags).unwrap_or_default();
        let part = |part| {
            draw(&ItemParts {
                part,
                annotation,
                tags_json: tags_json.clone(),
                quote: quote.clone(),
                shortened,
                replies,
            })
        };
        let label = |max, author| Label { quote: &super::shorten(&annotation.quote.exact, max), author }.render();
        Ok(Self {
            id: Drawn(annotation.id.to_string()),
            open: part("open")?,
            head: part("head")?,
            replies: part("replies")?,
            link_label: Drawn(label(80, None)?),
            claim_option: Drawn(label(60, Some(&annotation.author_name))?),
            whole: Drawn::default(),
        })
    }
}

/// The list entries of every annotation in the snapshot, drawn on first use
/// after each revision; those of annotations unchanged since an earlier
/// revision's entries were drawn are taken from it (see `Cached::carried`).
pub fn item_html(cached: &Cached) -> Result<&[Arc<ItemHtml>]> {
    if let Some(items) = cached.items.get() {
        return Ok(items);
    }
    let snapshot = &cached.snapshot;
    let carried = cached.carried();
    let mut slots = snapshot
        .annotations
        .iter()
        .map(|a| match carried.get(&a.id) {
            Some(kept) => Ok(Slot::Kept(Arc::clone(kept))),
            None => ItemHtml::draw(a, snapshot.replies_to(a.id)).map(Slot::New),
        })
        .collect::<askama::Result<Vec<_>>>()?;
    for i in 0..slots.len() {
        if matches!(slots[i], Slot::Kept(_)) {
            continue;
        }
        let all: Vec<(&'static str, &ItemHtml)> =
            snapshot.targets[i].iter().map(|(relation, to)| (relation.as_str(), slots[*to].html())).collect();
        let whole = Item { html: slots[i].html(), mine: false, links: all, whole: false }.to_string();
        if let Slot::New(item) = &mut slots[i] {
            item.whole = Drawn(whole);
        }
    }
    let drawn = slots
        .into_iter()
        .map(|slot| match slot {
            Slot::Kept(kept) => kept,
            Slot::New(item) => Arc::new(item),
        })
        .collect();
    // Another request may have drawn them meanwhile: either copy is the same.
    let items = cached.items.get_or_init(|| drawn);
    cached.forget_carried();
    Ok(items)
}

/// An entry taken from an earlier revision, or drawn now.
enum Slot {
    Kept(Arc<ItemHtml>),
    New(ItemHtml),
}

impl Slot {
    fn html(&self) -> &ItemHtml {
        match self {
            Self::Kept(kept) => kept,
            Self::New(item) => item,
        }
    }
}

/// One annotation's entry as one viewer sees it.
pub struct Item<'a> {
    html: &'a ItemHtml,
    mine: bool,
    /// Links to annotations this viewer may see: (relation, the target's entry).
    links: Vec<(&'static str, &'a ItemHtml)>,
    /// Whether the viewer sees it as drawn whole.
    whole: bool,
}

impl<'a> Item<'a> {
    /// The annotation at place `i` of `view`, as its viewer sees it.
    pub fn for_viewer(view: &View, html: &'a [Arc<ItemHtml>], i: usize) -> Self {
        let links: Vec<_> = view.links_of(i).map(|(relation, to)| (relation.as_str(), &*html[to])).collect();
        let mine = view.at(i).author_id == view.viewer().user_id;
        let whole = !mine && view.sees_all_links_of(i);
        Self { html: &html[i], mine, links, whole }
    }
}

impl Display for Item<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let html = self.html;
        if self.whole {
            return f.write_str(&html.whole.0);
        }
        f.write_str(&html.open.0)?;
        if self.mine {
            f.write_str(" data-mine=\"true\"")?;
        }
        f.write_str(&html.head.0)?;
        f.write_str("\n  ")?;
        if !self.links.is_empty() {
            f.write_str("<ul class=\"links\">\n  ")?;
            for (relation, target) in &self.links {
                let (id, label) = (&target.id, &target.link_label);
                write!(f, "<li>{relation} <a href=\"#a-{id}\" data-target=\"{id}\">{label}</a></li>")?;
            }
            f.write_str("\n  </ul>")?;
        }
        write!(f, "\n  {}\n</li>", html.replies)
    }
}

/// Everything in it was escaped when drawn; relations are fixed words.
impl askama::filters::HtmlSafe for Item<'_> {}
