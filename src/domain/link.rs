//! Typed links between annotations and the rules for which kinds may be linked.

use super::{AnnotationId, Kind};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// How one annotation bears on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// A counterargument (or an opposing source) against a claim.
    Rebuts,
    /// A source or a premise for a claim.
    Supports,
}

impl Relation {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Rebuts => "rebuts",
            Relation::Supports => "supports",
        }
    }

    /// The relation a link from `from` to `to` has, given what the client stated.
    ///
    /// counterargument → claim rebuts; source → claim supports (or rebuts, when
    /// stated); claim → claim supports. Anything else does not fit.
    pub fn for_kinds(from: Kind, to: Kind, stated: Option<Relation>) -> Result<Relation, LinkError> {
        let allowed: &[Relation] = match (from, to) {
            (Kind::Counterargument, Kind::Claim) => &[Relation::Rebuts],
            (Kind::Source, Kind::Claim) => &[Relation::Supports, Relation::Rebuts],
            (Kind::Claim, Kind::Claim) => &[Relation::Supports],
            _ => return Err(LinkError::KindsDoNotFit { from, to }),
        };
        match stated {
            None => Ok(allowed[0]),
            Some(relation) if allowed.contains(&relation) => Ok(relation),
            Some(relation) => Err(LinkError::RelationDoesNotFit { from, to, relation }),
        }
    }
}

impl FromStr for Relation {
    type Err = LinkError;
    fn from_str(s: &str) -> Result<Self, LinkError> {
        match s {
            "rebuts" | "opposes" => Ok(Relation::Rebuts),
            "supports" => Ok(Relation::Supports),
            _ => Err(LinkError::UnknownRelation(s.to_owned())),
        }
    }
}

/// A link as readers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub from: AnnotationId,
    pub to: AnnotationId,
    pub relation: Relation,
}

/// Why a link is refused. The messages are shown to users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error(
        "a {from} cannot be linked to a {to}: link a counterargument to a claim, a source to a claim, or a claim to a claim"
    )]
    KindsDoNotFit { from: Kind, to: Kind },
    #[error("a {from} cannot {} a {to}", relation.as_str().trim_end_matches('s'))]
    RelationDoesNotFit { from: Kind, to: Kind, relation: Relation },
    #[error("unknown relation {0:?}; use rebuts or supports")]
    UnknownRelation(String),
    #[error("an annotation cannot be linked to itself")]
    SelfLink,
    #[error("the linked annotation was not found in this reading")]
    NotFound,
    #[error("this link would make a cycle of supports")]
    Cycle,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_follow_from_the_kinds() {
        use Kind::*;
        let cases = [
            (Counterargument, Claim, None, Ok(Relation::Rebuts)),
            (Source, Claim, None, Ok(Relation::Supports)),
            (Source, Claim, Some(Relation::Rebuts), Ok(Relation::Rebuts)),
            (Claim, Claim, None, Ok(Relation::Supports)),
            (Counterargument, Claim, Some(Relation::Supports), Err(())),
            (Claim, Claim, Some(Relation::Rebuts), Err(())),
            (Question, Claim, None, Err(())),
            (Note, Claim, None, Err(())),
            (Counterargument, Source, None, Err(())),
            (Claim, Counterargument, None, Err(())),
        ];
        for (from, to, stated, expected) in cases {
            let got = Relation::for_kinds(from, to, stated).map_err(|_| ());
            assert_eq!(got, expected, "{from} -> {to} stated {stated:?}");
        }
    }
}
