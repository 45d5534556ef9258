//! The reading page: the text with every visible annotation highlighted, a
//! legend, the annotations in text order with their threads, and a plain form
//! to annotate by quoting (the script enhances it with text selection), and
//! the stream of live changes the script listens to.

use super::highlights::{self, BlockView};
use super::{Layout, render};
use crate::db::{annotations, readings, replies};
use crate::domain::{Annotation, Comment, Kind, NewAnnotation, Tags, Visibility};
use crate::error::{Error, Result};
use crate::formats::w3c::{LinkRequest, ParsedAnnotation, annotation_id};
use crate::text::anchor::{TextPosition, TextQuote};
use crate::web::api::create_annotation_for;
use crate::web::events::reading_events;
use crate::web::forms::Form;
use crate::web::{AppState, ReadingAccess};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/readings/{reading_id}", get(show_reading).post(create_annotation))
        .route("/readings/{reading_id}/events", get(reading_events))
}

#[derive(Template)]
#[template(path = "reading.html")]
struct ReadingPage<'a> {
    layout: Layout,
    reading: &'a readings::Reading,
    blocks: Vec<BlockView<'a>>,
    items: Vec<Item<'a>>,
    /// The claims a counterargument or source may be linked to: (id, quote, author).
    claims: Vec<(String, String, &'a str)>,
    /// The authors of visible annotations, for the panel's filter.
    authors: Vec<&'a str>,
    me: i64,
    counts: Vec<(Kind, usize)>,
    kinds: [Kind; 5],
    visibilities: [Visibility; 3],
    form: AnnotateForm,
    error: Option<String>,
    is_instructor: bool,
    argument: crate::argument::Counts,
}

/// One annotation in the side list.
struct Item<'a> {
    annotation: &'a Annotation,
    quote: String,
    links: Vec<(&'static str, String, String)>,
    replies: Vec<&'a replies::Reply>,
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
    /// Code-point offsets, sent by the script when the passage was selected.
    #[serde(default)]
    start: Option<usize>,
    #[serde(default)]
    end: Option<usize>,
}

async fn show_reading(State(state): State<AppState>, access: ReadingAccess) -> Result<Response> {
    reading_page(&state, &access, AnnotateForm::default(), None).await
}

async fn reading_page(
    state: &AppState,
    access: &ReadingAccess,
    form: AnnotateForm,
    error: Option<String>,
) -> Result<Response> {
    let reading = readings::find_reading(&state.db, access.reading_id).await?.ok_or(Error::NotFound)?;
    let visible = annotations::list_visible(&state.db, access.reading_id, access.viewer).await?;
    let all_replies = replies::list_for_reading(&state.db, access.reading_id).await?;
    let mut threads: HashMap<_, Vec<&replies::Reply>> = HashMap::new();
    for reply in &all_replies {
        threads.entry(reply.annotation_id).or_default().push(reply);
    }
    let by_id: HashMap<_, &Annotation> = visible.iter().map(|a| (a.id, a)).collect();
    let items = visible
        .iter()
        .map(|a| Item {
            annotation: a,
            quote: shorten(&a.quote.exact, 240),
            links: a
                .links
                .iter()
                .filter_map(|l| {
                    by_id.get(&l.to).map(|t| (l.relation.as_str(), t.id.to_string(), shorten(&t.quote.exact, 80)))
                })
                .collect(),
            replies: threads.remove(&a.id).unwrap_or_default(),
        })
        .collect();
    let claims = visible
        .iter()
        .filter(|a| a.kind == Kind::Claim)
        .map(|a| (a.id.to_string(), shorten(&a.quote.exact, 60), a.author_name.as_str()))
        .collect();
    let mut authors: Vec<&str> = visible.iter().map(|a| a.author_name.as_str()).collect();
    authors.sort_unstable();
    authors.dedup();
    let counts = Kind::ALL.iter().map(|k| (*k, visible.iter().filter(|a| a.kind == *k).count())).collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = ReadingPage {
        layout: Layout::for_user(Some(&access.user)),
        blocks: highlights::article(&reading.doc, &visible),
        reading: &reading,
        items,
        claims,
        authors,
        me: access.user().id,
        counts,
        kinds: Kind::ALL,
        visibilities: Visibility::ALL,
        form,
        error,
        is_instructor: access.viewer.is_instructor(),
        argument: crate::argument::Counts::of(&visible),
    };
    Ok((status, render(&page)?).into_response())
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
    access: ReadingAccess,
    Form(form): Form<AnnotateForm>,
) -> Result<Response> {
    match annotate(&state, &access, &form).await {
        Ok(annotation) => {
            Ok(Redirect::to(&format!("/readings/{}#a-{}", access.reading_id, annotation.id)).into_response())
        }
        Err(Error::Invalid(invalid)) => reading_page(&state, &access, form, Some(invalid.message)).await,
        Err(e) => Err(e),
    }
}

async fn annotate(state: &AppState, access: &ReadingAccess, form: &AnnotateForm) -> Result<Annotation> {
    if form.quote.trim().is_empty() {
        return Err(Error::invalid("quote", "Paste the exact passage you want to annotate."));
    }
    let annotation = NewAnnotation {
        kind: form.kind.parse()?,
        comment: Comment::parse("comment", &form.comment)?,
        citation: Comment::parse("citation", &citation(&form.citation, &form.citation_url))?,
        tags: Tags::default(),
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
    create_annotation_for(state, access, parsed).await
}

/// A source's citation as one string: the reference, then the URL.
fn citation(reference: &str, url: &str) -> String {
    [reference.trim(), url.trim()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}
