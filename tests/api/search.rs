//! Search (`GET /api/courses/{id}/search`, `/courses/{id}/search`): matching that
//! ignores accents and case and stems, exactly the visibility of the rest of the
//! product, hostile queries that never reach FTS5 as syntax, and an index the
//! triggers keep in step with edits and deletions.

use crate::support::{TestApp, TestUser};
use axum::http::{Method, StatusCode};
use counterpoint::db::store;
use serde_json::{Value, json};

const TEXT: &str =
    "Déjà Vu in Moscow\n\nThe sanctions bite harder than expected.\n\nA marriage of convenience, say critics.";

fn comment(text: &str) -> Value {
    json!({"body": [{"type": "TextualBody", "purpose": "classifying", "value": "claim"},
                    {"type": "TextualBody", "purpose": "commenting", "value": text}]})
}

fn annotation_with(kind: &str, text: &str, visibility: &str) -> Value {
    json!({"visibility": visibility,
           "body": [{"type": "TextualBody", "purpose": "classifying", "value": kind},
                    {"type": "TextualBody", "purpose": "commenting", "value": text}]})
}

async fn search(app: &TestApp, course: i64, user: &TestUser, query: &str) -> Value {
    let response = app.get(&format!("/api/courses/{course}/search?{query}"), user).await;
    assert_eq!(response.status, StatusCode::OK, "{query}: {}", response.text);
    response.json()
}

fn q(words: &str) -> String {
    format!("q={}", urlencode(words))
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).expect("encodes")[1..].to_owned()
}

/// The ids (annotation IRIs' last segment, or "reading") of the results, in order.
fn found(results: &Value) -> Vec<String> {
    results["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| match item["type"].as_str() {
            Some("reading") => "reading".to_owned(),
            Some("reply") => format!(
                "reply:{}",
                item["annotation"].as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default()
            ),
            _ => item["annotation"].as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned(),
        })
        .collect()
}

/// The highlighted words of each result, in code points as the API counts them.
fn marked(item: &Value) -> Vec<String> {
    let snippet: Vec<char> = item["snippet"].as_str().expect("snippet").chars().collect();
    item["highlights"]
        .as_array()
        .expect("highlights")
        .iter()
        .map(|r| {
            let (s, e) = (r[0].as_u64().expect("start") as usize, r[1].as_u64().expect("end") as usize);
            snippet[s..e].iter().collect()
        })
        .collect()
}

struct Class {
    app: TestApp,
    teacher: TestUser,
    ana: TestUser,
    ben: TestUser,
    course: i64,
    reading: i64,
}

