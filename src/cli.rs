//! The command line: argument definitions and the glue from a parsed command to the
//! pipeline (load → graph → parse → eval → render). `main.rs` only calls [`run`].
//!
//! Everything here writes to the `Write` handles it is given, so tests and the REPL can
//! capture output, and a closed pipe surfaces as an `io::Error` that `main` treats as
//! success.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::answer::Answer;
use crate::graph::KnowledgeGraph;
use crate::load::{LoadError, Severity};
use crate::model::Kind;
use crate::query::{self, EvalError, SyntaxError};
use crate::render::{self, ColorChoice, Format, Style, diagnostic};

/// Exit statuses, documented in the README and `--help`.
pub mod exit {
    pub const OK: u8 = 0;
    /// No such node, or a query that needed an answer found none.
    pub const NOT_FOUND: u8 = 1;
    /// Bad command line or query syntax.
    pub const USAGE: u8 = 2;
    /// The knowledge files do not validate.
    pub const INVALID_KNOWLEDGE: u8 = 3;
    /// The output could not be produced or written: Graphviz failed or timed out, or
    /// the `-o` file could not be written.
    pub const OUTPUT: u8 = 4;
}

const AFTER_HELP: &str = "\
Examples:
  awsgraph ask \"compare NACL SecurityGroup\"
  awsgraph ask \"describe DynamoDB\" --format json
  awsgraph ask \"what monitors Lambda\"
  awsgraph ask \"what does CloudWatch monitor\"
  awsgraph ask \"path DMS to Redshift\"
  awsgraph ask \"neighbors VPC depth 2 via part-of\"
  awsgraph ask \"find services where stateful = false\"
  awsgraph ask \"find where max_item_size >= 1 MB\"
  awsgraph run queries/networking.aq
  awsgraph check --graph ./my-graph
  awsgraph ask \"neighbors VPC depth 2\" -o vpc.svg    a picture of any answer
  awsgraph list architectures
  awsgraph draw streaming -o streaming.svg
  awsgraph export --format graphml -o aws.graphml
  awsgraph                                  the interactive shell (docs/repl.md)
  echo \"describe VPC\" | awsgraph           one query per input line

Exit status: 0 answered; 1 no such node or nothing found; 2 bad usage or query
syntax; 3 the knowledge files do not validate; 4 the output could not be produced
or written (Graphviz failed, -o file not writable).";

#[derive(Debug, Parser)]
#[command(
    name = "awsgraph",
    version,
    about = "Ask a knowledge graph of AWS services: describe, compare, relations, paths, search.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// Load knowledge from this directory instead of the built-in graph.
    #[arg(long, global = true, value_name = "DIR")]
    pub graph: Option<PathBuf>,

    /// Output format.
    #[arg(long, short = 'f', global = true, value_enum, default_value = "table")]
    pub format: Format,

    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub color: ColorChoice,

    #[command(flatten)]
    pub diagram: crate::diagram::commands::DiagramOptions,

    /// With no command: the interactive shell (or, with piped input, one query per line).
    #[command(subcommand)]
    pub command: Option<Command>,
}

