//! W3C annotation import: W3C annotations into a reading (from another tool, or
//! restoring an export): each is anchored by its selectors with the quote winning, links and
//! replies are restored between the imported items, and everything is stored by
//! the importing instructor in one transaction, or nothing is.
//! Behind `counterpoint import-annotations` and `POST /api/readings/{id}/import`;
//! importing a reading's text is another thing (`text::import`).

use crate::config::Quotas;
use crate::db::Db;
use crate::db::w3c::{Existing, ImportPlan, ImportedAnnotation, store_import};
use crate::db::{annotations, readings};
use crate::domain::{AnnotationId, Comment, Kind, LinkError, Relation, Viewer, links_on_cycles};
use crate::error::{Error, Result};
use crate::formats::w3c::{ImportItem, Iris, LinkRequest, ParsedAnnotation, Provenance, items_of, parse_import_item};
use crate::offload::Offload;
use crate::text::CharIndex;
use crate::text::anchor::{self, Agreement::QuoteWins, AnchoredBy};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// The most items one import may hold.
pub const MAX_ITEMS: usize = 5_000;

/// What an import did, or why it did nothing.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Annotations stored (0 when anything was refused).
    pub imported: usize,
    /// Replies stored.
    pub replies: usize,
    /// Items whose position disagreed with their quote (or was missing), found by the quote.
    pub anchored_by_quote: Vec<ItemRef>,
    /// Items marked `"orphaned": true` whose quote is not in this text either: stored as orphans.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub orphaned: Vec<ItemRef>,
    /// Items refused, with the reason; when any is, nothing is stored.
    pub refused: Vec<Refusal>,
    /// The ids in the input and the new annotations' IRIs.
    pub ids: BTreeMap<String, String>,
}

/// An item of the input: its place and, when it had one, its id.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct ItemRef {
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Refusal {
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub reason: String,
}

struct Pending {
    item: ItemRef,
    from: usize,
    kind: Kind,
    link: LinkRequest,
}

/// What bounds an import: the longest passage, the passages' total length, and
/// the pool its anchoring runs in (off the async workers).
#[derive(Debug, Clone)]
pub struct ImportBudget {
    pub max_passage: usize,
    pub max_import_chars: usize,
    pub offload: Offload,
}

impl ImportBudget {
    /// The default quotas, one task at a time (the command line).
    #[must_use]
    pub fn standalone() -> Self {
        let quotas = Quotas::default();
        Self { max_passage: quotas.max_passage, max_import_chars: quotas.max_import_chars, offload: Offload::new(1) }
    }
}

/// The items anchored, before their links and replies are resolved against the store.
#[derive(Default)]
struct Anchoring {
    report: ImportReport,
    plan: ImportPlan,
    keys: HashMap<AnnotationId, usize>,
    input_ids: Vec<Option<String>>,
    links: Vec<Pending>,
    replies: Vec<(ItemRef, AnnotationId, Comment, Provenance)>,
}

