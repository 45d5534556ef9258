//! Instructors' feedback: left on what they can see, shown to its author alone.

use super::{fixture, select, text};
use axum::http::StatusCode;
use counterpoint::db::store;
use serde_json::json;

#[tokio::test]
async fn feedback_reaches_its_author_and_no_classmate() {
    let f = fixture().await;
    let path = format!("/api/annotations/{}/feedback", f.claim);
    let given = f.app.post(&path, &f.teacher, json!({"text": "Good <b>point</b>", "exemplary": true})).await;
    assert_eq!(given.status, StatusCode::CREATED, "{}", given.text);
    assert_eq!(given.json()["exemplary"], true);

    let mine = f.app.browser(&f.ana).await.get("/feedback").await;
    assert_eq!(mine.status, StatusCode::OK);
    let doc = mine.html();
    let items = select(&doc, "li.annotation");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].value().attr("data-annotation-id"), Some(f.claim.as_str()));
    assert_eq!(select(&doc, ".feedback-text").iter().map(text).collect::<Vec<_>>(), ["Good <b>point</b>"], "escaped");
    assert_eq!(select(&doc, ".feedback-item .badge.instructor").len(), 1);
    assert_eq!(select(&doc, "li.annotation .meta .badge.exemplary").len(), 1);

    let theirs = f.app.browser(&f.ben).await.get("/feedback").await;
    assert!(select(&theirs.html(), "li.annotation").is_empty());
    assert!(!theirs.text.contains("Good &lt;b&gt;point"));
    let seen_by_ben = f.app.get(&format!("/api/annotations/{}", f.claim), &f.ben).await;
    assert!(!seen_by_ben.text.contains("Good"), "feedback is not part of the annotation");
    let page = f.app.get(&format!("/readings/{}", f.reading), &f.ben).await;
    assert!(!page.text.contains("Good &lt;b&gt;point"));
}

#[tokio::test]
async fn only_instructors_leave_feedback_on_what_they_can_see() {
    let f = fixture().await;
    let count = || async {
        let (n,): (i64,) =
            store::query_as("SELECT count(*) FROM feedback").fetch_one(&f.app.state.db).await.expect("count");
        n
    };
    let on = |id: &str| format!("/api/annotations/{id}/feedback");
    let rows = [
        (&f.ben, on(&f.claim), json!({"text": "nice"}), StatusCode::FORBIDDEN),
        (&f.ana, on(&f.claim), json!({"text": "self praise"}), StatusCode::FORBIDDEN),
        (&f.outsider, on(&f.claim), json!({"text": "hi"}), StatusCode::NOT_FOUND),
        (&f.teacher, on(&f.private_note), json!({"text": "hi"}), StatusCode::NOT_FOUND),
        (&f.ben, on(&f.private_note), json!({"text": "hi"}), StatusCode::NOT_FOUND),
        (&f.teacher, on("not-a-uuid"), json!({"text": "hi"}), StatusCode::NOT_FOUND),
        (&f.teacher, on(&f.claim), json!({"text": "   "}), StatusCode::UNPROCESSABLE_ENTITY),
        (&f.teacher, on(&f.claim), json!({"text": "x".repeat(10_001)}), StatusCode::UNPROCESSABLE_ENTITY),
        (&f.teacher, on(&f.claim), json!({"text": 3}), StatusCode::UNPROCESSABLE_ENTITY),
        (&f.teacher, on(&f.claim), json!({"exemplary": "yes"}), StatusCode::UNPROCESSABLE_ENTITY),
    ];
    for (user, path, body, status) in rows {
        let response = f.app.post(&path, user, body.clone()).await;
        assert_eq!(response.status, status, "{path} {body}: {}", response.text);
        assert!(response.json()["error"].is_string());
        assert_eq!(count().await, 0, "nothing changed");
    }
    // Marking exemplary needs no words.
    let exemplary = f.app.post(&on(&f.question), &f.teacher, json!({"exemplary": true})).await;
    assert_eq!(exemplary.status, StatusCode::CREATED);

    // The form on the reading review page.
    let browser = f.app.browser(&f.teacher).await;
    let form = format!("/annotations/{}/feedback", f.question);
    let sent = browser.post_form(&form, &[("text", "Ask the author directly."), ("exemplary", "on")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    assert_eq!(sent.header("location"), format!("/readings/{}/review#a-{}", f.reading, f.question));
    let empty = browser.post_form(&form, &[("text", "")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(select(&empty.html(), "[role=alert]").len(), 1);
    assert_eq!(count().await, 2);
    let page = browser.get(&format!("/readings/{}/review", f.reading)).await.html();
    let shown = select(&page, &format!("li.annotation[data-annotation-id=\"{}\"] .feedback-text", f.question));
    assert_eq!(shown.iter().map(text).collect::<Vec<_>>(), ["Ask the author directly."]);
    let student = f.app.browser(&f.ben).await;
    let refused = student.post_form(&format!("/annotations/{}/feedback", f.claim), &[("text", "hi")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(count().await, 2);
}
