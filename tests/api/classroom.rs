//! Classroom depth: spotlights (instructors only), answered questions (author or
//! instructor), groups and the discussion setting (instructors only, students of
//! the course only), the tag vocabulary (422 outside it, kept by exports), and
//! the inbox (what answered your work, only what you may see).

use crate::support::{TestApp, TestUser};
use axum::http::{Method, StatusCode};
use counterpoint::db::store;
use serde_json::{Value, json};

const TEXT: &str = "Realism explains the partnership.\n\nBut energy trade tells another story.\n\nWhy now?";

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
    let teacher = app.user("teacher").await;
    let (ana, ben) = (app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    Class { app, teacher, ana, ben, course, reading }
}

async fn call(app: &TestApp, method: Method, path: &str, user: &TestUser, body: Option<Value>) -> (StatusCode, Value) {
    let response = app.api(method, path, Some(user), body).await;
    let json = if response.text.is_empty() { Value::Null } else { response.json() };
    (response.status, json)
}

fn tagged(kind: &str, tags: &[&str]) -> Value {
    let mut body = vec![json!({"type": "TextualBody", "purpose": "classifying", "value": kind})];
    body.extend(tags.iter().map(|t| json!({"type": "TextualBody", "purpose": "tagging", "value": t})));
    json!({"body": body})
}

#[tokio::test]
async fn only_instructors_spotlight_and_the_class_sees_the_mark_everywhere() {
    let Class { app, teacher, ana, ben, reading, .. } = class().await;
    let claim = app.annotation(reading, &ana, "claim", "Realism explains", json!({})).await;
    let path = format!("/api/annotations/{claim}/spotlight");
    assert_eq!(call(&app, Method::POST, &path, &ana, None).await.0, StatusCode::FORBIDDEN, "not even its author");
    assert_eq!(call(&app, Method::POST, &path, &ben, None).await.0, StatusCode::FORBIDDEN);
    assert!(app.get(&format!("/api/annotations/{claim}"), &ben).await.json().get("spotlight").is_none());

    let (status, json) = call(&app, Method::POST, &path, &teacher, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["spotlight"], true);
    assert_eq!(app.get(&format!("/api/annotations/{claim}"), &ben).await.json()["spotlight"], true);
    let container = app.get(&format!("/api/readings/{reading}/annotations/?page=0"), &ben).await.json();
    assert_eq!(container["items"][0]["spotlight"], true, "the container carries it");

    let page = app.get(&format!("/readings/{reading}"), &ben).await.html();
    let spot = scraper::Selector::parse("[data-role=spotlight] [data-annotation-id]").expect("selector");
    let spotlit: Vec<_> = page.select(&spot).filter_map(|e| e.value().attr("data-annotation-id")).collect();
    assert_eq!(spotlit, [claim.as_str()], "the reading page's Spotlight section");
    let marked = scraper::Selector::parse("li.annotation[data-spotlight=true]").expect("selector");
    assert_eq!(page.select(&marked).count(), 1, "and a mark in the list");

    assert_eq!(call(&app, Method::DELETE, &path, &teacher, None).await.0, StatusCode::OK);
    assert!(app.get(&format!("/api/annotations/{claim}"), &ben).await.json().get("spotlight").is_none());
    let page = app.get(&format!("/readings/{reading}"), &ben).await.html();
    assert_eq!(page.select(&spot).count(), 0, "the section empties at once");
    let any_mark =
        scraper::Selector::parse("li.annotation:is([data-spotlight], [data-answered], [data-tags])").expect("selector");
    assert_eq!(page.select(&any_mark).count(), 0, "an entry leaves out the marks that are off");

    let private = app.annotation(reading, &ana, "note", "energy trade", json!({"visibility": "private"})).await;
    let hidden = format!("/api/annotations/{private}/spotlight");
    assert_eq!(call(&app, Method::POST, &hidden, &teacher, None).await.0, StatusCode::NOT_FOUND, "unseen is unknown");
}