/// Imports `input` into a reading as `importer` (an instructor of its course).
/// A report with refusals means nothing was stored.
pub async fn import_annotations(
    db: &Db,
    reading_id: i64,
    importer: Viewer,
    input: Value,
    iris: &Iris,
    budget: &ImportBudget,
) -> Result<ImportReport> {
    let reading = readings::find_reading(db, reading_id).await?.ok_or(Error::NotFound)?;
    let (max_passage, max_chars) = (budget.max_passage, budget.max_import_chars);
    let anchoring =
        budget.offload.run(move || anchor_items(&input, &reading.doc.text, max_passage, max_chars)).await??;
    let Anchoring { mut report, mut plan, keys, input_ids, links, replies } = anchoring;
    let mut linked = Vec::with_capacity(links.len());
    for pending in links {
        match resolve(db, reading_id, importer, &keys, &plan, pending.link.target).await? {
            Some((_, target)) if target == Existing::Batch(pending.from) => {
                refuse_item(&mut report, &pending.item, &LinkError::SelfLink.to_string());
            }
            Some((kind, target)) => match Relation::for_kinds(pending.kind, kind, pending.link.relation) {
                Ok(relation) => {
                    plan.links.push((pending.from, target, relation));
                    linked.push(pending.item);
                }
                Err(e) => refuse_item(&mut report, &pending.item, &format!("link: {e}")),
            },
            None => refuse_item(
                &mut report,
                &pending.item,
                "link: the linked annotation is neither in the import nor in this reading",
            ),
        }
    }
    refuse_cycles(&plan, &linked, &mut report);
    for (item, parent, text, provenance) in replies {
        match resolve(db, reading_id, importer, &keys, &plan, parent).await? {
            Some((_, target)) => plan.replies.push((target, text.as_str().to_owned(), provenance)),
            None => refuse_item(
                &mut report,
                &item,
                "target: the annotation replied to is neither in the import nor in this reading",
            ),
        }
    }
    if !report.refused.is_empty() {
        report.refused.sort_by_key(|r| r.index);
        return Ok(report);
    }
    let ids = store_import(db, reading_id, importer.user_id, &plan).await?;
    for (input, new) in input_ids.into_iter().zip(&ids) {
        if let Some(input) = input {
            report.ids.insert(input, iris.annotation(reading_id, *new));
        }
    }
    report.imported = ids.len();
    report.replies = plan.replies.len();
    Ok(report)
}

/// Parses and anchors every item, the quote winning; refuses the whole import
/// once its passages cover more than `max_chars` code points.
fn anchor_items(input: &Value, text: &str, max_passage: usize, max_chars: usize) -> Result<Anchoring> {
    let values = items_of(input)?;
    if values.len() > MAX_ITEMS {
        return Err(Error::invalid("import", format!("at most {MAX_ITEMS} annotations at a time")));
    }
    let index = CharIndex::new(text);
    let mut done = Anchoring::default();
    let mut covered = 0_usize;
    for (i, value) in values.iter().enumerate() {
        let item = ItemRef { index: i, id: value.get("id").and_then(Value::as_str).map(str::to_owned) };
        let report = &mut done.report;
        let refuse = |report: &mut ImportReport, reason: String| {
            report.refused.push(Refusal { index: i, id: item.id.clone(), reason });
        };
        match parse_import_item(value) {
            Err(invalid) => refuse(report, invalid.to_string()),
            Ok(ImportItem::Reply { parent, text, provenance }) => done.replies.push((item, parent, text, provenance)),
            Ok(ImportItem::Annotation { key, parsed, provenance }) => {
                let ParsedAnnotation { annotation: mut new, links: requested, .. } = *parsed;
                let (position, quote) = (new.position, new.quote.as_ref());
                // An orphan exported from an edited reading is placed by its quote when it is
                // found; otherwise it stays an orphan here too (never placed by guesswork).
                let orphan = value.get("orphaned") == Some(&Value::Bool(true));
                let found = anchor::anchor_within(text, &index, position, quote, QuoteWins, max_passage);
                let (anchored, orphaned) = match (found, orphan, quote) {
                    (Ok(anchored), ..) => (anchored, false),
                    (Err(_), true, Some(q)) if !q.exact.trim().is_empty() && q.exact.chars().count() <= max_passage => {
                        let len = q.exact.chars().count();
                        let position = anchor::TextPosition { start: 0, end: len };
                        report.orphaned.push(item.clone());
                        (anchor::Anchored { position, quote: q.clone(), by: AnchoredBy::Quote }, true)
                    }
                    (Err(e), ..) => {
                        refuse(report, format!("target.selector: {e}"));
                        continue;
                    }
                };
                covered += anchored.position.end - anchored.position.start;
                if covered > max_chars {
                    let message = format!(
                        "the passages of this import cover more than {max_chars} characters in all; import it in smaller parts"
                    );
                    return Err(Error::invalid("import", message));
                }
                if anchored.by == AnchoredBy::Quote && new.position.is_some() && !orphaned {
                    report.anchored_by_quote.push(item.clone());
                }
                new.position = Some(anchored.position);
                new.quote = Some(anchored.quote);
                let at = done.plan.annotations.len();
                if let Some(key) = key {
                    if done.keys.insert(key, at).is_some() {
                        refuse(report, "the same id appears twice in the import".to_owned());
                        continue;
                    }
                }
                let kind = new.kind;
                let pending = requested.into_iter().map(|link| Pending { item: item.clone(), from: at, kind, link });
                done.links.extend(pending);
                done.input_ids.push(item.id);
                done.plan.annotations.push(ImportedAnnotation { new, provenance, orphaned });
            }
        }
    }
    Ok(done)
}

