//! The API suite of `tests/api` again, every test on a PostgreSQL schema of its
//! own instead of an SQLite file (`support::on_postgres` knows this target by its
//! name). It needs a cluster: `COUNTERPOINT_TEST_POSTGRES` (see `scripts/pg-cluster`);
//! without one each test says it did not run, and under `CI=true` fails.

#[path = "api/main.rs"]
mod api;

// The suite names its modules from the crate root (`crate::support`): every one is here too.
use api::*;
