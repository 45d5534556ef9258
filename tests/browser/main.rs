//! End-to-end tests in real Chromium over WebDriver: the reading page's script
//! (static/annotate.js) against the real app. One chromedriver and one Chromium
//! per person serve every scenario, run one after another; a failed scenario
//! is reported and the others still run. `cargo test --test browser [FILTER]`.

mod accessibility;
mod accounts;
mod assignments;
mod classroom;
mod harness;
mod live_lecture;
mod pdf;
mod reading_edits;
mod scenarios;
mod search;
#[path = "../api/support.rs"]
#[allow(dead_code)]
mod support;
mod xss;

use futures_util::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;

type Scenario = for<'a> fn(&'a harness::Suite) -> Pin<Box<dyn Future<Output = ()> + 'a>>;

const SCENARIOS: &[(&str, Scenario)] = &[
    ("offset_conversion_passes_its_fixtures_in_chromium", |s| Box::pin(scenarios::offset_fixtures(s))),
    ("a_class_annotates_rebuts_and_replies_live", |s| Box::pin(scenarios::live_discussion(s))),
    ("selections_with_emoji_store_code_point_offsets", |s| Box::pin(scenarios::emoji_offsets(s))),
    ("the_keyboard_selects_a_passage_and_works_the_editor", |s| Box::pin(scenarios::keyboard(s))),
    ("authors_edit_and_delete_from_the_thread", |s| Box::pin(scenarios::edit_and_delete(s))),
    ("overlaps_filters_and_clicking_a_claim_to_link_it", |s| {
        Box::pin(scenarios::overlaps_filters_and_picking_a_claim(s))
    }),
    ("links_are_made_and_removed_from_the_thread", |s| Box::pin(scenarios::links_from_the_thread(s))),
    ("script_payloads_in_everything_users_write_never_run", |s| Box::pin(xss::script_payloads_never_run(s))),
    ("forgot_password_by_mail_then_sign_in", |s| Box::pin(accounts::forgot_password_by_mail_then_sign_in(s))),
    ("a_search_result_opens_the_reading_at_its_thread", |s| {
        Box::pin(search::a_result_opens_the_reading_at_its_thread(s))
    }),
    ("a_classmates_annotation_reaches_an_open_page_in_kilobytes", |s| {
        Box::pin(live_lecture::a_classmates_annotation_costs_kilobytes(s))
    }),
    ("an_instructor_edits_the_reading_while_a_student_has_it_open", |s| {
        Box::pin(reading_edits::an_instructor_edits_the_reading_while_a_student_has_it_open(s))
    }),
    ("the_inbox_badge_lights_up_and_opens_the_thread", |s| {
        Box::pin(classroom::the_badge_lights_up_and_the_inbox_opens_the_thread(s))
    }),
    ("a_pdf_reading_is_annotated_by_selecting_its_text", |s| {
        Box::pin(pdf::a_pdf_reading_is_annotated_by_selecting_its_text(s))
    }),
    ("the_reading_page_has_no_serious_accessibility_violation", |s| {
        Box::pin(accessibility::axe_finds_nothing_serious(s))
    }),
    ("a_student_opens_what_is_new_since_the_last_visit", |s| {
        Box::pin(assignments::a_student_opens_what_is_new_since_the_last_visit(s))
    }),
];

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    if std::env::args().any(|a| a == "--list") {
        for (name, _) in SCENARIOS {
            println!("{name}: test");
        }
        return;
    }
    let Some((chromium, driver)) = harness::browser_binaries() else { return };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let (passed, failed) = runtime.block_on(async {
        let suite = harness::Suite::start(chromium, &driver).await;
        let (mut passed, mut failed) = (0, 0);
        for (name, scenario) in SCENARIOS {
            if filter.as_ref().is_some_and(|f| !name.contains(f.as_str())) {
                continue;
            }
            match AssertUnwindSafe(scenario(&suite)).catch_unwind().await {
                Ok(()) => {
                    println!("test {name} ... ok");
                    passed += 1;
                }
                Err(_) => {
                    println!("test {name} ... FAILED");
                    failed += 1;
                }
            }
        }
        (passed, failed)
    });
    let outcome = if failed == 0 { "ok" } else { "FAILED" };
    println!("\ntest result: {outcome}. {passed} passed; {failed} failed; 0 ignored; 0 measured; 0 filtered out\n");
    if failed > 0 {
        std::process::exit(101);
    }
}
