//! `counterpoint demo`: a fresh database with a course, an instructor, three
//! students and an annotated reading written for the project (with tags, a
//! spotlight, an answered question and two groups), then `serve`.

use crate::accounts::create_account;
use crate::config::Config;
use crate::db::Db;
use crate::db::marks::{self, Mark};
use crate::db::{self, annotations, courses, groups, readings, replies, tags};
use crate::domain::{
    Comment, GroupName, Kind, NewAnnotation, Relation, Role, Tags, Title, Viewer, Visibility, Vocabulary,
};
use crate::text::CharIndex;
use crate::text::anchor::{self, Agreement, TextQuote};
use crate::text::import::{self, SourceFormat};
use anyhow::{Context, anyhow};
use serde::Deserialize;

const ESSAY: &str = include_str!("demo/essay.md");
const ANNOTATIONS: &str = include_str!("demo/annotations.json");
/// Every demo account's password.
pub const PASSWORD: &str = "counterpoint-demo";
const PEOPLE: [(&str, &str, Role); 4] = [
    ("instructor", "Dr. Ines Ortega", Role::Instructor),
    ("amira", "Amira Haddad", Role::Student),
    ("ben", "Ben Okafor", Role::Student),
    ("chloe", "Chloé Martin", Role::Student),
];

#[derive(Deserialize)]
struct DemoAnnotation {
    author: String,
    kind: Kind,
    quote: String,
    comment: String,
    visibility: Visibility,
    link: Option<DemoLink>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize)]
struct DemoLink {
    to: usize,
    relation: Relation,
}

/// Seeds a fresh database at the config's path (replacing a previous demo) and serves it.
pub async fn run(mut config: Config) -> anyhow::Result<()> {
    config.db = std::env::temp_dir().join(format!("counterpoint-demo-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", config.db.display()));
    }
    let pool = db::connect(&config.db).await?;
    let course_id = seed(&pool).await?;
    db::close(&pool).await;
    crate::app::serve(config, |address| {
        println!("Counterpoint demo at {address}/courses/{course_id}");
        println!("Sign in with any of these (password: {PASSWORD}):");
        for (login, name, role) in PEOPLE {
            println!("  {login}@demo.test  {name} ({})", role.as_str());
        }
    })
    .await
}

/// Creates the demo's accounts, course, reading and annotations; returns the course id.
pub async fn seed(pool: &Db) -> anyhow::Result<i64> {
    let mut ids = Vec::new();
    for (login, name, _) in PEOPLE {
        let id =
            create_account(pool, &format!("{login}@demo.test"), name, PASSWORD).await.map_err(|e| anyhow!("{e}"))?;
        ids.push(id);
    }
    let title = Title::parse("Geopolitics of the Arctic").map_err(|e| anyhow!("{e}"))?;
    let course = courses::insert_course(pool, &title, ids[0]).await?;
    for &student in &ids[1..] {
        courses::add_student(pool, course.id, student).await?;
    }
    let doc = import::import(SourceFormat::Markdown, ESSAY)?;
    let essay_title =
        doc.blocks.first().and_then(|b| CharIndex::new(&doc.text).slice(&doc.text, b.start, b.end).map(str::to_owned));
    let essay_title = Title::parse(essay_title.as_deref().unwrap_or("Demo reading")).map_err(|e| anyhow!("{e}"))?;
    let reading_id = readings::insert_reading(
        pool,
        course.id,
        &essay_title,
        "The Counterpoint team",
        SourceFormat::Markdown,
        ESSAY,
        &doc,
    )
    .await?;
    let index = CharIndex::new(&doc.text);
    let items: Vec<DemoAnnotation> = serde_json::from_str(ANNOTATIONS).context("demo annotations")?;
    let mut made = Vec::new();
    for item in items {
        let person = PEOPLE
            .iter()
            .position(|(login, ..)| *login == item.author)
            .ok_or_else(|| anyhow!("unknown demo author {}", item.author))?;
        let quote = TextQuote { exact: item.quote.clone(), ..TextQuote::default() };
        let anchored = anchor::anchor(&doc.text, &index, None, Some(&quote), Agreement::Strict)
            .map_err(|e| anyhow!("demo quote {:?}: {e}", item.quote))?;
        let new = NewAnnotation {
            kind: item.kind,
            comment: Comment::parse("comment", &item.comment)?,
            citation: Comment::default(),
            tags: Tags::parse(item.tags.iter().map(String::as_str))?,
            visibility: item.visibility,
            position: Some(anchored.position),
            quote: Some(anchored.quote),
        };
        let viewer = Viewer { user_id: ids[person], role: PEOPLE[person].2 };
        let mut links = Vec::new();
        if let Some(link) = item.link {
            let to: &uuid::Uuid = made.get(link.to).ok_or_else(|| anyhow!("demo link to a later annotation"))?;
            let target = annotations::find_link_target(pool, reading_id, *to, viewer)
                .await?
                .ok_or_else(|| anyhow!("demo link target hidden"))?;
            links.push((target, Relation::for_kinds(item.kind, target.kind, Some(link.relation))?));
        }
        made.push(annotations::insert_annotation(pool, reading_id, ids[person], &new, &links).await?);
    }
    // Due in a week, so the course page shows what a class on a schedule sees.
    let due = chrono::Utc::now() + chrono::TimeDelta::days(7);
    let assignment = crate::domain::Assignment::new(due, None, crate::domain::LatePolicy::Mark)?;
    crate::db::assignments::save(pool, reading_id, &assignment).await?;
    classroom(pool, course.id, &ids, &made).await?;
    Ok(course.id)
}

/// The classroom features, each shown once: the course's tag vocabulary, a
/// spotlight, a question answered, and two seminar groups (the course still
/// discusses as a class, so every demo login sees everything).
async fn classroom(pool: &Db, course_id: i64, ids: &[i64], made: &[uuid::Uuid]) -> anyhow::Result<()> {
    let vocabulary = Vocabulary::parse(["governance", "security", "climate", "sanctions", "indigenous rights"])?;
    tags::set_vocabulary(pool, course_id, &vocabulary).await?;
    let (instructor, amira, ben, chloe) = (ids[0], ids[1], ids[2], ids[3]);
    let at = |i: usize| made.get(i).copied().ok_or_else(|| anyhow!("demo annotation {i} missing"));
    marks::set_mark(pool, at(3)?, Mark::Spotlight, instructor, true).await?;
    let question = at(8)?;
    replies::insert_reply(
        pool,
        question,
        amira,
        "Geography is the first reason the essay gives; the second comes two paragraphs on: the science.",
    )
    .await?;
    marks::set_mark(pool, question, Mark::Answered, chloe, true).await?;
    for (name, members) in [("Seminar A", vec![amira, ben]), ("Seminar B", vec![chloe])] {
        groups::save_group(pool, course_id, None, &GroupName::parse(name)?, &members).await?;
    }
    Ok(())
}
