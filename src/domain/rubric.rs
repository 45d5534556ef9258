//! A course's grading rubric: points per kind of annotation and per reply, the
//! words a comment needs to count, and a cap per reading. Transparent: it can
//! say its own rule in words.

use super::{Invalid, Kind};

/// The rubric an instructor edits per course; [`Rubric::default`] until they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rubric {
    /// Points per counted annotation, by kind, in the order of [`Kind::ALL`].
    pub points: [u32; 5],
    /// Points per counted reply.
    pub reply_points: u32,
    /// The words a comment (or reply) needs for it to count; 0 counts everything.
    pub min_words: u32,
    /// The most a student can score on one reading; 0 means no cap.
    pub cap: u32,
}

impl Default for Rubric {
    fn default() -> Self {
        Self { points: [2, 3, 2, 1, 1], reply_points: 1, min_words: 5, cap: 20 }
    }
}

/// The largest value of points per item and of the minimum words.
pub const MAX_POINTS: u32 = 100;
pub const MAX_MIN_WORDS: u32 = 1000;
pub const MAX_CAP: u32 = 10_000;

/// The rubric's fields as a form sends them: text, so a bad number gets a message.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RubricFields {
    #[serde(default)]
    pub claim: String,
    #[serde(default)]
    pub counterargument: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub question: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub reply: String,
    #[serde(default)]
    pub min_words: String,
    #[serde(default)]
    pub cap: String,
}

/// The words in a text, as the rubric counts them: runs of non-space characters.
#[must_use]
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

fn number(field: &'static str, value: &str, max: u32) -> Result<u32, Invalid> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n <= max)
        .ok_or_else(|| Invalid::new(field, format!("{field} must be a whole number from 0 to {max}")))
}

impl Rubric {
    /// A rubric from a form's fields, each a whole number in its range.
    pub fn parse(fields: &RubricFields) -> Result<Self, Invalid> {
        Ok(Self {
            points: [
                number("claim", &fields.claim, MAX_POINTS)?,
                number("counterargument", &fields.counterargument, MAX_POINTS)?,
                number("source", &fields.source, MAX_POINTS)?,
                number("question", &fields.question, MAX_POINTS)?,
                number("note", &fields.note, MAX_POINTS)?,
            ],
            reply_points: number("reply", &fields.reply, MAX_POINTS)?,
            min_words: number("min_words", &fields.min_words, MAX_MIN_WORDS)?,
            cap: number("cap", &fields.cap, MAX_CAP)?,
        })
    }

    /// The rubric as a form shows it.
    #[must_use]
    pub fn fields(&self) -> RubricFields {
        let [claim, counterargument, source, question, note] = self.points.map(|p| p.to_string());
        RubricFields {
            claim,
            counterargument,
            source,
            question,
            note,
            reply: self.reply_points.to_string(),
            min_words: self.min_words.to_string(),
            cap: self.cap.to_string(),
        }
    }

    /// Whether a comment or reply is long enough to count.
    #[must_use]
    pub fn counts(&self, text: &str) -> bool {
        word_count(text) >= self.min_words as usize
    }

    /// The score on one reading for counted annotations by kind (in [`Kind::ALL`] order) and counted replies.
    #[must_use]
    pub fn score(&self, counted: [usize; 5], counted_replies: usize) -> u64 {
        let points = |n: usize, each: u32| u64::try_from(n).unwrap_or(u64::MAX).saturating_mul(u64::from(each));
        let total = counted
            .iter()
            .zip(self.points)
            .map(|(&n, each)| points(n, each))
            .fold(points(counted_replies, self.reply_points), u64::saturating_add);
        if self.cap == 0 { total } else { total.min(u64::from(self.cap)) }
    }

    /// The rule in words, as shown next to the scores.
    #[must_use]
    pub fn describe(&self) -> String {
        let kinds: Vec<String> =
            Kind::ALL.iter().zip(self.points).map(|(k, p)| format!("{} {}", k.as_str(), plural(p))).collect();
        let counted = match self.min_words {
            0 => "Every annotation and reply counts".to_owned(),
            1 => "An annotation or reply counts when its comment has at least 1 word".to_owned(),
            n => format!("An annotation or reply counts when its comment has at least {n} words"),
        };
        let cap = match self.cap {
            0 => "there is no cap".to_owned(),
            n => format!("a student's score on one reading is capped at {}", plural(n)),
        };
        format!(
            "{counted}. Each counted annotation earns points by kind: {}. Each counted reply earns {}. \
             Private annotations never count; {cap}. The course score is the sum over readings.",
            kinds.join(", "),
            plural(self.reply_points)
        )
    }
}

fn plural(points: u32) -> String {
    if points == 1 { "1 point".to_owned() } else { format!("{points} points") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rubric_scores_counted_work_and_caps_it() {
        let rubric = Rubric::default();
        assert_eq!(rubric.score([1, 1, 1, 1, 1], 2), 2 + 3 + 2 + 1 + 1 + 2);
        assert_eq!(rubric.score([100, 0, 0, 0, 0], 0), 20, "capped per reading");
        let uncapped = Rubric { cap: 0, ..rubric };
        assert_eq!(uncapped.score([100, 0, 0, 0, 0], 0), 200);
        assert_eq!(uncapped.score([usize::MAX, usize::MAX, 0, 0, 0], usize::MAX), u64::MAX, "saturates");
    }

    #[test]
    fn comments_count_from_the_minimum_words() {
        let rubric = Rubric { min_words: 3, ..Rubric::default() };
        assert!(!rubric.counts("two words"));
        assert!(rubric.counts("  three\nwhole   words "));
        assert!(Rubric { min_words: 0, ..rubric }.counts(""));
    }

    #[test]
    fn rubrics_parse_back_from_their_fields_and_reject_bad_numbers() {
        let rubric = Rubric { points: [5, 4, 3, 2, 1], reply_points: 0, min_words: 10, cap: 0 };
        assert_eq!(Rubric::parse(&rubric.fields()), Ok(rubric));
        for (field, bad) in [("claim", "-1"), ("claim", "x"), ("claim", "101"), ("cap", "10001"), ("min_words", "")] {
            let mut fields = rubric.fields();
            match field {
                "claim" => fields.claim = bad.to_owned(),
                "cap" => fields.cap = bad.to_owned(),
                _ => fields.min_words = bad.to_owned(),
            }
            assert_eq!(Rubric::parse(&fields).map_err(|e| e.field), Err(field), "{field}={bad:?}");
        }
    }

    #[test]
    fn the_rule_in_words_names_every_number() {
        let text = Rubric::default().describe();
        for part in ["at least 5 words", "counterargument 3 points", "note 1 point", "capped at 20 points"] {
            assert!(text.contains(part), "{part} in {text}");
        }
    }
}