// `defer`: a subcommand's arguments are defined only when that subcommand is the one
// being parsed or helped. Building (and freeing) the arguments of all seven on every run
// cost 25 K instructions and 5 page faults of a one-shot `ask` (callgrind, perf stat).
// Argument structs of subcommands must not carry doc comments (see `DrawArgs`).
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Answer one query (see `awsgraph ask help` for the query forms).
    #[command(
        after_help = "Examples:\n  awsgraph ask \"describe DynamoDB\"\n  awsgraph ask compare NACL SecurityGroup\n  awsgraph ask \"find services where serverless and not stateful\" -f json"
    )]
    Ask {
        /// The query; several words are joined with spaces.
        #[arg(required = true, num_args = 1.., value_name = "QUERY")]
        query: Vec<String>,
    },
    /// Run every query of one or more query files (one query per line, `#` comments).
    Run {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Validate the knowledge files and print a summary, or every error with its location.
    Check,
    /// Draw an architecture of graph/architectures/ (see docs/diagrams.md).
    #[command(
        after_help = "Examples:\n  awsgraph list architectures\n  awsgraph draw streaming -o streaming.svg\n  awsgraph draw vpc --format mermaid\n  awsgraph draw ./my-architecture.yaml -o mine.svg"
    )]
    Draw(crate::diagram::commands::DrawArgs),
    /// Export the whole graph, or the subgraph of one query, for other tools.
    #[command(
        after_help = "Examples:\n  awsgraph export --format graphml -o aws.graphml\n  awsgraph export --format cypher -o aws.cypher\n  awsgraph export --query \"neighbors VPC depth 2\" -o vpc.mmd"
    )]
    Export(crate::diagram::commands::ExportArgs),
    /// List the architectures (`list architectures`), or run a `list` query
    /// (`list services`, `list categories`, ...).
    List(crate::diagram::commands::ListArgs),
    /// The interactive shell: completion, hints, history, dot-commands (`.help`). With
    /// piped input, runs one query per line. The default when no command is given.
    Repl {
        /// The history file [default: $XDG_STATE_HOME/awsgraph/history or
        /// ~/.local/state/awsgraph/history on Linux].
        #[arg(long, value_name = "FILE")]
        history: Option<PathBuf>,
    },
}

impl Cli {
    /// The command line of this process, as clap parses it; on bad arguments, clap's
    /// error and exit (status 2), or its help or version.
    pub fn from_env() -> Cli {
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        Cli::shortcut(&args).unwrap_or_else(|| Cli::parse_from(args))
    }

    /// The commonest command lines, `awsgraph [--graph DIR] [ask WORD...]` with no other
    /// option: what clap makes of them, without building clap's parser. Building it
    /// (every argument of the top level, then the subcommand's) is about 0.2 ms of a
    /// one-shot question's 1.7 ms, mostly first touches of clap's code and heap pages,
    /// where the whole question may take 1.5x an empty program's start (issue 7,
    /// docs/performance.md "Cold start"); queries piped to `--graph DIR` start about
    /// 0.3 ms sooner too. Anything else, including any word that starts with `-` (an
    /// option, `--help`, `--`) and text that is not Unicode, goes to clap; a test checks
    /// the two agree on every command line this takes.
    fn shortcut(args: &[std::ffi::OsString]) -> Option<Cli> {
        fn plain(word: &std::ffi::OsString) -> Option<String> {
            word.to_str()
                .filter(|w| !w.starts_with('-'))
                .map(str::to_owned)
        }
        let mut rest = args.get(1..)?;
        let mut graph = None;
        if let [flag, dir, after @ ..] = rest
            && flag == "--graph"
        {
            graph = Some(PathBuf::from(plain(dir).filter(|d| !d.is_empty())?));
            rest = after;
        }
        let command = match rest {
            [] => None,
            [ask, words @ ..] if ask == "ask" && !words.is_empty() => Some(Command::Ask {
                query: words.iter().map(plain).collect::<Option<Vec<String>>>()?,
            }),
            _ => return None,
        };
        Some(Cli {
            graph,
            format: Format::Table,
            color: ColorChoice::Auto,
            diagram: crate::diagram::commands::DiagramOptions::default(),
            command,
        })
    }
}

/// Loads the graph the user asked for, printing diagnostics on failure.
pub fn load_graph(
    dir: Option<&std::path::Path>,
    query_indexes: crate::load::QueryIndexes,
    err: &mut dyn Write,
    style: Style,
) -> io::Result<Result<KnowledgeGraph, u8>> {
    let loaded = match dir {
        Some(d) => {
            // A directory may be large: see `allocator` for why loading one switches the
            // process to mimalloc, and why the built-in graph does not.
            crate::allocator::use_mimalloc();
            KnowledgeGraph::load_dir_with(d, query_indexes)
        }
        None => KnowledgeGraph::builtin(),
    };
    match loaded {
        Ok(g) => Ok(Ok(g)),
        Err(e) => {
            report_load_error(&e, err, style)?;
            Ok(Err(exit::INVALID_KNOWLEDGE))
        }
    }
}

