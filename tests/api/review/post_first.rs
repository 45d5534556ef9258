//! The course setting "see classmates' annotations only after posting your own",
//! enforced on the container, the single annotation, the reading page and links.

use super::{fixture, select};
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn students_see_classmates_work_only_after_posting_their_own() {
    let f = fixture().await;
    let app = &f.app;
    let second = app.reading(f.course, &f.teacher, "text", "Zeta speaks.\n\nEta answers.\n\nTheta listens.").await;
    let anas = app.annotation(second, &f.ana, "claim", "Zeta speaks", json!({})).await;
    let teachers = app.annotation(second, &f.teacher, "note", "Theta", json!({})).await;
    let teacher = app.browser(&f.teacher).await;
    let on = teacher.post_form(&format!("/courses/{}/settings", f.course), &[("post_first", "on")]).await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    let review = teacher.get(&format!("/courses/{}/review", f.course)).await.html();
    assert_eq!(select(&review, "input[name=post_first][checked]").len(), 1, "the checkbox shows the setting");

    // ben has posted nothing on the second reading: he sees nothing of it there.
    let sees = |who: &'static str, expected: bool| {
        let user = if who == "ben" { &f.ben } else { &f.teacher };
        let anas = anas.clone();
        async move {
            let container = app.get(&format!("/api/readings/{second}/annotations/"), user).await;
            assert_eq!(container.status, StatusCode::OK);
            assert_eq!(container.text.contains(&anas), expected, "{who}: container");
            let one = app.get(&format!("/api/annotations/{anas}"), user).await;
            let status = if expected { StatusCode::OK } else { StatusCode::NOT_FOUND };
            assert_eq!(one.status, status, "{who}: single GET");
            let long = app.get(&format!("/api/readings/{second}/annotations/{anas}"), user).await;
            assert_eq!(long.status, status, "{who}: GET in the container");
            let page = app.get(&format!("/readings/{second}"), user).await.html();
            let listed = select(&page, &format!("li.annotation[data-annotation-id=\"{anas}\"]")).len() == 1;
            assert_eq!(listed, expected, "{who}: reading page");
        }
    };
    sees("ben", false).await;
    sees("teacher", true).await;
    assert!(!app.get(&format!("/api/readings/{second}/annotations/"), &f.ben).await.text.contains(&teachers));
    // Nor can he link to what he cannot see.
    let link = json!({"body": [
        {"type": "TextualBody", "purpose": "classifying", "value": "counterargument"},
        {"type": "SpecificResource", "purpose": "linking", "source": anas}]});
    let linked = app.annotate(second, &f.ben, "counterargument", "Eta answers", link.clone()).await;
    assert_eq!(linked.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", linked.text);
    // On the first reading he has posted, so he sees ana's work there.
    assert!(app.get(&format!("/api/readings/{}/annotations/", f.reading), &f.ben).await.text.contains(&f.claim));

    // A private note is not posting; a shared one is.
    app.annotation(second, &f.ben, "note", "Eta", json!({"visibility": "private"})).await;
    sees("ben", false).await;
    let own = app.annotation(second, &f.ben, "question", "answers", json!({"visibility": "instructors"})).await;
    sees("ben", true).await;
    assert!(app.get(&format!("/api/readings/{second}/annotations/"), &f.ben).await.text.contains(&own));
    let linked = app.annotate(second, &f.ben, "counterargument", "Eta answers", link).await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.text);

    // cleo has still posted nothing; turning the setting off shows her everything again.
    assert!(!app.get(&format!("/api/readings/{second}/annotations/"), &f.cleo).await.text.contains(&anas));
    let off = teacher.post_form(&format!("/courses/{}/settings", f.course), &[]).await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert!(app.get(&format!("/api/readings/{second}/annotations/"), &f.cleo).await.text.contains(&anas));
}
