//! The integration tests: the real router on a fresh database per test.

mod accounts;
mod annotations;
mod bad_input;
mod cli;
mod courses;
mod crash;
mod export;
mod pages;
mod readings;
mod support;
mod visibility;
