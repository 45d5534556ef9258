//! The course review page: counts, totals, idle students, sorting and the rubric.

use super::{fixture, select, text};
use axum::http::StatusCode;
use std::collections::HashMap;

/// Each row of a reading's table by student name: column → cell text.
fn table(doc: &scraper::Html, reading: &str) -> Vec<(String, HashMap<String, String>)> {
    select(
        doc,
        &format!("table[data-reading-id=\"{reading}\"] tbody tr, table[data-reading-id=\"{reading}\"] tfoot tr"),
    )
    .into_iter()
    .map(|row| {
        let cells: HashMap<String, String> = row
            .children()
            .filter_map(scraper::ElementRef::wrap)
            .filter_map(|c| c.value().attr("data-col").map(|k| (k.to_owned(), text(&c))))
            .collect();
        let name = cells.get("name").and_then(|n| n.split_whitespace().next()).unwrap_or_default().to_owned();
        (name, cells)
    })
    .collect()
}

fn numbers(cells: &HashMap<String, String>) -> Vec<&str> {
    ["claim", "counterargument", "source", "question", "note", "replies", "words", "score"]
        .iter()
        .map(|k| cells.get(*k).map_or("?", String::as_str))
        .collect()
}

#[tokio::test]
async fn the_dashboard_counts_what_instructors_may_see_with_totals_and_scores() {
    let f = fixture().await;
    let browser = f.app.browser(&f.teacher).await;
    let page = browser.get(&format!("/courses/{}/review", f.course)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let doc = page.html();
    let rows = table(&doc, &f.reading.to_string());
    let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["ana", "ben", "cleo", "Total"], "students by name, then totals; no instructor");
    // Default rubric: claim 2, counterargument 3, source 2, question 1, reply 1, at least 5 words.
    assert_eq!(numbers(&rows[0].1), ["1", "1", "0", "0", "0", "1", "11", "3"], "ana: the private note is not counted");
    assert_eq!(numbers(&rows[1].1), ["0", "0", "1", "1", "0", "0", "5", "1"], "ben");
    assert_eq!(numbers(&rows[2].1), ["0", "0", "0", "0", "0", "0", "0", "0"], "cleo");
    assert_eq!(numbers(&rows[3].1), ["1", "1", "1", "1", "0", "1", "16", "4"], "totals");
    assert!(!rows[0].1["last"].is_empty() && rows[2].1["last"].is_empty());
    let idle = select(&doc, &format!("table[data-reading-id=\"{}\"] tr.idle", f.reading));
    assert_eq!(idle.len(), 1, "only cleo stands out");
    assert!(text(&idle[0]).contains("cleo") && text(&idle[0]).contains("no annotations yet"));
    let course_wide = table(&doc, "all");
    assert_eq!(numbers(&course_wide[3].1), numbers(&rows[3].1), "one reading: the course equals it");
    let rule = select(&doc, "[data-role=rubric-rule]").pop().map(|e| text(&e)).unwrap_or_default();
    assert!(rule.contains("at least 5 words") && rule.contains("capped at 20 points"), "{rule}");
    let links: Vec<&str> = select(&doc, "a[data-role^=export]").iter().filter_map(|a| a.value().attr("href")).collect();
    assert_eq!(
        links,
        [
            format!("/api/courses/{}/export?format=csv", f.course),
            format!("/api/courses/{}/export?format=gradebook", f.course)
        ]
    );
}

#[tokio::test]
async fn the_dashboard_sorts_on_the_server_by_the_column_headers() {
    let f = fixture().await;
    let browser = f.app.browser(&f.teacher).await;
    let order = |doc: &scraper::Html| -> Vec<String> {
        table(doc, &f.reading.to_string()).into_iter().map(|(n, _)| n).filter(|n| n != "Total").collect()
    };
    let page = browser.get(&format!("/courses/{}/review?sort=-score", f.course)).await.html();
    assert_eq!(order(&page), ["ana", "ben", "cleo"]);
    let score = select(&page, &format!("table[data-reading-id=\"{}\"] th[data-col=score]", f.reading)).remove(0);
    assert_eq!(score.value().attr("aria-sort"), Some("descending"));
    let href = select(&page, "th[data-col=score] a").remove(0).value().attr("href").map(str::to_owned);
    assert_eq!(href, Some(format!("/courses/{}/review?sort=score", f.course)), "the header flips the order");
    let other = select(&page, "th[data-col=name]").remove(0);
    assert_eq!(other.value().attr("aria-sort"), None);
    let page = browser.get(&format!("/courses/{}/review?sort=score", f.course)).await.html();
    assert_eq!(order(&page), ["cleo", "ben", "ana"]);
    let page = browser.get(&format!("/courses/{}/review?sort=-question", f.course)).await.html();
    assert_eq!(order(&page), ["ben", "ana", "cleo"]);
    let bad = browser.get(&format!("/courses/{}/review?sort=shoe-size", f.course)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn instructors_edit_the_rubric_and_bad_values_change_nothing() {
    let f = fixture().await;
    let browser = f.app.browser(&f.teacher).await;
    let path = format!("/courses/{}/rubric", f.course);
    let good = [
        ("claim", "2"),
        ("counterargument", "3"),
        ("source", "2"),
        ("question", "1"),
        ("note", "1"),
        ("reply", "1"),
        ("min_words", "0"),
        ("cap", "4"),
    ];
    for (field, bad) in [("claim", "-1"), ("cap", "lots"), ("min_words", "1001"), ("reply", "")] {
        let fields: Vec<(&str, &str)> = good.iter().map(|&(k, v)| (k, if k == field { bad } else { v })).collect();
        let response = browser.post_form(&path, &fields).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}={bad:?}");
        let doc = response.html();
        assert_eq!(select(&doc, "[role=alert]").len(), 1, "the form says why");
        let kept = select(&doc, &format!("input[name={field}]")).remove(0).value().attr("value").map(str::to_owned);
        assert_eq!(kept.as_deref(), Some(bad), "the form keeps what was typed");
        let rubric = counterpoint::db::review::rubric_of(&f.app.state.db, f.course).await.expect("rubric");
        assert_eq!(rubric, counterpoint::domain::Rubric::default(), "nothing changed");
    }
    let saved = browser.post_form(&path, &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let doc = browser.get(&format!("/courses/{}/review", f.course)).await.html();
    let rows = table(&doc, &f.reading.to_string());
    // Every comment counts now; ana: 2 + 3 + 1 = 6, capped at 4; ben: 1 + 2 = 3.
    let scores: Vec<&str> = rows.iter().map(|(_, c)| c["score"].as_str()).collect();
    assert_eq!(scores, ["4", "3", "0", "7"]);
    let rule = select(&doc, "[data-role=rubric-rule]").pop().map(|e| text(&e)).unwrap_or_default();
    assert!(rule.contains("Every annotation and reply counts") && rule.contains("capped at 4 points"), "{rule}");
}
