//! One shell session's state (the graph in use, the output format, timing) and what one
//! entered line does to it. Both the interactive loop and piped input feed lines here,
//! so a script piped into `awsgraph` behaves exactly like the same lines typed.
//!
//! Queries go through the very functions `awsgraph ask` uses ([`cli::answer`],
//! [`render::render`], the caret diagnostics), so the shell prints what `ask` prints.

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::ReplError;
use super::commands::{self, DotCommand, format_name};
use crate::cli::{self, Outcome, exit};
use crate::graph::KnowledgeGraph;
use crate::render::{self, Format, Style, diagnostic};

/// What a line did, for the loop that runs lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Step {
    /// The line's exit status, as `awsgraph ask` would give it.
    pub status: u8,
    /// `.quit`, `quit` or `exit`.
    pub quit: bool,
    /// A different graph is now in use (completion must learn its names).
    pub graph_changed: bool,
}

pub struct Session {
    graph: KnowledgeGraph,
    /// The knowledge directory in use; `None` for the built-in knowledge.
    source: Option<PathBuf>,
    format: Format,
    timing: bool,
    style: Style,
    err_style: Style,
}

impl Session {
    pub fn new(
        graph: KnowledgeGraph,
        source: Option<PathBuf>,
        format: Format,
        style: Style,
        err_style: Style,
    ) -> Self {
        Session {
            graph,
            source,
            format,
            timing: false,
            style,
            err_style,
        }
    }

    pub fn graph(&self) -> &KnowledgeGraph {
        &self.graph
    }

    /// The one line printed when the interactive shell starts.
    pub fn banner(&self) -> String {
        format!(
            "awsgraph {}: {} nodes, {} edges, {} relations. Type `help` for queries, `.help` for the shell.",
            env!("CARGO_PKG_VERSION"),
            self.graph.node_count(),
            self.graph.edge_count(),
            self.graph.relations().len()
        )
    }

    /// Runs one line (already joined across `\` continuations). `line_no` is set for
    /// piped input, so errors say which input line they are about.
    pub fn execute(
        &mut self,
        text: &str,
        line_no: Option<usize>,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<Step> {
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return Ok(Step::default());
        }
        // psql accepts these bare words too; nobody means them as a query.
        if trimmed.eq_ignore_ascii_case("quit") || trimmed.eq_ignore_ascii_case("exit") {
            return Ok(Step {
                quit: true,
                ..Step::default()
            });
        }
        if trimmed.starts_with('.') {
            return match commands::parse(trimmed) {
                Ok(cmd) => self.command(cmd, out, err),
                Err(e) => {
                    self.report(&e, trimmed, line_no, err)?;
                    Ok(Step {
                        status: exit::USAGE,
                        ..Step::default()
                    })
                }
            };
        }
        self.query(trimmed, line_no, out, err)
    }