/// Prints every error of a report with its file, location and caret.
pub(crate) fn print_report(
    report: &crate::load::Report,
    err: &mut dyn Write,
    style: Style,
) -> io::Result<()> {
    for d in report.errors() {
        write!(
            err,
            "{}",
            diagnostic::render(&diagnostic::knowledge(d, report), style.color)
        )?;
    }
    Ok(())
}

fn report_load_error(e: &LoadError, err: &mut dyn Write, style: Style) -> io::Result<()> {
    match e {
        LoadError::Invalid(report) => {
            print_report(report, err, style)?;
            let n = report.errors().count();
            writeln!(
                err,
                "error: {n} problem(s) in the knowledge files; nothing was loaded"
            )?;
        }
        other => writeln!(err, "error: {other}")?,
    }
    Ok(())
}

/// Runs the command line. Returns the exit status; `Err` only for I/O errors on the
/// output handles themselves (a closed pipe).
pub fn run(
    cli: &Cli,
    out: &mut dyn Write,
    err: &mut dyn Write,
    stdout_tty: bool,
    stderr_tty: bool,
) -> io::Result<u8> {
    let style = Style::detect(cli.color, stdout_tty);
    let err_style = Style::detect(cli.color, stderr_tty);
    // `check` looks no name up and reads no edge unless the directory has architecture
    // diagrams, and then the graph builds what they need at first use.
    let query_indexes = match cli.command {
        Some(Command::Check) => crate::load::QueryIndexes::OnFirstUse,
        _ => crate::load::QueryIndexes::WithLoad,
    };
    let graph = match load_graph(cli.graph.as_deref(), query_indexes, err, err_style)? {
        Ok(g) => g,
        Err(code) => return Ok(code),
    };
    let ctx = crate::diagram::commands::Context {
        graph_dir: cli.graph.as_deref(),
        format: cli.format,
        options: &cli.diagram,
        style,
        err_style,
    };
    if cli.diagram.output.is_some()
        && !matches!(
            cli.command,
            Some(Command::Ask { .. } | Command::Draw(_) | Command::Export(_) | Command::List(_))
        )
    {
        writeln!(err, "error: --output works with ask, draw, export and list")?;
        return Ok(exit::USAGE);
    }
    match &cli.command {
        None | Some(Command::Repl { .. }) => repl(graph, cli, out, err, stdout_tty, stderr_tty),
        Some(Command::Ask { query }) => {
            let text = query.join(" ");
            if crate::diagram::commands::handles_ask(cli.format, &cli.diagram) {
                return crate::diagram::commands::ask(&graph, &text, &ctx, out, err);
            }
            let code = ask(&graph, &text, cli.format, style, err_style, out, err);
            // The process ends right after one answer; freeing the graph node by node
            // was a sixth of a whole `ask` run (callgrind, docs/performance.md).
            std::mem::forget(graph);
            code
        }
        Some(Command::Draw(args)) => crate::diagram::commands::draw(&graph, args, &ctx, out, err),
        Some(Command::Export(args)) => {
            crate::diagram::commands::export(&graph, args, &ctx, out, err)
        }
        Some(Command::List(args)) => crate::diagram::commands::list(&graph, args, &ctx, out, err),
        Some(Command::Run { files }) => run_files(&graph, files, cli.format, style, out, err),
        Some(Command::Check) => {
            let code = 'check: {
                let architectures =
                    match crate::diagram::commands::check_architectures(&graph, &ctx, err)? {
                        Ok(all) => all,
                        Err(code) => break 'check code,
                    };
                let code = check(&graph, cli.format, out)?;
                // The JSON summary is one document; the architecture count is for people.
                if cli.format != Format::Json {
                    let names: Vec<&str> = architectures.iter().map(|a| a.name.as_str()).collect();
                    writeln!(
                        out,
                        "architectures: {} valid ({})",
                        names.len(),
                        names.join(", ")
                    )?;
                }
                code
            };
            // As for `ask`: at a million edges, freeing the graph took longer than
            // building its indexes.
            std::mem::forget(graph);
            Ok(code)
        }
    }
}

