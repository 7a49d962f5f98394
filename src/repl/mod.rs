//! The interactive shell (`awsgraph` on a terminal, `awsgraph repl`): a rustyline loop
//! around the same parse → eval → render pipeline as `awsgraph ask`, plus what makes a
//! shell worth living in: grammar-aware completion, hints, colour, history, dot-commands.
//!
//! Sub-modules: [`session`] (state and what one line does, shared with piped input),
//! [`commands`] (the dot-commands), [`complete`] (what may come next in a query),
//! [`helper`] (rustyline's completer, hinter, highlighter and validator), [`history`]
//! (the history file). With stdin not a terminal the shell reads lines, runs each and
//! exits with the worst status, like `awsgraph run`.

pub mod commands;
pub mod complete;
pub mod helper;
pub mod history;
pub mod session;

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Behavior, ColorMode, CompletionType, Config, Editor};

use crate::cli::exit;
use crate::graph::KnowledgeGraph;
use crate::render::{ColorChoice, Format, Style};
use complete::Vocabulary;
use helper::ShellHelper;
use history::HistoryFile;
use session::Session;

pub const PROMPT: &str = "awsgraph> ";

/// How many lines the history keeps.
const HISTORY_SIZE: usize = 1000;

/// Errors of the shell itself (queries have their own, in [`crate::query`]). None ends
/// the shell: a bad dot-command is reported like a bad query, and history trouble is a
/// warning.
#[derive(Debug, thiserror::Error)]
pub enum ReplError {
    /// A line starting with `.` names no dot-command.
    #[error("unknown command `{name}`")]
    UnknownCommand {
        name: String,
        /// Length of the name in the line, for the caret.
        len: usize,
        suggestion: Option<&'static str>,
    },
    /// A dot-command got an argument it does not take.
    #[error("`{command}` takes {expected}, not `{value}`")]
    BadArgument {
        command: &'static str,
        value: String,
        /// Where the argument starts in the line.
        offset: usize,
        expected: String,
    },
    /// `.reload` while the built-in knowledge is in use: it is compiled in and cannot
    /// change under a running binary.
    #[error("the built-in knowledge is compiled into awsgraph; there is nothing to reload")]
    BuiltinReload,
    /// Neither `--history` nor a state or data directory tells where history goes.
    #[error("no place for the history file (no home directory); history is not kept")]
    NoHistoryDir,
    /// The history file exists but could not be read.
    #[error("cannot read the history file {}: {source}", path.display())]
    HistoryRead {
        path: PathBuf,
        source: ReadlineError,
    },
    /// The history file could not be written; what was there before is untouched.
    #[error("cannot save the history file {}: {source}", path.display())]
    HistoryWrite { path: PathBuf, source: io::Error },
    /// The terminal could not be set up for line editing.
    #[error("cannot start the line editor: {0}")]
    Editor(ReadlineError),
}

impl ReplError {
    /// Byte offset and length, in the line, of what the error is about.
    pub fn span(&self) -> Option<(usize, usize)> {
        match self {
            ReplError::UnknownCommand { len, .. } => Some((0, *len)),
            ReplError::BadArgument { offset, value, .. } => Some((*offset, value.len())),
            _ => None,
        }
    }

    pub fn help(&self) -> Option<String> {
        match self {
            ReplError::UnknownCommand { suggestion: Some(s), .. } => Some(format!("did you mean `{s}`? `.help` lists the commands")),
            ReplError::UnknownCommand { .. } => Some("`.help` lists the commands".into()),
            ReplError::BuiltinReload => Some("`.graph DIR` loads a knowledge directory, e.g. `.graph graph`; `.reload` then re-reads it".into()),
            ReplError::NoHistoryDir => Some("`--history FILE` names a history file".into()),
            _ => None,
        }
    }
}

/// Everything the shell takes from the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// The knowledge directory the graph came from; `None` for the built-in knowledge.
    pub graph_dir: Option<PathBuf>,
    pub format: Format,
    pub color: ColorChoice,
    /// `--history FILE`; `None` for the platform's default place.
    pub history: Option<PathBuf>,
}

/// Runs the shell on the process's stdin: interactive on a terminal, line by line
/// otherwise. Returns the exit status.
pub fn run(
    graph: KnowledgeGraph,
    opts: &Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
    stdout_tty: bool,
    stderr_tty: bool,
) -> io::Result<u8> {
    let stdin = io::stdin();
    if !stdin.is_terminal() {
        // Piped input is a script: colour only on request, never from the terminal that
        // happens to be around.
        let style = Style::detect(opts.color, false);
        let mut session = Session::new(graph, opts.graph_dir.clone(), opts.format, style, style);
        return run_piped(&mut session, &mut stdin.lock(), out, err);
    }
    let style = Style::detect(opts.color, stdout_tty);
    let err_style = Style::detect(opts.color, stderr_tty);
    let session = Session::new(graph, opts.graph_dir.clone(), opts.format, style, err_style);
    run_interactive(session, opts, style.color, stdout_tty, out, err)
}

