//! Every review route and export answers 404 to students and non-members.

use super::fixture;
use axum::http::StatusCode;

#[tokio::test]
async fn review_pages_and_exports_are_hidden_from_students_and_strangers() {
    let f = fixture().await;
    let (course, reading) = (f.course, f.reading);
    let gets = [
        format!("/courses/{course}/review"),
        format!("/courses/{course}/review?sort=-score"),
        format!("/readings/{reading}/review"),
        format!("/api/courses/{course}/export?format=csv"),
        format!("/api/courses/{course}/export?format=gradebook"),
        format!("/api/courses/{course}/export?format=csv&reading={reading}"),
    ];
    let posts = [
        (
            format!("/courses/{course}/rubric"),
            vec![
                ("claim", "9"),
                ("counterargument", "9"),
                ("source", "9"),
                ("question", "9"),
                ("note", "9"),
                ("reply", "9"),
                ("min_words", "0"),
                ("cap", "0"),
            ],
        ),
        (format!("/courses/{course}/settings"), vec![("post_first", "on")]),
    ];
    for user in [&f.ana, &f.outsider] {
        for path in &gets {
            let response = f.app.get(path, user).await;
            assert_eq!(response.status, StatusCode::NOT_FOUND, "{} GET {path}", user.email);
        }
        let browser = f.app.browser(user).await;
        for (path, fields) in &posts {
            let response = browser.post_form(path, fields).await;
            assert_eq!(response.status, StatusCode::NOT_FOUND, "{} POST {path}", user.email);
        }
    }
    let rubric = counterpoint::db::review::rubric_of(&f.app.state.db, course).await.expect("rubric");
    assert_eq!(rubric, counterpoint::domain::Rubric::default(), "nothing changed");
    assert!(!counterpoint::db::review::post_first(&f.app.state.db, course).await.expect("setting"));
    for path in &gets {
        assert_eq!(f.app.get(path, &f.teacher).await.status, StatusCode::OK, "teacher GET {path}");
    }
    // The links are there for instructors only.
    for (user, expected) in [(&f.teacher, 1), (&f.ana, 0)] {
        for page in [format!("/courses/{course}"), format!("/readings/{reading}")] {
            let doc = f.app.get(&page, user).await.html();
            let links = super::select(&doc, "a[data-role=review-link]").len();
            assert_eq!(links, expected, "{} on {page}", user.email);
        }
    }
}
