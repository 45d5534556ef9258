//! Assignment and Grade Services: every student's rubric score sent to the
//! LMS's line items. Each resource link with a line item gets the score on its
//! reading (or on the whole course when it opens no reading); a course whose
//! links have no line item gets one made for it in the context's line items.
//! Students with no work get 0. The outcome is kept for the review page.

use super::client::{Call, CallFailed, Lti};
use crate::db::Db;
use crate::db::lti::contexts::{self, CourseContext};
use crate::db::lti::{self as store, GradeReport};
use crate::domain::Rubric;
use crate::error::{Error, Result};
use crate::review::dashboard;
use crate::review::tally::Tally;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashMap;

pub const SCORE_SCOPE: &str = "https://purl.imsglobal.org/spec/lti-ags/scope/score";
pub const LINEITEM_SCOPE: &str = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem";
const SCORE_TYPE: &str = "application/vnd.ims.lis.v1.score+json";
const LINEITEM_TYPE: &str = "application/vnd.ims.lis.v2.lineitem+json";
const LINEITEMS_TYPE: &str = "application/vnd.ims.lis.v2.lineitemcontainer+json";
/// Scores sent at once.
const AT_ONCE: usize = 8;

/// One line item and the tallies whose scores go to it.
struct Target<'a> {
    url: String,
    tallies: &'a [Tally],
    maximum: u64,
}

/// The largest score a line item can hold: the rubric's cap per reading times the
/// readings; with no cap, the best score given (at least 1).
#[must_use]
pub fn score_maximum(rubric: &Rubric, readings: usize, tallies: &[Tally]) -> u64 {
    let best = tallies.iter().map(|t| t.score).max().unwrap_or(0).max(1);
    if rubric.cap == 0 || readings == 0 { best } else { u64::from(rubric.cap).saturating_mul(readings as u64).max(1) }
}

/// [`push`] in a task of its own, so that a request that times out does not cut
/// it off halfway: the outcome is kept for the review page either way.
pub async fn push_detached(db: &Db, lti: &Lti, course_id: i64, title: &str) -> Result<GradeReport> {
    let (db, lti, title) = (db.clone(), lti.clone(), title.to_owned());
    tokio::spawn(async move { push(&db, &lti, course_id, &title).await })
        .await
        .map_err(|e| Error::Other(anyhow::anyhow!("the grade push stopped: {e}")))?
}

/// Sends every student's score and keeps the outcome for the review page.
pub async fn push(db: &Db, lti: &Lti, course_id: i64, title: &str) -> Result<GradeReport> {
    let context = contexts::context_of_course(db, course_id)
        .await?
        .ok_or(Error::Conflict("this course was not created by an LMS launch".into()))?;
    let platform = store::find_platform(db, context.platform_id).await?.ok_or(Error::NotFound)?;
    let (_, board) = dashboard::load(db, course_id).await?.ok_or(Error::NotFound)?;
    let students = board.course_wide.tallies.len();
    let failed = |message: String| GradeReport {
        pushed_at: crate::db::now(),
        sent: 0,
        failed: i64::try_from(students).unwrap_or(i64::MAX),
        skipped: 0,
        message,
    };
    let links = contexts::line_items_of_course(db, course_id).await?;
    let mut targets: Vec<Target<'_>> = Vec::new();
    for (_, reading_id, url) in links {
        let table = reading_id.and_then(|id| board.tables.iter().find(|t| t.reading.id == id));
        targets.push(match table {
            Some(table) => {
                Target { url, tallies: &table.tallies, maximum: score_maximum(&board.rubric, 1, &table.tallies) }
            }
            None => course_target(url, &board),
        });
    }
    let scopes = granted(&context);
    let token = match lti.access_token(db, &platform, &scopes).await {
        Ok(token) => token,
        Err(e) => return Err(keep(db, course_id, failed(format!("no access to the LMS's grades: {e}"))).await),
    };
    if targets.is_empty() {
        match course_line_item(lti, &context, &token, course_id, title, &board).await {
            Ok(url) => targets.push(course_target(url, &board)),
            Err(e) => return Err(keep(db, course_id, failed(e.0)).await),
        }
    }
    let subs: HashMap<i64, String> = contexts::subs_of_course(db, course_id, platform.id).await?.into_iter().collect();
    let report = send_scores(lti, &token, &targets, &subs).await;
    store::save_grade_report(db, course_id, &report).await?;
    Ok(report)
}

fn course_target<'a>(url: String, board: &'a dashboard::Dashboard) -> Target<'a> {
    let tallies = &board.course_wide.tallies;
    Target { url, tallies, maximum: score_maximum(&board.rubric, board.tables.len(), tallies) }
}

/// The AGS scopes the platform granted in its launches that the push needs.
fn granted(context: &CourseContext) -> Vec<&'static str> {
    let offered: Vec<&str> = context.ags_scopes.split(' ').collect();
    let mut scopes = vec![SCORE_SCOPE];
    if offered.contains(&LINEITEM_SCOPE) {
        scopes.push(LINEITEM_SCOPE);
    }
    scopes
}

/// Saves a failed push's report and turns it into the error the caller sees.
async fn keep(db: &Db, course_id: i64, report: GradeReport) -> Error {
    if let Err(e) = store::save_grade_report(db, course_id, &report).await {
        return e.into();
    }
    Error::Rejected { status: axum::http::StatusCode::BAD_GATEWAY, message: report.message }
}

