//! Seeds a database for the load run (`scripts/loadtest`, BENCHMARKS.md): a full
//! lecture of one instructor and 60 students on the shared essay, with 2,000
//! annotations of mixed kinds and visibilities, links and replies.
//!
//! `cargo run --release --example seed_load -- FILE` creates FILE (it must not
//! exist) and prints `KEY=VALUE` lines: the course and reading ids, the
//! reading's length in code points, two logins, their password and API tokens.
//! The same seed always makes the same course (the tokens and ids of users aside).

use anyhow::{Context, anyhow, bail};
use counterpoint::accounts::{create_account, create_token};
use counterpoint::credentials::hash_password;
use counterpoint::db::annotations;
use counterpoint::db::{self, courses, readings, replies, users};
use counterpoint::domain::{
    AnnotationId, Comment, DisplayName, Email, Kind, NewAnnotation, Relation, Role, Tags, Title, Viewer, Visibility,
};
use counterpoint::text::CharIndex;
use counterpoint::text::anchor::{TextPosition, quote_at};
use counterpoint::text::import::{SourceFormat, import};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;

const READING: &str = "readings/one-bed-different-dreams.txt";
/// Every seeded account's password.
const PASSWORD: &str = "counterpoint-load";
const STUDENTS: usize = 60;
const ANNOTATIONS: usize = 2_000;
const REPLIES: usize = 400;
const SEED: u64 = 8;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let path = std::env::args_os().nth(1).map(PathBuf::from).context("usage: seed_load DATABASE_FILE")?;
    if path.exists() {
        bail!("{} already exists; the load run seeds a fresh database", path.display());
    }
    let source =
        counterpoint::fixtures::shared_text(READING).with_context(|| format!("../shared/{READING} is needed"))?;
    let pool = db::connect(&path).await?;
    let mut rng = StdRng::seed_from_u64(SEED);

    let instructor = create_account(&pool, "instructor@load.test", "Dr. Load Instructor", PASSWORD)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    // One argon2 hash for all students: hashing 60 passwords would be most of the seeding time.
    let hash = hash_password(PASSWORD)?;
    let mut students = Vec::with_capacity(STUDENTS);
    for n in 1..=STUDENTS {
        let email = Email::parse(&format!("student{n:02}@load.test")).map_err(|e| anyhow!("{e}"))?;
        let name = DisplayName::parse(&format!("Student {n:02}")).map_err(|e| anyhow!("{e}"))?;
        students.push(users::insert_user(&pool, &email, &name, &hash).await?.id);
    }
    let title = Title::parse("Russia and China: a full lecture").map_err(|e| anyhow!("{e}"))?;
    let course = courses::insert_course(&pool, &title, instructor).await?;
    for &student in &students {
        courses::add_student(&pool, course.id, student).await?;
    }

    let doc = import(SourceFormat::Text, &source)?;
    let reading_title = Title::parse("One Bed, Different Dreams").map_err(|e| anyhow!("{e}"))?;
    let reading =
        readings::insert_reading(&pool, course.id, &reading_title, "Stacy Closson", SourceFormat::Text, &source, &doc)
            .await?;
    let text = &doc.text;
    let index = CharIndex::new(text);
    let chars: Vec<char> = text.chars().collect();
    let sentences = sentences(&chars);
    if sentences.is_empty() {
        bail!("the reading has no sentences");
    }

    let mut claims: Vec<AnnotationId> = Vec::new();
    let mut annotated: Vec<AnnotationId> = Vec::new();
    let (mut links, mut kinds) = (0, [0usize; 5]);
    for n in 0..ANNOTATIONS {
        let author = students[rng.gen_range(0..students.len())];
        let viewer = Viewer { user_id: author, role: Role::Student };
        let kind = pick(
            &mut rng,
            &[
                (Kind::Claim, 35),
                (Kind::Counterargument, 20),
                (Kind::Source, 15),
                (Kind::Question, 15),
                (Kind::Note, 15),
            ],
        );
        let visibility =
            pick(&mut rng, &[(Visibility::Class, 80), (Visibility::Instructors, 12), (Visibility::Private, 8)]);
        let sentence = sentences[rng.gen_range(0..sentences.len())];
        let position = range_in(&mut rng, &chars, sentence);
        let new = NewAnnotation {
            kind,
            comment: Comment::parse(
                "comment",
                &format!("Load-test {} number {n}: what the class makes of this.", kind.as_str()),
            )?,
            citation: Comment::default(),
            tags: Tags::default(),
            visibility,
            position: Some(position),
            quote: Some(quote_at(text, &index, position)?),
        };
        let mut link = Vec::new();
        if matches!(kind, Kind::Counterargument | Kind::Source) && !claims.is_empty() && rng.gen_bool(0.7) {
            let to = claims[rng.gen_range(0..claims.len())];
            if let Some(target) = annotations::find_link_target(&pool, reading, to, viewer).await? {
                link.push((target, Relation::for_kinds(kind, target.kind, None)?));
            }
        }
        links += link.len();
        kinds[Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)] += 1;
        let id = annotations::insert_annotation(&pool, reading, author, &new, &link).await?;
        if visibility == Visibility::Class {
            annotated.push(id);
            if kind == Kind::Claim {
                claims.push(id);
            }
        }
    }
    for n in 0..REPLIES {
        let on = annotated[rng.gen_range(0..annotated.len())];
        let author = if n % 10 == 0 { instructor } else { students[rng.gen_range(0..students.len())] };
        replies::insert_reply(&pool, on, author, &format!("Reply {n}: I read this passage differently.")).await?;
    }

    let student_token = create_token(&pool, students[0], "load test").await.map_err(|e| anyhow!("{e}"))?;
    let instructor_token = create_token(&pool, instructor, "load test").await.map_err(|e| anyhow!("{e}"))?;
    pool.close().await;
    eprintln!(
        "seeded {} students, {ANNOTATIONS} annotations (claim/counterargument/source/question/note {kinds:?}), {links} links, {REPLIES} replies",
        students.len()
    );
    println!("COURSE_ID={}", course.id);
    println!("READING_ID={reading}");
    println!("READING_CHARS={}", index.len_chars());
    println!("PASSWORD={PASSWORD}");
    println!("STUDENT_EMAIL=student01@load.test");
    println!("INSTRUCTOR_EMAIL=instructor@load.test");
    println!("STUDENT_TOKEN={student_token}");
    println!("INSTRUCTOR_TOKEN={instructor_token}");
    Ok(())
}

