//! The command-line side of diagrams: `ask … --format dot|svg|…`, `draw`, `export`,
//! `list architectures`, the global `-o FILE` and the architecture part of `check`.
//! `cli::run` hands these commands over here, so `cli.rs` only wires them.
//!
//! Output is built completely in memory first and then written in one go (atomically
//! for `-o FILE`), so a failing Graphviz leaves no half-written file behind.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};

use super::{Clustering, Diagram, DiagramError, svg};
use crate::architecture::{self, Architecture, ArchitectureError};
use crate::cli::{Outcome, exit, print_report};
use crate::graph::KnowledgeGraph;
use crate::render::{self, Format, Style, diagnostic};

/// Options shared by `ask`, `draw`, `export` and `list`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct DiagramOptions {
    /// Write the output to FILE instead of standard output, atomically (a failure never
    /// leaves a half-written file). Without --format the extension picks the format:
    /// .dot/.gv .svg .json .md .mmd .graphml .cypher. `-` means standard output.
    #[arg(long, short = 'o', global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// How query and whole-graph diagrams group their nodes.
    #[arg(long, global = true, value_enum, default_value = "category")]
    pub cluster: Clustering,
}

// `awsgraph draw NAME`. A plain comment, not a doc comment: clap would make a doc comment the
// subcommand's `about`, and as the subcommands are deferred (`cli::Command`) it would
// replace the help line written on the variant.
#[derive(Debug, Clone, clap::Args)]
pub struct DrawArgs {
    /// An architecture name (see `awsgraph list architectures`) or the path of an
    /// architecture .yaml file.
    #[arg(value_name = "NAME")]
    pub name: String,
}

// `awsgraph export`. Not a doc comment: see `DrawArgs`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    /// Export only the subgraph this query returns, e.g. "neighbors VPC depth 2".
    #[arg(long, short = 'q', value_name = "QUERY")]
    pub query: Option<String>,
}

// `awsgraph list WHAT`. Not a doc comment: see `DrawArgs`.
#[derive(Debug, Clone, clap::Args)]
pub struct ListArgs {
    /// `architectures`, or what a `list` query lists: services, nodes, categories,
    /// properties, kinds, relations.
    #[arg(required = true, num_args = 1.., value_name = "WHAT")]
    pub what: Vec<String>,
}

/// What every diagram command needs from the command line.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// `--graph DIR`, or `None` for the built-in knowledge.
    pub graph_dir: Option<&'a Path>,
    pub format: Format,
    pub options: &'a DiagramOptions,
    pub style: Style,
    pub err_style: Style,
}

impl Context<'_> {
    /// The file to write, or `None` for standard output.
    fn file(&self) -> Option<&Path> {
        self.options
            .output
            .as_deref()
            .filter(|p| *p != Path::new("-"))
    }

    /// The format asked for: `--format`, else the output file's extension, else table.
    /// `table` is the default, so it never overrides an extension: a table in a .svg
    /// file is never what anyone wants.
    pub fn effective_format(&self) -> Format {
        if self.format != Format::Table {
            return self.format;
        }
        self.file()
            .and_then(Format::from_extension)
            .unwrap_or(Format::Table)
    }

    /// Answers are not coloured when they go to a file.
    fn out_style(&self) -> Style {
        if self.file().is_some() {
            Style::default()
        } else {
            self.style
        }
    }
}

/// True when `ask` must go through here: a diagram format or an output file.
pub fn handles_ask(format: Format, options: &DiagramOptions) -> bool {
    options.output.is_some() || is_diagram(format)
}

fn is_diagram(format: Format) -> bool {
    matches!(
        format,
        Format::Dot | Format::Svg | Format::Mermaid | Format::Graphml | Format::Cypher
    )
}

/// `awsgraph ask QUERY` with `-o` or a diagram format.
pub fn ask(
    graph: &KnowledgeGraph,
    text: &str,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let format = ctx.effective_format();
    let outcome = crate::cli::answer(graph, text);
    let answer = match outcome {
        Outcome::Answer(a) => a,
        other => {
            if let Some(d) = other.diagnostic(text) {
                write!(err, "{}", diagnostic::render(&d, ctx.err_style.color))?;
            }
            return Ok(other.exit_code());
        }
    };
    let code = if answer.is_empty() {
        exit::NOT_FOUND
    } else {
        exit::OK
    };
    if !is_diagram(format) {
        let text = render::render(&answer, format, ctx.out_style());
        return finish(text.as_bytes(), code, ctx, out, err);
    }
    let diagram = match Diagram::from_answer(&answer, ctx.options.cluster, graph.relations()) {
        Ok(d) => d,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            writeln!(
                err,
                "  help: draw queries that return nodes: describe, compare, what, find, path, neighbors"
            )?;
            return Ok(exit::USAGE);
        }
    };
    if diagram.is_empty() {
        writeln!(
            err,
            "error: the query found no nodes, so there is nothing to draw"
        )?;
        return Ok(exit::NOT_FOUND);
    }
    write_diagram(&diagram, format, ctx, out, err).map(|c| c.max(code))
}

