//! CSV out, for spreadsheets and gradebooks: one row per annotation, or one row
//! per student. Pure.
//!
//! Written with `csv::Writer`, which does RFC 4180 (CRLF line endings; a cell
//! quoted when it holds a comma, a quote or a line break, its quotes doubled).
//! The half that matters for safety is ours: a cell a spreadsheet would run as
//! a formula gets a leading `'`, which makes it text.

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
pub fn annotations<'a>(items: impl IntoIterator<Item = (&'a str, &'a Annotation)>) -> anyhow::Result<String> {
    let mut out = writer();
    record(&mut out, ANNOTATION_COLUMNS)?;
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
        )?;
    }
    finish(out)
}

/// The gradebook: one row per student after a header.
pub fn gradebook(rows: &[GradebookRow<'_>]) -> anyhow::Result<String> {
    debug_assert_eq!(Kind::ALL.len(), 5);
    let mut out = writer();
    record(&mut out, GRADEBOOK_COLUMNS)?;
    for row in rows {
        let numbers: Vec<String> =
            row.kinds.iter().chain([&row.replies, &row.words]).map(ToString::to_string).collect();
        let mut cells: Vec<&str> = vec![row.name, row.email];
        cells.extend(numbers.iter().map(String::as_str));
        let (score, late) = (row.score.to_string(), row.late.to_string());
        cells.extend([row.last_activity.as_str(), score.as_str(), late.as_str()]);
        record(&mut out, cells)?;
    }
    finish(out)
}

/// A writer of RFC 4180 records (CRLF line endings) into memory.
fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new())
}

/// The text written (writing to memory cannot fail; the cells were text).
fn finish(out: csv::Writer<Vec<u8>>) -> anyhow::Result<String> {
    let bytes = out.into_inner().map_err(|e| anyhow::anyhow!("cannot finish the CSV: {}", e.error()))?;
    Ok(String::from_utf8(bytes)?)
}

/// Writes one record, each cell neutralised against formulas.
fn record<'a>(out: &mut csv::Writer<Vec<u8>>, cells: impl IntoIterator<Item = &'a str>) -> csv::Result<()> {
    for value in cells {
        out.write_field(neutral(value).as_bytes())?;
    }
    out.write_record(None::<&[u8]>)
}

/// The cell as a spreadsheet may show it: with a leading `'` when it would start a formula.
fn neutral(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(FORMULA_PREFIXES) { format!("'{value}").into() } else { value.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One record as written, without its line ending.
    fn row(cells: &[&str]) -> String {
        let mut out = writer();
        record(&mut out, cells.iter().copied()).expect("written");
        finish(out).expect("text").strip_suffix("\r\n").expect("a CRLF line ending").to_owned()
    }

    /// The cells of `written`, read back by the crate's reader.
    fn read_back(written: &str) -> Vec<String> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(written.as_bytes());
        reader.records().next().expect("a record").expect("valid").iter().map(str::to_owned).collect()
    }

    #[test]
    fn cells_are_quoted_only_when_they_must_be() {
        assert_eq!(row(&["plain words", ""]), "plain words,");
        assert_eq!(row(&["a, b"]), "\"a, b\"");
        assert_eq!(row(&["say \"no\""]), "\"say \"\"no\"\"\"");
        assert_eq!(row(&["two\nlines"]), "\"two\nlines\"");
        assert_eq!(row(&[" edged "]), " edged ");
        assert_eq!(read_back(&row(&["two\r\nlines", " edged "])), ["two\r\nlines", " edged "]);
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised() {
        for (value, expected) in [
            ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("\r=1", "\"'\r=1\""),
            ("=\"a\",b", "\"'=\"\"a\"\",b\""),
        ] {
            let written = row(&[value]);
            assert_eq!(written, expected, "{value:?}");
            assert_eq!(read_back(&written), [format!("'{value}")], "{value:?} reads back as text");
        }
        assert_eq!(row(&["1 = 1"]), "1 = 1", "only a leading sign is a formula");
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
        let csv = gradebook(&[row]).expect("written");
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], GRADEBOOK_COLUMNS.join(","));
        assert_eq!(lines[1], "\"Ana, B.\",ana@example.org,1,2,3,4,5,6,7,,8,9");
        assert_eq!(lines.len(), 3, "ends with a line break");
    }
}