/// The course's own line item in the context's line items: found by its
/// resourceId, or made.
async fn course_line_item(
    lti: &Lti,
    context: &CourseContext,
    token: &str,
    course_id: i64,
    title: &str,
    board: &dashboard::Dashboard,
) -> Result<String, CallFailed> {
    let Some(container) = context.lineitems_url.as_deref().filter(|_| context.ags_scopes.contains(LINEITEM_SCOPE))
    else {
        return Err(CallFailed(
            "the LMS gave no line item for this course's assignments and no way to make one: \
             enable grades (Assignment and Grade Services) for the tool and launch it from a graded assignment"
                .into(),
        ));
    };
    let resource_id = format!("counterpoint-course-{course_id}");
    let mut search = reqwest::Url::parse(container).map_err(|e| CallFailed(format!("{container}: {e}")))?;
    search.query_pairs_mut().append_pair("resource_id", &resource_id);
    let (found, _) = lti.json(&Call { bearer: Some(token), ..Call::get(search.as_str(), LINEITEMS_TYPE) }).await?;
    if let Some(url) = found.as_array().and_then(|items| items.iter().find_map(|i| i["id"].as_str())) {
        return Ok(url.to_owned());
    }
    let item = json!({
        "scoreMaximum": score_maximum(&board.rubric, board.tables.len(), &board.course_wide.tallies),
        "label": format!("Counterpoint: {title}"),
        "resourceId": resource_id,
    });
    let call = Call {
        method: Method::POST,
        bearer: Some(token),
        json: Some((&item, LINEITEM_TYPE)),
        ..Call::get(container, LINEITEM_TYPE)
    };
    let (made, _) = lti.json(&call).await?;
    made["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| CallFailed(format!("{container} made a line item without an id")))
}

/// `…/lineitem/1?x=y` → `…/lineitem/1/scores?x=y`.
fn scores_url(line_item: &str) -> Result<String, CallFailed> {
    let mut url = reqwest::Url::parse(line_item).map_err(|e| CallFailed(format!("{line_item}: {e}")))?;
    url.path_segments_mut()
        .map_err(|()| CallFailed(format!("{line_item} is not a line item URL")))?
        .pop_if_empty()
        .push("scores");
    Ok(url.into())
}

async fn send_scores(lti: &Lti, token: &str, targets: &[Target<'_>], subs: &HashMap<i64, String>) -> GradeReport {
    let timestamp = crate::db::now();
    let mut scores: Vec<(String, Value)> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    let mut skipped = 0_i64;
    for target in targets {
        let url = match scores_url(&target.url) {
            Ok(url) => url,
            Err(e) => {
                failures.push(e.0);
                continue;
            }
        };
        for tally in target.tallies {
            let Some(sub) = subs.get(&tally.student_id) else {
                skipped += 1;
                continue;
            };
            let worked = tally.annotations() + tally.replies > 0;
            scores.push((
                url.clone(),
                json!({
                    "userId": sub,
                    "scoreGiven": tally.score,
                    "scoreMaximum": target.maximum,
                    "activityProgress": if worked { "Submitted" } else { "Initialized" },
                    "gradingProgress": "FullyGraded",
                    "timestamp": timestamp,
                }),
            ));
        }
    }
    // Each score in a task of its own, a few at a time.
    let at_once = std::sync::Arc::new(tokio::sync::Semaphore::new(AT_ONCE));
    let mut tasks = tokio::task::JoinSet::new();
    for (url, score) in scores {
        let (lti, token, at_once) = (lti.clone(), token.to_owned(), at_once.clone());
        tasks.spawn(async move {
            let _permit = at_once.acquire_owned().await;
            send_score(&lti, &token, &url, &score).await
        });
    }
    let mut outcomes: Vec<Result<(), String>> = Vec::new();
    while let Some(outcome) = tasks.join_next().await {
        outcomes.push(outcome.unwrap_or_else(|e| Err(format!("a score was not sent: {e}"))));
    }
    let sent = outcomes.iter().filter(|o| o.is_ok()).count();
    failures.extend(outcomes.into_iter().filter_map(Result::err));
    let failed = failures.len();
    let mut message = format!(
        "{sent} scores sent, {failed} failed, {skipped} skipped (students who never launched and are not on the LMS roster)"
    );
    if let Some(first) = failures.first() {
        message.push_str(&format!(". First failure: {first}"));
    }
    GradeReport {
        pushed_at: timestamp,
        sent: i64::try_from(sent).unwrap_or(i64::MAX),
        failed: i64::try_from(failed).unwrap_or(i64::MAX),
        skipped,
        message,
    }
}

async fn send_score(lti: &Lti, token: &str, url: &str, score: &Value) -> Result<(), String> {
    let call = Call {
        method: Method::POST,
        bearer: Some(token),
        json: Some((score, SCORE_TYPE)),
        ..Call::get(url, "application/json")
    };
    match lti.send(&call).await {
        Ok((status, _, _)) if status.is_success() => Ok(()),
        Ok((status, _, body)) => {
            let detail: String = String::from_utf8_lossy(&body).chars().take(120).collect();
            Err(format!("{url} answered {status}: {detail}"))
        }
        Err(e) => Err(e.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_go_under_the_line_item_before_its_query() {
        assert_eq!(
            scores_url("https://lms/ags/lineitems/7?type=x").ok().as_deref(),
            Some("https://lms/ags/lineitems/7/scores?type=x")
        );
        assert_eq!(
            scores_url("https://lms/ags/lineitems/7/").ok().as_deref(),
            Some("https://lms/ags/lineitems/7/scores")
        );
    }

    #[test]
    fn the_maximum_follows_the_cap_or_the_best_score() {
        let rubric = Rubric::default();
        assert_eq!(score_maximum(&rubric, 3, &[]), 60);
        assert_eq!(score_maximum(&Rubric { cap: 0, ..rubric }, 3, &[]), 1);
    }
}
