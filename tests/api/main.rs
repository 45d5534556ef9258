//! The integration tests: the real router on a fresh database per test.

mod accounts;
mod annotations;
mod bad_input;
mod export;
mod live;
mod pages;
mod readings;
mod support;
mod visibility;
