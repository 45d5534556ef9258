//! Editing a reading's text (instructors): the source in a textarea, or a
//! corrected file, first previewed — how many annotations stay, move, change
//! or become orphans, with the orphans listed — then saved in one transaction
//! (`reading_edits`, shared with `PUT /api/readings/{id}`).

use super::{Layout, render};
use crate::db::{annotations, versions};
use crate::error::{Error, Result};
use crate::reading_edits::{self, NewText, Report};
use crate::text::import::{MAX_SOURCE_BYTES, SourceFormat};
use crate::web::{AppState, Instructor, ReadingAccess};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/readings/{reading_id}/text", get(show_text).post(preview_or_save))
}

/// An orphan the preview lists: its kind, author and quote.
pub struct PreviewOrphan {
    pub kind: String,
    pub author: String,
    pub quote: String,
}

#[derive(Template)]
#[template(path = "reading_text.html")]
struct TextPage {
    layout: Layout,
    reading_id: i64,
    title: String,
    author: String,
    format: String,
    source: String,
    error: Option<String>,
    /// Set after "Preview": the counts and the orphans.
    preview: Option<(Report, Vec<PreviewOrphan>)>,
}

async fn show_text(State(state): State<AppState>, Instructor(access): Instructor<ReadingAccess>) -> Result<Response> {
    let reading = crate::db::readings::find_reading(&state.db, access.reading_id).await?.ok_or(Error::NotFound)?;
    let (format, source) = versions::source_of(&state.db, access.reading_id).await?.ok_or(Error::NotFound)?;
    let page = TextPage {
        layout: Layout::for_user(Some(&access.user)),
        reading_id: access.reading_id,
        title: reading.title,
        author: reading.author,
        format: format_name(format).to_owned(),
        source,
        error: None,
        preview: None,
    };
    Ok(render(&page)?.into_response())
}

fn format_name(format: SourceFormat) -> &'static str {
    match format {
        SourceFormat::Markdown => "markdown",
        SourceFormat::Text => "text",
        SourceFormat::Html => "html",
    }
}

/// The form's fields; a file, when chosen, replaces the textarea (its extension names the format).
#[derive(Default)]
struct Fields {
    title: String,
    author: String,
    format: String,
    source: String,
    action: String,
}

async fn fields(mut form: Multipart) -> Result<Fields> {
    let mut out = Fields::default();
    let bad =
        |field: &'static str| move |e: axum::extract::multipart::MultipartError| Error::invalid(field, e.body_text());
    while let Some(field) = form.next_field().await.map_err(bad("source"))? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(bad("file"))?;
                if bytes.is_empty() {
                    continue;
                }
                if bytes.len() > MAX_SOURCE_BYTES {
                    return Err(Error::TooLarge(format!("the file is larger than {MAX_SOURCE_BYTES} bytes")));
                }
                out.format = match file_name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).as_deref() {
                    Some("md" | "markdown") => "markdown",
                    Some("txt" | "text") => "text",
                    Some("html" | "htm") => "html",
                    _ => return Err(Error::invalid("file", "choose a .md, .txt or .html file")),
                }
                .to_owned();
                out.source = String::from_utf8(bytes.to_vec())
                    .map_err(|_| Error::invalid("file", "the file is not UTF-8 text"))?;
                // A chosen file wins over the textarea, whatever order the fields came in.
                return rest(form, out).await;
            }
            "title" => out.title = field.text().await.map_err(bad("title"))?,
            "author" => out.author = field.text().await.map_err(bad("author"))?,
            "format" => out.format = field.text().await.map_err(bad("format"))?,
            "source" => out.source = field.text().await.map_err(bad("source"))?,
            "action" => out.action = field.text().await.map_err(bad("action"))?,
            _ => {}
        }
    }
    Ok(out)
}

/// Reads the fields after a file: the textarea and format no longer count.
async fn rest(mut form: Multipart, mut out: Fields) -> Result<Fields> {
    let bad =
        |field: &'static str| move |e: axum::extract::multipart::MultipartError| Error::invalid(field, e.body_text());
    while let Some(field) = form.next_field().await.map_err(bad("source"))? {
        match field.name().unwrap_or_default() {
            "title" => out.title = field.text().await.map_err(bad("title"))?,
            "author" => out.author = field.text().await.map_err(bad("author"))?,
            "action" => out.action = field.text().await.map_err(bad("action"))?,
            _ => {}
        }
    }
    Ok(out)
}

async fn preview_or_save(
    State(state): State<AppState>,
    Instructor(access): Instructor<ReadingAccess>,
    form: Multipart,
) -> Result<Response> {
    let fields = fields(form).await?;
    let page = |error: Option<String>, preview| TextPage {
        layout: Layout::for_user(Some(&access.user)),
        reading_id: access.reading_id,
        title: fields.title.clone(),
        author: fields.author.clone(),
        format: fields.format.clone(),
        source: fields.source.clone(),
        error,
        preview,
    };
    let format = match fields.format.as_str() {
        "markdown" => SourceFormat::Markdown,
        "text" => SourceFormat::Text,
        "html" => SourceFormat::Html,
        _ => {
            let error = Some("Choose the format: Markdown, plain text or HTML.".to_owned());
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page(error, None))?).into_response());
        }
    };
    let new = NewText { title: &fields.title, author: &fields.author, format, source: &fields.source };
    let outcome = if fields.action == "save" {
        reading_edits::save(&state.db, &state.offload, (access.reading_id, access.viewer.user_id), &new)
            .await
            .map(|_| None)
    } else {
        reading_edits::plan(&state.db, &state.offload, access.reading_id, &new).await.map(|plan| Some(plan.report))
    };
    match outcome {
        Ok(None) => {
            crate::web::effects::text_replaced(&state, access.reading_id);
            Ok(Redirect::to(&format!("/readings/{}", access.reading_id)).into_response())
        }
        Ok(Some(report)) => {
            let orphans = orphans_of(&state, &access, &report).await?;
            Ok(render(&page(None, Some((report, orphans))))?.into_response())
        }
        Err(Error::Invalid(invalid)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page(Some(invalid.message), None))?).into_response())
        }
        Err(Error::Conflict(message)) => {
            Ok((StatusCode::CONFLICT, render(&page(Some(message), None))?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The annotations the preview would orphan, as the instructor sees them (never a private note's words).
async fn orphans_of(state: &AppState, access: &ReadingAccess, report: &Report) -> Result<Vec<PreviewOrphan>> {
    let visible = annotations::list_visible(&state.db, access.reading_id, access.viewer).await?;
    let mut out = Vec::new();
    for id in &report.orphaned {
        match visible.iter().find(|a| a.id == *id) {
            Some(a) => out.push(PreviewOrphan {
                kind: a.kind.label().to_owned(),
                author: a.author_name.clone(),
                quote: a.quote.exact.clone(),
            }),
            None => out.push(PreviewOrphan {
                kind: "Private note".to_owned(),
                author: "a student".to_owned(),
                quote: String::new(),
            }),
        }
    }
    Ok(out)
}