/// Writes `bytes` to the output file (atomically) or to `out`. Returns `code`, or the
/// output error status when the file could not be written (the message is printed).
fn finish(
    bytes: &[u8],
    code: u8,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let Some(path) = ctx.file() else {
        out.write_all(bytes)?;
        return Ok(code);
    };
    match crate::output::write_atomic(path, bytes) {
        Ok(()) => Ok(code),
        Err(e) => {
            writeln!(err, "error: cannot write {}: {e}", path.display())?;
            Ok(exit::OUTPUT)
        }
    }
}

/// Renders a diagram in `format` and writes it to the output file or `out`.
fn write_diagram(
    d: &Diagram,
    format: Format,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let bytes = match format {
        Format::Svg => match svg::render(d) {
            Ok(svg) => {
                if svg.fallback {
                    writeln!(err, "{}", svg::FALLBACK_WARNING)?;
                }
                svg.bytes
            }
            Err(e) => return report_diagram_error(&e, err),
        },
        other => match super::render_text(d, other) {
            Some(text) => text.into_bytes(),
            None => {
                writeln!(
                    err,
                    "error: `{}` is not a diagram format",
                    format_name(other)
                )?;
                return Ok(exit::USAGE);
            }
        },
    };
    finish(&bytes, exit::OK, ctx, out, err)
}

fn report_diagram_error(e: &DiagramError, err: &mut dyn Write) -> io::Result<u8> {
    writeln!(err, "error: {e}")?;
    if matches!(
        e,
        DiagramError::DotFailed { .. }
            | DiagramError::DotTimeout { .. }
            | DiagramError::DotIo { .. }
    ) {
        writeln!(
            err,
            "  help: `--format dot` prints the DOT source to check by hand; {} picks another `dot`",
            svg::DOT_ENV
        )?;
    }
    Ok(exit::OUTPUT)
}

/// The formats `draw` and `export` write; table (the default) means DOT.
fn drawing_format(
    ctx: &Context,
    command: &str,
    err: &mut dyn Write,
) -> io::Result<Result<Format, u8>> {
    match ctx.effective_format() {
        Format::Table => Ok(Ok(Format::Dot)),
        Format::Markdown => {
            writeln!(
                err,
                "error: `{command}` writes dot, svg, mermaid, json, graphml or cypher, not markdown"
            )?;
            Ok(Err(exit::USAGE))
        }
        f => Ok(Ok(f)),
    }
}

