//! Access to a course's content as extractors, so a handler cannot forget the
//! check: each yields the caller's [`Viewer`] for the course named by the path,
//! and answers 404 to anyone who is not a member. [`Instructor`] narrows one of
//! them to the course's instructors, with the one status policy stated there.

use super::AppState;
use super::auth::CurrentUser;
use crate::db::assignments::Standing;
use crate::db::{annotations, courses, readings, users::User};
use crate::domain::{AnnotationId, Role, Viewer};
use crate::error::{Error, Result};
use axum::extract::{FromRequestParts, OriginalUri, RawPathParams};
use axum::http::Method;
use axum::http::request::Parts;

/// A member of the course in the path's `{course_id}`.
#[derive(Debug, Clone)]
pub struct CourseAccess {
    pub user: CurrentUser,
    pub course_id: i64,
    pub viewer: Viewer,
}

/// A member of the course that owns the path's `{reading_id}`.
#[derive(Debug, Clone)]
pub struct ReadingAccess {
    pub user: CurrentUser,
    pub reading_id: i64,
    pub course_id: i64,
    /// The reading's revision when access was checked: what a cached copy of it must match.
    pub revision: i64,
    pub viewer: Viewer,
}

/// A [`ReadingAccess`] for a route that adds an annotation to the reading, with
/// what the new annotation is checked against ([`Standing`]: the caller's count
/// there, for the quota, and the reading's due date), loaded in the same query.
#[derive(Debug, Clone)]
pub struct AuthorAccess {
    pub access: ReadingAccess,
    pub standing: Standing,
}

/// A [`ReadingAccess`] for the reading page, with when the caller had last opened
/// the reading (what the page marks new work against), loaded in the same query.
#[derive(Debug, Clone)]
pub struct VisitorAccess {
    pub access: ReadingAccess,
    /// Stored time text, if they ever opened it.
    pub last_visit: Option<String>,
}

/// A member of the course that owns the path's `{annotation_id}` (and, when the
/// path also names `{reading_id}`, the annotation is in that reading).
#[derive(Debug, Clone)]
pub struct AnnotationAccess {
    pub user: CurrentUser,
    pub id: AnnotationId,
    pub location: annotations::Location,
    pub viewer: Viewer,
}

/// A caller who teaches the course of `A` (a [`CourseAccess`] or a
/// [`ReadingAccess`]): the extractor of every instructor-only route, taken as
/// `Instructor(access): Instructor<CourseAccess>`.
///
/// The status policy, the same for every such route:
///
/// | caller | pages and their forms; API reads (`GET`) | API writes (`POST`, `PUT`, `DELETE` under `/api`) |
/// |---|---|---|
/// | not signed in | the sign-in page (401 on the API) | 401 |
/// | not a member of the course, or no such course or reading | 404 | 404 |
/// | a member who does not teach the course | 404 | 403 |
///
/// A member who does not teach meets 404, as a stranger does, wherever they
/// would look: students do not learn which instructor pages, forms and exports
/// exist. A script that tries to change something through the API is told
/// plainly that its user may not (the API's routes are public anyway, in
/// `/api/openapi.json`).
/// Use cases outside `web/` may keep a check of their own on the [`Viewer`]
/// (a rule of the domain); behind this extractor it is never what answers.
#[derive(Debug, Clone)]
pub struct Instructor<A>(pub A);

/// An access extractor that knows the caller's role in its course.
pub trait Teaching {
    fn viewer(&self) -> Viewer;
}

impl Teaching for CourseAccess {
    fn viewer(&self) -> Viewer {
        self.viewer
    }
}

impl Teaching for ReadingAccess {
    fn viewer(&self) -> Viewer {
        self.viewer
    }
}

/// Whether the request asks the JSON API to change something (the error
/// middleware tells the API from pages at the same place: `crate::web::errors`).
fn is_api_write(parts: &Parts) -> bool {
    let path = parts.extensions.get::<OriginalUri>().map_or_else(|| parts.uri.path(), |uri| uri.path());
    let api = path == "/api" || path.starts_with("/api/");
    api && !matches!(parts.method, Method::GET | Method::HEAD)
}

