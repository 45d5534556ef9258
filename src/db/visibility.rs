//! The visibility rule in SQL: [`VISIBLE`], the filter of the store's reads of
//! annotations, and its groups part [`GROUPS_RULE`]. The in-memory snapshot
//! applies the same rule in Rust (`Snapshot::allows`, which pages, the container, the map,
//! the review and live events ask through `snapshot::View`), and tests keep the two equal
//! (`tests/api/visibility.rs`, `tests/api/cached_pages.rs`).

/// The groups rule (`domain::Circles::allows` in Rust) for an author `a.author_id`
/// on reading `a.reading_id`, viewer `?1`, instructor `?2`: when the course's
/// discussion is in groups, a student sees another student's work only if they
/// share a group; the instructors' work is for everyone.
macro_rules! groups_rule {
    () => {
        "(?2 = 1 OR a.author_id = ?1
     OR NOT EXISTS (SELECT 1 FROM readings gr JOIN course_settings gs ON gs.course_id = gr.course_id
                    WHERE gr.id = a.reading_id AND gs.discussion = 'groups')
     OR EXISTS (SELECT 1 FROM readings gr JOIN memberships gm ON gm.course_id = gr.course_id
                WHERE gr.id = a.reading_id AND gm.user_id = a.author_id AND gm.role = 'instructor')
     OR EXISTS (SELECT 1 FROM readings gr JOIN course_groups gg ON gg.course_id = gr.course_id
                JOIN group_members mine ON mine.group_id = gg.id AND mine.user_id = ?1
                JOIN group_members theirs ON theirs.group_id = gg.id AND theirs.user_id = a.author_id
                WHERE gr.id = a.reading_id))"
    };
}

/// The visibility rule in SQL (`Viewer::can_see` in Rust), for an annotation
/// aliased `a`, with the viewer's id bound to `?1` and whether they are an
/// instructor to `?2` (bound as a bool: 0 or 1 on both backends, hence `?2 = 1`).
///
/// Two additions `can_see` cannot know, as they live in the store: when the course
/// has the `post_first` setting (`course_settings`), a student sees classmates'
/// annotations on a reading only once they have posted one of their own there
/// that is not private; and when its discussion is in groups, [`GROUPS_RULE`].
/// Authors always see their own; instructors are unaffected.
///
/// An orphan (an annotation whose passage was lost when the reading's text was
/// replaced) is seen by its author and the instructors only, within the rule above.
pub const VISIBLE: &str = concat!(
    "((a.author_id = ?1 OR ((a.visibility = 'class' OR (a.visibility = 'instructors' AND ?2 = 1))
    AND (?2 = 1 OR NOT EXISTS (SELECT 1 FROM readings vr JOIN course_settings vs ON vs.course_id = vr.course_id
                           WHERE vr.id = a.reading_id AND vs.post_first = 1)
         OR EXISTS (SELECT 1 FROM annotations va WHERE va.reading_id = a.reading_id AND va.author_id = ?1
                    AND va.visibility <> 'private'))
    AND ",
    groups_rule!(),
    "))
    AND (a.orphaned = 0 OR a.author_id = ?1 OR ?2 = 1))"
);

/// [`VISIBLE`]'s groups part alone (`domain::Circles::allows` in Rust).
pub const GROUPS_RULE: &str = groups_rule!();
