use super::*;

fn at(text: &str) -> DateTime<Utc> {
    parse_rfc3339("t", text).unwrap_or_default()
}

#[test]
fn work_is_late_only_after_the_due_date_and_counts_unless_excluded() {
    let due = at("2026-12-04T17:00:00Z");
    for policy in LatePolicy::ALL {
        let a = Assignment::new(due, None, policy).expect("valid");
        assert!(!a.is_late(due), "on the minute is on time");
        assert!(a.is_late(due + Duration::milliseconds(1)));
        assert!(a.counts(due));
        assert_eq!(a.counts(due + Duration::seconds(1)), policy != LatePolicy::Exclude, "{policy:?}");
    }
}

#[test]
fn assignments_parse_rfc3339_and_refuse_bad_dates_and_orders() {
    let a = Assignment::parse("2026-12-04T18:00:00+01:00", Some("2026-12-01T09:00:00Z"), "exclude").expect("valid");
    assert_eq!(a.due_at(), at("2026-12-04T17:00:00Z"));
    assert_eq!(a.late_policy, LatePolicy::Exclude);
    for (due, opens, policy, field) in [
        ("Friday", None, "mark", "due_at"),
        ("2026-12-04", None, "mark", "due_at"),
        ("2026-12-04T17:00:00Z", Some("soon"), "mark", "opens_at"),
        ("2026-12-04T17:00:00Z", Some("2026-12-05T00:00:00Z"), "mark", "opens_at"),
        ("2026-12-04T17:00:00Z", None, "sometimes", "late_policy"),
        ("1999-12-31T23:00:00Z", None, "mark", "due_at"),
        ("9999-12-31T23:00:00Z", None, "mark", "due_at"),
    ] {
        assert_eq!(Assignment::parse(due, opens, policy).map_err(|e| e.field), Err(field), "{due} {opens:?} {policy}");
    }
}

#[test]
fn shifting_moves_both_dates_and_refuses_too_far() {
    let a = Assignment::parse("2026-12-04T17:00:00Z", Some("2026-12-01T09:00:00Z"), "mark").expect("valid");
    let b = a.shifted(7 * 15).expect("shifted");
    assert_eq!(b.due_at(), at("2027-03-19T17:00:00Z"));
    assert_eq!(b.opens_at(), Some(at("2027-03-16T09:00:00Z")));
    assert!(a.shifted(MAX_SHIFT_DAYS + 1).is_err());
}

#[test]
fn status_reads_in_the_course_time_zone() {
    let zone = UtcOffset::parse("+01:00").expect("zone");
    let a = Assignment::parse("2026-12-04T16:00:00Z", Some("2026-11-30T08:00:00Z"), "mark").expect("valid");
    // Wednesday 2 December 2026.
    let now = at("2026-12-02T10:00:00Z");
    assert_eq!(a.status(now, zone).to_string(), "due Friday 17:00");
    assert_eq!(a.status(at("2026-11-29T10:00:00Z"), zone).to_string(), "opens Monday 09:00");
    assert_eq!(a.status(at("2026-12-04T16:00:00Z"), zone).to_string(), "due today 17:00");
    assert_eq!(a.status(at("2026-12-04T16:00:01Z"), zone), DueStatus::Overdue);
    let closed = Assignment { late_policy: LatePolicy::Exclude, ..a };
    assert_eq!(closed.status(at("2026-12-05T00:00:00Z"), zone), DueStatus::Closed);
    assert_eq!(a.status(at("2026-10-01T00:00:00Z"), UtcOffset::UTC).to_string(), "opens 30 November 08:00");
    assert_eq!(a.status(at("2025-10-01T00:00:00Z"), UtcOffset::UTC).to_string(), "opens 30 November 2026 08:00");
}

#[test]
fn offsets_parse_as_people_write_them() {
    for (text, minutes) in [("UTC", 0), ("Z", 0), ("+02:00", 120), ("-0530", -330), ("UTC+1", 60), ("−03:30", -210)] {
        assert_eq!(UtcOffset::parse(text).map(UtcOffset::minutes), Ok(minutes), "{text}");
    }
    for bad in ["+19:00", "Europe/Paris", "+1:75", "+", "2"] {
        assert!(UtcOffset::parse(bad).is_err(), "{bad}");
    }
    let zone = UtcOffset::parse("-05:00").expect("zone");
    assert_eq!(zone.as_text(), "-05:00");
    let due = zone.parse_input("due_at", "2026-12-04T17:00").expect("input");
    assert_eq!(due, at("2026-12-04T22:00:00Z"));
    assert_eq!(zone.input_value(due), "2026-12-04T17:00");
    assert!(zone.parse_input("due_at", "next week").is_err());
}
