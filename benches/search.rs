//! Benchmarks search (`db::search::search_course`) as a student sees it, in a
//! course of 40 students with 10,000 annotations and 2,000 replies over five
//! readings, with and without the post-first setting. Before criterion runs,
//! each query is also timed 200 times alone and its median and p95 printed.

use counterpoint::db::Db;
use counterpoint::db::store;
use counterpoint::db::{self, search};
use counterpoint::domain::{Role, Viewer};
use counterpoint::search::{PER_PAGE, Query, SearchLimits};
use counterpoint::text::import::{SourceFormat, import};
use criterion::{Criterion, criterion_group, criterion_main};
use std::time::{Duration, Instant};

const WORDS: &[&str] = &[
    "sanctions",
    "SIPRI",
    "figures",
    "déjà",
    "vu",
    "alliance",
    "energy",
    "gas",
    "pipeline",
    "trade",
    "yuan",
    "ruble",
    "border",
    "Arctic",
    "military",
    "exercises",
    "convenience",
    "marriage",
    "Putin",
    "Xi",
    "strategy",
    "oil",
    "grain",
    "debt",
    "summit",
    "treaty",
    "rival",
    "partner",
    "Nye",
    "critics",
    "evidence",
    "claim",
    "source",
    "doubt",
    "why",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
    fn sentence(&mut self, words: usize) -> String {
        (0..words).map(|_| WORDS[self.below(WORDS.len())]).collect::<Vec<_>>().join(" ")
    }
}

/// The course's id and a student's id, in a fresh database under `dir`.
async fn seed(dir: &std::path::Path) -> (Db, i64, i64, Vec<i64>) {
    let pool = db::connect(&dir.join("search.db")).await.expect("database");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut tx = pool.begin().await.expect("tx");
    let now = db::now();
    store::query("INSERT INTO courses (id, title, join_code, created_at) VALUES (1, 'Geopolitics', 'CODE', ?)")
        .bind(&now)
        .execute(&mut tx)
        .await
        .expect("course");
    for user in 1..=41 {
        store::query("INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, 'x', ?)")
            .bind(user)
            .bind(format!("u{user}@example.org"))
            .bind(format!("Student {user}"))
            .bind(&now)
            .execute(&mut tx)
            .await
            .expect("user");
        let role = if user == 1 { "instructor" } else { "student" };
        store::query("INSERT INTO memberships (course_id, user_id, role, joined_at) VALUES (1, ?, ?, ?)")
            .bind(user)
            .bind(role)
            .bind(&now)
            .execute(&mut tx)
            .await
            .expect("member");
    }
    let source = counterpoint::fixtures::shared_text("readings/one-bed-different-dreams.txt")
        .unwrap_or_else(|| (0..300).map(|_| rng.sentence(12) + ".\n\n").collect());
    let doc = import(SourceFormat::Text, &source).expect("reading");
    let blocks = serde_json::to_string(&doc.blocks).expect("blocks");
    let chars: Vec<char> = doc.text.chars().collect();
    let mut readings = Vec::new();
    for reading in 1..=5 {
        store::query(
            "INSERT INTO readings (id, course_id, title, author, format, source, text, blocks, created_at)
             VALUES (?, 1, ?, '', 'text', ?, ?, ?, ?)",
        )
        .bind(reading)
        .bind(format!("Reading {reading}"))
        .bind(&source)
        .bind(&doc.text)
        .bind(&blocks)
        .bind(&now)
        .execute(&mut tx)
        .await
        .expect("reading");
        readings.push(reading);
    }
    let kinds = ["claim", "counterargument", "source", "question", "note"];
    for i in 0..10_000_i64 {
        let start = rng.below(chars.len() - 80);
        let end = start + 10 + rng.below(60);
        let visibility = match rng.below(100) {
            0..=79 => "class",
            80..=91 => "instructors",
            _ => "private",
        };
        let words = 5 + rng.below(25);
        store::query(
            "INSERT INTO annotations (uuid, reading_id, author_id, kind, comment, visibility, start, end, exact,
                                      prefix, suffix, created_at, modified_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, ?)",
        )
        .bind(uuid::Uuid::from_u64_pair(1, u64::try_from(i).unwrap_or(0)).to_string())
        .bind(1 + i % 5)
        .bind(2 + i % 40)
        .bind(kinds[rng.below(kinds.len())])
        .bind(rng.sentence(words))
        .bind(visibility)
        .bind(i64::try_from(start).unwrap_or(0))
        .bind(i64::try_from(end).unwrap_or(0))
        .bind(chars[start..end].iter().collect::<String>())
        .bind(&now)
        .bind(&now)
        .execute(&mut tx)
        .await
        .expect("annotation");
    }
    for i in 0..2_000_i64 {
        store::query("INSERT INTO replies (uuid, annotation_id, author_id, text, created_at) VALUES (?, ?, ?, ?, ?)")
            .bind(uuid::Uuid::from_u64_pair(2, u64::try_from(i).unwrap_or(0)).to_string())
            .bind(1 + (i * 7) % 10_000)
            .bind(2 + (i * 3) % 40)
            .bind(rng.sentence(12))
            .bind(&now)
            .execute(&mut tx)
            .await
            .expect("reply");
    }
    tx.commit().await.expect("commit");
    (pool, 1, 7, readings)
}

async fn run(pool: &Db, course: i64, viewer: Viewer, q: &Query, reading: Option<i64>) -> i64 {
    let filters = search::Filters { reading_id: reading, query: Some(q), ..search::Filters::default() };
    search::search_course(pool, course, viewer, filters, PER_PAGE, 0).await.expect("search").0
}

fn bench_search(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let (pool, course, student, readings) = runtime.block_on(seed(dir.path()));
    let viewer = Viewer { user_id: student, role: Role::Student };
    let limits = SearchLimits::default();
    let cases = [
        ("a common word", "sanctions", None),
        ("two words", "sipri figures", None),
        ("a phrase and a kind", "kind:claim \"energy gas\"", None),
        ("a prefix", "pipe*", None),
        ("one reading", "alliance", Some(readings[2])),
        ("a word of the reading's text", "Moscow", None),
    ];
    for post_first in [false, true] {
        runtime.block_on(async {
            store::query("INSERT OR REPLACE INTO course_settings (course_id, post_first, updated_at) VALUES (?, ?, ?)")
                .bind(course)
                .bind(post_first)
                .bind(db::now())
                .execute(&pool)
                .await
                .expect("setting");
        });
        for (name, text, reading) in &cases {
            let q = Query::parse(text, &limits).expect("query");
            let mut times: Vec<Duration> = Vec::new();
            let mut total = 0;
            for _ in 0..200 {
                let started = Instant::now();
                total = runtime.block_on(run(&pool, course, viewer, &q, *reading));
                times.push(started.elapsed());
            }
            times.sort();
            println!(
                "search {name:32} post_first={post_first:5}: {total:5} results, median {:6.2} ms, p95 {:6.2} ms",
                times[100].as_secs_f64() * 1e3,
                times[190].as_secs_f64() * 1e3
            );
            let label = format!("search 10,000 annotations: {name}{}", if post_first { ", post-first" } else { "" });
            c.bench_function(&label, |b| b.iter(|| runtime.block_on(run(&pool, course, viewer, &q, *reading))));
        }
    }
}

criterion_group!(benches, bench_search);
criterion_main!(benches);
