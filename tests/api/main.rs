//! The integration tests: the real router on a fresh database per test.

mod accounts;
mod annotations;
mod bad_input;
mod cli;
mod courses;
mod export;
mod hostile;
mod live;
mod pages;
mod readings;
mod review;
mod static_files;
mod support;
mod visibility;
