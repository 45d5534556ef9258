//! The reading page: the text with every visible annotation highlighted, a
//! legend, the annotations in text order with their threads, and a plain form
//! to annotate by quoting (the script enhances it with text selection), and
//! the stream of live changes the script listens to, and the fragments it
//! redraws after a change.

use super::Layout;
mod article;
mod classroom;
mod entries;
mod fragments;
mod original;
mod since;
mod view;

pub use super::escaped::Drawn;
use crate::db::readings;
use crate::domain::{Annotation, Comment, Kind, NewAnnotation, Tags, Visibility};
use crate::error::{Error, Result};
use crate::formats::w3c::{LinkRequest, ParsedAnnotation, Provenance, annotation_id};
use crate::text::anchor::{TextPosition, TextQuote};
use crate::web::effects;
use crate::web::events::reading_events;
use crate::web::forms::{Form, Query};
use crate::web::transfer;
use crate::web::{AppState, AuthorAccess, ReadingAccess, VisitorAccess};
pub use article::{BlockCache, DrawnBlock};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use entries::Item;
pub use entries::ItemHtml;
use serde::Deserialize;
use std::sync::atomic::Ordering;
use view::ReadingView;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/readings/{reading_id}", get(show_reading).post(create_annotation))
        .route("/readings/{reading_id}/events", get(reading_events))
        .route("/readings/{reading_id}/fragments", get(fragments::show_fragments))
        .route("/readings/{reading_id}/original", get(original::download_original))
}

#[derive(Template)]
#[template(path = "reading.html")]
struct ReadingPage<'a> {
    layout: Layout,
    reading: &'a readings::Reading,
    /// The article's blocks, drawn (see `article`).
    blocks: Vec<DrawnBlock>,
    items: Vec<Item<'a>>,
    /// The claims a counterargument or source may be linked to.
    claims: Vec<&'a ItemHtml>,
    /// The authors of visible annotations, for the panel's filter.
    authors: Vec<&'a str>,
    counts: Vec<(Kind, usize)>,
    kinds: [Kind; 5],
    visibilities: [Visibility; 3],
    form: AnnotateForm,
    error: Option<String>,
    is_instructor: bool,
    argument: crate::argument::Counts,
    /// What is new since the last visit, or what the `?since=` filter shows (`since`).
    news: Option<since::Banner>,
    /// Whether the viewer sees classmates' work yet (post-first): the script redraws all when it changes.
    sees_class: bool,
    /// Entries past the first [`LIST_MOST`] that the list leaves out until asked for all.
    more: usize,
    /// The viewer's annotations whose passage the last text edit lost (theirs, or all for instructors).
    orphans: super::orphans::Orphans,
    classroom: classroom::ReadingClassroom<'a>,
    /// The SHA-256 of the file the reading was imported from (a PDF), if any.
    original: Option<String>,
}

/// The most entries the list draws unless asked for all (`?list=all`): with
/// thousands of annotations the page stays light, and every highlight is drawn
/// either way (the script fetches an entry left out when its thread is opened).
pub const LIST_MOST: usize = 1_000;

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    list: String,
}

#[derive(Deserialize, Default)]
struct AnnotateForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    quote: String,
    #[serde(default)]
    prefix: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    visibility: String,
    /// The claim a counterargument or source is linked to, and how (`supports`/`rebuts`).
    #[serde(default)]
    link: String,
    #[serde(default)]
    relation: String,
    /// A source's citation: a free-text reference and/or a URL.
    #[serde(default)]
    citation: String,
    #[serde(default)]
    citation_url: String,
    /// One of the course's tags, when it has a vocabulary.
    #[serde(default)]
    tag: String,
    /// Code-point offsets, sent by the script when the passage was selected.
    #[serde(default)]
    start: Option<usize>,
    #[serde(default)]
    end: Option<usize>,
}

/// `GET /readings/{id}`: the page, or `304` when the browser holds it at this
/// revision (and with the same news: what is new since the last visit differs
/// between visits).
async fn show_reading(
    State(state): State<AppState>,
    visitor: VisitorAccess,
    Query(query): Query<PageQuery>,
    Query(news_query): Query<since::SinceQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let news = since::News::visit(&state, &visitor, &news_query).await?;
    let access = visitor.access;
    let view = ReadingView::load(&state, &access).await?.with_news(&news);
    let all = query.list == "all";
    let etag = page_tag(&access, all, &news, &view);
    if transfer::is_fresh(&headers, &etag) {
        return Ok(transfer::not_modified(&etag));
    }
    let page = reading_page(&access, &view, AnnotateForm::default(), None, &news, all)?;
    Ok(transfer::tagged(page, &etag))
}

