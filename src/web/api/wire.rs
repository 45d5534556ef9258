//! The JSON API's wire types: the bodies routes under `/api` answer, as serde
//! types with derived JSON Schemas (the request bodies sit beside their handlers).
//! [`components`] derives the schemas of both for `openapi.json`'s
//! `components.schemas`, which `tests/api/openapi.rs` holds equal to them;
//! `UPDATE_OPENAPI=1 cargo test --test api openapi` rewrites those components.
//!
//! The W3C Web Annotation shapes (an annotation, a page, a collection, an import's
//! input) are not here: they are JSON-LD built by `formats::w3c`, documented by
//! hand and checked against the W3C's own schemas.

pub mod account;
pub mod annotations;
pub mod classroom;
pub mod courses;
pub mod readings;
pub mod search;

use schemars::JsonSchema;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value};

/// Where the OpenAPI document keeps its schemas, as `$ref`s point at them.
const COMPONENTS: &str = "/components/schemas";

fn generator(settings: SchemaSettings) -> SchemaGenerator {
    settings
        .with(|s| {
            s.definitions_path = COMPONENTS.into();
            s.meta_schema = None;
        })
        .into_generator()
}

/// Adds `T`'s schema, and those of the types it holds, to `generator`'s definitions.
fn add<T: JsonSchema + ?Sized>(generator: &mut SchemaGenerator) {
    let _ = generator.subschema_for::<T>();
}

/// The derived schema of every request and response body, by component name:
/// requests as they are deserialised, responses as they are serialised.
///
/// # Panics
/// When a request and a response type share a name but not a schema (a
/// programming error the OpenAPI test meets first).
#[must_use]
pub fn components() -> Map<String, Value> {
    use super::{admin, annotations as notes, assignments, classroom as rooms, course_copy, courses as course};
    use super::{feedback, inbox as unread, links, readings as reading};
    let mut requests = generator(SchemaSettings::draft2020_12().for_deserialize());
    add::<course::NewCourse>(&mut requests);
    add::<course::Join>(&mut requests);
    add::<course_copy::Body>(&mut requests);
    add::<reading::NewReading>(&mut requests);
    add::<reading::ReplacedText>(&mut requests);
    add::<notes::NewReply>(&mut requests);
    add::<feedback::NewFeedback>(&mut requests);
    add::<links::NewLink>(&mut requests);
    add::<assignments::Body>(&mut requests);
    add::<crate::classroom::GroupForm>(&mut requests);
    add::<rooms::Settings>(&mut requests);
    add::<rooms::TagsBody>(&mut requests);
    add::<admin::NewUser>(&mut requests);
    add::<unread::Read>(&mut requests);

    let mut responses = generator(SchemaSettings::draft2020_12().for_serialize());
    add::<courses::CreatedCourse>(&mut responses);
    add::<courses::JoinedCourse>(&mut responses);
    add::<courses::Course>(&mut responses);
    add::<courses::ResetLink>(&mut responses);
    add::<readings::Reading>(&mut responses);
    add::<readings::TextReplaced>(&mut responses);
    add::<readings::ReadingVersions>(&mut responses);
    add::<annotations::Reply>(&mut responses);
    add::<annotations::Feedback>(&mut responses);
    add::<annotations::Link>(&mut responses);
    add::<annotations::ImportAnswer>(&mut responses);
    add::<classroom::Groups>(&mut responses);
    add::<classroom::Group>(&mut responses);
    add::<classroom::CourseSettings>(&mut responses);
    add::<classroom::Tags>(&mut responses);
    add::<account::AccountsPage>(&mut responses);
    add::<account::CreatedAccount>(&mut responses);
    add::<account::Unread>(&mut responses);
    add::<crate::inbox::Listing>(&mut responses);
    add::<search::SearchResults>(&mut responses);
    add::<crate::assignments::AssignmentView>(&mut responses);
    add::<crate::db::lti::GradeReport>(&mut responses);
    add::<crate::db::lti::roster::RosterChanges>(&mut responses);
    add::<crate::formats::aif::Document>(&mut responses);

    let mut out = requests.take_definitions(true);
    for (name, schema) in responses.take_definitions(true) {
        if let Some(request) = out.get(&name) {
            assert_eq!(request, &schema, "{name} is both a request and a response type, with two schemas");
        }
        out.insert(name, schema);
    }
    out
}
