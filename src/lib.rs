//! Counterpoint: annotate the arguments in a reading.
//!
//! `app` assembles config → pool → router; `main.rs` and the tests share it.
//! Dependencies point downward: `web` → `db` → `domain`, `formats`, `text`.

pub mod accounts;
pub mod annotation_import;
pub mod annotations;
pub mod app;
pub mod argument;
pub mod assignments;
pub mod classroom;
pub mod cli;
pub mod config;
pub mod course_search;
pub mod courses;
pub mod credentials;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod feedback;
#[doc(hidden)]
pub mod fixtures;
pub mod formats;
pub mod inbox;
pub mod links;
pub mod lti;
pub mod mail;
pub mod offload;
pub mod pdf;
pub mod reading_edits;
pub mod readings;
pub mod review;
pub mod search;
pub mod server;
pub mod services;
pub mod snapshot;
pub mod text;
pub mod web;
