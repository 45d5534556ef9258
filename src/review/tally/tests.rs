use super::*;
use crate::db::replies::Reply;
use crate::domain::{Annotation, Visibility};
use crate::text::anchor::{TextPosition, TextQuote};
use chrono::TimeZone;

fn student(id: i64, name: &str) -> Student {
    Student { id, name: name.to_owned(), email: format!("{name}@example.org") }
}

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 10, minute, 0).single().unwrap_or_default()
}

fn annotation(author_id: i64, kind: Kind, comment: &str, minute: u32) -> Annotation {
    Annotation {
        id: uuid::Uuid::new_v4(),
        reading_id: 1,
        author_id,
        author_name: String::new(),
        kind,
        comment: comment.to_owned(),
        citation: String::new(),
        tags: Vec::new(),
        visibility: Visibility::Class,
        position: TextPosition { start: 0, end: 1 },
        quote: TextQuote::default(),
        created: at(minute),
        modified: at(minute),
        links: Vec::new(),
        reply_count: 0,
        late: false,
        orphaned: false,
        spotlight: false,
        answered: false,
    }
}

fn reply(author_id: i64, text: &str, minute: u32) -> Reply {
    Reply {
        id: uuid::Uuid::new_v4(),
        annotation_id: uuid::Uuid::new_v4(),
        author_id,
        author_name: String::new(),
        text: text.to_owned(),
        created: at(minute),
    }
}

#[test]
fn tallies_count_kinds_replies_words_and_score_only_what_counts() {
    let students = [student(1, "ana"), student(2, "ben"), student(3, "cleo")];
    let work = ReadingWork {
        annotations: vec![
            annotation(1, Kind::Claim, "one two three", 1),
            annotation(1, Kind::Counterargument, "short", 2),
            annotation(2, Kind::Question, "why is this so", 3),
            annotation(99, Kind::Note, "an instructor's note is not tallied", 4),
        ],
        replies: vec![reply(1, "I agree with that fully", 9), reply(2, "no", 5)],
        assignment: None,
    };
    let rubric = Rubric { points: [2, 3, 2, 1, 1], reply_points: 1, min_words: 3, cap: 0 };
    let tallies = tally(&students, &work, &rubric);
    assert_eq!(tallies[0].kinds, [1, 1, 0, 0, 0]);
    assert_eq!((tallies[0].replies, tallies[0].words), (1, 3 + 1 + 5));
    assert_eq!(tallies[0].score, 2 + 1, "the one-word counterargument does not count");
    assert_eq!(tallies[0].last_activity, Some(at(9)));
    assert_eq!((tallies[1].kinds[3], tallies[1].replies, tallies[1].score), (1, 1, 1));
    assert_eq!((tallies[2].annotations(), tallies[2].last_activity, tallies[2].score), (0, None, 0));
    let sum = total(&tallies);
    assert_eq!((sum.annotations(), sum.replies, sum.words, sum.score), (3, 2, 9 + 5, 4));
    assert_eq!(sum.last_activity, Some(at(9)));
}

#[test]
fn sorts_parse_apply_and_link_to_the_other_direction() {
    let students = [student(1, "ana"), student(2, "Ben"), student(3, "cleo")];
    let work = ReadingWork {
        annotations: vec![annotation(3, Kind::Claim, "", 1), annotation(3, Kind::Claim, "", 1)],
        replies: vec![reply(2, "x", 1)],
        assignment: None,
    };
    let mut tallies = tally(&students, &work, &Rubric::default());
    let by = |sort: &str, tallies: &mut Vec<Tally>| {
        sort.parse::<Sort>().map(|s| s.apply(tallies)).map(|()| tallies.iter().map(|t| t.student_id).collect())
    };
    assert_eq!(by("-claim", &mut tallies), Ok(vec![3, 1, 2]), "ties by name");
    assert_eq!(by("claim", &mut tallies), Ok(vec![1, 2, 3]));
    assert_eq!(by("-name", &mut tallies), Ok(vec![3, 2, 1]), "names ignore case");
    assert_eq!(by("-replies", &mut tallies), Ok(vec![2, 1, 3]));
    assert!("bogus".parse::<Sort>().is_err() && "--name".parse::<Sort>().is_err());
    let sort: Sort = "-score".parse().unwrap_or_default();
    assert_eq!(sort.link_for(Column::Score).param(), "score");
    assert_eq!(sort.link_for(Column::Words).param(), "-words");
    assert_eq!(sort.link_for(Column::Name).param(), "name");
    assert_eq!((sort.aria_for(Column::Score), sort.aria_for(Column::Name)), (Some("descending"), None));
    for column in Column::ALL {
        let sort = Sort { column, descending: true };
        assert_eq!(sort.param().parse(), Ok(sort));
    }
}

#[test]
fn late_work_is_tallied_and_scored_by_the_late_policy() {
    use crate::domain::{Assignment, LatePolicy};
    let students = [student(1, "ana")];
    let due = at(30);
    let work = |policy| ReadingWork {
        annotations: vec![annotation(1, Kind::Claim, "", 29), annotation(1, Kind::Claim, "", 31)],
        replies: vec![reply(1, "", 30), reply(1, "", 45)],
        assignment: Some(Assignment::new(due, None, policy).expect("valid")),
    };
    let rubric = Rubric { points: [2, 3, 2, 1, 1], reply_points: 1, min_words: 0, cap: 0 };
    let scored = |policy| {
        let t = &tally(&students, &work(policy), &rubric)[0];
        (t.late, t.counted, t.flagged, t.score)
    };
    assert_eq!(scored(LatePolicy::Count), (2, 2, 0, 2 + 2 + 1 + 1));
    assert_eq!(scored(LatePolicy::Mark), (2, 2, 2, 2 + 2 + 1 + 1), "counted and flagged");
    assert_eq!(scored(LatePolicy::Exclude), (2, 1, 0, 2 + 1), "on time (the reply at the due minute) only");
}