    fn query(
        &mut self,
        text: &str,
        line_no: Option<usize>,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<Step> {
        let started = Instant::now();
        let outcome = cli::answer(&self.graph, text);
        let rendered = match &outcome {
            Outcome::Answer(a) => Some(render::render(a, self.format, self.style)),
            _ => None,
        };
        let took = started.elapsed();
        match rendered {
            Some(r) => out.write_all(r.as_bytes())?,
            None => {
                if let Some(d) = outcome.diagnostic(text) {
                    out.flush()?;
                    if let Some(n) = line_no {
                        writeln!(err, "error at <stdin>:{n}")?;
                    }
                    write!(err, "{}", diagnostic::render(&d, self.err_style.color))?;
                }
            }
        }
        if self.timing {
            out.flush()?;
            writeln!(err, "Time: {}", format_duration(took))?;
        }
        Ok(Step {
            status: outcome.exit_code(),
            ..Step::default()
        })
    }

    fn command(
        &mut self,
        cmd: DotCommand,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<Step> {
        let ok = Step::default();
        // Confirmations go to stderr: stdout carries answers only, so piping a script's
        // output into `jq` still works after `.format json`.
        match cmd {
            DotCommand::Help => out.write_all(commands::help_text().as_bytes())?,
            DotCommand::Quit => return Ok(Step { quit: true, ..ok }),
            DotCommand::Format(None) => writeln!(err, "format: {}", format_name(self.format))?,
            DotCommand::Format(Some(f)) => {
                self.format = f;
                writeln!(err, "format: {}", format_name(f))?;
            }
            DotCommand::Timing(None) => writeln!(err, "timing: {}", on_off(self.timing))?,
            DotCommand::Timing(Some(t)) => {
                self.timing = t;
                writeln!(err, "timing: {}", on_off(t))?;
            }
            DotCommand::Graph(None) => {
                let what = match &self.source {
                    Some(d) => d.display().to_string(),
                    None => "the built-in knowledge".into(),
                };
                writeln!(
                    err,
                    "graph: {what} ({} nodes, {} edges)",
                    self.graph.node_count(),
                    self.graph.edge_count()
                )?;
            }
            DotCommand::Graph(Some(dir)) => return self.load(dir, err),
            DotCommand::Reload => match self.source.clone() {
                Some(dir) => return self.load(dir, err),
                None => {
                    let e = ReplError::BuiltinReload;
                    self.report(&e, "", None, err)?;
                    return Ok(Step {
                        status: exit::USAGE,
                        ..ok
                    });
                }
            },
        }
        Ok(ok)
    }

    /// Loads `dir` and switches to it; on any problem the graph in use stays.
    fn load(&mut self, dir: PathBuf, err: &mut dyn Write) -> io::Result<Step> {
        let started = Instant::now();
        match cli::load_graph(
            Some(&dir),
            crate::load::QueryIndexes::WithLoad,
            err,
            self.err_style,
        )? {
            Ok(g) => {
                self.graph = g;
                self.source = Some(dir);
                writeln!(
                    err,
                    "loaded {}: {} nodes, {} edges, {} relations ({})",
                    self.source
                        .as_deref()
                        .map(|d| d.display().to_string())
                        .unwrap_or_default(),
                    self.graph.node_count(),
                    self.graph.edge_count(),
                    self.graph.relations().len(),
                    format_duration(started.elapsed())
                )?;
                Ok(Step {
                    graph_changed: true,
                    ..Step::default()
                })
            }
            Err(code) => {
                writeln!(
                    err,
                    "the knowledge in use is unchanged ({} nodes)",
                    self.graph.node_count()
                )?;
                Ok(Step {
                    status: code,
                    ..Step::default()
                })
            }
        }
    }

    /// Prints a shell error: with a caret under the offending word when it has one.
    fn report(
        &self,
        e: &ReplError,
        text: &str,
        line_no: Option<usize>,
        err: &mut dyn Write,
    ) -> io::Result<()> {
        if let Some(n) = line_no {
            writeln!(err, "error at <stdin>:{n}")?;
        }
        match e.span() {
            Some((offset, len)) => {
                let d = diagnostic::query_error(text, e.to_string(), offset, len, "here", e.help());
                write!(err, "{}", diagnostic::render(&d, self.err_style.color))
            }
            None => {
                writeln!(err, "error: {e}")?;
                match e.help() {
                    Some(h) => writeln!(err, "  help: {h}"),
                    None => Ok(()),
                }
            }
        }
    }
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

/// `0.412 ms`, `12.3 ms`, `1.20 s`: enough digits to compare, no more.
fn format_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.3} ms")
    } else if ms < 1000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        let g = KnowledgeGraph::builtin().expect("the built-in knowledge loads");
        Session::new(g, None, Format::Table, Style::default(), Style::default())
    }

    fn run(s: &mut Session, line: &str) -> (Step, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let step = s
            .execute(line, None, &mut out, &mut err)
            .expect("writes to memory");
        (
            step,
            String::from_utf8_lossy(&out).into_owned(),
            String::from_utf8_lossy(&err).into_owned(),
        )
    }

    #[test]
    fn a_query_prints_what_ask_prints() {
        let mut s = session();
        let (step, out, _) = run(&mut s, "list kinds");
        assert_eq!(step.status, exit::OK);
        let g = KnowledgeGraph::builtin().unwrap();
        let Outcome::Answer(a) = cli::answer(&g, "list kinds") else {
            panic!("answers")
        };
        assert_eq!(out, render::render(&a, Format::Table, Style::default()));
    }

    #[test]
    fn a_bad_query_shows_the_caret_and_the_session_goes_on() {
        let mut s = session();
        let (step, out, err) = run(&mut s, "descrbe VPC");
        assert_eq!(
            (step.status, step.quit, out.as_str()),
            (exit::USAGE, false, "")
        );
        assert!(
            err.contains("descrbe") && err.contains("did you mean `describe`"),
            "{err}"
        );
        assert_eq!(run(&mut s, "list kinds").0.status, exit::OK);
    }

    #[test]
    fn format_and_timing_change_the_next_answers() {
        let mut s = session();
        let (_, _, err) = run(&mut s, ".format json");
        assert!(err.contains("format: json"), "{err}");
        let (_, out, _) = run(&mut s, "list kinds");
        serde_json::from_str::<serde_json::Value>(&out).expect("JSON after .format json");
        run(&mut s, ".timing on");
        let (_, _, err) = run(&mut s, "list kinds");
        assert!(
            err.starts_with("Time: ") && err.trim_end().ends_with(" ms"),
            "{err}"
        );
    }

    #[test]
    fn unknown_commands_and_builtin_reload_are_errors() {
        let mut s = session();
        let (step, _, err) = run(&mut s, ".formt json");
        assert_eq!(step.status, exit::USAGE);
        assert!(err.contains("did you mean `.format`"), "{err}");
        let (step, _, err) = run(&mut s, ".reload");
        assert_eq!(step.status, exit::USAGE);
        assert!(err.contains("built-in"), "{err}");
    }

    #[test]
    fn reload_picks_up_edits_and_keeps_the_old_graph_on_errors() {
        let dir = tempfile::tempdir().unwrap();
        let relations = "relations:\n  - id: part-of\n    description: d\n    inverse: has part\n";
        let node = |id: &str| {
            format!(
                "  - id: {id}\n    name: {id} node\n    kind: service\n    summary: s.\n    sources: [notes]\n"
            )
        };
        std::fs::write(dir.path().join("relations.yaml"), relations).unwrap();
        let nodes = dir.path().join("nodes.yaml");
        std::fs::write(&nodes, format!("category: c\nnodes:\n{}", node("One"))).unwrap();
        let g = KnowledgeGraph::load_dir(dir.path()).unwrap();
        let mut s = Session::new(
            g,
            Some(dir.path().into()),
            Format::Table,
            Style::default(),
            Style::default(),
        );
        assert_eq!(run(&mut s, "describe Two").0.status, exit::NOT_FOUND);

        std::fs::write(
            &nodes,
            format!("category: c\nnodes:\n{}{}", node("One"), node("Two")),
        )
        .unwrap();
        let (step, _, err) = run(&mut s, ".reload");
        assert_eq!((step.status, step.graph_changed), (exit::OK, true), "{err}");
        assert!(err.contains("2 nodes"), "{err}");
        assert_eq!(run(&mut s, "describe Two").0.status, exit::OK);

        std::fs::write(
            &nodes,
            "category: c\nnodes:\n  - id: Three\n    kind: nonsense\n",
        )
        .unwrap();
        let (step, _, err) = run(&mut s, ".reload");
        assert_eq!(
            (step.status, step.graph_changed),
            (exit::INVALID_KNOWLEDGE, false)
        );
        assert!(
            err.contains("nodes.yaml") && err.contains("unchanged (2 nodes)"),
            "{err}"
        );
        assert_eq!(
            run(&mut s, "describe Two").0.status,
            exit::OK,
            "the previous graph stays in use"
        );
    }

    #[test]
    fn quitting() {
        let mut s = session();
        for q in [".quit", "quit", "EXIT"] {
            assert!(run(&mut s, q).0.quit, "{q}");
        }
        assert!(!run(&mut s, "# a comment").0.quit);
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(format_duration(Duration::from_micros(412)), "0.412 ms");
        assert_eq!(format_duration(Duration::from_micros(12_340)), "12.3 ms");
        assert_eq!(format_duration(Duration::from_millis(1_200)), "1.20 s");
    }
}
