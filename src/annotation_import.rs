//! Importing W3C annotations into a reading (from another tool, or restoring an
//! export): each is anchored by its selectors with the quote winning, links and
//! replies are restored between the imported items, and everything is stored by
//! the importing instructor in one transaction, or nothing is.

use crate::db::w3c::{Existing, ImportPlan, ImportedAnnotation, store_import};
use crate::db::{annotations, readings};
use crate::domain::{AnnotationId, Kind, LinkError, Relation, Viewer};
use crate::error::{Error, Result};
use crate::formats::w3c::{ImportItem, Iris, LinkRequest, ParsedAnnotation, items_of, parse_import_item};
use crate::text::CharIndex;
use crate::text::anchor::{self, Agreement, AnchoredBy};
use serde::Serialize;
use serde_json::Value;
use sqlx::SqlitePool;
use std::collections::{BTreeMap, HashMap};

/// The most items one import may hold.
pub const MAX_ITEMS: usize = 5_000;

/// What an import did, or why it did nothing.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Annotations stored (0 when anything was refused).
    pub imported: usize,
    /// Replies stored.
    pub replies: usize,
    /// Items whose position disagreed with their quote (or was missing), found by the quote.
    pub anchored_by_quote: Vec<ItemRef>,
    /// Items refused, with the reason; when any is, nothing is stored.
    pub refused: Vec<Refusal>,
    /// The ids in the input and the new annotations' IRIs.
    pub ids: BTreeMap<String, String>,
}

/// An item of the input: its place and, when it had one, its id.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ItemRef {
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
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

/// Imports `input` into a reading as `importer` (an instructor of its course).
/// A report with refusals means nothing was stored.
pub async fn import_annotations(
    db: &SqlitePool,
    reading_id: i64,
    importer: Viewer,
    input: &Value,
    iris: &Iris,
) -> Result<ImportReport> {
    let values = items_of(input)?;
    if values.len() > MAX_ITEMS {
        return Err(Error::invalid("import", format!("at most {MAX_ITEMS} annotations at a time")));
    }
    let reading = readings::find_reading(db, reading_id).await?.ok_or(Error::NotFound)?;
    let (text, index) = (&reading.doc.text, CharIndex::new(&reading.doc.text));
    let mut report = ImportReport::default();
    let mut plan = ImportPlan::default();
    let mut keys: HashMap<AnnotationId, usize> = HashMap::new();
    let mut input_ids = Vec::new();
    let mut links = Vec::new();
    let mut replies = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let item = ItemRef { index: i, id: value.get("id").and_then(Value::as_str).map(str::to_owned) };
        let refuse = |report: &mut ImportReport, reason: String| {
            report.refused.push(Refusal { index: i, id: item.id.clone(), reason });
        };
        match parse_import_item(value) {
            Err(invalid) => refuse(&mut report, invalid.to_string()),
            Ok(ImportItem::Reply { parent, text, provenance }) => replies.push((item, parent, text, provenance)),
            Ok(ImportItem::Annotation { key, parsed, provenance }) => {
                let ParsedAnnotation { annotation: mut new, links: requested, .. } = *parsed;
                let anchored =
                    match anchor::anchor(text, &index, new.position, new.quote.as_ref(), Agreement::QuoteWins) {
                        Ok(anchored) => anchored,
                        Err(e) => {
                            refuse(&mut report, format!("target.selector: {e}"));
                            continue;
                        }
                    };
                if anchored.by == AnchoredBy::Quote && new.position.is_some() {
                    report.anchored_by_quote.push(item.clone());
                }
                new.position = Some(anchored.position);
                new.quote = Some(anchored.quote);
                let at = plan.annotations.len();
                if let Some(key) = key {
                    if keys.insert(key, at).is_some() {
                        refuse(&mut report, "the same id appears twice in the import".to_owned());
                        continue;
                    }
                }
                let kind = new.kind;
                links.extend(requested.into_iter().map(|link| Pending { item: item.clone(), from: at, kind, link }));
                input_ids.push(item.id);
                plan.annotations.push(ImportedAnnotation { new, provenance });
            }
        }
    }
    for pending in links {
        match resolve(db, reading_id, importer, &keys, &plan, pending.link.target).await? {
            Some((_, target)) if target == Existing::Batch(pending.from) => {
                refuse_item(&mut report, &pending.item, &LinkError::SelfLink.to_string());
            }
            Some((kind, target)) => match Relation::for_kinds(pending.kind, kind, pending.link.relation) {
                Ok(relation) => plan.links.push((pending.from, target, relation)),
                Err(e) => refuse_item(&mut report, &pending.item, &format!("link: {e}")),
            },
            None => refuse_item(
                &mut report,
                &pending.item,
                "link: the linked annotation is neither in the import nor in this reading",
            ),
        }
    }
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

fn refuse_item(report: &mut ImportReport, item: &ItemRef, reason: &str) {
    report.refused.push(Refusal { index: item.index, id: item.id.clone(), reason: reason.to_owned() });
}

/// An annotation a link or reply names: one of the import's, else one the importer sees in the reading.
async fn resolve(
    db: &SqlitePool,
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
pub async fn import_file(
    db: &SqlitePool,
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
    let report = import_annotations(db, reading_id, importer, &input, iris).await.map_err(|e| anyhow!("{e}"))?;
    if !report.refused.is_empty() {
        let reasons: Vec<String> = report.refused.iter().map(|r| format!("item {}: {}", r.index, r.reason)).collect();
        bail!("nothing was imported:\n{}", reasons.join("\n"));
    }
    Ok(report)
}
