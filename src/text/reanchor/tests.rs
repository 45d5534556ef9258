//! Deterministic cases on the project's own readings: the targets of the issue
//! (untouched passages exact, edited ones found, deleted ones orphaned, none
//! wrong) on edits a teacher makes.

use super::*;
use crate::text::import::{SourceFormat, import};

const ESSAY: &str = include_str!("../../demo/essay.md");

fn canonical(source: &str) -> String {
    import(SourceFormat::Markdown, source).expect("the fixture imports").text
}

/// The passage quoting `needle` (which occurs once) in `text`.
fn passage(text: &str, needle: &str) -> (TextPosition, TextQuote) {
    let byte = text.find(needle).unwrap_or_else(|| panic!("{needle:?} is not in the text"));
    assert_eq!(text.matches(needle).count(), 1, "{needle:?} occurs more than once");
    let start = text[..byte].chars().count();
    let position = TextPosition { start, end: start + needle.chars().count() };
    let quote = quote_at(text, &CharIndex::new(text), position).unwrap();
    (position, quote)
}

fn place(old: &str, new: &str, needle: &str) -> (Outcome, Option<String>) {
    let (position, quote) = passage(old, needle);
    let outcome = reanchor(old, new, &[(position, &quote)], Limits::default()).remove(0);
    let words = outcome.anchored.as_ref().map(|(p, _)| new.chars().skip(p.start).take(p.end - p.start).collect());
    (outcome, words)
}

/// Sentences of the essay's paragraphs, the kind of passage a class marks.
fn sentences(text: &str) -> Vec<&str> {
    text.split("\n\n")
        .flat_map(|block| block.split_inclusive(". "))
        .map(str::trim)
        .filter(|s| s.chars().count() > 20 && text.matches(*s).count() == 1)
        .collect()
}

#[test]
fn an_unchanged_text_keeps_every_passage_exactly() {
    let text = canonical(ESSAY);
    for sentence in sentences(&text) {
        let (outcome, words) = place(&text, &text, sentence);
        assert_eq!(outcome.fate, Fate::Kept, "{sentence}");
        assert_eq!(words.as_deref(), Some(sentence));
    }
}