/// Picks a value with the given weights (percentages).
fn pick<T: Copy>(rng: &mut StdRng, weighted: &[(T, u32)]) -> T {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut roll = rng.gen_range(0..total);
    for &(value, weight) in weighted {
        if roll < weight {
            return value;
        }
        roll -= weight;
    }
    weighted[0].0
}

/// The sentences of `text` as code-point ranges, without surrounding whitespace:
/// a sentence ends after `.`, `?` or `!` followed by whitespace, or at a line break.
fn sentences(chars: &[char]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut start = 0;
    for i in 0..=chars.len() {
        let ends = i == chars.len()
            || chars[i] == '\n'
            || (matches!(chars[i], '.' | '?' | '!') && chars.get(i + 1).is_some_and(|c| c.is_whitespace()));
        if ends {
            let end = if i < chars.len() && chars[i] != '\n' { i + 1 } else { i };
            let mut s = start;
            while s < end && chars[s].is_whitespace() {
                s += 1;
            }
            if end > s + 10 {
                found.push((s, end));
            }
            start = i + 1;
        }
    }
    found
}

/// Half the time the whole sentence, else a run of its words (at least 12 code points).
fn range_in(rng: &mut StdRng, chars: &[char], (start, end): (usize, usize)) -> TextPosition {
    if rng.gen_bool(0.5) || end - start < 24 {
        return TextPosition { start, end };
    }
    let mut from = start + rng.gen_range(0..(end - start) / 2);
    while from > start && !chars[from - 1].is_whitespace() {
        from -= 1;
    }
    let mut to = (from + rng.gen_range(12..=(end - from).max(12))).min(end);
    while to < end && !chars[to].is_whitespace() {
        to += 1;
    }
    TextPosition { start: from, end: to }
}
