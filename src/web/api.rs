//! The JSON API under `/api` (DESIGN.md's public interface).

mod account;
mod admin;
pub mod annotations;
mod assignments;
mod classroom;
mod course_copy;
mod courses;
mod export;
mod feedback;
mod inbox;
mod links;
mod lti;
mod openapi;
pub mod readings;
pub mod search;
pub mod wire;

use super::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(courses::router())
        .merge(readings::router())
        .merge(annotations::router())
        .merge(export::router())
        .merge(feedback::router())
        .merge(openapi::router())
        .merge(links::router())
        .merge(account::router())
        .merge(admin::router())
        .merge(search::router())
        .merge(assignments::router())
        .merge(course_copy::router())
        .merge(lti::router())
        .merge(classroom::router())
        .merge(inbox::router())
}
