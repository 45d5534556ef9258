//! Instructors manage a course: its join code, its members, and its readings
//! (upload, rename, delete after a confirmation).

use super::{Layout, render};
use crate::courses::MemberChange;
use crate::db::{courses, readings};
use crate::domain::{Title, check_length};
use crate::error::{Error, Result};
use crate::reading_edits::NewText;
use crate::readings::{NewPdf, add_pdf_reading, add_reading};
use crate::text::import::{MAX_SOURCE_BYTES, SourceFormat};
use crate::web::forms::{Form, Path};
use crate::web::iris::RequestIris;
use crate::web::{AppState, CourseAccess, Instructor, ReadingAccess};
use askama::Template;
use axum::Router;
use axum::extract::multipart::Field;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses/{course_id}/join-code", post(regenerate_join_code))
        .route("/courses/{course_id}/members/{user_id}/{action}", post(change_member))
        .route("/courses/{course_id}/readings/upload", post(upload_reading).layer(DefaultBodyLimit::disable()))
        .route("/readings/{reading_id}/settings", get(show_settings).post(update_reading))
        .route("/readings/{reading_id}/delete", post(delete_reading))
}

fn course_page(course_id: i64) -> Response {
    Redirect::to(&format!("/courses/{course_id}")).into_response()
}

async fn regenerate_join_code(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
) -> Result<Response> {
    courses::regenerate_join_code(&state.db, access.course_id).await?;
    Ok(course_page(access.course_id))
}

#[derive(Template)]
#[template(path = "reset_link.html")]
struct ResetLinkPage {
    layout: Layout,
    course_id: i64,
    link: String,
    expires_at: String,
}

async fn change_member(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    RequestIris(iris): RequestIris,
    Path((_, user_id, action)): Path<(i64, i64, String)>,
) -> Result<Response> {
    if action == "reset-link" {
        let (link, expires_at) = crate::courses::student_reset_link(
            &state.db,
            (access.course_id, access.viewer.user_id),
            user_id,
            &iris.base,
        )
        .await?;
        let page = ResetLinkPage {
            layout: Layout::for_user(Some(&access.user)),
            course_id: access.course_id,
            link,
            expires_at,
        };
        return Ok(render(&page)?.into_response());
    }
    if action == "readmit" {
        if !courses::readmit(&state.db, access.course_id, user_id).await? {
            return Err(Error::NotFound);
        }
        return Ok(course_page(access.course_id));
    }
    let change = match action.as_str() {
        "promote" => MemberChange::Promote,
        "demote" => MemberChange::Demote,
        "remove" => MemberChange::Remove,
        _ => return Err(Error::NotFound),
    };
    crate::courses::change_member(&state.db, access.course_id, user_id, change).await?;
    // Their open pages were allowed by the old role: end them, and let them reconnect as they are now.
    state.events.revoke(user_id);
    if user_id == access.viewer.user_id && change != MemberChange::Promote {
        return Ok(Redirect::to("/").into_response());
    }
    Ok(course_page(access.course_id))
}

/// A `.md`, `.txt`, `.html` or `.pdf` file from the course page (multipart; the CSRF token rides in the query).
async fn upload_reading(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    mut form: Multipart,
) -> Result<Response> {
    // The body limit is off for this route (a PDF may be larger than a text source):
    // each field is read to its own bound instead.
    let max_file = MAX_SOURCE_BYTES.max(state.config.quotas.max_pdf_bytes);
    let (mut title, mut author, mut file) = (String::new(), String::new(), None);
    let mut fields = 0;
    while let Some(field) = form.next_field().await.map_err(|e| Error::invalid("file", e.body_text()))? {
        fields += 1;
        if fields > 16 {
            return Err(Error::invalid("form", "the form has too many fields"));
        }
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "title" => title = text_field(field, "title").await?,
            "author" => author = text_field(field, "author").await?,
            "file" => {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                file = Some((file_name, bounded(field, "file", max_file).await?));
            }
            _ => {
                bounded(field, "form", 4 * 1024).await?;
            }
        }
    }
    let choose = "choose a .md, .txt, .html or .pdf file";
    let (file_name, bytes) = file.ok_or_else(|| Error::invalid("file", choose))?;
    let extension = file_name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase());
    if extension.as_deref() == Some("pdf") {
        let new = NewPdf { title: &title, author: &author, bytes: &bytes, file_name: &file_name };
        let id = add_pdf_reading(&state.services(), (access.course_id, access.viewer), &new).await?;
        return Ok(Redirect::to(&format!("/readings/{id}")).into_response());
    }
    if bytes.len() > MAX_SOURCE_BYTES {
        return Err(Error::TooLarge(format!("the file is larger than {MAX_SOURCE_BYTES} bytes")));
    }
    let format = match extension.as_deref() {
        Some("md" | "markdown") => SourceFormat::Markdown,
        Some("txt" | "text") => SourceFormat::Text,
        Some("html" | "htm") => SourceFormat::Html,
        _ => return Err(Error::invalid("file", choose)),
    };
    let source = String::from_utf8(bytes).map_err(|_| Error::invalid("file", "the file is not UTF-8 text"))?;
    if title.trim().is_empty() {
        title = file_name.rsplit_once('.').map_or(file_name.as_str(), |(stem, _)| stem).to_owned();
    }
    let new = NewText { title: &title, author: &author, format, source: &source };
    let id = add_reading(&state.services(), (access.course_id, access.viewer), &new).await?;
    Ok(Redirect::to(&format!("/readings/{id}")).into_response())
}

