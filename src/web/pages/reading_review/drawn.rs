//! The parts of a reading's review page that every instructor shares, drawn
//! once per revision of the course (which every write to the reading moves,
//! see the `revisions` migration) and kept in `Reviews`: what instructors may
//! see of the reading, its students and groups, each annotation's text and feedback
//! escaped, the whole class's heatmap and side panel. A page then draws the
//! list entries whole with the viewer's own parts (their CSRF token in each
//! feedback form) — or, for one student alone, that student's few
//! annotations. An instructor who reloads an unchanged page gets `304` (the
//! page's revision-based ETag) and no body.

use super::super::heatmap;
use crate::db::feedback::{self, Feedback};
use crate::db::groups::{self, Group};
use crate::db::review;
use crate::domain::{Annotation, AnnotationId, Kind, Visibility};
use crate::error::{Error, Result};
use crate::export::EXPORT_VIEWER;
use crate::review::{Student, passages, students_of};
use crate::text::heat::{self, StudentRange};
use crate::web::AppState;
use crate::web::pages::escaped::Escaped;
use crate::web::snapshots::Cached;
use askama::Template;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

pub struct Drawn {
    /// The reading as of (at least) the revision these parts were drawn at.
    pub cached: Arc<Cached>,
    pub students: Vec<Student>,
    /// The course's groups with their members (a change to them moves the course's revision).
    pub groups: Vec<Group>,
    /// What instructors may see, in text order, with links only between those.
    pub annotations: Vec<Annotation>,
    /// Each of `annotations`' list entries.
    pub items: Vec<ItemHtml>,
    /// The whole class's heatmap (the article's content) and side panel.
    pub heat: String,
    pub panel: String,
    /// The largest page drawn from these so far, in bytes.
    pub page_bytes: AtomicUsize,
}

/// What every instructor shares of an annotation's list entry: its text and
/// feedback escaped once; `partials/review_item.html` draws the entry whole.
pub struct ItemHtml {
    pub id: Escaped,
    pub kind: Kind,
    pub visibility: Visibility,
    pub late: bool,
    pub author: Escaped,
    /// The passage's start.
    pub quote: Escaped,
    pub comment: Escaped,
    pub feedback: Vec<FeedbackHtml>,
}

/// One instructor's feedback on an annotation, escaped.
pub struct FeedbackHtml {
    pub author: Escaped,
    pub exemplary: bool,
    pub text: Escaped,
}

impl ItemHtml {
    fn of(annotation: &Annotation, feedback: &[Feedback]) -> Self {
        Self {
            id: Escaped::uuid(annotation.id),
            kind: annotation.kind,
            visibility: annotation.visibility,
            late: annotation.late,
            author: Escaped::of(&annotation.author_name),
            quote: Escaped::of(&shorten(&annotation.quote.exact, 240)),
            comment: Escaped::of(&annotation.comment),
            feedback: feedback
                .iter()
                .map(|f| FeedbackHtml {
                    author: Escaped::of(&f.author_name),
                    exemplary: f.exemplary,
                    text: Escaped::of(&f.text),
                })
                .collect(),
        }
    }
}

/// The side panel: counts by kind, the most contested passages, unanswered questions, unsupported claims.
#[derive(Template)]
#[template(path = "partials/review_panel.html")]
pub struct Panel {
    bars: Vec<Bar>,
    chart_height: usize,
    contested: Vec<(Passage, usize)>,
    unanswered: Vec<Passage>,
    unsupported: Vec<Passage>,
}

/// One bar of the chart of counts by kind, laid out in SVG units.
struct Bar {
    kind: Kind,
    count: usize,
    y: usize,
    width: usize,
}

const BAR_STEP: usize = 24;
const BAR_MAX_WIDTH: usize = 180;

/// An annotation named in a list: its id, author and (shortened) quote.
struct Passage {
    id: String,
    author: String,
    quote: String,
}

impl Passage {
    fn of(a: &Annotation) -> Self {
        Self { id: a.id.to_string(), author: a.author_name.clone(), quote: shorten(&a.quote.exact, 160) }
    }
}

impl Panel {
    pub fn of(shown: &[Annotation]) -> Self {
        let bars = bars(shown);
        Self {
            chart_height: bars.len() * BAR_STEP,
            bars,
            contested: passages::contested(shown, 5)
                .iter()
                .map(|c| (Passage::of(c.claim), c.counterarguments))
                .collect(),
            unanswered: passages::unanswered(shown).into_iter().map(Passage::of).collect(),
            unsupported: passages::unsupported(shown).into_iter().map(Passage::of).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "partials/review_heat.html")]
struct Heat<'a> {
    heat: Vec<heatmap::HeatBlock<'a>>,
}

/// The review's parts of `reading_id` as they stand, and the course revision they were drawn at.
pub async fn load(state: &AppState, reading_id: i64) -> Result<(i64, Drawn)> {
    // Both revisions first: what is loaded after them shows at least everything up to them.
    let (reading_revision, course_revision) =
        review::revisions_of_reading(&state.db, reading_id).await?.ok_or(Error::NotFound)?;
    let cached = state.snapshots.get(&state.db, reading_id, reading_revision).await?;
    let snapshot = &cached.snapshot;
    let students = students_of(&state.db, snapshot.reading.course_id).await?;
    let groups = groups::list_groups(&state.db, snapshot.reading.course_id, None).await?;
    let mut feedback: HashMap<AnnotationId, Vec<Feedback>> = HashMap::new();
    for f in feedback::list_for_reading(&state.db, reading_id).await? {
        feedback.entry(f.annotation_id).or_default().push(f);
    }
    let annotations: Vec<Annotation> = cached.view(EXPORT_VIEWER).seen();
    let items = annotations.iter().map(|a| ItemHtml::of(a, feedback.get(&a.id).map_or(&[], Vec::as_slice))).collect();
    let ids: HashSet<i64> = students.iter().map(|s| s.id).collect();
    let ranges: Vec<StudentRange> = annotations
        .iter()
        .filter(|a| ids.contains(&a.author_id))
        .map(|a| StudentRange { student: a.author_id, start: a.position.start, end: a.position.end })
        .collect();
    let heat = Heat { heat: heatmap::article(&snapshot.reading.doc, &heat::segments(&ranges)) }.render()?;
    let panel = Panel::of(&annotations).render()?;
    let drawn = Drawn {
        cached: Arc::clone(&cached),
        students,
        groups,
        annotations,
        items,
        heat,
        panel,
        page_bytes: AtomicUsize::new(0),
    };
    Ok((course_revision, drawn))
}

fn bars(annotations: &[Annotation]) -> Vec<Bar> {
    let counts: Vec<(Kind, usize)> =
        Kind::ALL.iter().map(|&k| (k, annotations.iter().filter(|a| a.kind == k).count())).collect();
    let most = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    counts
        .into_iter()
        .enumerate()
        .map(|(i, (kind, count))| Bar { kind, count, y: i * BAR_STEP, width: count * BAR_MAX_WIDTH / most })
        .collect()
}

/// The first `max` code points of `text`, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
