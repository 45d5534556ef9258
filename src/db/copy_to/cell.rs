//! One value on its way from SQLite to PostgreSQL: read from either side as the
//! PostgreSQL column's kind, bound into an insert, and folded into a table's digest.

use sha2::{Digest as _, Sha256};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::SqliteRow;
use sqlx::{Arguments as _, Row as _, TypeInfo as _, ValueRef as _};

/// What a PostgreSQL column holds, of the types the schema uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `bigint`: ids, counts, 0/1 flags.
    Integer,
    /// `double precision`.
    Real,
    /// `text`: names, RFC 3339 times, JSON.
    Text,
    /// `bytea`: an original file, the storage probe.
    Bytes,
}

impl Kind {
    /// The kind of a column of `data_type` (as `information_schema.columns` names it).
    pub(super) fn from_postgres(data_type: &str) -> Option<Self> {
        match data_type {
            "bigint" => Some(Self::Integer),
            "double precision" => Some(Self::Real),
            "text" => Some(Self::Text),
            "bytea" => Some(Self::Bytes),
            _ => None,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Integer => "bigint",
            Self::Real => "double precision",
            Self::Text => "text",
            Self::Bytes => "bytea",
        }
    }
}

/// One value of one row.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Cell {
    /// Column `i` of an SQLite row as a value of `kind`. SQLite keeps each value's own
    /// storage class whatever the column says; only lossless readings are taken (an
    /// integer as a real, text as bytes), anything else is refused with what was found.
    pub(super) fn from_sqlite(row: &SqliteRow, i: usize, kind: Kind) -> Result<Self, String> {
        let raw = row.try_get_raw(i).map_err(|e| e.to_string())?;
        if raw.is_null() {
            return Ok(Self::Null);
        }
        let class = raw.type_info().name().to_owned();
        let decoded = match (class.as_str(), kind) {
            ("INTEGER", Kind::Integer) => row.try_get_unchecked(i).map(Self::Integer),
            ("INTEGER", Kind::Real) => row.try_get_unchecked::<i64, _>(i).and_then(|v| exact_real(v).map(Self::Real)),
            ("REAL", Kind::Real) => row.try_get_unchecked(i).map(Self::Real),
            ("TEXT", Kind::Text) => row.try_get_unchecked(i).map(Self::Text),
            ("BLOB", Kind::Bytes) => row.try_get_unchecked(i).map(Self::Bytes),
            ("TEXT", Kind::Bytes) => row.try_get_unchecked::<String, _>(i).map(|t| Self::Bytes(t.into_bytes())),
            _ => return Err(format!("an SQLite {class} value where PostgreSQL's column is {}", kind.name())),
        };
        decoded.map_err(|e| e.to_string())
    }

    /// Column `i` of a PostgreSQL row of `kind`.
    pub(super) fn from_postgres(row: &PgRow, i: usize, kind: Kind) -> sqlx::Result<Self> {
        Ok(match kind {
            Kind::Integer => row.try_get::<Option<i64>, _>(i)?.map_or(Self::Null, Self::Integer),
            Kind::Real => row.try_get::<Option<f64>, _>(i)?.map_or(Self::Null, Self::Real),
            Kind::Text => row.try_get::<Option<String>, _>(i)?.map_or(Self::Null, Self::Text),
            Kind::Bytes => row.try_get::<Option<Vec<u8>>, _>(i)?.map_or(Self::Null, Self::Bytes),
        })
    }

    /// Binds the value as a parameter of `kind`: PostgreSQL types every parameter, a `NULL` too.
    pub(super) fn bind(self, kind: Kind, args: &mut PgArguments) -> sqlx::Result<()> {
        match (self, kind) {
            (Self::Integer(v), _) => args.add(v),
            (Self::Real(v), _) => args.add(v),
            (Self::Text(v), _) => args.add(v),
            (Self::Bytes(v), _) => args.add(v),
            (Self::Null, Kind::Integer) => args.add(None::<i64>),
            (Self::Null, Kind::Real) => args.add(None::<f64>),
            (Self::Null, Kind::Text) => args.add(None::<String>),
            (Self::Null, Kind::Bytes) => args.add(None::<Vec<u8>>),
        }
        .map_err(sqlx::Error::Encode)
    }

    /// About how many bytes the value takes, to keep a batch of rows small.
    pub(super) fn size(&self) -> usize {
        match self {
            Self::Text(t) => t.len(),
            Self::Bytes(b) => b.len(),
            Self::Null | Self::Integer(_) | Self::Real(_) => 8,
        }
    }
}

/// An integer as a double, only when the double holds it exactly.
fn exact_real(v: i64) -> sqlx::Result<f64> {
    const EXACT: i64 = 1 << 53;
    if (-EXACT..=EXACT).contains(&v) {
        #[allow(clippy::cast_precision_loss)] // checked just above: every integer in ±2^53 is exact
        Ok(v as f64)
    } else {
        Err(sqlx::Error::Decode(format!("the integer {v} has no exact double").into()))
    }
}

/// A table's rows, counted and hashed in key order: SHA-256 over each value's kind
/// tag, length where it varies, and bytes, so two tables hash alike only when every
/// row holds the same values in the same order.
#[derive(Debug, Default)]
pub(super) struct Digest {
    hasher: Sha256,
    rows: u64,
}

impl Digest {
    pub(super) fn row(&mut self, cells: &[Cell]) {
        self.rows += 1;
        for cell in cells {
            match cell {
                Cell::Null => self.hasher.update([0]),
                Cell::Integer(v) => {
                    self.hasher.update([1]);
                    self.hasher.update(v.to_be_bytes());
                }
                Cell::Real(v) => {
                    self.hasher.update([2]);
                    self.hasher.update(v.to_bits().to_be_bytes());
                }
                Cell::Text(t) => self.bytes(3, t.as_bytes()),
                Cell::Bytes(b) => self.bytes(4, b),
            }
        }
    }

    /// Rows so far.
    pub(super) fn rows(&self) -> u64 {
        self.rows
    }

    fn bytes(&mut self, tag: u8, bytes: &[u8]) {
        self.hasher.update([tag]);
        self.hasher.update((bytes.len() as u64).to_be_bytes());
        self.hasher.update(bytes);
    }

    /// How many rows, and their hash.
    pub(super) fn finish(self) -> (u64, [u8; 32]) {
        (self.rows, self.hasher.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::{Cell, Digest};

    fn digest(rows: &[&[Cell]]) -> (u64, [u8; 32]) {
        let mut digest = Digest::default();
        for row in rows {
            digest.row(row);
        }
        digest.finish()
    }

    #[test]
    fn the_digest_tells_apart_values_that_read_alike_as_text() {
        let a = digest(&[&[Cell::Text("ab".into()), Cell::Text("c".into())]]);
        let b = digest(&[&[Cell::Text("a".into()), Cell::Text("bc".into())]]);
        let c = digest(&[&[Cell::Bytes(b"ab".to_vec()), Cell::Text("c".into())]]);
        let d = digest(&[&[Cell::Integer(0), Cell::Text("c".into())]]);
        let e = digest(&[&[Cell::Null, Cell::Text("c".into())]]);
        let all = [a, b, c, d, e];
        for (i, x) in all.iter().enumerate() {
            for y in &all[i + 1..] {
                assert_ne!(x, y);
            }
        }
    }

    #[test]
    fn the_digest_follows_row_order() {
        let one = [Cell::Integer(1)];
        let two = [Cell::Integer(2)];
        assert_ne!(digest(&[&one, &two]), digest(&[&two, &one]));
        assert_eq!(digest(&[&one, &two]), digest(&[&one, &two]));
    }
}