/// A field's bytes, refused with 413 past `max`.
async fn bounded(mut field: Field<'_>, name: &'static str, max: usize) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| Error::invalid(name, e.body_text()))? {
        if bytes.len() + chunk.len() > max {
            return Err(Error::TooLarge(format!("the {name} is larger than {max} bytes")));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// A short text field (a title, an author).
async fn text_field(field: Field<'_>, name: &'static str) -> Result<String> {
    String::from_utf8(bounded(field, name, 4 * 1024).await?).map_err(|_| Error::invalid(name, "not UTF-8 text"))
}

#[derive(Template)]
#[template(path = "reading_settings.html")]
struct SettingsPage {
    layout: Layout,
    reading: readings::Reading,
    annotation_count: i64,
    error: Option<String>,
    /// The due-date section (`pages::assignment`).
    assignment: super::assignment::AssignmentForm,
}

/// The reading's settings page; every route that draws it takes [`Instructor`].
pub(super) async fn settings_page(state: &AppState, access: &ReadingAccess, error: Option<String>) -> Result<Response> {
    let reading = readings::find_reading(&state.db, access.reading_id).await?.ok_or(Error::NotFound)?;
    let annotation_count = crate::db::annotations::count_in_reading(&state.db, access.reading_id).await?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let assignment = super::assignment::AssignmentForm::load(&state.db, access.reading_id, access.course_id).await?;
    let page =
        SettingsPage { layout: Layout::for_user(Some(&access.user)), reading, annotation_count, error, assignment };
    Ok((status, render(&page)?).into_response())
}

async fn show_settings(
    State(state): State<AppState>,
    Instructor(access): Instructor<ReadingAccess>,
) -> Result<Response> {
    settings_page(&state, &access, None).await
}

#[derive(Deserialize)]
struct Details {
    title: String,
    #[serde(default)]
    author: String,
}

async fn update_reading(
    State(state): State<AppState>,
    Instructor(access): Instructor<ReadingAccess>,
    Form(form): Form<Details>,
) -> Result<Response> {
    let author = form.author.trim();
    match Title::parse(&form.title).and_then(|title| check_length("author", author, 200).map(|()| title)) {
        Ok(title) => {
            readings::update_details(&state.db, access.reading_id, &title, author).await?;
            // A reading edit: the pages open on it redraw whole.
            state.events.publish(crate::web::events::Event::resync(access.reading_id));
            Ok(Redirect::to(&format!("/readings/{}", access.reading_id)).into_response())
        }
        Err(invalid) => settings_page(&state, &access, Some(invalid.to_string())).await,
    }
}

#[derive(Deserialize)]
struct Confirm {
    #[serde(default)]
    confirm: String,
}

async fn delete_reading(
    State(state): State<AppState>,
    Instructor(access): Instructor<ReadingAccess>,
    Form(form): Form<Confirm>,
) -> Result<Response> {
    if form.confirm != "delete" {
        let message = "Type delete to confirm: the reading and all its annotations will be deleted.".to_owned();
        return settings_page(&state, &access, Some(message)).await;
    }
    readings::delete_reading(&state.db, access.reading_id).await?;
    state.snapshots.forget(access.reading_id);
    state.reviews.forget_reading(access.reading_id);
    state.events.drop_reading(access.reading_id);
    Ok(course_page(access.course_id))
}