/// Refuses the items whose `supports` links would close a cycle among the
/// imported annotations (the links API refuses the same; see [`links_on_cycles`]).
fn refuse_cycles(plan: &ImportPlan, linked: &[ItemRef], report: &mut ImportReport) {
    let supports: Vec<((usize, usize), &ItemRef)> = plan
        .links
        .iter()
        .zip(linked)
        .filter_map(|(&(from, to, relation), item)| match (relation, to) {
            (Relation::Supports, Existing::Batch(to)) => Some(((from, to), item)),
            _ => None,
        })
        .collect();
    let edges: Vec<(usize, usize)> = supports.iter().map(|(edge, _)| *edge).collect();
    for ((_, item), on_cycle) in supports.iter().zip(links_on_cycles(plan.annotations.len(), &edges)) {
        if on_cycle {
            refuse_item(report, item, &format!("link: {}", LinkError::Cycle));
        }
    }
}

fn refuse_item(report: &mut ImportReport, item: &ItemRef, reason: &str) {
    report.refused.push(Refusal { index: item.index, id: item.id.clone(), reason: reason.to_owned() });
}

/// An annotation a link or reply names: one of the import's, else one the importer sees in the reading.
async fn resolve(
    db: &Db,
    reading_id: i64,
    importer: Viewer,
    keys: &HashMap<AnnotationId, usize>,
    plan: &ImportPlan,
    target: AnnotationId,
) -> Result<Option<(Kind, Existing)>> {
    if let Some(&at) = keys.get(&target) {
        return Ok(plan.annotations.get(at).map(|a| (a.new.kind, Existing::Batch(at))));
    }
    let stored = annotations::find_link_target(db, reading_id, target, importer).await?;
    Ok(stored.map(|t| (t.kind, Existing::Stored(t.row_id))))
}

/// `counterpoint import-annotations FILE --reading ID --as EMAIL`: imports a JSON
/// file as that instructor. Refusals are an error naming each item.
pub async fn import_annotations_file(
    db: &Db,
    file: &std::path::Path,
    reading_id: i64,
    email: &str,
    iris: &Iris,
) -> anyhow::Result<ImportReport> {
    use anyhow::{Context, anyhow, bail};
    let user = crate::db::users::find_by_email(db, email)
        .await?
        .ok_or_else(|| anyhow!("no account has the email {email:?}"))?;
    let course =
        readings::course_of(db, reading_id).await?.ok_or_else(|| anyhow!("no reading has the id {reading_id}"))?;
    if crate::db::courses::role_of(db, course, user.id).await? != Some(crate::domain::Role::Instructor) {
        bail!("{email} does not teach the course of reading {reading_id}");
    }
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let input: Value = serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))?;
    let importer = Viewer { user_id: user.id, role: crate::domain::Role::Instructor };
    let budget = ImportBudget::standalone();
    let report =
        import_annotations(db, reading_id, importer, input, iris, &budget).await.map_err(|e| anyhow!("{e}"))?;
    if !report.refused.is_empty() {
        let reasons: Vec<String> = report.refused.iter().map(|r| format!("item {}: {}", r.index, r.reason)).collect();
        bail!("nothing was imported:\n{}", reasons.join("\n"));
    }
    Ok(report)
}
