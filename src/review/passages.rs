//! The passages of a reading worth an instructor's look: the most contested
//! claims, questions nobody answered, claims nothing supports. Pure.

use crate::domain::{Annotation, Kind, Relation};
use std::collections::HashSet;

/// A claim and how many counterarguments rebut it or overlap its passage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contested<'a> {
    pub claim: &'a Annotation,
    pub counterarguments: usize,
}

/// The claims with the most counterarguments (linked to them, or over the same
/// words), most first and then in text order; at most `limit`, none with zero.
#[must_use]
pub fn contested(annotations: &[Annotation], limit: usize) -> Vec<Contested<'_>> {
    let counters: Vec<&Annotation> = annotations.iter().filter(|a| a.kind == Kind::Counterargument).collect();
    let mut out: Vec<Contested<'_>> = annotations
        .iter()
        .filter(|a| a.kind == Kind::Claim)
        .map(|claim| {
            let counterarguments = counters
                .iter()
                .filter(|c| {
                    let linked = c.links.iter().any(|l| l.to == claim.id && l.relation == Relation::Rebuts);
                    let overlaps = c.position.start < claim.position.end && claim.position.start < c.position.end;
                    linked || overlaps
                })
                .count();
            Contested { claim, counterarguments }
        })
        .filter(|c| c.counterarguments > 0)
        .collect();
    // A stable sort keeps text order among equals.
    out.sort_by_key(|c| std::cmp::Reverse(c.counterarguments));
    out.truncate(limit);
    out
}

/// Questions with no replies that nobody marked answered, in text order.
#[must_use]
pub fn unanswered(annotations: &[Annotation]) -> Vec<&Annotation> {
    annotations.iter().filter(|a| a.kind == Kind::Question && a.reply_count == 0 && !a.answered).collect()
}

/// Claims that no source or claim supports, in text order.
#[must_use]
pub fn unsupported(annotations: &[Annotation]) -> Vec<&Annotation> {
    let supported: HashSet<_> =
        annotations.iter().flat_map(|a| &a.links).filter(|l| l.relation == Relation::Supports).map(|l| l.to).collect();
    annotations.iter().filter(|a| a.kind == Kind::Claim && !supported.contains(&a.id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Link, Visibility};
    use crate::text::anchor::{TextPosition, TextQuote};

    fn make(kind: Kind, start: usize, end: usize) -> Annotation {
        Annotation {
            id: uuid::Uuid::new_v4(),
            reading_id: 1,
            author_id: 1,
            author_name: String::new(),
            kind,
            comment: String::new(),
            citation: String::new(),
            tags: Vec::new(),
            visibility: Visibility::Class,
            position: TextPosition { start, end },
            quote: TextQuote::default(),
            created: chrono::DateTime::default(),
            modified: chrono::DateTime::default(),
            links: Vec::new(),
            reply_count: 0,
            late: false,
            orphaned: false,
            spotlight: false,
            answered: false,
        }
    }

    fn link(from: &mut Annotation, to: &Annotation, relation: Relation) {
        from.links.push(Link { from: from.id, to: to.id, relation });
    }

    #[test]
    fn claims_rank_by_counterarguments_linked_or_overlapping() {
        let quiet = make(Kind::Claim, 0, 5);
        let busy = make(Kind::Claim, 10, 20);
        let linked_only = make(Kind::Claim, 40, 45);
        let mut far = make(Kind::Counterargument, 50, 60);
        link(&mut far, &linked_only, Relation::Rebuts);
        let mut over = make(Kind::Counterargument, 15, 25);
        link(&mut over, &busy, Relation::Rebuts);
        let also_over = make(Kind::Counterargument, 19, 30);
        let touching = make(Kind::Counterargument, 5, 10);
        let all = vec![quiet, busy.clone(), linked_only.clone(), far, over, also_over, touching];
        let ranked: Vec<(uuid::Uuid, usize)> =
            contested(&all, 5).iter().map(|c| (c.claim.id, c.counterarguments)).collect();
        assert_eq!(ranked, vec![(busy.id, 2), (linked_only.id, 1)], "touching is not overlapping");
        assert_eq!(contested(&all, 1).len(), 1);
    }

    #[test]
    fn unanswered_questions_and_unsupported_claims_are_found() {
        let mut answered = make(Kind::Question, 0, 1);
        answered.reply_count = 1;
        let open = make(Kind::Question, 2, 3);
        let marked = Annotation { answered: true, ..make(Kind::Question, 3, 4) };
        let supported = make(Kind::Claim, 4, 5);
        let rebutted_only = make(Kind::Claim, 6, 7);
        let mut source = make(Kind::Source, 8, 9);
        link(&mut source, &supported, Relation::Supports);
        let mut counter = make(Kind::Counterargument, 10, 11);
        link(&mut counter, &rebutted_only, Relation::Rebuts);
        let all = vec![answered, open.clone(), marked, supported, rebutted_only.clone(), source, counter];
        assert_eq!(unanswered(&all).iter().map(|a| a.id).collect::<Vec<_>>(), vec![open.id]);
        assert_eq!(unsupported(&all).iter().map(|a| a.id).collect::<Vec<_>>(), vec![rebutted_only.id]);
    }
}