/// `awsgraph draw NAME`: validates the architecture, then draws it.
pub fn draw(
    graph: &KnowledgeGraph,
    args: &DrawArgs,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let format = match drawing_format(ctx, "draw", err)? {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    let path = Path::new(&args.name);
    let is_path = args.name.contains(['/', '\\'])
        || (path.is_file() && path.extension().is_some_and(|e| e == "yaml" || e == "yml"));
    let loaded = if is_path {
        architecture::load_file(path, graph)
    } else {
        architecture::load_named(ctx.graph_dir, &args.name, graph)
    };
    match loaded {
        Ok(a) => write_diagram(&a.diagram, format, ctx, out, err),
        Err(e) => report_architecture_error(&e, err, ctx.err_style),
    }
}

/// `awsgraph export`: the whole graph, or a query's subgraph.
pub fn export(
    graph: &KnowledgeGraph,
    args: &ExportArgs,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let format = match drawing_format(ctx, "export", err)? {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    let diagram = match &args.query {
        None => Diagram::from_graph(graph, ctx.options.cluster),
        Some(q) => match crate::cli::answer(graph, q) {
            Outcome::Answer(a) => {
                match Diagram::from_answer(&a, ctx.options.cluster, graph.relations()) {
                    Ok(d) if d.is_empty() => {
                        writeln!(
                            err,
                            "error: the query found no nodes, so there is nothing to export"
                        )?;
                        return Ok(exit::NOT_FOUND);
                    }
                    Ok(d) => d,
                    Err(e) => {
                        writeln!(err, "error: {e}")?;
                        return Ok(exit::USAGE);
                    }
                }
            }
            other => {
                if let Some(d) = other.diagnostic(q) {
                    write!(err, "{}", diagnostic::render(&d, ctx.err_style.color))?;
                }
                return Ok(other.exit_code());
            }
        },
    };
    write_diagram(&diagram, format, ctx, out, err)
}

/// `awsgraph list architectures`, or any `list …` query.
pub fn list(
    graph: &KnowledgeGraph,
    args: &ListArgs,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let what = args.what.join(" ");
    if !matches!(
        what.trim().to_lowercase().as_str(),
        "architectures" | "architecture" | "arch"
    ) {
        let query = format!("list {what}");
        if handles_ask(ctx.format, ctx.options) {
            return ask(graph, &query, ctx, out, err);
        }
        return plain_answer(graph, &query, ctx, out, err);
    }
    let all = match architecture::load_all(ctx.graph_dir, graph) {
        Ok(all) => all,
        Err(e) => return report_architecture_error(&e, err, ctx.err_style),
    };
    let format = ctx.effective_format();
    let text = match format {
        Format::Table => architecture_table(&all, ctx.out_style()),
        Format::Json => {
            let rows: Vec<serde_json::Value> = all
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "name": a.name,
                        "title": a.title,
                        "description": a.description,
                        "file": a.file,
                        "nodes": a.diagram.nodes.len(),
                        "edges": a.diagram.edges.len(),
                        "groups": a.diagram.groups.len(),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
        }
        Format::Markdown => {
            let mut s =
                String::from("| name | title | nodes | edges | groups |\n|---|---|---|---|---|\n");
            for a in &all {
                s.push_str(&format!(
                    "| {} | {} | {} | {} | {} |\n",
                    render::markdown::escape(&a.name),
                    render::markdown::escape(&a.title),
                    a.diagram.nodes.len(),
                    a.diagram.edges.len(),
                    a.diagram.groups.len()
                ));
            }
            s
        }
        other => {
            writeln!(
                err,
                "error: `list architectures` prints a table, json or markdown, not {}",
                format_name(other)
            )?;
            return Ok(exit::USAGE);
        }
    };
    let code = if all.is_empty() {
        exit::NOT_FOUND
    } else {
        exit::OK
    };
    finish(text.as_bytes(), code, ctx, out, err)
}

/// A `list …` query in a text format, to standard output or the output file.
fn plain_answer(
    graph: &KnowledgeGraph,
    query: &str,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let outcome = crate::cli::answer(graph, query);
    match &outcome {
        Outcome::Answer(a) => out.write_all(render::render(a, ctx.format, ctx.style).as_bytes())?,
        other => {
            if let Some(d) = other.diagnostic(query) {
                write!(err, "{}", diagnostic::render(&d, ctx.err_style.color))?;
            }
        }
    }
    Ok(outcome.exit_code())
}

fn architecture_table(all: &[Architecture], style: Style) -> String {
    if all.is_empty() {
        return "no architectures\n".into();
    }
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners())
        .set_content_arrangement(ContentArrangement::Dynamic);
    if !style.color {
        t.force_no_tty();
        t.set_width(110);
    }
    t.set_header(vec!["name", "title", "nodes", "edges", "groups"]);
    for a in all {
        t.add_row(vec![
            Cell::new(&a.name),
            Cell::new(&a.title),
            Cell::new(a.diagram.nodes.len()).set_alignment(CellAlignment::Right),
            Cell::new(a.diagram.edges.len()).set_alignment(CellAlignment::Right),
            Cell::new(a.diagram.groups.len()).set_alignment(CellAlignment::Right),
        ]);
    }
    format!("{t}\nDraw one with: awsgraph draw NAME -o NAME.svg\n")
}

/// The architecture part of `awsgraph check`: every architecture validated, errors
/// printed like knowledge errors. `Ok(Err(status))` when any is invalid.
pub fn check_architectures(
    graph: &KnowledgeGraph,
    ctx: &Context,
    err: &mut dyn Write,
) -> io::Result<Result<Vec<Architecture>, u8>> {
    match architecture::load_all(ctx.graph_dir, graph) {
        Ok(all) => Ok(Ok(all)),
        Err(e) => report_architecture_error(&e, err, ctx.err_style).map(Err),
    }
}

fn report_architecture_error(
    e: &ArchitectureError,
    err: &mut dyn Write,
    style: Style,
) -> io::Result<u8> {
    match e {
        ArchitectureError::Invalid(report) => {
            print_report(report, err, style)?;
            let n = report.errors().count();
            writeln!(err, "error: {n} problem(s) in the architecture files")?;
            Ok(exit::INVALID_KNOWLEDGE)
        }
        ArchitectureError::NotFound {
            suggestions,
            available,
            ..
        } => {
            writeln!(err, "error: {e}")?;
            if !suggestions.is_empty() {
                let s: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
                writeln!(err, "  help: did you mean {}?", s.join(", "))?;
            } else if !available.is_empty() {
                writeln!(
                    err,
                    "  help: the architectures are {}",
                    available.join(", ")
                )?;
            } else {
                writeln!(
                    err,
                    "  help: there are no architectures; add .yaml files under graph/architectures/"
                )?;
            }
            Ok(exit::NOT_FOUND)
        }
        ArchitectureError::File { .. } => {
            writeln!(err, "error: {e}")?;
            Ok(exit::NOT_FOUND)
        }
        ArchitectureError::Read(_) => {
            writeln!(err, "error: {e}")?;
            Ok(exit::INVALID_KNOWLEDGE)
        }
    }
}

fn format_name(f: Format) -> String {
    clap::ValueEnum::to_possible_value(&f)
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}
