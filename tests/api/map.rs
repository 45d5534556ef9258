//! The argument map page, the reading page's summary and the AIF export, from
//! one fixture of about twenty annotations by three people.

use crate::links::{link, sentences, with_links};
use crate::support::{TestApp, TestUser};
use axum::http::StatusCode;
use counterpoint::export::{ExportFormat, export_course};
use counterpoint::formats::w3c::Iris;
use scraper::{Html, Selector};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};

struct Fixture {
    app: TestApp,
    course: i64,
    reading: i64,
    teacher: TestUser,
    ana: TestUser,
    ben: TestUser,
    ids: HashMap<&'static str, String>,
}

/// Links by fixture name, with the relation when stated.
type Links = &'static [(&'static str, Option<&'static str>)];

/// The class's argument: name, author, kind, sentence, visibility, links.
const ANNOTATIONS: &[(&str, &str, &str, u8, &str, Links)] = &[
    ("c1", "ana", "claim", 1, "class", &[]),
    ("c2", "ben", "claim", 2, "class", &[("c1", None)]),
    ("c3", "ana", "claim", 3, "class", &[("c1", None)]),
    ("c4", "ana", "claim", 4, "class", &[("c2", None)]),
    ("s1", "ben", "source", 5, "class", &[("c2", None)]),
    ("s2", "ana", "source", 6, "class", &[("c3", Some("rebuts"))]),
    ("s3", "teacher", "source", 7, "class", &[("c4", None)]),
    ("k1", "ben", "counterargument", 8, "class", &[("c1", None)]),
    ("k2", "ana", "counterargument", 9, "class", &[("c2", None)]),
    ("c5", "ben", "claim", 10, "class", &[]),
    ("c6", "teacher", "claim", 11, "class", &[]),
    ("s4", "ana", "source", 12, "class", &[("c6", None)]),
    ("k3", "ben", "counterargument", 13, "class", &[]),
    ("c7", "ana", "claim", 14, "class", &[("c6", None), ("c1", None)]),
    ("k4", "teacher", "counterargument", 15, "class", &[("c7", None)]),
    ("q1", "ben", "question", 16, "class", &[]),
    ("n1", "ana", "note", 17, "class", &[]),
    ("p1", "ben", "claim", 18, "private", &[]),
    ("p2", "ben", "counterargument", 19, "private", &[("c1", None)]),
    ("i1", "teacher", "claim", 20, "instructors", &[]),
];

const EDGES: &[(&str, &str, &str)] = &[
    ("c2", "c1", "supports"),
    ("c3", "c1", "supports"),
    ("c4", "c2", "supports"),
    ("s1", "c2", "supports"),
    ("s2", "c3", "rebuts"),
    ("s3", "c4", "supports"),
    ("k1", "c1", "rebuts"),
    ("k2", "c2", "rebuts"),
    ("s4", "c6", "supports"),
    ("c7", "c6", "supports"),
    ("c7", "c1", "supports"),
    ("k4", "c7", "rebuts"),
];

async fn fixture() -> Fixture {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben) = (app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", &sentences(20)).await;
    let mut ids: HashMap<&'static str, String> = HashMap::new();
    for &(name, author, kind, sentence, visibility, links) in ANNOTATIONS {
        let user = match author {
            "ana" => &ana,
            "ben" => &ben,
            _ => &teacher,
        };
        let links: Vec<Value> = links.iter().map(|&(to, relation)| link(&ids[to], relation)).collect();
        let exact = format!("Sentence {sentence:02}");
        let id = app.annotation(reading, user, kind, &exact, with_links(kind, &links, visibility)).await;
        ids.insert(name, id);
    }
    Fixture { app, course, reading, teacher, ana, ben, ids }
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap_or_else(|e| panic!("{css}: {e:?}"));
    doc.select(&selector).collect()
}

fn ids_of(doc: &Html, css: &str) -> BTreeSet<String> {
    select(doc, css).iter().filter_map(|e| e.value().attr("data-annotation-id")).map(str::to_owned).collect()
}

impl Fixture {
    fn names(&self, names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| self.ids[n].clone()).collect()
    }

    async fn map(&self, user: &TestUser) -> Html {
        let page = self.app.get(&format!("/readings/{}/map", self.reading), user).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        page.html()
    }
}