/// The shell: `awsgraph repl`, and `awsgraph` with no command.
fn repl(
    graph: KnowledgeGraph,
    cli: &Cli,
    out: &mut dyn Write,
    err: &mut dyn Write,
    stdout_tty: bool,
    stderr_tty: bool,
) -> io::Result<u8> {
    let history = match &cli.command {
        Some(Command::Repl { history }) => history.clone(),
        _ => None,
    };
    let options = crate::repl::Options {
        graph_dir: cli.graph.clone(),
        format: cli.format,
        color: cli.color,
        history,
    };
    crate::repl::run(graph, &options, out, err, stdout_tty, stderr_tty)
}

/// The outcome of one query, before printing.
pub enum Outcome<'g> {
    Answer(Answer<'g>),
    Syntax(SyntaxError),
    Eval(EvalError),
}

impl Outcome<'_> {
    pub fn exit_code(&self) -> u8 {
        match self {
            Outcome::Answer(a) if a.is_empty() => exit::NOT_FOUND,
            Outcome::Answer(_) => exit::OK,
            Outcome::Syntax(_) => exit::USAGE,
            Outcome::Eval(e) => e.exit_code(),
        }
    }

    /// The error as a located diagnostic, or `None` for an answer.
    pub fn diagnostic(&self, text: &str) -> Option<diagnostic::Located> {
        match self {
            Outcome::Answer(_) => None,
            Outcome::Syntax(e) => Some(diagnostic::query_error(
                text,
                e.to_string(),
                e.offset(),
                e.len(),
                "here",
                e.help(),
            )),
            Outcome::Eval(e) => {
                let s = e.span();
                Some(diagnostic::query_error(
                    text,
                    e.to_string(),
                    s.start,
                    s.len(),
                    "not found",
                    e.help(),
                ))
            }
        }
    }
}

/// Parses and evaluates one query.
pub fn answer<'g>(graph: &'g KnowledgeGraph, text: &str) -> Outcome<'g> {
    match query::parse(text) {
        Err(e) => Outcome::Syntax(e),
        Ok(q) => match query::eval(graph, &q) {
            Ok(a) => Outcome::Answer(a),
            Err(e) => Outcome::Eval(e),
        },
    }
}

fn ask(
    graph: &KnowledgeGraph,
    text: &str,
    format: Format,
    style: Style,
    err_style: Style,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let outcome = answer(graph, text);
    match &outcome {
        Outcome::Answer(a) => out.write_all(render::render(a, format, style).as_bytes())?,
        _ => {
            if let Some(d) = outcome.diagnostic(text) {
                write!(err, "{}", diagnostic::render(&d, err_style.color))?;
            }
        }
    }
    Ok(outcome.exit_code())
}

