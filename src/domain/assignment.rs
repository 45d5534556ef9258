//! Assignments: a reading's due date, its optional opening date and its late
//! policy; what is late, what still counts toward the rubric, and how a due
//! date reads in the course's time zone. Pure.

use super::Invalid;
use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime, SubsecRound, TimeZone, Utc};
use std::fmt;
use std::str::FromStr;

/// What happens to work posted after the due date. It is always kept, shown
/// and marked late; the policy says only how the rubric scores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LatePolicy {
    /// Late work counts like any other.
    Count,
    /// Late work counts, and a score that includes some is flagged.
    #[default]
    Mark,
    /// Late work does not count toward the score.
    Exclude,
}

impl LatePolicy {
    pub const ALL: [LatePolicy; 3] = [LatePolicy::Count, LatePolicy::Mark, LatePolicy::Exclude];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            LatePolicy::Count => "count",
            LatePolicy::Mark => "mark",
            LatePolicy::Exclude => "exclude",
        }
    }

    /// The policy in words, for the settings form and the review.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            LatePolicy::Count => "Late work counts like any other",
            LatePolicy::Mark => "Late work counts, and scores that include it are flagged",
            LatePolicy::Exclude => "Late work is kept and shown but does not count toward the score",
        }
    }
}

impl FromStr for LatePolicy {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        LatePolicy::ALL.into_iter().find(|p| p.as_str() == s).ok_or_else(|| {
            Invalid::new("late_policy", format!("unknown late policy {s:?}; use count, mark or exclude"))
        })
    }
}

/// The earliest and latest dates an assignment may name: far enough for any
/// term, near enough that every stored time has the same text shape.
const EARLIEST_YEAR: i32 = 2000;
const LATEST_YEAR: i32 = 2200;
/// The most days a course copy may move its due dates, either way.
pub const MAX_SHIFT_DAYS: i64 = 3660;

/// A reading's due date, opening date and late policy, valid together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    due_at: DateTime<Utc>,
    opens_at: Option<DateTime<Utc>>,
    pub late_policy: LatePolicy,
}

fn in_range(field: &'static str, time: DateTime<Utc>) -> Result<DateTime<Utc>, Invalid> {
    use chrono::Datelike;
    if (EARLIEST_YEAR..=LATEST_YEAR).contains(&time.year()) {
        Ok(time.trunc_subsecs(3))
    } else {
        Err(Invalid::new(field, format!("must be a date from {EARLIEST_YEAR} to {LATEST_YEAR}")))
    }
}

/// An RFC 3339 date and time, such as `2026-12-04T17:00:00+01:00`.
pub fn parse_rfc3339(field: &'static str, value: &str) -> Result<DateTime<Utc>, Invalid> {
    let time = DateTime::parse_from_rfc3339(value.trim()).map_err(|_| {
        Invalid::new(field, format!("{value:?} is not an RFC 3339 date and time, such as 2026-12-04T17:00:00+01:00"))
    })?;
    in_range(field, time.with_timezone(&Utc))
}

impl Assignment {
    /// An assignment due at `due_at`, open from `opens_at` (which must come first).
    pub fn new(
        due_at: DateTime<Utc>,
        opens_at: Option<DateTime<Utc>>,
        late_policy: LatePolicy,
    ) -> Result<Self, Invalid> {
        let due_at = in_range("due_at", due_at)?;
        let opens_at = opens_at.map(|t| in_range("opens_at", t)).transpose()?;
        if opens_at.is_some_and(|opens| opens >= due_at) {
            return Err(Invalid::new("opens_at", "must come before the due date"));
        }
        Ok(Self { due_at, opens_at, late_policy })
    }

    /// From the API's fields: RFC 3339 times and a policy name.
    pub fn parse(due_at: &str, opens_at: Option<&str>, late_policy: &str) -> Result<Self, Invalid> {
        let due = parse_rfc3339("due_at", due_at)?;
        let opens = opens_at.filter(|v| !v.trim().is_empty()).map(|v| parse_rfc3339("opens_at", v)).transpose()?;
        Self::new(due, opens, late_policy.parse()?)
    }

