//! Reading a PDF's text layer: the file is parsed by `pdf-extract` (MIT, pure
//! Rust, on `lopdf`), whose drawing callbacks hand each glyph with its
//! transformation to [`Collector`]; the pure layout in
//! [`crate::text::import::pdf`] makes the reading's text and blocks.
//!
//! A PDF from a stranger is hostile input, and the parser panics on many
//! malformed files, so the work runs on its own thread (a large stack, a panic
//! there is a refusal, not a crash) and is bounded: bytes and pages before
//! parsing, and wall time checked at every glyph and page; past the deadline
//! the caller answers at once while the thread stops at its next check.
//! `mupdf` (AGPL) and `pdfium-render` (a downloaded binary) were not used.

use crate::domain::Title;
use crate::text::Document;
use crate::text::import::pdf::{Glyph, Page, layout};
use crate::text::import::{ImportError, MAX_SOURCE_BYTES};
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};
use sha2::{Digest, Sha256};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How much one PDF may make the server do (`--max-pdf-bytes`, `--max-pdf-pages`, `--pdf-seconds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdfLimits {
    pub max_bytes: usize,
    pub max_pages: usize,
    pub time: Duration,
}

impl Default for PdfLimits {
    /// The defaults of `--max-pdf-bytes`, `--max-pdf-pages` and `--pdf-seconds`.
    fn default() -> Self {
        crate::config::Quotas::DEFAULT.pdf_limits()
    }
}

/// A PDF read into a reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfReading {
    pub doc: Document,
    /// The title in the file's metadata, else its first heading.
    pub title: Option<String>,
    /// The file's SHA-256, in hex: the original's identity.
    pub sha256: String,
}

/// The media type an original PDF is served with.
pub const MEDIA_TYPE: &str = "application/pdf";

/// The SHA-256 of `bytes` in lower-case hex.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The title given, else the file's own, else its name, else "Untitled PDF"; cut to fit.
#[must_use]
pub fn title_for(given: &str, found: Option<&str>, file_name: &str) -> Title {
    let stem = file_name.trim().rsplit_once('.').map_or(file_name.trim(), |(stem, _)| stem);
    [given, found.unwrap_or_default(), stem]
        .into_iter()
        .filter(|t| !t.trim().is_empty())
        .find_map(|t| Title::parse(&t.trim().chars().take(200).collect::<String>()).ok())
        .or_else(|| Title::parse("Untitled PDF").ok())
        .unwrap_or_else(|| unreachable!("\"Untitled PDF\" is a valid title"))
}

/// How many pages a PDF has, or `None` if it cannot be read (for tools and benchmarks).
#[must_use]
pub fn page_count(bytes: &[u8]) -> Option<usize> {
    std::panic::catch_unwind(|| pdf_extract::Document::load_mem(bytes).ok().map(|d| d.get_pages().len())).ok().flatten()
}

/// Reads `bytes` as a PDF within `limits`. Blocks for up to `limits.time`:
/// call it off the async workers.
pub fn read(bytes: &[u8], limits: PdfLimits) -> Result<PdfReading, ImportError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImportError::TooLarge { size: bytes.len(), limit: limits.max_bytes });
    }
    // The header may follow some junk, but only a little (ISO 32000-1, 7.5.2; readers allow 1 KiB).
    if !bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Err(ImportError::Unreadable("it does not start like a PDF".into()));
    }
    let sha256 = sha256_hex(bytes);
    let deadline = Instant::now() + limits.time;
    let owned = bytes.to_vec();
    let (sender, receiver) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("pdf".into())
        // lopdf parses nested objects recursively (at most 100 deep); be generous.
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let outcome = std::panic::catch_unwind(|| parse(&owned, limits.max_pages, deadline));
            let outcome =
                outcome.unwrap_or_else(|_| Err(ImportError::Unreadable("the parser could not follow it".into())));
            let _ = sender.send(outcome);
        })
        .map_err(|e| ImportError::Unreadable(format!("no thread to read it on: {e}")))?;
    let seconds = limits.time.as_secs();
    let (pages, title) = match receiver.recv_timeout(limits.time + Duration::from_millis(250)) {
        Ok(outcome) => outcome?,
        Err(mpsc::RecvTimeoutError::Timeout) => return Err(ImportError::TooSlow { seconds }),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            return Err(ImportError::Unreadable("the parser could not follow it".into()));
        }
    };
    let laid = layout(&pages)?;
    if laid.doc.text.len() > MAX_SOURCE_BYTES {
        return Err(ImportError::TooLarge { size: laid.doc.text.len(), limit: MAX_SOURCE_BYTES });
    }
    Ok(PdfReading { doc: laid.doc, title: title.or(laid.heading), sha256 })
}

/// Parses the file and collects every page's glyphs, and the metadata title.
fn parse(bytes: &[u8], max_pages: usize, deadline: Instant) -> Result<(Vec<Page>, Option<String>), ImportError> {
    let mut doc = pdf_extract::Document::load_mem(bytes).map_err(|e| refusal(&e))?;
    if doc.is_encrypted() {
        // Many PDFs are encrypted with an empty password only to set permissions.
        doc.decrypt("").map_err(|_| ImportError::Encrypted)?;
    }
    let pages = doc.get_pages().len();
    if pages == 0 {
        return Err(ImportError::Unreadable("it has no pages".into()));
    }
    if pages > max_pages {
        return Err(ImportError::TooManyPages { pages, limit: max_pages });
    }
    let title = metadata_title(&doc);
    let mut collector = Collector { deadline, room: MAX_SOURCE_BYTES, timed_out: false, pages: Vec::new(), flip: 0.0 };
    match pdf_extract::output_doc(&doc, &mut collector) {
        Ok(()) => Ok((collector.pages, title)),
        Err(_) if collector.timed_out => Err(ImportError::TooSlow { seconds: 0 }),
        Err(_) if collector.room == 0 => {
            Err(ImportError::Unreadable(format!("it draws more than {MAX_SOURCE_BYTES} characters")))
        }
        Err(OutputError::PdfError(e)) => Err(refusal(&e)),
        Err(e) => Err(ImportError::Unreadable(e.to_string())),
    }
}

fn refusal(error: &pdf_extract::Error) -> ImportError {
    match error {
        pdf_extract::Error::Decryption(_) => ImportError::Encrypted,
        other => ImportError::Unreadable(other.to_string()),
    }
}

/// `/Title` in the document information dictionary, if it says something.
fn metadata_title(doc: &pdf_extract::Document) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let (_, info) = doc.dereference(info).ok()?;
    let title = info.as_dict().ok()?.get(b"Title").ok()?;
    let (_, title) = doc.dereference(title).ok()?;
    let title = pdf_extract::decode_text_string(title).ok()?;
    let title: String =
        title.chars().filter(|c| !c.is_control()).collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ");
    // Producers fill in file names and "untitled" when the author gave no title.
    let lower = title.to_lowercase();
    let placeholder = lower.is_empty()
        || lower.starts_with("untitled")
        || lower.starts_with("microsoft word")
        || [".pdf", ".doc", ".docx", ".html", ".htm", ".tex", ".txt"].iter().any(|ext| lower.ends_with(ext));
    (!placeholder).then_some(title)
}

/// Collects glyphs page by page, in page coordinates with y downwards.
struct Collector {
    deadline: Instant,
    /// Glyphs still allowed: a content stream may draw far more text than a file's size suggests.
    room: usize,
    timed_out: bool,
    pages: Vec<Page>,
    /// The page's top edge, to turn PDF's upward y into a downward one.
    flip: f64,
}

impl Collector {
    fn check(&mut self) -> Result<(), OutputError> {
        if Instant::now() > self.deadline {
            self.timed_out = true;
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        Ok(())
    }
}

impl OutputDev for Collector {
    fn begin_page(&mut self, _: u32, media_box: &MediaBox, _: Option<(f64, f64, f64, f64)>) -> Result<(), OutputError> {
        self.check()?;
        self.flip = media_box.ury;
        let page = Page {
            width: (media_box.urx - media_box.llx).abs(),
            height: (media_box.ury - media_box.lly).abs(),
            glyphs: Vec::new(),
        };
        self.pages.push(Page { glyphs: Vec::with_capacity(4096), ..page });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.check()
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        self.check()?;
        self.room = self.room.checked_sub(1).ok_or(OutputError::FormatError(std::fmt::Error))?;
        // Upright text only: rotated glyphs (a watermark, an axis label) are not the reading.
        if trm.m12.abs() > 0.01 * trm.m11.abs() || trm.m21.abs() > 0.01 * trm.m22.abs() || trm.m11 <= 0.0 {
            return Ok(());
        }
        let scale = trm.m22.abs();
        let size = font_size * scale;
        let glyph = Glyph {
            text: text.to_owned(),
            x: trm.m31,
            y: self.flip - trm.m32,
            width: width * font_size * trm.m11,
            size,
        };
        if let Some(page) = self.pages.last_mut() {
            page.glyphs.push(glyph);
        }
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
