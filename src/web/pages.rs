//! Server-rendered HTML pages. Each page is an askama struct next to its handler;
//! every one extends `base.html` through [`Layout`].

mod account;
mod admin;
pub use admin::{Search as AccountSearch, set_disabled};
mod assignment;
mod course;
mod course_classroom;
mod escaped;
mod feedback;
mod heatmap;
mod highlights;
mod home;
mod inbox;
mod leaving;
mod lti;
mod manage;
mod map;
mod orphans;
mod password;
pub(super) mod reading;
mod reading_review;
mod reading_text;
mod review;
mod term;
pub use review::Reviews;
mod search;
mod student;
mod tokens;

use super::AppState;
use super::auth::CurrentUser;
use crate::error::Result;
use askama::Template;
use axum::Router;
use axum::response::Html;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(home::router())
        .merge(account::router())
        .merge(password::router())
        .merge(leaving::router())
        .merge(admin::router())
        .merge(course::router())
        .merge(reading::router())
        .merge(manage::router())
        .merge(tokens::router())
        .merge(review::router())
        .merge(reading_review::router())
        .merge(feedback::router())
        .merge(map::router())
        .merge(search::router())
        .merge(assignment::router())
        .merge(term::router())
        .merge(lti::router())
        .merge(orphans::router())
        .merge(reading_text::router())
        .merge(inbox::router())
        .merge(course_classroom::router())
        .merge(student::router())
}

/// What `base.html` needs: who is signed in and the token their forms carry.
pub struct Layout {
    pub user_name: Option<String>,
    pub csrf: String,
    /// The stylesheet's and the page script's content-hashed URLs.
    pub css: String,
    pub js: String,
    /// The header's inbox badge script.
    pub inbox_js: String,
}

impl Layout {
    pub fn for_user(user: Option<&CurrentUser>) -> Self {
        Self {
            user_name: user.map(|u| u.user.name.clone()),
            csrf: user.and_then(|u| u.csrf_token.clone()).unwrap_or_default(),
            css: super::assets::url("style.css"),
            js: super::assets::url("annotate.js"),
            inbox_js: super::assets::url("inbox.js"),
        }
    }
}

/// Renders a page template.
pub fn render(page: &impl Template) -> Result<Html<String>> {
    Ok(Html(page.render()?))
}