/// Splits a query file into (line number, query), skipping blanks and `#` comments.
pub fn query_lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn run_files(
    graph: &KnowledgeGraph,
    files: &[PathBuf],
    format: Format,
    style: Style,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let mut worst = exit::OK;
    let mut json_items = Vec::new();
    for file in files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                writeln!(err, "error: cannot read {}: {e}", file.display())?;
                worst = worst.max(exit::USAGE);
                continue;
            }
        };
        for (line, q) in query_lines(&text) {
            let outcome = answer(graph, q);
            worst = worst.max(outcome.exit_code());
            if format == Format::Json {
                let result = match &outcome {
                    Outcome::Answer(a) => serde_json::to_value(a).unwrap_or_default(),
                    other => serde_json::json!({
                        "type": "error",
                        "message": other.diagnostic(q).map(|d| d.message).unwrap_or_default(),
                    }),
                };
                json_items.push(serde_json::json!({
                    "file": file.display().to_string(),
                    "line": line,
                    "query": q,
                    "result": result,
                }));
                continue;
            }
            // Errors go to stdout here, in place of the answer: a query file's output is
            // a report, and the golden files under queries/ check errors too.
            let prompt = match format {
                Format::Markdown => format!("### `{q}`\n\n"),
                _ => format!(
                    "{} {q}\n",
                    style.paint(anstyle::Style::new().effects(anstyle::Effects::BOLD), ">")
                ),
            };
            out.write_all(prompt.as_bytes())?;
            match &outcome {
                Outcome::Answer(a) => out.write_all(render::render(a, format, style).as_bytes())?,
                other => {
                    if let Some(d) = other.diagnostic(q) {
                        writeln!(out, "error at {}:{line}", file.display())?;
                        write!(out, "{}", diagnostic::render(&d, style.color))?;
                    }
                }
            }
            out.write_all(b"\n")?;
        }
    }
    if format == Format::Json {
        let s = serde_json::to_string_pretty(&json_items).unwrap_or_default();
        writeln!(out, "{s}")?;
    }
    Ok(worst)
}

