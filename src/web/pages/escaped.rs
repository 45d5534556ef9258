//! What the page caches keep, written as it is wherever a template shows it:
//! text escaped for HTML once ([`Escaped`]: an annotation's quote, comment,
//! author, replies…, text only, never a tag), and markup a template drew once
//! ([`Drawn`]: an article's block, a list entry), shared by every viewer.

use askama::FastWritable;
use askama::filters::Escaper;
use std::fmt;
use std::sync::Arc;

/// Text escaped for HTML (element content or a quoted attribute value).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Escaped(Box<str>);

impl Escaped {
    /// `text`, escaped.
    #[must_use]
    pub fn of(text: &str) -> Self {
        let mut escaped = String::with_capacity(text.len());
        // Writing to a String cannot fail.
        let _ = askama::filters::Html.write_escaped_str(&mut escaped, text);
        Self(escaped.into_boxed_str())
    }

    /// Text that needs no escaping: an annotation's id (a UUID).
    #[must_use]
    pub fn uuid(id: impl fmt::Display) -> Self {
        Self(id.to_string().into_boxed_str())
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Escaped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Written without a formatter: a page writes thousands of these.
impl FastWritable for Escaped {
    fn write_into<W: fmt::Write + ?Sized>(&self, dest: &mut W, _: &dyn askama::Values) -> askama::Result<()> {
        Ok(dest.write_str(&self.0)?)
    }
}

/// Escaped when made.
impl askama::filters::HtmlSafe for Escaped {}

/// Markup one of the templates drew (escaping what it shows there), kept to be
/// written again as it is.
#[derive(Debug, Clone, Default)]
pub struct Drawn(Arc<str>);

impl From<String> for Drawn {
    fn from(markup: String) -> Self {
        Self(Arc::from(markup))
    }
}

impl fmt::Display for Drawn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Written without a formatter: a page writes a thousand of these.
impl FastWritable for Drawn {
    fn write_into<W: fmt::Write + ?Sized>(&self, dest: &mut W, _: &dyn askama::Values) -> askama::Result<()> {
        Ok(dest.write_str(&self.0)?)
    }
}

/// Drawn by a template, which escaped what it shows.
impl askama::filters::HtmlSafe for Drawn {}

#[cfg(test)]
mod tests {
    use super::Escaped;

    #[test]
    fn text_is_escaped_once() {
        assert_eq!(Escaped::of("a <b> & \"c\" 'd'").as_str(), "a &#60;b&#62; &#38; &#34;c&#34; &#39;d&#39;");
        assert_eq!(Escaped::of("“plain” 🌍").as_str(), "“plain” 🌍");
    }
}