#[tokio::test]
async fn the_map_draws_every_visible_node_and_link_and_lists_the_same_structure() {
    let f = fixture().await;
    let doc = f.map(&f.ana).await;
    let on_map = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "s1", "s2", "s3", "s4", "k1", "k2", "k3", "k4"];
    assert_eq!(ids_of(&doc, "svg.map a.node"), f.names(&on_map), "claims, counterarguments and sources");
    assert_eq!(ids_of(&doc, "ol.outline li"), f.names(&on_map), "the list holds the same nodes");
    for node in select(&doc, "svg.map a.node") {
        let id = node.value().attr("data-annotation-id").expect("id");
        assert_eq!(node.value().attr("href"), Some(format!("/readings/{}#a-{id}", f.reading).as_str()));
    }
    assert_eq!(select(&doc, "svg.map polyline.edge").len(), EDGES.len());
    for &(from, to, relation) in EDGES {
        let (from_id, to_id) = (&f.ids[from], &f.ids[to]);
        let css = format!("svg.map polyline.edge-{relation}[data-from='{from_id}'][data-to='{to_id}']");
        let edge = select(&doc, &css);
        assert_eq!(edge.len(), 1, "{from} {relation} {to}");
        let dashed = edge[0].value().attr("stroke-dasharray").is_some();
        assert_eq!(dashed, relation == "rebuts", "rebuttals dashed, support solid");
        let nested = format!("li#m-{to_id} > ul > li[data-annotation-id='{from_id}'][data-relation='{relation}']");
        assert_eq!(select(&doc, &nested).len(), 1, "{from} is listed under {to} as {relation}");
    }
    let top: Vec<&str> =
        select(&doc, "ol.outline > li").iter().filter_map(|e| e.value().attr("data-annotation-id")).collect();
    let expected: Vec<&str> = ["c1", "c5", "c6", "k3"].iter().map(|n| f.ids[n].as_str()).collect();
    assert_eq!(top, expected, "conclusions in text order, then what bears on nothing");
    assert_eq!(select(&doc, &format!("ol.outline li[data-annotation-id='{}']", f.ids["c7"])).len(), 2);
    assert_eq!(select(&doc, &format!("ol.outline li[data-annotation-id='{}'] > a.again", f.ids["c7"])).len(), 1);
}

#[tokio::test]
async fn unsupported_and_unchallenged_claims_are_marked_in_the_drawing_and_in_words() {
    let f = fixture().await;
    let doc = f.map(&f.ana).await;
    assert_eq!(ids_of(&doc, "svg.map a.node.unsupported"), f.names(&["c3", "c5", "c7"]));
    assert_eq!(ids_of(&doc, "svg.map a.node.unchallenged"), f.names(&["c4", "c5", "c6"]));
    let c5 = &f.ids["c5"];
    let marks: String = select(&doc, &format!("a.node[data-annotation-id='{c5}'] text.node-marks"))[0].text().collect();
    assert_eq!(marks, "⚠ unsupported · unchallenged");
    let rect = &select(&doc, &format!("a.node[data-annotation-id='{c5}'] rect"))[0];
    assert!(rect.value().attr("stroke-dasharray").is_some(), "an unsupported claim has a dashed border");
    let listed: String = select(&doc, &format!("li#m-{c5} > strong.marks"))[0].text().collect();
    assert_eq!(listed, "(unsupported · unchallenged)");
    let count = |name: &str| -> String { select(&doc, &format!("dd[data-count={name}]"))[0].text().collect() };
    assert_eq!((count("claims"), count("counterarguments"), count("sources")), ("7".into(), "4".into(), "4".into()));
    assert_eq!((count("unsupported"), count("unchallenged")), ("3".into(), "3".into()));
    assert_eq!(select(&doc, ".map-legend li").len(), 5);
}

#[tokio::test]
async fn the_reading_page_sums_up_the_argument_and_links_to_the_map() {
    let f = fixture().await;
    let page = f.app.get(&format!("/readings/{}", f.reading), &f.ana).await;
    assert_eq!(page.status, StatusCode::OK);
    let doc = page.html();
    let count = |name: &str| -> String { select(&doc, &format!("[data-argument-count={name}]"))[0].text().collect() };
    let got: Vec<String> = ["claims", "counterarguments", "sources", "unsupported", "unchallenged"].map(count).to_vec();
    assert_eq!(got, ["7", "4", "4", "3", "3"]);
    let link = &select(&doc, "a[data-role=argument-map-link]")[0];
    assert_eq!(link.value().attr("href"), Some(format!("/readings/{}/map", f.reading).as_str()));
}

