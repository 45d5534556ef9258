//! Annotations: their kind, visibility, comment and tags, and the validated
//! value a new one is made from.

use super::{Invalid, Link, check_length};
use crate::text::anchor::{TextPosition, TextQuote};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// What a highlighted passage is, in the reading's argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Claim,
    Counterargument,
    Source,
    Question,
    Note,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Claim, Kind::Counterargument, Kind::Source, Kind::Question, Kind::Note];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Claim => "claim",
            Kind::Counterargument => "counterargument",
            Kind::Source => "source",
            Kind::Question => "question",
            Kind::Note => "note",
        }
    }

    /// The label shown to people.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Kind::Claim => "Claim",
            Kind::Counterargument => "Counterargument",
            Kind::Source => "Source",
            Kind::Question => "Question",
            Kind::Note => "Note",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            Invalid::new("kind", format!("unknown kind {s:?}; use claim, counterargument, source, question or note"))
        })
    }
}

/// Who may see an annotation besides its author.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// The author only.
    Private,
    /// The author and the course's instructors.
    Instructors,
    /// Every member of the course.
    #[default]
    Class,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [Visibility::Private, Visibility::Instructors, Visibility::Class];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Instructors => "instructors",
            Visibility::Class => "class",
        }
    }

    /// The label shown to people.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Visibility::Private => "Only me",
            Visibility::Instructors => "Me and instructors",
            Visibility::Class => "Whole class",
        }
    }
}

impl FromStr for Visibility {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Visibility::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
            Invalid::new("visibility", format!("unknown visibility {s:?}; use private, instructors or class"))
        })
    }
}

/// An annotation's public id.
pub type AnnotationId = Uuid;

/// A comment: plain text (rendered escaped), at most [`Comment::MAX_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Comment(String);

impl Comment {
    pub const MAX_CHARS: usize = 10_000;

    pub fn parse(field: &'static str, value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        check_length(field, value, Self::MAX_CHARS)?;
        Ok(Self(value.to_owned()))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Tags: short labels, at most [`Tags::MAX`] of them, deduplicated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tags(Vec<String>);

impl Tags {
    pub const MAX: usize = 20;
    pub const MAX_CHARS: usize = 64;

    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<Self, Invalid> {
        let mut tags: Vec<String> = Vec::new();
        for value in values {
            let tag = super::bounded_text("tag", value, Self::MAX_CHARS)?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        if tags.len() > Self::MAX {
            return Err(Invalid::new("tags", format!("at most {} tags", Self::MAX)));
        }
        Ok(Self(tags))
    }

    #[must_use]
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }
}

/// A new annotation, valid apart from where it anchors (the text core checks that).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnnotation {
    pub kind: Kind,
    pub comment: Comment,
    pub citation: Comment,
    pub tags: Tags,
    pub visibility: Visibility,
    pub position: Option<TextPosition>,
    pub quote: Option<TextQuote>,
}

/// A stored annotation with its author's name, as readers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub id: AnnotationId,
    pub reading_id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub kind: Kind,
    pub comment: String,
    pub citation: String,
    pub tags: Vec<String>,
    pub visibility: Visibility,
    pub position: TextPosition,
    pub quote: TextQuote,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
    /// Outgoing links to annotations the viewer may see.
    pub links: Vec<Link>,
    /// How many replies the viewer may see.
    pub reply_count: usize,
    /// Created after its reading's due date (see `domain::Assignment`).
    pub late: bool,
    /// Its passage was lost when the reading's text was replaced: `position` is
    /// where it was in the version it was last anchored on, not in the current text.
    pub orphaned: bool,
    /// An instructor put it in the reading's spotlight.
    pub spotlight: bool,
    /// A question its author or an instructor marked answered.
    pub answered: bool,
}