/// The page's ETag: its revision, and all else it shows that differs between
/// viewers (who they are, their role and name, their session's CSRF token, the
/// page's script and stylesheet, the news filter and which highlights are new to them).
fn page_tag(access: &ReadingAccess, all: bool, news: &since::News, view: &ReadingView) -> String {
    let layout = Layout::for_user(Some(&access.user));
    let viewer = access.viewer;
    let name = layout.user_name.as_deref().unwrap_or_default();
    let filter = news.filter_tag();
    let fresh = view.fresh_tag();
    let parts: [&[u8]; 10] = [
        b"reading page",
        &[u8::from(all)],
        &viewer.user_id.to_le_bytes(),
        viewer.role.as_str().as_bytes(),
        name.as_bytes(),
        layout.csrf.as_bytes(),
        layout.css.as_bytes(),
        layout.js.as_bytes(),
        filter.as_bytes(),
        &fresh,
    ];
    transfer::revision_tag(access.revision, &parts)
}

fn reading_page(
    access: &ReadingAccess,
    view: &ReadingView,
    form: AnnotateForm,
    error: Option<String>,
    news: &since::News,
    all: bool,
) -> Result<Response> {
    let mut items = view.items()?;
    let more = if all { 0 } else { items.len().saturating_sub(LIST_MOST) };
    items.truncate(items.len() - more);
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let reading = &view.snapshot().reading;
    let page = ReadingPage {
        layout: Layout::for_user(Some(&access.user)),
        news: news.banner(reading.id, if news.only_after.is_some() { view.total() } else { view.fresh() }),
        blocks: view.blocks()?,
        reading,
        items,
        claims: view.claims()?,
        authors: view.authors(),
        counts: view.counts(),
        kinds: Kind::ALL,
        visibilities: Visibility::ALL,
        form,
        error,
        is_instructor: view.viewer.is_instructor(),
        argument: view.argument(),
        sees_class: view.sees_class(),
        more,
        orphans: super::orphans::Orphans::for_viewer(view.view()),
        classroom: classroom::ReadingClassroom::new(view.snapshot(), view.html_all()?, view.shown()),
        original: view.snapshot().original.clone(),
    };
    // Sized for the largest page drawn so far, so that the megabyte or so is written without regrowing.
    let sizes = view.page_bytes();
    let mut body = String::with_capacity(super::highlights::page_capacity(sizes.load(Ordering::Relaxed)));
    page.render_into(&mut body)?;
    sizes.fetch_max(body.len(), Ordering::Relaxed);
    Ok((status, Html(body)).into_response())
}

/// The first `max` code points of `text`, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// The plain form: annotate by pasting the exact quote, anchored on the server.
async fn create_annotation(
    State(state): State<AppState>,
    author: AuthorAccess,
    Form(form): Form<AnnotateForm>,
) -> Result<Response> {
    let access = &author.access;
    match annotate(&state, &author, &form).await {
        Ok(annotation) => {
            Ok(Redirect::to(&format!("/readings/{}#a-{}", access.reading_id, annotation.id)).into_response())
        }
        Err(Error::Invalid(invalid)) => {
            let view = ReadingView::load(&state, access).await?;
            reading_page(access, &view, form, Some(invalid.message), &since::News::default(), false)
        }
        Err(e) => Err(e),
    }
}

async fn annotate(state: &AppState, author: &AuthorAccess, form: &AnnotateForm) -> Result<Annotation> {
    if form.quote.trim().is_empty() {
        return Err(Error::invalid("quote", "Paste the exact passage you want to annotate."));
    }
    let annotation = NewAnnotation {
        kind: form.kind.parse()?,
        comment: Comment::parse("comment", &form.comment)?,
        citation: Comment::parse("citation", &citation(&form.citation, &form.citation_url))?,
        tags: Tags::parse(Some(form.tag.as_str()).filter(|t| !t.trim().is_empty()))?,
        visibility: if form.visibility.is_empty() { Visibility::default() } else { form.visibility.parse()? },
        position: form.start.zip(form.end).map(|(start, end)| TextPosition { start, end }),
        quote: Some(TextQuote {
            exact: form.quote.trim().to_owned(),
            prefix: form.prefix.clone(),
            suffix: String::new(),
        }),
    };
    let links = match form.link.trim() {
        "" => Vec::new(),
        target => {
            // Only a source chooses between supporting and opposing; other kinds' relation follows from them.
            let relation = match form.relation.trim() {
                "" => None,
                _ if form.kind != Kind::Source.as_str() => None,
                stated => Some(stated.parse()?),
            };
            vec![LinkRequest { target: annotation_id(target)?, relation }]
        }
    };
    let parsed = ParsedAnnotation { annotation, links, target_source: None };
    effects::create_annotation(state, author, parsed, &Provenance::default()).await
}

/// A source's citation as one string: the reference, then the URL.
fn citation(reference: &str, url: &str) -> String {
    [reference.trim(), url.trim()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}
