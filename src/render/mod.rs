//! Answer → text. The last stage: every output format is a function of an
//! [`Answer`](crate::answer::Answer) alone, so the one-shot CLI, `run` files and the REPL
//! print exactly the same thing for the same query.

pub mod diagnostic;
pub mod grid;
pub mod json;
pub mod markdown;
pub mod table;

use crate::answer::Answer;

/// Output formats for query answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned tables for people (coloured on a terminal).
    Table,
    /// One JSON document per answer, for scripts (see docs/json-output.md).
    Json,
    /// GitHub-flavoured Markdown, for notes and issues.
    Markdown,
    /// Graphviz DOT source of the answer's subgraph (see docs/diagrams.md).
    Dot,
    /// SVG picture of the answer's subgraph, drawn by Graphviz `dot` when installed.
    Svg,
    /// Mermaid flowchart, rendered inline by GitHub.
    Mermaid,
    /// GraphML, for Gephi, yEd and Cytoscape.
    Graphml,
    /// Cypher `CREATE` statements, for Neo4j.
    Cypher,
}

/// Terminal styling; off when piped or with NO_COLOR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    /// Decides colour the way users expect: `always`/`never` win, otherwise colour only
    /// on a terminal and only when NO_COLOR is unset or empty.
    pub fn detect(choice: ColorChoice, is_terminal: bool) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: match choice {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => is_terminal && !no_color,
            },
        }
    }

    pub(crate) fn paint(&self, style: anstyle::Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Renders an answer in the given format. The text ends with a newline.
pub fn render(answer: &Answer, format: Format, style: Style) -> String {
    match format {
        Format::Table => table::render(answer, style),
        Format::Json => json::render(answer),
        Format::Markdown => markdown::render(answer),
        // Pure here: SVG comes from the built-in layout. The CLI draws SVG through
        // `diagram::svg`, which prefers Graphviz.
        Format::Dot | Format::Svg | Format::Mermaid | Format::Graphml | Format::Cypher => {
            crate::diagram::render_answer(answer, format)
        }
    }
}