#[test]
fn untouched_passages_follow_an_edit_elsewhere_exactly() {
    let old = canonical(ESSAY);
    let paragraphs: Vec<&str> = old.split("\n\n").collect();
    // A typo fixed in the second paragraph, the fourth deleted, a new one at the top.
    let mut edited: Vec<String> = paragraphs.iter().map(|p| (*p).to_owned()).collect();
    edited[1] = edited[1].replacen(' ', "  indeed ", 1);
    edited.remove(3);
    edited.insert(0, "A note from the instructor: read this twice.".to_owned());
    let new = edited.join("\n\n");
    let mut checked = 0;
    for (i, paragraph) in paragraphs.iter().enumerate().filter(|(i, _)| ![1, 3].contains(i)) {
        for sentence in sentences(paragraph).into_iter().filter(|s| old.matches(*s).count() == 1) {
            let (outcome, words) = place(&old, &new, sentence);
            assert_eq!(words.as_deref(), Some(sentence), "paragraph {i}: {outcome:?}");
            assert_eq!(outcome.fate, Fate::Moved, "{sentence}");
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} passages checked");
}

#[test]
fn a_word_inserted_or_replaced_in_a_passage_is_found_again() {
    let old = canonical(ESSAY);
    let targets = sentences(&old);
    let mut found = 0;
    for sentence in &targets {
        let words: Vec<&str> = sentence.split(' ').collect();
        let middle = words.len() / 2;
        let mut replaced = words.clone();
        replaced[middle] = "substantially";
        let mut inserted = words.clone();
        inserted.insert(middle, "plainly");
        for edited in [replaced.join(" "), inserted.join(" ")] {
            let new = old.replacen(sentence, &edited, 1);
            let (outcome, now) = place(&old, &new, sentence);
            match outcome.fate {
                Fate::Edited => {
                    assert_eq!(now.as_deref(), Some(edited.as_str()), "wrong range for {sentence:?}");
                    found += 1;
                }
                Fate::Orphaned => {}
                other => panic!("{other:?} for an edited passage {sentence:?}"),
            }
        }
    }
    let total = targets.len() * 2;
    assert!(found * 10 >= total * 8, "found {found} of {total}");
}

#[test]
fn passages_of_a_deleted_paragraph_are_all_orphaned() {
    let old = canonical(ESSAY);
    let paragraphs: Vec<&str> = old.split("\n\n").collect();
    for (i, paragraph) in paragraphs.iter().enumerate() {
        let mut rest = paragraphs.clone();
        rest.remove(i);
        let new = rest.join("\n\n");
        for sentence in sentences(paragraph).into_iter().filter(|s| old.matches(*s).count() == 1 && !new.contains(*s)) {
            let (outcome, _) = place(&old, &new, sentence);
            assert_eq!(outcome.fate, Fate::Orphaned, "paragraph {i}: {sentence:?} went to {outcome:?}");
        }
    }
}

#[test]
fn a_deleted_paragraph_never_lands_on_its_look_alike() {
    let old = canonical(ESSAY);
    let paragraphs: Vec<&str> = old.split("\n\n").collect();
    let (i, original) =
        paragraphs.iter().enumerate().max_by_key(|(_, p)| p.len()).map(|(i, p)| (i, (*p).to_owned())).unwrap();
    // The look-alike is already in the old text (a summary repeating the paragraph with
    // one word changed); the instructor deletes the original.
    let look_alike = original.replacen(" the ", " this ", 1);
    assert_ne!(look_alike, original);
    let mut with_both: Vec<String> = paragraphs.iter().map(|p| (*p).to_owned()).collect();
    with_both.push(look_alike);
    let old = with_both.join("\n\n");
    with_both.remove(i);
    let new = with_both.join("\n\n");
    let sentence = sentences(&original)
        .into_iter()
        .find(|s| old.matches(*s).count() == 1)
        .expect("a sentence unique to the original");
    let (outcome, words) = place(&old, &new, sentence);
    assert_eq!(outcome.fate, Fate::Orphaned, "{sentence:?} went to {words:?}");
}

#[test]
fn a_moved_paragraph_is_found_where_it_went() {
    let old = canonical(ESSAY);
    let mut paragraphs: Vec<&str> = old.split("\n\n").collect();
    let moved = paragraphs.remove(2);
    paragraphs.push(moved);
    let new = paragraphs.join("\n\n");
    let sentence = sentences(moved)[0];
    let (outcome, words) = place(&old, &new, sentence);
    assert_eq!((outcome.fate, words.as_deref()), (Fate::Moved, Some(sentence)));
    let (position, _) = passage(&new, sentence);
    assert_eq!(outcome.anchored.map(|(p, _)| p), Some(position));
}

#[test]
fn the_same_words_added_twice_are_too_ambiguous_to_place() {
    // The paragraph is cut, and its words come back twice further on: either could be it.
    let old = "Opening words.\n\nThe contested passage sits here.\n\nMiddle words.\n\nClosing words.";
    let new = "Opening words.\n\nMiddle words.\n\nFirst: contested passage sits here today.\n\n\
               Second: contested passage sits here today.\n\nClosing words.";
    let (outcome, _) = place(old, new, "contested passage sits here");
    assert_eq!(outcome.fate, Fate::Orphaned);
    // Once, it is found there.
    let once = "Opening words.\n\nMiddle words.\n\nFirst: contested passage sits here today.\n\nClosing words.";
    let (outcome, words) = place(old, once, "contested passage sits here");
    assert_eq!((outcome.fate, words.as_deref()), (Fate::Moved, Some("contested passage sits here")));
}

#[test]
fn a_position_outside_the_old_text_is_an_orphan() {
    let quote = TextQuote::default();
    let out = reanchor("abc", "abc", &[(TextPosition { start: 2, end: 9 }, &quote)], Limits::default());
    assert_eq!(out[0].fate, Fate::Orphaned);
}

#[test]
fn accents_and_astral_characters_are_counted_as_code_points() {
    let old = "Déjà vu 🌍 — the “claim” stands.\n\nSecond.";
    let new = "Intro 🌍🌍.\n\nDéjà vu 🌍 — the “claim” stands.\n\nSecond.";
    let (outcome, words) = place(old, new, "the “claim” stands");
    assert_eq!((outcome.fate, words.as_deref()), (Fate::Moved, Some("the “claim” stands")));
    let (position, quote) = outcome.anchored.unwrap();
    assert_eq!(position.start, "Intro 🌍🌍.\n\nDéjà vu 🌍 — ".chars().count());
    assert_eq!(quote.exact, "the “claim” stands");
}
