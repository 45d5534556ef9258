//! The JSON API under `/api` (DESIGN.md's public interface).

pub mod annotations;
mod courses;
mod export;
mod links;
pub mod readings;

pub use annotations::create_annotation_for;
pub use readings::add_reading;

use super::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(courses::router())
        .merge(readings::router())
        .merge(annotations::router())
        .merge(export::router())
        .merge(links::router())
}
