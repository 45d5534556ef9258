//! A class's annotations, made up from a fixed seed, for the benchmarks that need many.

use chrono::Utc;
use counterpoint::domain::{Annotation, Kind, Link, Relation, Visibility};
use counterpoint::text::anchor::{TextPosition, TextQuote};
use uuid::Uuid;

/// `n` annotations: four in ten claims, the rest sources and counterarguments,
/// each linked (with a fixed-seed choice) to an earlier claim, most of the time.
pub fn class_annotations(n: u64) -> Vec<Annotation> {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut claims: Vec<Uuid> = Vec::new();
    let mut out = Vec::new();
    for i in 0..n {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let kind = match seed % 10 {
            0..=3 => Kind::Claim,
            4..=6 => Kind::Source,
            _ => Kind::Counterargument,
        };
        let id = Uuid::from_u64_pair(0, i + 1);
        let mut links = Vec::new();
        if !claims.is_empty() && seed % 7 != 0 {
            let to = claims[usize::try_from((seed >> 20) % claims.len() as u64).unwrap_or(0)];
            let relation = if kind == Kind::Counterargument { Relation::Rebuts } else { Relation::Supports };
            links.push(Link { from: id, to, relation });
        }
        if kind == Kind::Claim {
            claims.push(id);
        }
        let start = usize::try_from(i).unwrap_or(0) * 10;
        out.push(Annotation {
            id,
            reading_id: 1,
            author_id: 1,
            author_name: "Ana".into(),
            kind,
            comment: String::new(),
            citation: String::new(),
            tags: Vec::new(),
            visibility: Visibility::Class,
            position: TextPosition { start, end: start + 8 },
            quote: TextQuote {
                exact: format!("passage number {i} of the reading"),
                prefix: String::new(),
                suffix: String::new(),
            },
            created: Utc::now(),
            modified: Utc::now(),
            links,
            reply_count: 0,
            late: false,
            orphaned: false,
            spotlight: false,
            answered: false,
        });
    }
    out
}
