//! Each documented JSON route, driven once on a fresh app in the happy path: its
//! answer must fit the schema `openapi.json` documents for its status and media type.

use super::is_json;
use crate::support::{TestApp, TestResponse, TestUser};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Routes with JSON answers this test does not drive, and why.
const NOT_DRIVEN: [(&str, &str, &str); 2] = [
    ("post", "/courses/{course_id}/lti/roster", "needs the simulated LMS of tests/api/lti"),
    ("post", "/courses/{course_id}/lti/grades", "needs the simulated LMS of tests/api/lti"),
];

/// One call: who, how, the documented route it exercises, and the status it must get.
struct Call<'a> {
    who: &'a TestUser,
    method: Method,
    route: &'static str,
    path: String,
    body: Option<Value>,
    status: StatusCode,
}

fn call<'a>(who: &'a TestUser, method: Method, route: &'static str, path: String, status: StatusCode) -> Call<'a> {
    Call { who, method, route, path, body: None, status }
}

impl Call<'_> {
    fn with(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
}

/// Why `response` does not fit what the document says `call` answers, if it does not.
fn misfit(doc: &Value, call: &Call<'_>, response: &TestResponse) -> Option<String> {
    let operation = &doc["paths"][call.route][call.method.as_str().to_ascii_lowercase()];
    let documented = &operation["responses"][call.status.as_str()];
    let sent = response.header("content-type");
    let essence = |m: &str| m.split(';').next().unwrap_or_default().trim().to_owned();
    let Some((_, content)) =
        documented["content"].as_object().into_iter().flatten().find(|(media, _)| essence(media) == essence(sent))
    else {
        return Some(format!("answers {sent:?}, which is not documented for {}", call.status));
    };
    let root = json!({"$ref": content["schema"]["$ref"], "components": doc["components"]});
    let validator = match jsonschema::validator_for(&root) {
        Ok(validator) => validator,
        Err(e) => return Some(format!("the schema does not compile: {e}")),
    };
    let body = response.json();
    let errors: Vec<String> =
        validator.iter_errors(&body).take(5).map(|e| format!("{e} (at {})", e.instance_path())).collect();
    (!errors.is_empty()).then(|| format!("{}\n{body:#}", errors.join("\n")))
}

fn annotation_body(reading: i64, kind: &str, exact: &str) -> Value {
    json!({
        "type": "Annotation",
        "body": [{"type": "TextualBody", "purpose": "classifying", "value": kind}],
        "target": {"source": format!("http://counterpoint.test/readings/{reading}"),
                   "selector": {"type": "TextQuoteSelector", "exact": exact}},
    })
}

