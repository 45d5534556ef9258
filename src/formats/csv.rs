//! CSV out, for spreadsheets and gradebooks: one row per annotation, or one row
//! per student. Pure.
//!
//! Written here rather than with the `csv` crate: writing is the easy half of
//! RFC 4180 (quote a cell that holds a comma, quote or line break; double its
//! quotes), and the half that matters for safety — neutralising cells a
//! spreadsheet would run as formulas — is ours to do either way.

use crate::domain::{Annotation, Kind};
use chrono::SecondsFormat;

/// Characters that make a spreadsheet read a cell as a formula (or shift it into one).
const FORMULA_PREFIXES: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The columns of the annotations CSV.
/// `late` is `true` for work created after its reading's due date, else empty.
pub const ANNOTATION_COLUMNS: [&str; 12] = [
    "id",
    "reading",
    "author",
    "kind",
    "quote",
    "comment",
    "citation",
    "visibility",
    "links",
    "created",
    "replies",
    "late",
];

/// The columns of the gradebook CSV; `late` counts annotations and replies created after their due dates.
pub const GRADEBOOK_COLUMNS: [&str; 12] = [
    "student",
    "email",
    "claims",
    "counterarguments",
    "sources",
    "questions",
    "notes",
    "replies",
    "words",
    "last_activity",
    "score",
    "late",
];

/// One student's line in the gradebook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradebookRow<'a> {
    pub name: &'a str,
    pub email: &'a str,
    /// Annotations by kind, in the order of [`Kind::ALL`].
    pub kinds: [usize; 5],
    pub replies: usize,
    pub words: usize,
    pub last_activity: String,
    pub score: u64,
    /// Annotations and replies created after their reading's due date.
    pub late: usize,
}

/// The annotations, each with the title of its reading, one row each after a header.
#[must_use]
pub fn annotations<'a>(items: impl IntoIterator<Item = (&'a str, &'a Annotation)>) -> String {
    let mut out = String::new();
    record(&mut out, ANNOTATION_COLUMNS);
    for (reading, a) in items {
        let links: Vec<String> = a.links.iter().map(|l| format!("{} {}", l.relation.as_str(), l.to)).collect();
        record(
            &mut out,
            [
                a.id.to_string().as_str(),
                reading,
                &a.author_name,
                a.kind.as_str(),
                &a.quote.exact,
                &a.comment,
                &a.citation,
                a.visibility.as_str(),
                &links.join("; "),
                &a.created.to_rfc3339_opts(SecondsFormat::Secs, true),
                &a.reply_count.to_string(),
                if a.late { "true" } else { "" },
            ],
        );
    }
    out
}

/// The gradebook: one row per student after a header.
#[must_use]
pub fn gradebook(rows: &[GradebookRow<'_>]) -> String {
    debug_assert_eq!(Kind::ALL.len(), 5);
    let mut out = String::new();
    record(&mut out, GRADEBOOK_COLUMNS);
    for row in rows {
        let numbers: Vec<String> =
            row.kinds.iter().chain([&row.replies, &row.words]).map(ToString::to_string).collect();
        let mut cells: Vec<&str> = vec![row.name, row.email];
        cells.extend(numbers.iter().map(String::as_str));
        let (score, late) = (row.score.to_string(), row.late.to_string());
        cells.extend([row.last_activity.as_str(), score.as_str(), late.as_str()]);
        record(&mut out, cells);
    }
    out
}

/// Appends one record and its CRLF line ending (RFC 4180).
fn record<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, value) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        cell(out, value);
    }
    out.push_str("\r\n");
}

/// Appends one cell: neutralised against formulas, quoted when it must be.
fn cell(out: &mut String, value: &str) {
    let neutral = value.starts_with(FORMULA_PREFIXES);
    if neutral || value.contains([',', '"', '\n', '\r']) || value.trim() != value {
        out.push('"');
        if neutral {
            out.push('\'');
        }
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(value: &str) -> String {
        let mut out = String::new();
        cell(&mut out, value);
        out
    }

    #[test]
    fn cells_are_quoted_only_when_they_must_be() {
        assert_eq!(one("plain words"), "plain words");
        assert_eq!(one("a, b"), "\"a, b\"");
        assert_eq!(one("say \"no\""), "\"say \"\"no\"\"\"");
        assert_eq!(one("two\nlines"), "\"two\nlines\"");
        assert_eq!(one(""), "");
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised() {
        for (value, expected) in [
            ("=SUM(A1:A9)", "\"'=SUM(A1:A9)\""),
            ("+1", "\"'+1\""),
            ("-2+3", "\"'-2+3\""),
            ("@cmd", "\"'@cmd\""),
            ("\tx", "\"'\tx\""),
            ("\r=1", "\"'\r=1\""),
            ("=\"a\",b", "\"'=\"\"a\"\",b\""),
        ] {
            assert_eq!(one(value), expected, "{value:?}");
        }
        assert_eq!(one("1 = 1"), "1 = 1", "only a leading sign is a formula");
    }

    #[test]
    fn the_gradebook_has_a_header_and_a_row_per_student() {
        let row = GradebookRow {
            name: "Ana, B.",
            email: "ana@example.org",
            kinds: [1, 2, 3, 4, 5],
            replies: 6,
            words: 7,
            last_activity: String::new(),
            score: 8,
            late: 9,
        };
        let csv = gradebook(&[row]);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], GRADEBOOK_COLUMNS.join(","));
        assert_eq!(lines[1], "\"Ana, B.\",ana@example.org,1,2,3,4,5,6,7,,8,9");
        assert_eq!(lines.len(), 3, "ends with a line break");
    }
}
