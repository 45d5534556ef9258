//! The class heatmap: how many distinct students highlighted each stretch of a
//! reading, as maximal segments with a count. Pure.
//!
//! A student who highlights the same words twice still counts once, so each
//! student's ranges are first merged into their union; the unions are then swept
//! together. O(k log k) for k ranges.

/// A range one student highlighted; `student` is any key that tells students apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StudentRange {
    pub student: i64,
    pub start: usize,
    pub end: usize,
}

/// A maximal stretch `start..end` that the same number of distinct students (at least one) highlighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
    pub students: usize,
}

/// The segments, in text order, disjoint; two that touch have different counts.
/// Empty and reversed ranges are ignored.
#[must_use]
pub fn segments(ranges: &[StudentRange]) -> Vec<Segment> {
    let mut sorted: Vec<StudentRange> = ranges.iter().copied().filter(|r| r.start < r.end).collect();
    sorted.sort_unstable_by_key(|r| (r.student, r.start, r.end));
    // Each student's union: sorted by start, so a range either extends the last one or starts anew.
    let mut unions: Vec<(i64, usize, usize)> = Vec::with_capacity(sorted.len());
    for r in sorted {
        match unions.last_mut() {
            Some(last) if last.0 == r.student && r.start <= last.2 => last.2 = last.2.max(r.end),
            _ => unions.push((r.student, r.start, r.end)),
        }
    }
    // +1 where a union starts, -1 where it ends; ends sort before starts at the same place.
    let mut events: Vec<(usize, i8)> = unions.iter().flat_map(|&(_, s, e)| [(s, 1), (e, -1)]).collect();
    events.sort_unstable();
    let mut out: Vec<Segment> = Vec::new();
    let mut active = 0usize;
    let mut at = 0usize;
    for (position, delta) in events {
        if active > 0 && position > at {
            push(&mut out, Segment { start: at, end: position, students: active });
        }
        active = if delta > 0 { active + 1 } else { active.saturating_sub(1) };
        at = position;
    }
    out
}

/// Appends a segment, extending the last one instead when it touches it with the same count.
fn push(out: &mut Vec<Segment>, segment: Segment) {
    match out.last_mut() {
        Some(last) if last.end == segment.start && last.students == segment.students => last.end = segment.end,
        _ => out.push(segment),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn r(student: i64, start: usize, end: usize) -> StudentRange {
        StudentRange { student, start, end }
    }

    fn s(start: usize, end: usize, students: usize) -> Segment {
        Segment { start, end, students }
    }

    #[test]
    fn overlapping_students_stack_and_one_student_counts_once() {
        let ranges = [r(1, 0, 10), r(1, 5, 15), r(2, 8, 12), r(1, 8, 9)];
        assert_eq!(segments(&ranges), vec![s(0, 8, 1), s(8, 12, 2), s(12, 15, 1)]);
    }

    #[test]
    fn touching_ranges_of_different_students_make_one_segment() {
        assert_eq!(segments(&[r(1, 0, 5), r(2, 5, 9)]), vec![s(0, 9, 1)]);
        assert_eq!(segments(&[r(1, 0, 5), r(1, 5, 9)]), vec![s(0, 9, 1)]);
    }

    #[test]
    fn gaps_empty_and_reversed_ranges_leave_no_segment() {
        assert_eq!(segments(&[r(1, 0, 2), r(2, 4, 6), r(3, 7, 7), r(3, 9, 8)]), vec![s(0, 2, 1), s(4, 6, 1)]);
        assert!(segments(&[]).is_empty());
    }

    /// Distinct students over each position, the slow and obvious way.
    fn naive(ranges: &[StudentRange], len: usize) -> Vec<usize> {
        (0..len)
            .map(|p| {
                ranges.iter().filter(|r| r.start <= p && p < r.end).map(|r| r.student).collect::<HashSet<_>>().len()
            })
            .collect()
    }

    proptest! {
        #[test]
        fn segments_are_the_maximal_runs_of_distinct_student_counts(
            ranges in prop::collection::vec((0i64..5, 0usize..60, 0usize..25), 0..30)
        ) {
            let ranges: Vec<StudentRange> = ranges.into_iter().map(|(who, start, len)| r(who, start, start + len)).collect();
            let out = segments(&ranges);
            let mut expected = naive(&ranges, 100);
            for window in out.windows(2) {
                prop_assert!(window[0].end <= window[1].start, "in order and disjoint");
                if window[0].end == window[1].start {
                    prop_assert_ne!(window[0].students, window[1].students, "maximal");
                }
            }
            for seg in &out {
                prop_assert!(seg.start < seg.end && seg.students > 0);
                for (p, count) in expected.iter_mut().enumerate().take(seg.end).skip(seg.start) {
                    prop_assert_eq!(*count, seg.students, "count at {}", p);
                    *count = 0;
                }
            }
            prop_assert!(expected.iter().all(|&n| n == 0), "every highlighted position is covered");
        }
    }
}
