//! The integration tests: the real router on a fresh database per test.

mod accounts;
mod annotations;
mod bad_input;
mod cli_import;
mod export;
mod import;
mod openapi;
mod pages;
mod protocol;
mod readings;
mod support;
mod visibility;
mod w3c_schemas;