fn check(graph: &KnowledgeGraph, format: Format, out: &mut dyn Write) -> io::Result<u8> {
    let warnings: Vec<_> = graph
        .report()
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    // One pass over the nodes, and categories deduplicated before they are sorted: at a
    // million edges, six passes and a sort of every node's category were 15 ms of a
    // `check` that runs on one core after the load (docs/performance.md).
    let mut by_kind: Vec<(Kind, usize)> = Kind::ALL.iter().map(|k| (*k, 0)).collect();
    let mut curated = 0;
    let mut categories = foldhash::HashSet::default();
    for (_, n) in graph.nodes() {
        if let Some((_, count)) = by_kind.iter_mut().find(|(k, _)| *k == n.kind) {
            *count += 1;
        }
        curated += usize::from(n.curated);
        categories.insert(n.category.as_str());
    }
    let mut categories: Vec<&str> = categories.into_iter().collect();
    categories.sort_unstable();
    if format == Format::Json {
        let v = serde_json::json!({
            "ok": true,
            "nodes": graph.node_count(),
            "curated": curated,
            "catalog_only": graph.node_count() - curated,
            "by_kind": by_kind.iter().map(|(k, n)| (k.to_string(), *n)).collect::<std::collections::BTreeMap<_, _>>(),
            "edges": graph.edge_count(),
            "relations": graph.relations().len(),
            "categories": categories,
            "warnings": warnings,
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        )?;
        return Ok(exit::OK);
    }
    writeln!(
        out,
        "ok: {} nodes ({}), {} edges, {} relations, {} categories",
        graph.node_count(),
        by_kind
            .iter()
            .map(|(k, n)| format!("{n} {}", if *n == 1 { k.as_str() } else { k.plural() }))
            .collect::<Vec<_>>()
            .join(", "),
        graph.edge_count(),
        graph.relations().len(),
        categories.len()
    )?;
    writeln!(
        out,
        "curated: {curated}, catalog only: {}",
        graph.node_count() - curated
    )?;
    if !warnings.is_empty() {
        writeln!(out, "{} warning(s):", warnings.len())?;
        for w in warnings {
            writeln!(out, "  {w}")?;
        }
    }
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn argv(words: &[&str]) -> Vec<std::ffi::OsString> {
        std::iter::once("awsgraph")
            .chain(words.iter().copied())
            .map(Into::into)
            .collect()
    }

    /// What clap makes of a command line, as text (`Cli` has no `PartialEq`, and its
    /// `Debug` shows every field).
    fn by_clap(args: &[std::ffi::OsString]) -> Result<String, clap::error::ErrorKind> {
        Cli::try_parse_from(args)
            .map(|cli| format!("{cli:?}"))
            .map_err(|e| e.kind())
    }

    /// Whether `words` has one of the shapes the shortcut is meant to take.
    fn takes(words: &[&str]) -> bool {
        let plain = |w: &&str| !w.starts_with('-');
        let rest = match words {
            ["--graph", dir, rest @ ..] if plain(dir) && !dir.is_empty() => rest,
            _ => words,
        };
        match rest {
            [] => true,
            ["ask", query @ ..] => !query.is_empty() && query.iter().all(plain),
            _ => false,
        }
    }

    #[test]
    fn common_command_lines_skip_clap_and_parse_as_clap_does() {
        for words in [
            &["ask", "compare NACL SecurityGroup"][..],
            &["ask", "describe", "DynamoDB"],
            &["ask", "what monitors Lambda"],
            &["ask", "help"],
            &["ask", "ask"],
            &["ask", "find where max_item_size >= 1 MB"],
            &["ask", "", "describe VPC"],
            &[],
            &["--graph", "my-graph"],
            &["--graph", "ask"],
            &["--graph", "g", "ask", "describe VPC"],
        ] {
            let args = argv(words);
            let fast = Cli::shortcut(&args).expect("skips clap");
            assert_eq!(Ok(format!("{fast:?}")), by_clap(&args), "{words:?}");
        }
    }

    #[test]
    fn anything_with_another_option_or_command_goes_to_clap() {
        for words in [
            &["ask"][..],
            &["ask", "describe VPC", "--format", "json"],
            &["ask", "describe VPC", "-f", "json"],
            &["ask", "--", "describe VPC"],
            &["ask", "-"],
            &["ask", "--help"],
            &["--graph"],
            &["--graph", ""],
            &["--graph", "-x"],
            &["--graph=g", "ask", "describe VPC"],
            &["--graph", "g", "--graph", "h"],
            &["--graph", "g", "check"],
            &["ask", "describe VPC", "--graph", "g"],
            &["--version"],
            &["check"],
            &["Ask", "describe VPC"],
            &["run", "q.aq"],
        ] {
            assert!(Cli::shortcut(&argv(words)).is_none(), "{words:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn words_that_are_not_unicode_go_to_clap() {
        use std::os::unix::ffi::OsStringExt;
        let odd = || std::ffi::OsString::from_vec(vec![b'V', 0xff, b'C']);
        let mut args = argv(&["ask"]);
        args.push(odd());
        assert!(Cli::shortcut(&args).is_none());
        let mut args = argv(&["--graph"]);
        args.push(odd());
        assert!(Cli::shortcut(&args).is_none());
    }

    proptest! {
        /// Whenever the shortcut answers, clap answers the same; and it answers every
        /// command line of the shapes it is meant for.
        #[test]
        fn the_shortcut_agrees_with_clap(
            words in proptest::collection::vec(
                prop_oneof![
                    Just("ask".to_string()),
                    Just("--graph".to_string()),
                    Just("-f".to_string()),
                    Just("--format".to_string()),
                    Just("json".to_string()),
                    Just("--".to_string()),
                    Just("-".to_string()),
                    Just("--graph=x".to_string()),
                    Just("help".to_string()),
                    Just("check".to_string()),
                    "[ -~]{0,12}",
                    "\\PC{0,6}",
                ],
                0..6,
            )
        ) {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let args = argv(&words);
            match Cli::shortcut(&args) {
                Some(fast) => prop_assert_eq!(Ok(format!("{fast:?}")), by_clap(&args)),
                None => prop_assert!(!takes(&words), "{:?} was not taken", words),
            }
        }
    }
}
