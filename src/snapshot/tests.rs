//! Who sees what in a snapshot: every role against every visibility, with and
//! without post-first — the same table `db::visibility::VISIBLE` answers in SQL.

use super::*;
use crate::argument::tests::annotation;
use crate::domain::{Kind, Role};
use crate::text::Document;

const ANA: i64 = 1;
const BEN: i64 = 2;
const TEACHER: i64 = 9;

fn by(author_id: i64, n: u128, visibility: Visibility) -> Annotation {
    Annotation { author_id, visibility, ..annotation(n, Kind::Claim, &[]) }
}

/// A snapshot of a one-word reading holding `annotations`.
pub(super) fn snapshot(annotations: Vec<Annotation>, post_first: bool) -> Snapshot {
    let reading = Reading {
        id: 1,
        course_id: 1,
        title: "T".into(),
        author: String::new(),
        doc: Document { text: "text".into(), blocks: Vec::new() },
    };
    Snapshot::new(1, reading, annotations, Vec::new(), post_first)
}

fn seen(snapshot: &Snapshot, user_id: i64, role: Role) -> Vec<u128> {
    snapshot.visible_to(Viewer { user_id, role }).iter().map(|a| a.id.as_u128()).collect()
}

#[test]
fn each_role_sees_what_each_visibility_allows() {
    let all = vec![
        by(ANA, 1, Visibility::Class),
        by(ANA, 2, Visibility::Instructors),
        by(ANA, 3, Visibility::Private),
        by(TEACHER, 4, Visibility::Private),
    ];
    let s = snapshot(all, false);
    assert_eq!(seen(&s, ANA, Role::Student), [1, 2, 3]);
    assert_eq!(seen(&s, BEN, Role::Student), [1]);
    assert_eq!(seen(&s, TEACHER, Role::Instructor), [1, 2, 4]);
}

#[test]
fn under_post_first_a_student_sees_classmates_only_after_posting_something_not_private() {
    let mut all = vec![by(ANA, 1, Visibility::Class), by(BEN, 2, Visibility::Private)];
    let s = snapshot(all.clone(), true);
    assert_eq!(seen(&s, BEN, Role::Student), [2], "a private note is not a post");
    assert_eq!(seen(&s, ANA, Role::Student), [1], "authors always see their own");
    assert_eq!(seen(&s, TEACHER, Role::Instructor), [1], "instructors are unaffected");

    all.push(by(BEN, 3, Visibility::Instructors));
    let s = snapshot(all.clone(), true);
    assert_eq!(seen(&s, BEN, Role::Student), [1, 2, 3]);
    assert_eq!(seen(&snapshot(all, false), BEN, Role::Student), [1, 2, 3]);
}

#[test]
fn counting_by_index_agrees_with_the_argument_map() {
    use crate::argument::Counts;
    use crate::domain::Relation::{Rebuts, Supports};
    use Kind::{Claim, Counterargument, Note, Source};
    let with = |author_id, visibility, a: Annotation| Annotation { author_id, visibility, ..a };
    let all = vec![
        with(ANA, Visibility::Class, annotation(1, Claim, &[(1, Supports)])),
        with(ANA, Visibility::Private, annotation(2, Claim, &[])),
        with(BEN, Visibility::Class, annotation(3, Counterargument, &[(1, Rebuts), (1, Supports), (2, Rebuts)])),
        with(BEN, Visibility::Class, annotation(4, Source, &[(1, Supports), (9, Supports), (5, Supports)])),
        with(BEN, Visibility::Instructors, annotation(5, Note, &[(1, Supports)])),
        with(TEACHER, Visibility::Class, annotation(6, Source, &[(2, Supports), (3, Supports)])),
    ];
    for post_first in [false, true] {
        let s = snapshot(all.clone(), post_first);
        for (user_id, role) in
            [(ANA, Role::Student), (BEN, Role::Student), (TEACHER, Role::Instructor), (7, Role::Student)]
        {
            let viewer = Viewer { user_id, role };
            let expected = Counts::of(s.visible_to(viewer));
            assert_eq!(s.argument_counts(&s.mask_for(viewer)), expected, "{viewer:?}, post-first {post_first}");
        }
    }
}

#[test]
fn in_groups_a_student_sees_their_group_and_the_instructors_only() {
    use crate::domain::{Circles, Discussion};
    const CARA: i64 = 3;
    let all = vec![by(ANA, 1, Visibility::Class), by(CARA, 2, Visibility::Class), by(TEACHER, 3, Visibility::Class)];
    let circles = Circles {
        discussion: Discussion::Groups,
        instructors: [TEACHER].into(),
        groups_of: [(ANA, vec![1]), (BEN, vec![1]), (CARA, vec![2])].into(),
    };
    let s = snapshot(all, false).with_classroom(circles, crate::domain::Vocabulary::default());
    assert_eq!(seen(&s, BEN, Role::Student), [1, 3], "his group's and the instructor's");
    assert_eq!(seen(&s, CARA, Role::Student), [2, 3]);
    assert_eq!(seen(&s, 8, Role::Student), [3], "no group: the instructor's only");
    assert_eq!(seen(&s, TEACHER, Role::Instructor), [1, 2, 3]);
}