/// Joins an entry whose lines end in `\` into one query line.
/// The pieces are joined with one space; the first keeps its leading space, which tells
/// the history to leave the line out.
pub fn join_continued(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            let l = if i == 0 { l } else { l.trim_start() };
            let l = l.trim_end();
            l.strip_suffix('\\').unwrap_or(l).trim_end()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a line asks for the next one to be joined to it.
pub fn continues(line: &str) -> bool {
    line.trim_end().ends_with('\\')
}

/// Runs every line of `input` with no prompt; the status is the worst of all lines.
/// Lines ending in `\` are joined with the next; `#` starts a comment line.
pub fn run_piped(
    session: &mut Session,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let mut worst = exit::OK;
    let mut pending = String::new();
    let mut first_line = 0;
    let mut line_no = 0;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let eof = input.read_until(b'\n', &mut buf)? == 0;
        if !eof {
            line_no += 1;
            // A stray invalid byte should not stop a whole script.
            let line = String::from_utf8_lossy(&buf);
            if pending.is_empty() {
                first_line = line_no;
            }
            pending.push_str(line.trim_end_matches(['\n', '\r']));
            pending.push('\n');
            if continues(&line) {
                continue;
            }
        }
        if !pending.is_empty() {
            let text = join_continued(&pending);
            pending.clear();
            let step = session.execute(&text, Some(first_line), out, err)?;
            out.flush()?;
            worst = worst.max(step.status);
            if step.quit {
                break;
            }
        }
        if eof {
            break;
        }
    }
    Ok(worst)
}

fn warn(err: &mut dyn Write, e: &ReplError) -> io::Result<()> {
    writeln!(err, "warning: {e}")?;
    if let Some(h) = e.help() {
        writeln!(err, "  help: {h}")?;
    }
    Ok(())
}

fn run_interactive(
    mut session: Session,
    opts: &Options,
    color: bool,
    stdout_tty: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let config = Config::builder()
        .max_history_size(HISTORY_SIZE)
        .and_then(|b| b.history_ignore_dups(true))
        .map(|b| {
            b.history_ignore_space(true)
                .completion_type(CompletionType::List)
                .completion_show_all_if_ambiguous(true)
                .auto_add_history(false)
                // With stdout going to a file (`awsgraph | tee log`), editing happens on
                // the terminal itself and the file gets only the answers.
                .behavior(if stdout_tty {
                    Behavior::Stdio
                } else {
                    Behavior::PreferTerm
                })
                .color_mode(match opts.color {
                    ColorChoice::Always => ColorMode::Forced,
                    ColorChoice::Never => ColorMode::Disabled,
                    ColorChoice::Auto => ColorMode::Enabled,
                })
                .build()
        })
        .unwrap_or_default();
    let mut editor: Editor<ShellHelper, DefaultHistory> = match Editor::with_config(config.clone())
    {
        Ok(e) => e,
        Err(e) => {
            warn(err, &ReplError::Editor(e))?;
            return run_piped(&mut session, &mut io::stdin().lock(), out, err);
        }
    };
    editor.set_helper(Some(ShellHelper::new(
        Vocabulary::new(session.graph()),
        color,
    )));

    let mut history = match opts.history.clone().or_else(history::default_path) {
        Some(p) => Some(HistoryFile::new(p, config)),
        None => {
            warn(err, &ReplError::NoHistoryDir)?;
            None
        }
    };
    if let Some(h) = &history
        && let Err(e) = h.load_into(editor.history_mut())
    {
        warn(err, &e)?;
    }
    // One warning is enough: a read-only home would otherwise warn after every line.
    let mut history_warned = false;

    // The banner is for the person at the terminal, like the prompt, not for the answers.
    writeln!(err, "{}", session.banner())?;
    loop {
        match editor.readline(PROMPT) {
            Ok(entry) => {
                let text = join_continued(&entry);
                if !text.trim().is_empty()
                    && editor.add_history_entry(text.as_str()).unwrap_or(false)
                    && let Some(h) = history.as_mut()
                {
                    h.record(&text);
                    if let Err(e) = h.save()
                        && !history_warned
                    {
                        history_warned = true;
                        warn(err, &e)?;
                    }
                }
                let step = session.execute(&text, None, out, err)?;
                out.flush()?;
                err.flush()?;
                if step.graph_changed
                    && let Some(h) = editor.helper_mut()
                {
                    h.set_vocabulary(Vocabulary::new(session.graph()));
                }
                if step.quit {
                    break;
                }
            }
            // Ctrl-C: rustyline has already dropped the line; a fresh prompt follows.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                writeln!(err, "error: {e}")?;
                return Ok(exit::USAGE);
            }
        }
    }
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        let g = KnowledgeGraph::builtin().expect("the built-in knowledge loads");
        Session::new(g, None, Format::Table, Style::default(), Style::default())
    }

    fn piped(input: &str) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run_piped(&mut session(), &mut input.as_bytes(), &mut out, &mut err)
            .expect("writes to memory");
        (
            code,
            String::from_utf8_lossy(&out).into_owned(),
            String::from_utf8_lossy(&err).into_owned(),
        )
    }

    #[test]
    fn continuation_joins_lines() {
        assert_eq!(
            join_continued("neighbors VPC \\\ndepth 2\\\n  via part-of"),
            "neighbors VPC depth 2 via part-of"
        );
        assert_eq!(join_continued(" describe \\\n   VPC"), " describe VPC");
        assert!(continues("describe \\  "));
        assert!(!continues("describe VPC"));
    }

    #[test]
    fn piped_lines_run_in_order_and_the_worst_status_wins() {
        let (code, out, err) = piped("list kinds\n\ndescrbe VPC\n# comment\nlist \\\nkinds\n");
        assert_eq!(code, exit::USAGE);
        let (_, once, _) = piped("list kinds\n");
        assert_eq!(
            out,
            format!("{once}{once}"),
            "both `list kinds` answered, the joined one too"
        );
        assert!(err.contains("error at <stdin>:3"), "{err}");
        let (code, _, _) = piped("list kinds\n.quit\ndescrbe VPC\n");
        assert_eq!(code, exit::OK, "nothing after .quit runs");
        assert_eq!(piped("").0, exit::OK);
        assert_eq!(
            piped("list kinds \\").0,
            exit::OK,
            "a dangling continuation still runs"
        );
    }
}
