//! The integration tests: the real router on a fresh database per test.

mod accounts;
mod annotations;
mod bad_input;
mod budgets;
mod cached_pages;
mod cached_review;
mod cli;
mod cli_import;
mod courses;
mod crash;
mod export;
mod group_commit;
mod hostile;
mod import;
mod links;
mod live;
mod map;
mod openapi;
mod pages;
mod protocol;
mod readings;
mod review;
mod static_files;
mod support;
mod visibility;
mod w3c_schemas;