#[tokio::test]
async fn a_classmates_private_claim_never_appears_on_anyone_elses_map() {
    let f = fixture().await;
    let outsider = f.app.user("eve").await;
    let (private, rebuttal, for_instructors) = (&f.ids["p1"], &f.ids["p2"], &f.ids["i1"]);
    for (who, user, sees_private, sees_instructors) in
        [("ana", &f.ana, false, false), ("teacher", &f.teacher, false, true), ("ben", &f.ben, true, false)]
    {
        let page = f.app.get(&format!("/readings/{}/map", f.reading), user).await;
        let doc = page.html();
        for id in [private, rebuttal] {
            assert_eq!(page.text.contains(id.as_str()), sees_private, "{who}: {id}");
            assert_eq!(ids_of(&doc, "svg.map a.node").contains(id), sees_private, "{who}");
        }
        assert_eq!(page.text.contains(for_instructors.as_str()), sees_instructors, "{who}");
        let c1 = &f.ids["c1"];
        let rebuttals = select(&doc, &format!("polyline.edge-rebuts[data-to='{c1}']")).len();
        assert_eq!(rebuttals, if sees_private { 2 } else { 1 }, "{who}: a hidden rebuttal draws no edge");
    }
    let outside = f.app.get(&format!("/readings/{}/map", f.reading), &outsider).await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
    let nowhere = f.app.get("/readings/99999/map", &f.ana).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
}

fn check_aif(doc: &Value) -> (usize, usize, usize) {
    let nodes = doc["nodes"].as_array().expect("nodes");
    let edges = doc["edges"].as_array().expect("edges");
    assert_eq!(doc["locutions"], json!([]));
    let ids: BTreeSet<&str> = nodes.iter().map(|n| n["nodeID"].as_str().expect("nodeID")).collect();
    assert_eq!(ids.len(), nodes.len(), "node ids are unique");
    for edge in edges {
        assert!(ids.contains(edge["fromID"].as_str().expect("fromID")), "{edge}");
        assert!(ids.contains(edge["toID"].as_str().expect("toID")), "{edge}");
    }
    for node in nodes.iter().filter(|n| n["type"] != "I") {
        let id = &node["nodeID"];
        assert_eq!(edges.iter().filter(|e| &e["fromID"] == id).count(), 1, "{node}");
        assert!(edges.iter().any(|e| &e["toID"] == id), "{node}");
    }
    let of = |t: &str| nodes.iter().filter(|n| n["type"] == t).count();
    (of("I"), of("RA"), of("CA"))
}

#[tokio::test]
async fn aif_holds_the_argument_instructors_see_through_the_api_and_the_command_line_path() {
    let f = fixture().await;
    let response = f.app.get(&format!("/api/courses/{}/export?format=aif", f.course), &f.teacher).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    assert!(response.header("content-type").starts_with("application/json"));
    let doc = response.json();
    // i1 (instructors) is in; the private p1 and p2, the question and the note are not.
    assert_eq!(check_aif(&doc), (16, 8, 4));
    let texts: Vec<&str> = doc["nodes"].as_array().expect("nodes").iter().filter_map(|n| n["text"].as_str()).collect();
    assert!(texts.contains(&"Sentence 01") && !texts.contains(&"Sentence 18") && !texts.contains(&"Sentence 16"));
    let by_student = f.app.get(&format!("/api/courses/{}/export?format=aif", f.course), &f.ana).await;
    assert_eq!(by_student.status, StatusCode::NOT_FOUND);
    let iris = Iris { base: "http://counterpoint.test".into() };
    let export =
        export_course(&f.app.state.db, f.course, Some(f.reading), ExportFormat::Aif, &iris).await.expect("export");
    let cli: Value = serde_json::from_str(&export.body).expect("json");
    assert_eq!(cli, doc, "the command line writes what the API sends");
    let other = f.app.reading(f.course, &f.teacher, "text", "Nothing argued here.").await;
    let empty = export_course(&f.app.state.db, f.course, Some(other), ExportFormat::Aif, &iris).await.expect("export");
    assert_eq!(
        serde_json::from_str::<Value>(&empty.body).expect("json"),
        json!({"nodes": [], "edges": [], "locutions": []})
    );
}

#[tokio::test]
async fn quotes_are_escaped_in_the_drawing_and_an_empty_reading_says_so() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "text", "They wrote <b>bold</b> & \"quoted\" things.").await;
    let empty = app.get(&format!("/readings/{reading}/map"), &teacher).await;
    assert_eq!(select(&empty.html(), "svg.map").len(), 0);
    assert_eq!(select(&empty.html(), "p.muted").len(), 2, "both the drawing and the list say there is nothing yet");
    let exact = "<b>bold</b> & \"quoted\"";
    app.annotation(reading, &teacher, "claim", exact, json!({})).await;
    let doc = app.get(&format!("/readings/{reading}/map"), &teacher).await.html();
    assert!(select(&doc, "b").is_empty(), "no markup from the text");
    let lines: String = select(&doc, "svg.map a.node text").iter().map(|t| t.text().collect::<String>()).collect();
    assert!(lines.contains("<b>bold</b> &"), "{lines}");
    let listed: String = select(&doc, "ol.outline li")[0].text().collect();
    assert!(listed.contains(exact), "{listed}");
}
