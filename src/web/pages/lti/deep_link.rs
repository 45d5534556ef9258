//! Deep linking: after an instructor's LtiDeepLinkingRequest launch, a page to
//! pick a reading of the course, and the signed LtiDeepLinkingResponse posted
//! back to the LMS (by a small script, or by hand with the page's button).

use super::super::{Layout, render};
use crate::credentials::{random_token, token_hash};
use crate::db::lti::{self as store, DeepLink};
use crate::db::{courses, readings, review};
use crate::error::{Error, Result};
use crate::lti::deep_linking::{LinkedReading, response_jwt};
use crate::lti::launch::ValidLaunch;
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::forms::Form;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/lti/deep-link/{id}", get(show_picker).post(choose))
}

/// Notes the request for the instructor's choice; the page to go to.
pub async fn begin(state: &AppState, launch: &ValidLaunch, user_id: i64, course_id: i64) -> Result<String> {
    let settings = launch.token.deep_linking.as_ref().ok_or(Error::NotFound)?;
    let return_url = reqwest::Url::parse(&settings.deep_link_return_url)
        .ok()
        .filter(|u| matches!(u.scheme(), "https" | "http"))
        .ok_or_else(|| {
            Error::invalid("deep_link_return_url", "the LMS's deep link return URL is not an http(s) URL")
        })?;
    let id = random_token();
    let link = DeepLink {
        user_id,
        course_id,
        platform_id: launch.platform.id,
        deployment_id: launch.deployment_id.clone(),
        return_url: return_url.into(),
        data: settings.data.clone(),
    };
    store::insert_deep_link(&state.db, &token_hash(&id), &link).await?;
    Ok(format!("/lti/deep-link/{id}"))
}

#[derive(Template)]
#[template(path = "lti_pick.html")]
struct PickPage {
    layout: Layout,
    id: String,
    course_id: i64,
    course_title: String,
    readings: Vec<readings::ReadingSummary>,
}

#[derive(Template)]
#[template(path = "lti_return.html")]
struct ReturnPage {
    layout: Layout,
    script: String,
    title: String,
    return_url: String,
    jwt: String,
}

async fn show_picker(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let link = store::find_deep_link(&state.db, &token_hash(&id), user.user.id).await?.ok_or(Error::NotFound)?;
    let course = courses::find_course(&state.db, link.course_id).await?.ok_or(Error::NotFound)?;
    let page = PickPage {
        layout: Layout::for_user(Some(&user)),
        id,
        course_id: course.id,
        course_title: course.title,
        readings: readings::list_for_course(&state.db, link.course_id).await?,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
struct Choice {
    reading_id: i64,
}

async fn choose(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(choice): Form<Choice>,
) -> Result<Response> {
    let link = store::find_deep_link(&state.db, &token_hash(&id), user.user.id).await?.ok_or(Error::NotFound)?;
    if courses::role_of(&state.db, link.course_id, user.user.id).await? != Some(crate::domain::Role::Instructor) {
        return Err(Error::NotFound);
    }
    let reading = readings::list_for_course(&state.db, link.course_id)
        .await?
        .into_iter()
        .find(|r| r.id == choice.reading_id)
        .ok_or_else(|| Error::invalid("reading_id", "is not a reading of this course"))?;
    let platform = store::find_platform(&state.db, link.platform_id).await?.ok_or(Error::NotFound)?;
    let rubric = review::rubric_of(&state.db, link.course_id).await?;
    let linked =
        LinkedReading { id: reading.id, title: &reading.title, score_maximum: Some(u64::from(rubric.cap).max(1)) };
    let launch_url = format!("{}/lti/launch", super::base_url(&state, &headers));
    let jwt = response_jwt(&state.db, &platform, &link, &linked, &launch_url).await?;
    store::delete_deep_link(&state.db, &token_hash(&id)).await?;
    let page = ReturnPage {
        layout: Layout::for_user(Some(&user)),
        script: crate::web::assets::url("autopost.js"),
        title: reading.title.clone(),
        return_url: link.return_url.clone(),
        jwt,
    };
    let mut response = render(&page)?.into_response();
    // The answer goes to the LMS: the page's form may post there, and nowhere else but here.
    let origin = reqwest::Url::parse(&link.return_url).map(|u| u.origin().ascii_serialization()).unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self' {origin}; frame-ancestors 'none'"
    );
    response
        .headers_mut()
        .insert("content-security-policy", HeaderValue::from_str(&policy).map_err(anyhow::Error::from)?);
    Ok(response)
}