    #[must_use]
    pub fn due_at(&self) -> DateTime<Utc> {
        self.due_at
    }

    #[must_use]
    pub fn opens_at(&self) -> Option<DateTime<Utc>> {
        self.opens_at
    }

    /// Whether work created at `created` is late.
    #[must_use]
    pub fn is_late(&self, created: DateTime<Utc>) -> bool {
        created > self.due_at
    }

    /// Whether work created at `created` counts toward the rubric score.
    #[must_use]
    pub fn counts(&self, created: DateTime<Utc>) -> bool {
        !(self.late_policy == LatePolicy::Exclude && self.is_late(created))
    }

    /// The same assignment `days` later (earlier when negative), for a course copied to another term.
    pub fn shifted(&self, days: i64) -> Result<Self, Invalid> {
        if days.unsigned_abs() > MAX_SHIFT_DAYS.unsigned_abs() {
            return Err(Invalid::new("shift_days", format!("must be from -{MAX_SHIFT_DAYS} to {MAX_SHIFT_DAYS}")));
        }
        let by = Duration::days(days);
        Self::new(self.due_at + by, self.opens_at.map(|t| t + by), self.late_policy)
            .map_err(|e| Invalid::new("shift_days", e.message))
    }

    /// Where the assignment stands at `now`, its dates read in `zone`.
    #[must_use]
    pub fn status(&self, now: DateTime<Utc>, zone: UtcOffset) -> DueStatus {
        match self.opens_at {
            Some(opens) if now < opens => DueStatus::Opens(zone.describe(opens, now)),
            _ if now <= self.due_at => DueStatus::Due(zone.describe(self.due_at, now)),
            _ if self.late_policy == LatePolicy::Exclude => DueStatus::Closed,
            _ => DueStatus::Overdue,
        }
    }
}

/// Where an assignment stands, as the course page says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DueStatus {
    /// Not open yet: when it opens.
    Opens(String),
    /// Open: when it is due.
    Due(String),
    /// Past its due date; late work still counts.
    Overdue,
    /// Past its due date; late work no longer counts.
    Closed,
}

impl DueStatus {
    /// A class name for the page: `opens`, `due`, `overdue` or `closed`.
    #[must_use]
    pub fn key(&self) -> &'static str {
        match self {
            DueStatus::Opens(_) => "opens",
            DueStatus::Due(_) => "due",
            DueStatus::Overdue => "overdue",
            DueStatus::Closed => "closed",
        }
    }
}

impl fmt::Display for DueStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DueStatus::Opens(when) => write!(f, "opens {when}"),
            DueStatus::Due(when) => write!(f, "due {when}"),
            DueStatus::Overdue => f.write_str("overdue"),
            DueStatus::Closed => f.write_str("closed"),
        }
    }
}

/// A course's time zone: a fixed offset from UTC (daylight saving time is not
/// followed: an instructor changes it with the clocks). Kept as a fixed offset
/// rather than an IANA name so that no time-zone database is built in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcOffset(FixedOffset);

/// The furthest a course's offset may be from UTC, in minutes.
pub const MAX_OFFSET_MINUTES: i32 = 18 * 60;

impl UtcOffset {
    pub const UTC: UtcOffset = UtcOffset(FixedOffset::east_opt(0).expect("zero is a valid offset"));

    /// The offset `minutes` east of UTC, within ±18 hours.
    pub fn from_minutes(minutes: i32) -> Result<Self, Invalid> {
        FixedOffset::east_opt(minutes * 60)
            .filter(|_| minutes.abs() <= MAX_OFFSET_MINUTES)
            .map(Self)
            .ok_or_else(|| Invalid::new("time_zone", "must be within 18 hours of UTC"))
    }