async fn class() -> Class {
    let app = TestApp::new().await;
    let (teacher, ana, ben) = (app.user("teacher").await, app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    Class { app, teacher, ana, ben, course, reading }
}

#[tokio::test]
async fn matching_ignores_accents_and_case_and_finds_other_forms_of_a_word() {
    let Class { app, ana, course, reading, .. } = class().await;
    let id = app.annotation(reading, &ana, "claim", "sanctions bite", comment("Sanctioning Moscow never worked")).await;
    for words in ["deja vu", "DÉJÀ", "déjà VU"] {
        let results = search(&app, course, &ana, &q(words)).await;
        assert_eq!(found(&results), ["reading"], "{words}");
        let item = &results["items"][0];
        assert_eq!(item["reading"]["id"], reading);
        assert_eq!(marked(item), ["Déjà", "Vu"][..words.split(' ').count()].to_vec(), "{words}: {item}");
        assert!(item["url"].as_str().expect("url").starts_with(&format!("/readings/{reading}#at-")));
    }
    let results = search(&app, course, &ana, &q("sanction")).await;
    let mut hits = found(&results);
    hits.sort();
    assert_eq!(hits, [id.clone(), "reading".to_owned()], "the passage and the annotation: {results}");
    assert_eq!(results["total"], 2);
    let annotation =
        results["items"].as_array().expect("items").iter().find(|i| i["type"] == "annotation").expect("hit");
    assert_eq!(annotation["kind"], "claim");
    assert_eq!(annotation["author"], "ana");
    assert_eq!(annotation["url"], format!("/readings/{reading}#annotation-{id}"));
    assert_eq!(marked(annotation), ["Sanctioning"]);
    let reply = app.post(&format!("/api/annotations/{id}/replies"), &ana, json!({"text": "Yet the ruble fell"})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let results = search(&app, course, &ana, &q("rubles")).await;
    assert_eq!(found(&results), [format!("reply:{id}")]);
    assert!(results["items"][0]["reply"].as_str().is_some_and(|r| !r.is_empty()));
}

#[tokio::test]
async fn each_visibility_is_found_by_exactly_whoever_may_see_it_and_so_are_its_replies() {
    let Class { app, teacher, ana, ben, course, reading } = class().await;
    let words = [("private", "walrus", "ocelot"), ("instructors", "narwhal", "jaguar"), ("class", "pelican", "lynx")];
    for (visibility, word, reply) in words {
        let id = app.annotation(reading, &ana, "note", "sanctions", annotation_with("note", word, visibility)).await;
        let replied = app.post(&format!("/api/annotations/{id}/replies"), &ana, json!({"text": reply})).await;
        assert_eq!(replied.status, StatusCode::CREATED, "{}", replied.text);
    }
    // (who, sees private, instructors, class)
    for (who, name, sees) in [
        (&ana, "author", [true, true, true]),
        (&ben, "classmate", [false, false, true]),
        (&teacher, "instructor", [false, true, true]),
    ] {
        for ((visibility, word, reply), sees) in words.iter().zip(sees) {
            for w in [word, reply] {
                let total = search(&app, course, who, &q(w)).await["total"].as_i64();
                assert_eq!(total, Some(i64::from(sees)), "{name} searching a {visibility} {w}");
            }
        }
    }
    let stranger = app.user("stranger").await;
    app.course(&stranger, &[]).await;
    let path = format!("/api/courses/{course}/search?q=pelican");
    assert_eq!(app.get(&path, &stranger).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.api(Method::GET, &path, None, None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/courses/999999/search?q=pelican", &ana).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn with_post_first_a_student_finds_classmates_work_only_after_posting() {
    let Class { app, teacher, ana, ben, course, reading } = class().await;
    app.annotation(reading, &ana, "claim", "sanctions", annotation_with("claim", "pelican", "class")).await;
    let on =
        app.browser(&teacher).await.post_form(&format!("/courses/{course}/settings"), &[("post_first", "on")]).await;
    assert!(on.status.is_redirection() || on.status.is_success(), "{}", on.status);
    assert_eq!(search(&app, course, &ben, &q("pelican")).await["total"], 0, "not before posting");
    assert_eq!(search(&app, course, &ben, &q("moscow")).await["total"], 1, "the reading's text is for every member");
    assert_eq!(search(&app, course, &teacher, &q("pelican")).await["total"], 1);
    app.annotation(reading, &ben, "question", "critics", annotation_with("question", "mine", "private")).await;
    assert_eq!(search(&app, course, &ben, &q("pelican")).await["total"], 0, "a private post does not count");
    app.annotation(reading, &ben, "question", "critics", annotation_with("question", "mine", "class")).await;
    assert_eq!(search(&app, course, &ben, &q("pelican")).await["total"], 1, "after posting");
}

#[tokio::test]
async fn hostile_queries_answer_200_or_a_4xx_and_never_reach_fts5_as_syntax() {
    let Class { app, ana, course, reading, .. } = class().await;
    app.annotation(reading, &ana, "claim", "sanctions", comment("col:val NEAR AND")).await;
    let long = "a".repeat(5000);
    let cases: Vec<String> = vec![
        q("\""),
        q("\"\"\""),
        q("*"),
        q("sanc*"),
        q("NEAR("),
        q("NEAR(a b, 2)"),
        q("col:val"),
        q("body:moscow"),
        q("AND AND"),
        q("OR"),
        q("NOT moscow"),
        q("-moscow"),
        q("^moscow"),
        q("(moscow"),
        q("{body}: x"),
        q("a\0b"),
        q("'; DROP TABLE search; --"),
        q("kind:"),
        q("user:"),
        q("quote:"),
        q("kind:rumour"),
        q("\u{301}\u{301}"),
        q(&long),
        q(&"a ".repeat(100)),
        "q=moscow&page=0".into(),
        "q=moscow&page=-1".into(),
        "q=moscow&page=99999999999999999999".into(),
        "q=moscow&page=4000000000".into(),
        "q=moscow&page=abc".into(),
        "q=moscow&reading=abc".into(),
        "q=moscow&author=1e9".into(),
        "q=moscow&kind=CLAIM%00".into(),
        "q=%FF%FE".into(),
        "q=moscow&q=again".into(),
        "kind=claim".into(),
        String::new(),
    ];
    for case in &cases {
        let response = app.get(&format!("/api/courses/{course}/search?{case}"), &ana).await;
        assert!(
            response.status == StatusCode::OK || response.status.is_client_error(),
            "{case}: {} {}",
            response.status,
            response.text
        );
        assert!(response.text.starts_with('{'), "{case}: JSON always: {}", response.text);
    }
    let results = search(&app, course, &ana, &q("NEAR( AND col:val")).await;
    assert_eq!(found(&results).len(), 1, "operators are words to find: {results}");
    assert_eq!(search(&app, course, &ana, &q("moscow -moscow")).await["total"], 1);
    let too_long = app.get(&format!("/api/courses/{course}/search?{}", q(&long)), &ana).await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get(&format!("/api/courses/{course}/search?q=a&page=101"), &ana).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn prefixes_and_filters_narrow_the_results() {
    let Class { app, teacher, ana, ben, course, reading } = class().await;
    let claim = app
        .annotation(reading, &ana, "claim", "sanctions bite", annotation_with("claim", "convenience matters", "class"))
        .await;
    let question = app
        .annotation(
            reading,
            &ben,
            "question",
            "marriage of convenience",
            annotation_with("question", "really?", "class"),
        )
        .await;
    let other = app.reading(course, &teacher, "text", "Convenience stores everywhere.").await;
    let elsewhere =
        app.annotation(other, &ben, "note", "Convenience", annotation_with("note", "convenience again", "class")).await;
    let mut all = found(&search(&app, course, &ana, &q("convenience")).await);
    all.sort();
    let mut expected = vec![claim.clone(), question.clone(), elsewhere.clone(), "reading".into(), "reading".into()];
    expected.sort();
    assert_eq!(all, expected);
    assert_eq!(found(&search(&app, course, &ana, &q("kind:claim convenience")).await), [claim.as_str()]);
    assert_eq!(
        found(&search(&app, course, &ana, &format!("{}&kind=question", q("convenience"))).await),
        [question.as_str()]
    );
    let quoted = search(&app, course, &ana, &format!("{}&reading={reading}", q("quote:convenience"))).await;
    assert_eq!(found(&quoted), [question.as_str()], "the claim says it only in its comment");
    let mut by_ben = found(&search(&app, course, &ana, &q("user:BEN convenience")).await);
    by_ben.sort();
    let mut expected = vec![question.clone(), elsewhere.clone()];
    expected.sort();
    assert_eq!(by_ben, expected);
    let members = app.get(&format!("/api/courses/{course}"), &teacher).await.json();
    let ben_id =
        members["members"].as_array().expect("members").iter().find(|m| m["name"] == "ben").expect("ben")["id"].clone();
    let by_id = search(&app, course, &ana, &format!("{}&author={ben_id}&reading={reading}", q("convenience"))).await;
    assert_eq!(found(&by_id), [question.as_str()]);
    assert_eq!(found(&search(&app, course, &ana, &format!("kind=claim&reading={reading}")).await), [claim]);
    assert_eq!(
        search(&app, course, &ana, &format!("{}&reading={other}", q("user:nobody convenience"))).await["total"],
        0
    );
}

#[tokio::test]
async fn tags_match_whole_in_any_case_and_a_star_finds_words_that_start_so() {
    let Class { app, ana, ben, course, reading, .. } = class().await;
    let tagged = |kind: &str, comment: &str, tags: &[&str]| {
        let mut body = vec![
            json!({"type": "TextualBody", "purpose": "classifying", "value": kind}),
            json!({"type": "TextualBody", "purpose": "commenting", "value": comment}),
        ];
        body.extend(tags.iter().map(|t| json!({"type": "TextualBody", "purpose": "tagging", "value": t})));
        json!({"body": body})
    };
    let realist = app
        .annotation(reading, &ana, "claim", "sanctions", tagged("claim", "pelicans", &["Realism", "hard power"]))
        .await;
    let liberal =
        app.annotation(reading, &ben, "note", "critics", tagged("note", "pelican's O'Brien", &["liberalism"])).await;
    assert_eq!(found(&search(&app, course, &ana, &q("tag:REALISM")).await), [realist.as_str()]);
    assert_eq!(found(&search(&app, course, &ana, &q(r#"tag:"hard power""#)).await), [realist.as_str()]);
    assert_eq!(search(&app, course, &ana, &q("tag:realis")).await["total"], 0, "a tag matches whole");
    let mut pelicans = found(&search(&app, course, &ana, &q("pelic*")).await);
    pelicans.sort();
    let mut expected = vec![realist.clone(), liberal.clone()];
    expected.sort();
    assert_eq!(pelicans, expected);
    assert_eq!(found(&search(&app, course, &ana, &q("o'bri*")).await), [liberal.as_str()], "quotes in a prefix");
    assert_eq!(
        found(&search(&app, course, &ana, &q(r"o\\bri* pel\\*")).await),
        [liberal.as_str()],
        "backslashes part words as quotes do"
    );
}

#[tokio::test]
async fn edits_and_deletions_show_at_once() {
    let Class { app, ana, ben, course, reading, .. } = class().await;
    let id =
        app.annotation(reading, &ana, "claim", "sanctions bite", annotation_with("claim", "pelican", "class")).await;
    app.post(&format!("/api/annotations/{id}/replies"), &ben, json!({"text": "lynx"})).await;
    let path = format!("/api/annotations/{id}");
    let update = json!({"body": [{"purpose": "classifying", "value": "claim"}, {"purpose": "commenting", "value": "albatross"}],
                        "target": {"selector": {"type": "TextQuoteSelector", "exact": "sanctions bite"}}, "visibility": "class"});
    assert_eq!(app.api(Method::PUT, &path, Some(&ana), Some(update)).await.status, StatusCode::OK);
    assert_eq!(search(&app, course, &ben, &q("pelican")).await["total"], 0);
    assert_eq!(search(&app, course, &ben, &q("albatross")).await["total"], 1);
    let hidden = json!({"body": [{"purpose": "classifying", "value": "claim"}, {"purpose": "commenting", "value": "albatross"}],
                        "target": {"selector": {"type": "TextQuoteSelector", "exact": "sanctions bite"}}, "visibility": "private"});
    assert_eq!(app.api(Method::PUT, &path, Some(&ana), Some(hidden)).await.status, StatusCode::OK);
    assert_eq!(search(&app, course, &ben, &q("albatross")).await["total"], 0, "now private");
    assert_eq!(search(&app, course, &ben, &q("lynx")).await["total"], 0, "its thread with it");
    assert_eq!(search(&app, course, &ana, &q("lynx")).await["total"], 1);
    assert_eq!(app.api(Method::DELETE, &path, Some(&ana), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(search(&app, course, &ana, &q("albatross")).await["total"], 0);
    assert_eq!(search(&app, course, &ana, &q("lynx")).await["total"], 0);
    let (rows,): (i64,) = store::query_as("SELECT count(*) FROM search WHERE type <> 'reading'")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(rows, 0, "the triggers removed the annotation's and its reply's rows");
}

#[tokio::test]
async fn results_come_in_pages() {
    let Class { app, ana, course, reading, .. } = class().await;
    for i in 0..25 {
        app.annotation(reading, &ana, "note", "sanctions", annotation_with("note", &format!("pelican {i}"), "class"))
            .await;
    }
    let first = search(&app, course, &ana, &q("pelican")).await;
    assert_eq!((first["total"].as_i64(), first["pages"].as_i64(), found(&first).len()), (Some(25), Some(2), 20));
    let second = search(&app, course, &ana, &format!("{}&page=2", q("pelican"))).await;
    assert_eq!(found(&second).len(), 5);
    let third = search(&app, course, &ana, &format!("{}&page=3", q("pelican"))).await;
    assert_eq!(found(&third).len(), 0);
    let mut every: Vec<_> = found(&first).into_iter().chain(found(&second)).collect();
    every.sort();
    every.dedup();
    assert_eq!(every.len(), 25, "no result twice");
}

#[tokio::test]
async fn a_readings_new_text_is_found_and_a_deleted_reading_leaves_nothing_behind() {
    use counterpoint::text::import::{SourceFormat, import};
    let Class { app, ana, ben, course, reading, .. } = class().await;
    let id =
        app.annotation(reading, &ana, "claim", "sanctions bite", annotation_with("claim", "pelican", "class")).await;
    app.post(&format!("/api/annotations/{id}/replies"), &ben, json!({"text": "lynx"})).await;
    let doc = import(SourceFormat::Text, "Albatross over Moscow.\n\nA second paragraph.").expect("document");
    store::query("UPDATE readings SET text = ?, blocks = ? WHERE id = ?")
        .bind(&doc.text)
        .bind(serde_json::to_string(&doc.blocks).expect("blocks"))
        .bind(reading)
        .execute(&app.state.db)
        .await
        .expect("new text");
    assert_eq!(search(&app, course, &ben, &q("albatross")).await["total"], 1);
    assert_eq!(search(&app, course, &ben, &q("deja")).await["total"], 0, "the old text is gone");
    counterpoint::db::readings::delete_reading(&app.state.db, reading).await.expect("deleted");
    for word in ["albatross", "pelican", "lynx"] {
        assert_eq!(search(&app, course, &ana, &q(word)).await["total"], 0, "{word}");
    }
    let (rows,): (i64,) = store::query_as("SELECT count(*) FROM search").fetch_one(&app.state.db).await.expect("count");
    assert_eq!(rows, 0, "its passages, annotations and replies all left the index");
}