#[tokio::test]
async fn a_questions_author_or_an_instructor_marks_it_answered_and_the_review_follows() {
    let Class { app, teacher, ana, ben, reading, .. } = class().await;
    let question = app.annotation(reading, &ana, "question", "Why now?", json!({})).await;
    let claim = app.annotation(reading, &ana, "claim", "Realism explains", json!({})).await;
    let path = format!("/api/annotations/{question}/answered");
    assert_eq!(call(&app, Method::POST, &path, &ben, None).await.0, StatusCode::FORBIDDEN, "a classmate cannot");
    let claim_path = format!("/api/annotations/{claim}/answered");
    assert_eq!(call(&app, Method::POST, &claim_path, &ana, None).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    let review = app.browser(&teacher).await;
    let unanswered = |html: scraper::Html| {
        let s = scraper::Selector::parse("[data-role=unanswered] li").expect("selector");
        html.select(&s).filter_map(|e| e.value().attr("data-annotation-id").map(str::to_owned)).collect::<Vec<_>>()
    };
    assert_eq!(unanswered(review.get(&format!("/readings/{reading}/review")).await.html()), [question.as_str()]);

    let (status, json) = call(&app, Method::POST, &path, &ana, None).await;
    assert_eq!((status, json["answered"].clone()), (StatusCode::OK, json!(true)), "its author marks it");
    assert!(unanswered(review.get(&format!("/readings/{reading}/review")).await.html()).is_empty());
    let page = app.get(&format!("/readings/{reading}"), &ben).await.html();
    let marked = scraper::Selector::parse("li.annotation[data-answered=true]").expect("selector");
    assert_eq!(page.select(&marked).count(), 1, "the reading page's filter has it to go by");

    let (status, json) = call(&app, Method::DELETE, &path, &teacher, None).await;
    assert_eq!(status, StatusCode::OK, "an instructor may take it back");
    assert!(json.get("answered").is_none());
    assert_eq!(unanswered(review.get(&format!("/readings/{reading}/review")).await.html()), [question]);
}

#[tokio::test]
async fn the_tag_vocabulary_refuses_other_tags_and_exports_keep_tags() {
    let Class { app, teacher, ana, ben, course, reading } = class().await;
    // Without a vocabulary any tag goes.
    app.annotation(reading, &ana, "note", "Why now?", tagged("note", &["anything"])).await;
    let path = format!("/api/courses/{course}/tags");
    let vocabulary = json!({"tags": ["realism", "liberalism", "energy", "sanctions"]});
    assert_eq!(call(&app, Method::PUT, &path, &ben, Some(vocabulary.clone())).await.0, StatusCode::FORBIDDEN);
    for bad in [json!({"tags": [""]}), json!({"tags": ["x".repeat(65)]}), json!({"tags": "realism"}), json!({})] {
        let status = call(&app, Method::PUT, &path, &teacher, Some(bad.clone())).await.0;
        assert!(status.is_client_error(), "{bad}: {status}");
    }
    assert_eq!(app.get(&path, &ben).await.json()["tags"], json!([]), "nothing changed");
    let (status, json) = call(&app, Method::PUT, &path, &teacher, Some(vocabulary)).await;
    assert_eq!((status, json["tags"][0].clone()), (StatusCode::OK, json!("realism")));
    assert_eq!(app.get(&path, &ben).await.json()["tags"][2], "energy", "every member reads it");

    let before = app.count_annotations().await;
    let refused =
        app.annotate(reading, &ana, "claim", "Realism explains", tagged("claim", &["realism", "trade"])).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert!(refused.text.contains("trade"), "{}", refused.text);
    assert_eq!(app.count_annotations().await, before);
    let claim = app.annotation(reading, &ana, "claim", "Realism explains", tagged("claim", &["realism"])).await;
    let mut edited = app.get(&format!("/api/annotations/{claim}"), &ana).await.json();
    edited["body"] = tagged("claim", &["energy", "sanctions ≠ trade"])["body"].clone();
    let put = app.api(Method::PUT, &format!("/api/annotations/{claim}"), Some(&ana), Some(edited)).await;
    assert_eq!(put.status, StatusCode::UNPROCESSABLE_ENTITY, "an edit too: {}", put.text);

    let page = app.get(&format!("/readings/{reading}"), &ben).await.html();
    let option = scraper::Selector::parse("[data-role=annotation-editor] select[name=tag] option").expect("selector");
    let offered: Vec<_> =
        page.select(&option).filter_map(|o| o.value().attr("value")).filter(|v| !v.is_empty()).collect();
    assert_eq!(offered, ["realism", "liberalism", "energy", "sanctions"], "the editor offers them");
    let tagged_item =
        scraper::Selector::parse(&format!("li.annotation[data-annotation-id=\"{claim}\"]")).expect("selector");
    let item = page.select(&tagged_item).next().expect("listed");
    assert_eq!(item.value().attr("data-tags"), Some(r#"["realism"]"#), "the filter goes by it");

    let export = app.get(&format!("/api/courses/{course}/export?format=jsonld"), &teacher).await.json();
    let items = export["first"]["items"].as_array().or_else(|| export["items"].as_array()).cloned().unwrap_or_default();
    let exported = items.iter().find(|a| a["id"].as_str().is_some_and(|id| id.ends_with(&claim))).expect("exported");
    let tags: Vec<_> =
        exported["body"].as_array().expect("bodies").iter().filter(|b| b["purpose"] == "tagging").collect();
    assert_eq!(tags, [&json!({"type": "TextualBody", "purpose": "tagging", "value": "realism"})]);

    let search = app.get(&format!("/api/courses/{course}/search?q=tag%3Arealism"), &ben).await;
    assert_eq!(search.status, StatusCode::OK, "{}", search.text);
    let found: Vec<_> = search.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["annotation"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].ends_with(&claim), "search understands tag:");
}

#[tokio::test]
async fn groups_are_the_instructors_and_hold_only_students_of_the_course() {
    let Class { app, teacher, ana, ben, course, .. } = class().await;
    let stranger = app.user("stranger").await;
    let (ana_id, ben_id, stranger_id, teacher_id) =
        (app.user_id(&ana).await, app.user_id(&ben).await, app.user_id(&stranger).await, app.user_id(&teacher).await);
    let path = format!("/api/courses/{course}/groups");
    let rows = [
        (&ben, json!({"name": "A", "members": [ana_id]}), StatusCode::FORBIDDEN),
        (&teacher, json!({"name": "", "members": [ana_id]}), StatusCode::UNPROCESSABLE_ENTITY),
        (&teacher, json!({"name": "A", "members": [stranger_id]}), StatusCode::UNPROCESSABLE_ENTITY),
        (&teacher, json!({"name": "A", "members": [teacher_id]}), StatusCode::UNPROCESSABLE_ENTITY),
        (&teacher, json!({"name": "A", "members": "ana"}), StatusCode::UNPROCESSABLE_ENTITY),
        (&stranger, json!({"name": "A", "members": []}), StatusCode::NOT_FOUND),
    ];
    for (user, body, status) in rows {
        assert_eq!(call(&app, Method::POST, &path, user, Some(body.clone())).await.0, status, "{body}");
    }
    assert_eq!(app.get(&path, &teacher).await.json()["groups"], json!([]), "nothing was made");
    let (status, made) =
        call(&app, Method::POST, &path, &teacher, Some(json!({"name": "A", "members": [ana_id]}))).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(made["members"][0]["name"], "ana");
    let again = call(&app, Method::POST, &path, &teacher, Some(json!({"name": "A", "members": [ben_id]}))).await.0;
    assert_eq!(again, StatusCode::UNPROCESSABLE_ENTITY, "names are unique in a course");
    assert_eq!(app.get(&path, &ben).await.json()["groups"], json!([]), "a student sees only their own groups");
    assert_eq!(app.get(&path, &ana).await.json()["groups"][0]["name"], "A");

    let settings = format!("/api/courses/{course}/settings");
    assert_eq!(
        call(&app, Method::PUT, &settings, &ana, Some(json!({"discussion": "groups"}))).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&app, Method::PUT, &settings, &teacher, Some(json!({"discussion": "rooms"}))).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(app.get(&settings, &ana).await.json()["discussion"], "class");
    let one = format!("{path}/{}", made["id"]);
    assert_eq!(call(&app, Method::DELETE, &one, &teacher, None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(call(&app, Method::DELETE, &one, &teacher, None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_inbox_lists_what_answered_your_work_and_only_what_you_may_see() {
    let Class { app, teacher, ana, ben, reading, .. } = class().await;
    let claim = app.annotation(reading, &ana, "claim", "Realism explains", json!({})).await;
    let empty = app.get("/api/inbox", &ana).await.json();
    assert_eq!(empty, json!({"unread": 0, "items": []}));

    let reply = app.post(&format!("/api/annotations/{claim}/replies"), &ben, json!({"text": "Which realism?"})).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let link = |visibility: &str| {
        json!({"visibility": visibility, "body": [
        {"type": "TextualBody", "purpose": "classifying", "value": "counterargument"},
        {"type": "SpecificResource", "purpose": "linking", "source": claim}]})
    };
    app.annotation(reading, &ben, "counterargument", "energy trade", link("private")).await;
    let open_rebuttal = app.annotation(reading, &ben, "counterargument", "another story", link("class")).await;
    let feedback = app.post(&format!("/api/annotations/{claim}/feedback"), &teacher, json!({"text": "Cite it."})).await;
    assert_eq!(feedback.status, StatusCode::CREATED);
    let spot = app.api(Method::POST, &format!("/api/annotations/{claim}/spotlight"), Some(&teacher), None).await;
    assert_eq!(spot.status, StatusCode::OK);
    // Ana answers in her own thread: nothing for her; Ben, who replied there, hears of it.
    app.post(&format!("/api/annotations/{claim}/replies"), &ana, json!({"text": "Waltz's."})).await;

    let inbox = app.get("/api/inbox", &ana).await.json();
    let types: Vec<_> =
        inbox["items"].as_array().expect("items").iter().map(|i| i["type"].as_str().unwrap_or("")).collect();
    assert_eq!(
        types,
        ["spotlight", "feedback", "rebuttal", "reply"],
        "newest first; the private rebuttal is not there"
    );
    assert_eq!(inbox["unread"], 4);
    let rebuttal = &inbox["items"][2];
    assert_eq!(rebuttal["annotation"], json!(open_rebuttal));
    assert_eq!(rebuttal["by"]["name"], "ben");
    assert_eq!(rebuttal["read"], false);
    assert_eq!(inbox["items"][0]["by"]["name"], "teacher");
    assert_eq!(rebuttal["url"], json!(format!("/readings/{reading}#annotation-{open_rebuttal}")));
    let ben_inbox = app.get("/api/inbox", &ben).await.json();
    assert_eq!(ben_inbox["items"][0]["type"], "reply", "{ben_inbox}");
    assert_eq!(ben_inbox["items"][0]["text"], "Waltz's.");

    for bad in [json!({}), json!({"ids": [1], "all": true}), json!({"ids": "1"}), json!({"all": false})] {
        let status = app.post("/api/inbox/read", &ana, bad.clone()).await.status;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let id = rebuttal["id"].clone();
    let read = app.post("/api/inbox/read", &ana, json!({"ids": [id]})).await;
    assert_eq!(read.json()["unread"], 3);
    let ben_read = app.post("/api/inbox/read", &ben, json!({"all": true})).await;
    assert_eq!(ben_read.json()["unread"], 0);
    assert_eq!(app.get("/api/inbox", &ana).await.json()["unread"], 3, "Ben's read changed nothing of Ana's");
    let all = app.post("/api/inbox/read", &ana, json!({"all": true})).await;
    assert_eq!(all.json()["unread"], 0);

    // The page: an entry opens the reading at the thread and counts as read.
    let more = app.post(&format!("/api/annotations/{claim}/replies"), &ben, json!({"text": "Fair."})).await;
    assert_eq!(more.status, StatusCode::CREATED);
    let browser = app.browser(&ana).await;
    let page = browser.get("/inbox").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let unread = scraper::Selector::parse("li.inbox-item.unread").expect("selector");
    let entry = html.select(&unread).next().expect("one unread entry");
    let item_id = entry.value().attr("data-item-id").expect("id").to_owned();
    let opened = browser.post_form(&format!("/inbox/{item_id}/open"), &[]).await;
    assert!(opened.status.is_redirection(), "{}", opened.text);
    assert_eq!(opened.header("location"), format!("/readings/{reading}#annotation-{claim}"));
    assert_eq!(app.get("/api/inbox", &ana).await.json()["unread"], 0);
    assert_eq!(browser.post_form("/inbox/999999/open", &[]).await.status, StatusCode::NOT_FOUND);
    let bens_item = app.get("/api/inbox", &ben).await.json()["items"][0]["id"].clone();
    assert_eq!(
        browser.post_form(&format!("/inbox/{bens_item}/open"), &[]).await.status,
        StatusCode::NOT_FOUND,
        "not hers"
    );
    assert_eq!(app.api(Method::GET, "/api/inbox", None, None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_demo_shows_a_spotlight_an_answered_question_tags_and_two_groups() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let course = counterpoint::demo::seed(db).await.expect("the demo seeds");
    let marks: Vec<String> =
        store::query_scalar("SELECT mark FROM annotation_marks ORDER BY mark").fetch_all(db).await.expect("marks");
    assert_eq!(marks, ["answered", "spotlight"]);
    let groups = counterpoint::db::groups::list_groups(db, course, None).await.expect("groups");
    assert_eq!(groups.len(), 2);
    assert!(groups.iter().all(|g| !g.members.is_empty()), "{groups:?}");
    let vocabulary = counterpoint::db::tags::vocabulary(db, course).await.expect("tags");
    let tag_lists: Vec<String> = store::query_scalar("SELECT tags FROM annotations").fetch_all(db).await.expect("tags");
    let tagged: Vec<String> =
        tag_lists.iter().flat_map(|json| serde_json::from_str::<Vec<String>>(json).expect("a JSON list")).collect();
    assert!(!tagged.is_empty() && tagged.iter().all(|t| vocabulary.as_slice().contains(t)), "{tagged:?}");
}

#[tokio::test]
async fn a_students_page_shows_their_whole_contribution_to_instructors_only() {
    let Class { app, teacher, ana, ben, course, reading } = class().await;
    let claim = app.annotation(reading, &ana, "claim", "Realism explains", json!({})).await;
    let counter = json!({"body": [{"type": "TextualBody", "purpose": "classifying", "value": "counterargument"},
                                  {"type": "SpecificResource", "purpose": "linking", "source": claim}]});
    let rebuttal = app.annotation(reading, &ben, "counterargument", "energy trade", counter).await;
    app.annotation(reading, &ben, "note", "Why now?", json!({"visibility": "private"})).await;
    app.post(&format!("/api/annotations/{claim}/replies"), &ben, json!({"text": "Offensive or defensive?"})).await;
    app.post(&format!("/api/annotations/{rebuttal}/feedback"), &teacher, json!({"text": "Good catch."})).await;
    let ben_id = app.user_id(&ben).await;
    let path = format!("/courses/{course}/students/{ben_id}");

    let page = app.browser(&teacher).await.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let html = page.html();
    let texts = |css: &str| {
        let s = scraper::Selector::parse(css).expect("selector");
        html.select(&s).map(|e| e.text().collect::<String>()).collect::<Vec<_>>()
    };
    let listed = scraper::Selector::parse("li.annotation").expect("selector");
    let ids: Vec<_> = html.select(&listed).filter_map(|e| e.value().attr("data-annotation-id")).collect();
    assert_eq!(ids, [rebuttal.as_str()], "his annotations, never a private one");
    assert_eq!(texts("[data-role=link]"), ["rebuts “Realism explains”"]);
    assert!(texts("[data-role=replies] li")[0].contains("Offensive or defensive?"));
    assert!(texts("[data-role=feedback] li")[0].contains("Good catch."));
    assert_eq!(texts("[data-role=score]").len(), 1, "a score per reading");
    let filtered = scraper::Selector::parse("a[data-role=filtered-reading]").expect("selector");
    let href = html.select(&filtered).next().and_then(|a| a.value().attr("href")).expect("link");
    assert_eq!(href, format!("/readings/{reading}?author=ben"));

    assert_eq!(app.browser(&ana).await.get(&path).await.status, StatusCode::NOT_FOUND, "students get 404");
    let teacher_id = app.user_id(&teacher).await;
    let not_student = format!("/courses/{course}/students/{teacher_id}");
    assert_eq!(app.browser(&teacher).await.get(&not_student).await.status, StatusCode::NOT_FOUND);
    let review = app.browser(&teacher).await.get(&format!("/courses/{course}/review")).await.html();
    let to_page = scraper::Selector::parse(&format!("a[href=\"{path}\"]")).expect("selector");
    assert!(review.select(&to_page).next().is_some(), "the review links to it");
}

#[tokio::test]
async fn instructors_edit_groups_discussion_and_tags_on_the_course_page() {
    let Class { app, teacher, ana, ben, course, .. } = class().await;
    let browser = app.browser(&teacher).await;
    let ana_id = app.user_id(&ana).await.to_string();
    let ben_id = app.user_id(&ben).await.to_string();
    let made = browser
        .post_form(
            &format!("/courses/{course}/groups"),
            &[("name", "Seminar A"), ("member", &ana_id), ("member", &ben_id)],
        )
        .await;
    assert!(made.status.is_redirection(), "{}", made.text);
    let refused = browser.post_form(&format!("/courses/{course}/groups"), &[("name", "Seminar A")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "a taken name is shown again with why");
    let on = browser.post_form(&format!("/courses/{course}/discussion"), &[("discussion", "groups")]).await;
    assert!(on.status.is_redirection(), "{}", on.text);
    let tags = browser.post_form(&format!("/courses/{course}/tags"), &[("tags", "realism\nenergy\n\n")]).await;
    assert!(tags.status.is_redirection(), "{}", tags.text);

    let page = browser.get(&format!("/courses/{course}")).await.html();
    let checked = scraper::Selector::parse("form.group input[name=member][checked]").expect("selector");
    assert_eq!(page.select(&checked).count(), 2, "both members are ticked");
    let groups_on = scraper::Selector::parse("input[name=discussion][value=groups][checked]").expect("selector");
    assert!(page.select(&groups_on).next().is_some());
    assert_eq!(
        app.get(&format!("/api/courses/{course}/tags"), &ana).await.json()["tags"],
        json!(["realism", "energy"])
    );

    let student_page = app.browser(&ana).await.get(&format!("/courses/{course}")).await.html();
    let forms = scraper::Selector::parse("#classroom").expect("selector");
    assert!(student_page.select(&forms).next().is_none(), "students do not see the settings");
    let student_post =
        app.browser(&ana).await.post_form(&format!("/courses/{course}/discussion"), &[("discussion", "class")]).await;
    assert_eq!(student_post.status, StatusCode::NOT_FOUND, "instructor forms are hidden from students");
    assert_eq!(app.get(&format!("/api/courses/{course}/settings"), &ana).await.json()["discussion"], "groups");
}

#[tokio::test]
async fn the_review_pages_filter_by_group() {
    let Class { app, teacher, ana, ben, course, reading } = class().await;
    let ana_claim = app.annotation(reading, &ana, "claim", "Realism explains", json!({})).await;
    let ben_claim = app.annotation(reading, &ben, "claim", "energy trade", json!({})).await;
    let ana_id = app.user_id(&ana).await;
    let made =
        app.post(&format!("/api/courses/{course}/groups"), &teacher, json!({"name": "A", "members": [ana_id]})).await;
    let group = made.json()["id"].clone();
    let browser = app.browser(&teacher).await;

    let review = browser.get(&format!("/courses/{course}/review?group={group}")).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.text);
    let rows = scraper::Selector::parse("tbody tr[data-student-id]").expect("selector");
    let html = review.html();
    let students: Vec<_> = html.select(&rows).filter_map(|r| r.value().attr("data-student-id")).collect();
    assert!(!students.is_empty() && students.iter().all(|s| *s == ana_id.to_string()), "{students:?}");

    let page = browser.get(&format!("/readings/{reading}/review?group={group}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let items = scraper::Selector::parse("li[data-annotation-id]").expect("selector");
    let html = page.html();
    let mut shown: Vec<_> = html.select(&items).filter_map(|e| e.value().attr("data-annotation-id")).collect();
    shown.dedup();
    assert_eq!(shown, [ana_claim.as_str()], "only the group's work");

    // The group changes: the (cached) review follows at once.
    let ben_id = app.user_id(&ben).await;
    let group_path = format!("/api/courses/{course}/groups/{group}");
    let changed =
        app.api(Method::PUT, &group_path, Some(&teacher), Some(json!({"name": "A", "members": [ben_id]}))).await;
    assert!(changed.status.is_success(), "{}", changed.text);
    let renamed =
        app.api(Method::PUT, &group_path, Some(&teacher), Some(json!({"name": "Team Ben", "members": [ben_id]}))).await;
    assert!(renamed.status.is_success(), "{}", renamed.text);
    let course_review = browser.get(&format!("/courses/{course}/review")).await;
    assert!(
        course_review.text.contains(">Team Ben</option>"),
        "the course review's filter names the group as it now is"
    );
    let html = browser.get(&format!("/readings/{reading}/review?group={group}")).await.html();
    let mut shown: Vec<_> = html.select(&items).filter_map(|e| e.value().attr("data-annotation-id")).collect();
    shown.dedup();
    assert_eq!(shown, [ben_claim.as_str()], "the group's work as it now is");
    assert!(app.api(Method::DELETE, &group_path, Some(&teacher), None).await.status.is_success());
    assert_eq!(browser.get(&format!("/readings/{reading}/review?group={group}")).await.status, StatusCode::NOT_FOUND);
    let course_review = browser.get(&format!("/courses/{course}/review")).await;
    assert!(!course_review.text.contains("data-role=\"group-filter\""), "no filter once the course has no group");
    assert_eq!(browser.get(&format!("/courses/{course}/review?group=999")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(browser.get(&format!("/readings/{reading}/review?group=999")).await.status, StatusCode::NOT_FOUND);
}