#[tokio::test]
async fn every_json_route_answers_as_its_documented_schema() {
    let app = TestApp::new().await;
    let doc = app.get("/api/openapi.json", &app.user("reader").await).await.json();
    let (teacher, student, admin) = (app.user("tess").await, app.user("sam").await, app.user("ada").await);
    let admin_id = app.user_id(&admin).await;
    counterpoint::db::users::set_admin(&app.state.db, admin_id, true).await.expect("admin");
    let student_id = app.user_id(&student).await;
    let course = app.course(&teacher, &[&student]).await;
    let other = app.post("/api/courses", &admin, json!({"title": "Another course"})).await.json();
    let text = "# The essay\n\nThe claim is made here. A source says so. Why would it?";
    let reading = app.reading(course, &teacher, "markdown", text).await;
    let claim = app.annotation(reading, &student, "claim", "The claim is made here", json!({})).await;
    let source = app.annotation(reading, &student, "source", "A source says so", json!({})).await;
    let question = app.annotation(reading, &student, "question", "Why would it?", json!({})).await;
    let one = app.get(&format!("/api/annotations/{claim}"), &student).await.json();
    let group = |name: &str| json!({"name": name, "members": [student_id]});
    let (c, r) = (course, reading);
    let group_id = app.post(&format!("/api/courses/{c}/groups"), &teacher, group("Table 1")).await.json()["id"].clone();
    use Method as M;
    use StatusCode as S;
    let calls = [
        call(&teacher, M::GET, "/openapi.json", "/openapi.json".into(), S::OK),
        call(&teacher, M::POST, "/courses", "/courses".into(), S::CREATED).with(json!({"title": "Logic"})),
        call(&student, M::POST, "/courses/join", "/courses/join".into(), S::OK)
            .with(json!({"join_code": other["join_code"]})),
        call(&teacher, M::GET, "/courses/{course_id}", format!("/courses/{c}"), S::OK),
        call(&student, M::GET, "/courses/{course_id}", format!("/courses/{c}"), S::OK),
        call(&teacher, M::POST, "/courses/{course_id}/readings", format!("/courses/{c}/readings"), S::CREATED)
            .with(json!({"title": "Notes", "format": "text", "source": "Short notes."})),
        call(&student, M::GET, "/readings/{reading_id}", format!("/readings/{r}"), S::OK),
        call(&student, M::GET, "/readings/{reading_id}/annotations/", format!("/readings/{r}/annotations/"), S::OK),
        call(&student, M::GET, "/readings/{reading_id}/annotations", format!("/readings/{r}/annotations"), S::OK),
        call(
            &student,
            M::POST,
            "/readings/{reading_id}/annotations/",
            format!("/readings/{r}/annotations/"),
            S::CREATED,
        )
        .with(annotation_body(r, "note", "The essay")),
        call(&student, M::POST, "/readings/{reading_id}/annotations", format!("/readings/{r}/annotations"), S::CREATED)
            .with(annotation_body(r, "note", "made here")),
        call(&student, M::GET, "/annotations/{annotation_id}", format!("/annotations/{claim}"), S::OK),
        call(
            &student,
            M::GET,
            "/readings/{reading_id}/annotations/{annotation_id}",
            format!("/readings/{r}/annotations/{claim}"),
            S::OK,
        ),
        call(&student, M::PUT, "/annotations/{annotation_id}", format!("/annotations/{claim}"), S::OK)
            .with(one.clone()),
        call(
            &student,
            M::PUT,
            "/readings/{reading_id}/annotations/{annotation_id}",
            format!("/readings/{r}/annotations/{claim}"),
            S::OK,
        )
        .with(one),
        call(
            &teacher,
            M::POST,
            "/annotations/{annotation_id}/replies",
            format!("/annotations/{claim}/replies"),
            S::CREATED,
        )
        .with(json!({"text": "Where is this argued?"})),
        call(&student, M::GET, "/annotations/{annotation_id}/replies", format!("/annotations/{claim}/replies"), S::OK),
        call(
            &teacher,
            M::POST,
            "/annotations/{annotation_id}/feedback",
            format!("/annotations/{claim}/feedback"),
            S::CREATED,
        )
        .with(json!({"text": "Well found", "exemplary": true})),
        call(
            &student,
            M::POST,
            "/annotations/{annotation_id}/links",
            format!("/annotations/{source}/links"),
            S::CREATED,
        )
        .with(json!({"target": claim})),
        call(
            &teacher,
            M::POST,
            "/annotations/{annotation_id}/spotlight",
            format!("/annotations/{claim}/spotlight"),
            S::OK,
        ),
        call(
            &teacher,
            M::DELETE,
            "/annotations/{annotation_id}/spotlight",
            format!("/annotations/{claim}/spotlight"),
            S::OK,
        ),
        call(
            &student,
            M::POST,
            "/annotations/{annotation_id}/answered",
            format!("/annotations/{question}/answered"),
            S::OK,
        ),
        call(
            &student,
            M::DELETE,
            "/annotations/{annotation_id}/answered",
            format!("/annotations/{question}/answered"),
            S::OK,
        ),
        call(&teacher, M::POST, "/readings/{reading_id}/import", format!("/readings/{r}/import"), S::OK)
            .with(json!([annotation_body(r, "note", "Why would it?")])),
        call(&teacher, M::GET, "/courses/{course_id}/search", format!("/courses/{c}/search?q=claim"), S::OK),
        call(&teacher, M::GET, "/courses/{course_id}/export", format!("/courses/{c}/export?format=jsonld"), S::OK),
        call(&teacher, M::GET, "/courses/{course_id}/export", format!("/courses/{c}/export?format=aif"), S::OK),
        call(&student, M::GET, "/account/export", "/account/export".into(), S::OK),
        call(
            &teacher,
            M::POST,
            "/courses/{course_id}/members/{user_id}/reset-link",
            format!("/courses/{c}/members/{student_id}/reset-link"),
            S::CREATED,
        ),
        call(&admin, M::GET, "/admin/users", "/admin/users".into(), S::OK),
        call(&admin, M::POST, "/admin/users", "/admin/users".into(), S::CREATED)
            .with(json!({"email": "new@example.org", "name": "New", "password": "a long enough password"})),
        call(&teacher, M::PUT, "/readings/{reading_id}/assignment", format!("/readings/{r}/assignment"), S::OK)
            .with(json!({"due_at": "2030-01-15T17:00:00Z"})),
        call(&student, M::GET, "/readings/{reading_id}/assignment", format!("/readings/{r}/assignment"), S::OK),
        call(&teacher, M::POST, "/courses/{course_id}/copy", format!("/courses/{c}/copy"), S::CREATED)
            .with(json!({"title": "Geopolitics 102", "shift_days": 7})),
        call(&teacher, M::POST, "/courses/{course_id}/groups", format!("/courses/{c}/groups"), S::CREATED)
            .with(group("Table 2")),
        call(&teacher, M::GET, "/courses/{course_id}/groups", format!("/courses/{c}/groups"), S::OK),
        call(
            &teacher,
            M::PUT,
            "/courses/{course_id}/groups/{group_id}",
            format!("/courses/{c}/groups/{group_id}"),
            S::OK,
        )
        .with(json!({"name": "Table one"})),
        call(&student, M::GET, "/courses/{course_id}/settings", format!("/courses/{c}/settings"), S::OK),
        call(&teacher, M::PUT, "/courses/{course_id}/settings", format!("/courses/{c}/settings"), S::OK)
            .with(json!({"discussion": "class"})),
        call(&teacher, M::PUT, "/courses/{course_id}/tags", format!("/courses/{c}/tags"), S::OK)
            .with(json!({"tags": ["evidence", "framing"]})),
        call(&student, M::GET, "/courses/{course_id}/tags", format!("/courses/{c}/tags"), S::OK),
        call(&student, M::GET, "/inbox", "/inbox".into(), S::OK),
        call(&student, M::POST, "/inbox/read", "/inbox/read".into(), S::OK).with(json!({"all": true})),
        call(&teacher, M::PUT, "/readings/{reading_id}", format!("/readings/{r}"), S::OK)
            .with(json!({"title": "The essay", "format": "markdown", "source": format!("{text} It is.")})),
        call(&teacher, M::GET, "/readings/{reading_id}/versions", format!("/readings/{r}/versions"), S::OK),
    ];
    let mut misfits = Vec::new();
    let mut driven = BTreeSet::new();
    for call in &calls {
        let response =
            app.api(call.method.clone(), &format!("/api{}", call.path), Some(call.who), call.body.clone()).await;
        driven.insert((call.method.as_str().to_ascii_lowercase(), call.route.to_owned()));
        if response.status != call.status {
            misfits.push(format!(
                "{} {}: {} not {}: {}",
                call.method, call.path, response.status, call.status, response.text
            ));
        } else if let Some(why) = misfit(&doc, call, &response) {
            misfits.push(format!("{} {}: {why}", call.method, call.path));
        }
    }
    assert!(misfits.is_empty(), "answers that do not fit openapi.json:\n{}", misfits.join("\n\n"));

    // Every route the document says answers JSON was driven (or is excused above).
    let mut undriven = Vec::new();
    for (route, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let answers_json = operation["responses"].as_object().into_iter().flatten().any(|(status, response)| {
                status.starts_with('2')
                    && response["content"].as_object().into_iter().flatten().any(|(m, _)| is_json(m))
            });
            let key = (method.clone(), route.clone());
            let excused = NOT_DRIVEN.iter().any(|(m, r, _)| (*m, *r) == (method.as_str(), route.as_str()));
            if answers_json && !driven.contains(&key) && !excused {
                undriven.push(format!("{method} {route}"));
            }
        }
    }
    assert!(undriven.is_empty(), "JSON routes no call drives: {undriven:?}");
}