    /// The server's own offset now.
    #[must_use]
    pub fn local() -> Self {
        Self(*chrono::Local::now().offset())
    }

    /// An offset as people write it: `UTC`, `Z`, `+02:00`, `-0530`, `UTC+1`.
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let bad =
            || Invalid::new("time_zone", format!("{value:?} is not an offset from UTC, such as +01:00 or -05:00"));
        let v = value.trim();
        let v = v.strip_prefix("UTC").or_else(|| v.strip_prefix("GMT")).unwrap_or(v).trim();
        if v.is_empty() || v == "Z" {
            return Ok(Self::UTC);
        }
        let (sign, rest) = if let Some(rest) = v.strip_prefix('+') {
            (1, rest)
        } else if let Some(rest) = v.strip_prefix(['-', '\u{2212}']) {
            (-1, rest)
        } else {
            return Err(bad());
        };
        let (hours, minutes) = match rest.split_once(':') {
            Some((h, m)) => (h, m),
            None if rest.len() > 2 => rest.split_at_checked(rest.len() - 2).ok_or_else(bad)?,
            None => (rest, "0"),
        };
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit()) && (1..=2).contains(&s.len());
        if !digits(hours) || !digits(minutes) {
            return Err(bad());
        }
        let (hours, minutes): (i32, i32) = (hours.parse().map_err(|_| bad())?, minutes.parse().map_err(|_| bad())?);
        if minutes >= 60 {
            return Err(bad());
        }
        Self::from_minutes(sign * (hours * 60 + minutes))
    }

    #[must_use]
    pub fn minutes(self) -> i32 {
        self.0.local_minus_utc() / 60
    }

    /// `+01:00`, as the settings form shows it.
    #[must_use]
    pub fn as_text(self) -> String {
        let m = self.minutes();
        format!("{}{:02}:{:02}", if m < 0 { '-' } else { '+' }, m.abs() / 60, m.abs() % 60)
    }

    /// A time as a `datetime-local` input holds it, in this zone.
    #[must_use]
    pub fn input_value(self, time: DateTime<Utc>) -> String {
        time.with_timezone(&self.0).format("%Y-%m-%dT%H:%M").to_string()
    }

    /// A `datetime-local` input's value (`2026-12-04T17:00`), read in this zone.
    pub fn parse_input(self, field: &'static str, value: &str) -> Result<DateTime<Utc>, Invalid> {
        let value = value.trim();
        let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
            .map_err(|_| Invalid::new(field, format!("{value:?} is not a date and time, such as 2026-12-04T17:00")))?;
        let local = self.0.from_local_datetime(&naive).single().ok_or_else(|| Invalid::new(field, "no such time"))?;
        in_range(field, local.with_timezone(&Utc))
    }

    /// A time as the course page says it: a weekday in the coming week
    /// ("Friday 17:00"), else a date ("4 December 17:00", with the year when it is not this one's).
    #[must_use]
    pub fn describe(self, time: DateTime<Utc>, now: DateTime<Utc>) -> String {
        use chrono::Datelike;
        let (at, today) = (time.with_timezone(&self.0), now.with_timezone(&self.0));
        let days = at.date_naive().signed_duration_since(today.date_naive()).num_days();
        if days == 0 {
            at.format("today %H:%M").to_string()
        } else if (1..7).contains(&days) {
            at.format("%A %H:%M").to_string()
        } else if at.year() == today.year() {
            at.format("%-d %B %H:%M").to_string()
        } else {
            at.format("%-d %B %Y %H:%M").to_string()
        }
    }

    /// A time in full, in this zone: `2026-12-04 17:00 (UTC+01:00)`.
    #[must_use]
    pub fn full(self, time: DateTime<Utc>) -> String {
        format!("{} (UTC{})", time.with_timezone(&self.0).format("%Y-%m-%d %H:%M"), self.as_text())
    }
}

#[cfg(test)]
mod tests;
