//! The integration tests: the real router on a fresh database per test.

mod accounts;
mod annotations;
mod bad_input;
mod export;
mod pages;
mod readings;
mod review;
mod support;
mod visibility;