impl<A> FromRequestParts<AppState> for Instructor<A>
where
    A: FromRequestParts<AppState, Rejection = Error> + Teaching + Send,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let access = A::from_request_parts(parts, state).await?;
        if access.viewer().is_instructor() {
            Ok(Self(access))
        } else if is_api_write(parts) {
            Err(Error::Forbidden("only the course's instructors may do this"))
        } else {
            Err(Error::NotFound)
        }
    }
}

impl ReadingAccess {
    pub fn user(&self) -> &User {
        &self.user.user
    }
}

async fn path_param(parts: &mut Parts, name: &str) -> Result<String> {
    let params = RawPathParams::from_request_parts(parts, &()).await.map_err(|_| Error::NotFound)?;
    params.iter().find(|(key, _)| *key == name).map(|(_, value)| value.to_owned()).ok_or(Error::NotFound)
}

async fn viewer(state: &AppState, course_id: i64, user: &CurrentUser) -> Result<Viewer> {
    let role = courses::role_of(&state.db, course_id, user.user.id).await?.ok_or(Error::NotFound)?;
    Ok(Viewer { user_id: user.user.id, role })
}

impl FromRequestParts<AppState> for CourseAccess {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let course_id: i64 = path_param(parts, "course_id").await?.parse().map_err(|_| Error::NotFound)?;
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let viewer = viewer(state, course_id, &user).await?;
        Ok(Self { user, course_id, viewer })
    }
}

impl ReadingAccess {
    /// The path's reading and the caller, before the access check.
    async fn asked(parts: &mut Parts, state: &AppState) -> Result<(i64, CurrentUser)> {
        let reading_id: i64 = path_param(parts, "reading_id").await?.parse().map_err(|_| Error::NotFound)?;
        Ok((reading_id, CurrentUser::from_request_parts(parts, state).await?))
    }

    /// The access check's answer (`readings::access_of`): 404 unless the caller is a member.
    fn checked(
        user: CurrentUser,
        reading_id: i64,
        (course_id, revision, role): (i64, i64, Option<Role>),
    ) -> Result<Self> {
        let viewer = Viewer { user_id: user.user.id, role: role.ok_or(Error::NotFound)? };
        Ok(Self { user, reading_id, course_id, revision, viewer })
    }
}

impl FromRequestParts<AppState> for ReadingAccess {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let (reading_id, user) = Self::asked(parts, state).await?;
        let found = readings::access_of(&state.db, reading_id, user.user.id).await?.ok_or(Error::NotFound)?;
        Self::checked(user, reading_id, found)
    }
}

impl FromRequestParts<AppState> for AuthorAccess {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let (reading_id, user) = ReadingAccess::asked(parts, state).await?;
        let (found, standing) =
            readings::access_as_author(&state.db, reading_id, user.user.id).await?.ok_or(Error::NotFound)?;
        Ok(Self { access: ReadingAccess::checked(user, reading_id, found)?, standing })
    }
}

impl FromRequestParts<AppState> for VisitorAccess {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let (reading_id, user) = ReadingAccess::asked(parts, state).await?;
        let (found, last_visit) =
            readings::access_with_visit(&state.db, reading_id, user.user.id).await?.ok_or(Error::NotFound)?;
        Ok(Self { access: ReadingAccess::checked(user, reading_id, found)?, last_visit })
    }
}

impl FromRequestParts<AppState> for AnnotationAccess {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let id: AnnotationId = path_param(parts, "annotation_id").await?.parse().map_err(|_| Error::NotFound)?;
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let location = annotations::locate(&state.db, id).await?.ok_or(Error::NotFound)?;
        if let Ok(reading) = path_param(parts, "reading_id").await {
            if reading.parse::<i64>().ok() != Some(location.reading_id) {
                return Err(Error::NotFound);
            }
        }
        let viewer = viewer(state, location.course_id, &user).await?;
        Ok(Self { user, id, location, viewer })
    }
}
