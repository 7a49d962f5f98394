//! Errors → screen text, through miette's graphical handler: the offending line with a
//! caret under the bad token, the message, and help.
//!
//! Both knowledge diagnostics (a YAML file and a location) and query errors (the query
//! text and a byte span) go through the same [`Located`] shape so they look alike.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use crate::load::{Diagnostic, Report, Severity};

/// One problem with the text it is about.
#[derive(Debug)]
pub struct Located {
    pub message: String,
    pub source: Option<NamedSource<Arc<str>>>,
    pub span: SourceSpan,
    pub label: String,
    pub help: Option<String>,
    pub severity: miette::Severity,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Located {}

impl miette::Diagnostic for Located {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(self.label.clone()),
            self.span,
        ))))
    }
}

/// Renders any miette diagnostic; `color` picks the themed or the plain Unicode output.
pub fn render(d: &dyn miette::Diagnostic, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        // One line per message, however long: "file:line:col: message" stays greppable.
        .with_width(1000)
        .with_context_lines(1);
    let mut s = String::new();
    if handler.render_report(&mut s, d).is_err() {
        s = d.to_string();
    }
    s
}

/// A query error located in the query text.
pub fn query_error(
    query: &str,
    message: String,
    offset: usize,
    len: usize,
    label: &str,
    help: Option<String>,
) -> Located {
    let offset = offset.min(query.len());
    let len = len.min(query.len() - offset);
    // Something missing at the end has no text to underline; a trailing space gives the
    // caret a column to stand in, right where the missing word belongs.
    let (text, len) = if len == 0 {
        (format!("{query} "), 1)
    } else {
        (query.to_string(), len)
    };
    Located {
        message,
        source: Some(NamedSource::new("query", Arc::from(text.as_str()))),
        span: (offset, len).into(),
        label: label.to_string(),
        help,
        severity: miette::Severity::Error,
    }
}

/// A knowledge diagnostic with its file's text.
pub fn knowledge(d: &Diagnostic, report: &Report) -> Located {
    let source = if d.line == 0 {
        None
    } else {
        report
            .sources
            .get(&d.file)
            .map(|text| NamedSource::new(d.file.clone(), text.clone()))
    };
    let text_len = report.sources.get(&d.file).map(|t| t.len()).unwrap_or(0);
    let offset = d.offset.min(text_len);
    Located {
        message: if d.line == 0 {
            format!("{}: {}", d.file, d.message)
        } else {
            format!("{}:{}:{}: {}", d.file, d.line, d.column, d.message)
        },
        source,
        span: (offset, d.len.min(text_len - offset)).into(),
        label: "here".into(),
        help: d.help.clone(),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
    }
}
