//! Quotas: how much one passage, one student, one import or one course may hold,
//! and how many CPU-heavy tasks run at once. Each is a flag and a
//! `COUNTERPOINT_*` variable (README, "Limits and security").

use clap::Args;

/// What one account or request may make the server store or compute.
#[derive(Args, Debug, Clone, PartialEq, Eq)]
pub struct Quotas {
    /// The longest passage one annotation may highlight, in characters (code points).
    #[arg(long, env = "COUNTERPOINT_MAX_PASSAGE", default_value_t = Quotas::DEFAULT.max_passage)]
    pub max_passage: usize,
    /// How many annotations one student may make in one reading (instructors are
    /// bounded by `--max-import-chars` on each import instead).
    #[arg(long, env = "COUNTERPOINT_MAX_ANNOTATIONS_PER_READING", default_value_t = Quotas::DEFAULT.max_annotations_per_reading)]
    pub max_annotations_per_reading: usize,
    /// How many characters the passages of one annotation import may cover in all.
    #[arg(long, env = "COUNTERPOINT_MAX_IMPORT_CHARS", default_value_t = Quotas::DEFAULT.max_import_chars)]
    pub max_import_chars: usize,
    /// How many readings one course may hold.
    #[arg(long, env = "COUNTERPOINT_MAX_READINGS_PER_COURSE", default_value_t = Quotas::DEFAULT.max_readings_per_course)]
    pub max_readings_per_course: usize,
    /// How many CPU-heavy tasks (imports, anchoring in long readings) run at once,
    /// off the workers that answer requests.
    #[arg(long, env = "COUNTERPOINT_HEAVY_TASKS", default_value_t = Quotas::DEFAULT.heavy_tasks)]
    pub heavy_tasks: usize,
    /// The largest PDF a reading may be imported from, in bytes.
    #[arg(long, env = "COUNTERPOINT_MAX_PDF_BYTES", default_value_t = Quotas::DEFAULT.max_pdf_bytes)]
    pub max_pdf_bytes: usize,
    /// The most pages a PDF reading may have.
    #[arg(long, env = "COUNTERPOINT_MAX_PDF_PAGES", default_value_t = Quotas::DEFAULT.max_pdf_pages)]
    pub max_pdf_pages: usize,
    /// How long reading one PDF may take, in seconds (under the 30 s a request may take).
    #[arg(long, env = "COUNTERPOINT_PDF_SECONDS", default_value_t = Quotas::DEFAULT.pdf_seconds)]
    pub pdf_seconds: u64,
}

impl Quotas {
    /// Generous for a class: a long paragraph, a thousand annotations a student,
    /// two imports of 5,000 annotations of 400 characters each.
    pub const DEFAULT: Self = Self {
        max_passage: 10_000,
        max_annotations_per_reading: 1_000,
        max_import_chars: 2_000_000,
        max_readings_per_course: 500,
        heavy_tasks: 2,
        // A long think-tank report with figures; its text is read in well under a second a page.
        max_pdf_bytes: 16 * 1024 * 1024,
        max_pdf_pages: 400,
        pdf_seconds: 20,
    };

    /// The bounds on reading one PDF.
    #[must_use]
    pub fn pdf_limits(&self) -> crate::pdf::PdfLimits {
        crate::pdf::PdfLimits {
            max_bytes: self.max_pdf_bytes,
            max_pages: self.max_pdf_pages,
            time: std::time::Duration::from_secs(self.pdf_seconds.max(1)),
        }
    }
}

impl Default for Quotas {
    fn default() -> Self {
        Self::DEFAULT
    }
}
