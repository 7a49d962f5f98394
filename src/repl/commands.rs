//! The shell's own dot-commands (`.format json`, `.reload`, ...): their table, which
//! `.help`, completion and "did you mean" all read, and the parser from a line to a
//! [`DotCommand`]. Running them needs the session's state, so that lives in `session`.
//!
//! They start with a dot, like sqlite3's, because a dot can never begin a query: the two
//! languages cannot be confused, and an unknown dot-command can be answered with a
//! suggestion instead of a query syntax error.

use std::path::PathBuf;

use clap::ValueEnum;

use super::ReplError;
use crate::render::Format;

/// One dot-command as `.help` lists it.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub name: &'static str,
    /// The argument synopsis; empty when the command takes none.
    pub args: &'static str,
    pub about: &'static str,
}

pub const COMMANDS: &[Spec] = &[
    Spec {
        name: ".help",
        args: "",
        about: "this help; `help` (no dot) explains the query language",
    },
    Spec {
        name: ".format",
        args: "[FORMAT]",
        about: "show or set the output format (the formats are listed below)",
    },
    Spec {
        name: ".graph",
        args: "[DIR]",
        about: "show which knowledge is in use, or load another knowledge directory",
    },
    Spec {
        name: ".reload",
        args: "",
        about: "re-read the knowledge directory in use (on errors the old graph stays)",
    },
    Spec {
        name: ".timing",
        args: "[on|off]",
        about: "show or set whether each query's time is printed",
    },
    Spec {
        name: ".quit",
        args: "",
        about: "leave the shell (also Ctrl-D, `quit` or `exit`)",
    },
];

/// A parsed dot-command. `None` arguments mean "show the current setting".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DotCommand {
    Help,
    Format(Option<Format>),
    Graph(Option<PathBuf>),
    Reload,
    Timing(Option<bool>),
    Quit,
}

/// Parses a line that starts with `.`. Command names ignore case.
pub fn parse(line: &str) -> Result<DotCommand, ReplError> {
    let line = line.trim();
    let (name, arg) = match line.find(char::is_whitespace) {
        Some(i) => (&line[..i], line[i..].trim()),
        None => (line, ""),
    };
    let lower = name.to_lowercase();
    let Some(spec) = COMMANDS.iter().find(|c| c.name == lower) else {
        let suggestion = crate::load::suggest(&lower, COMMANDS.iter().map(|c| c.name))
            .first()
            .copied();
        return Err(ReplError::UnknownCommand {
            name: name.to_string(),
            len: name.len(),
            suggestion,
        });
    };
    let bad = |expected: String| ReplError::BadArgument {
        command: spec.name,
        value: arg.to_string(),
        offset: line.len() - arg.len(),
        expected,
    };
    match spec.name {
        ".format" if arg.is_empty() => Ok(DotCommand::Format(None)),
        ".format" => Format::from_str(arg, true)
            .map(|f| DotCommand::Format(Some(f)))
            .map_err(|_| bad(format!("one of {}", format_names().join(", ")))),
        ".graph" if arg.is_empty() => Ok(DotCommand::Graph(None)),
        ".graph" => Ok(DotCommand::Graph(Some(path_argument(arg)))),
        ".timing" => match arg.to_lowercase().as_str() {
            "" => Ok(DotCommand::Timing(None)),
            "on" => Ok(DotCommand::Timing(Some(true))),
            "off" => Ok(DotCommand::Timing(Some(false))),
            _ => Err(bad("on or off".into())),
        },
        _ if !arg.is_empty() => Err(bad("no argument".into())),
        ".help" => Ok(DotCommand::Help),
        ".reload" => Ok(DotCommand::Reload),
        _ => Ok(DotCommand::Quit),
    }
}

/// The name `--format` and `.format` know a format by.
pub fn format_name(f: Format) -> String {
    f.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

/// Every output format's name, in `--help` order.
pub fn format_names() -> Vec<String> {
    Format::value_variants()
        .iter()
        .map(|f| format_name(*f))
        .collect()
}

/// A directory as typed: `"a dir"` in quotes, `a\ dir` as the file-name completer writes
/// it, and `~/` for the home directory.
fn path_argument(arg: &str) -> PathBuf {
    let text = match arg.strip_prefix('"').and_then(|a| a.strip_suffix('"')) {
        Some(inner) => inner.to_string(),
        None => arg.replace("\\ ", " "),
    };
    match (text.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ if text == "~" => dirs::home_dir().unwrap_or_else(|| PathBuf::from(text)),
        _ => PathBuf::from(text),
    }
}

/// The text of `.help`.
pub fn help_text() -> String {
    let width = COMMANDS
        .iter()
        .map(|c| c.name.len() + 1 + c.args.len())
        .max()
        .unwrap_or(0);
    let mut s = String::from("Shell commands:\n");
    for c in COMMANDS {
        let synopsis = if c.args.is_empty() {
            c.name.to_string()
        } else {
            format!("{} {}", c.name, c.args)
        };
        s.push_str(&format!("  {synopsis:<width$}  {}\n", c.about));
    }
    s.push_str(&format!("\nFormats: {}.\n", format_names().join(", ")));
    s.push_str(
        "\nKeys:\n  \
         Tab        complete the word (verbs, node names, relations, properties, keywords);\n             \
         when several fit, it extends what they share, then lists them\n  \
         →          accept the grey hint (at the end of the line)\n  \
         ↑ ↓        walk the history; Ctrl-R searches it\n  \
         Ctrl-C     clear the line        Ctrl-D  leave the shell\n  \
         \\ at the end of a line continues the query on the next one\n\
         \nType `help` for the query forms, e.g. `describe VPC` or `what monitors Lambda`.\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_command() {
        assert_eq!(parse(".help").ok(), Some(DotCommand::Help));
        assert_eq!(
            parse("  .FORMAT  Json ").ok(),
            Some(DotCommand::Format(Some(Format::Json)))
        );
        assert_eq!(parse(".format").ok(), Some(DotCommand::Format(None)));
        assert_eq!(
            parse(".graph /tmp/k").ok(),
            Some(DotCommand::Graph(Some("/tmp/k".into())))
        );
        assert_eq!(
            parse(".graph \"/tmp/a b\"").ok(),
            Some(DotCommand::Graph(Some("/tmp/a b".into())))
        );
        assert_eq!(
            parse(".graph /tmp/a\\ b").ok(),
            Some(DotCommand::Graph(Some("/tmp/a b".into())))
        );
        assert_eq!(parse(".reload").ok(), Some(DotCommand::Reload));
        assert_eq!(
            parse(".timing on").ok(),
            Some(DotCommand::Timing(Some(true)))
        );
        assert_eq!(
            parse(".timing OFF").ok(),
            Some(DotCommand::Timing(Some(false)))
        );
        assert_eq!(parse(".quit").ok(), Some(DotCommand::Quit));
    }

    #[test]
    fn unknown_command_suggests_the_nearest() {
        match parse(".formt json") {
            Err(ReplError::UnknownCommand {
                name,
                len,
                suggestion,
            }) => {
                assert_eq!(
                    (name.as_str(), len, suggestion),
                    (".formt", 6, Some(".format"))
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse(".zzzzzz"),
            Err(ReplError::UnknownCommand {
                suggestion: None,
                ..
            })
        ));
    }

    #[test]
    fn bad_arguments_point_at_the_argument() {
        match parse(".format yaml") {
            Err(e @ ReplError::BadArgument { offset: 8, .. }) => {
                assert!(
                    e.to_string().contains("one of table, json, markdown"),
                    "{e}"
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse(".timing maybe"),
            Err(ReplError::BadArgument { .. })
        ));
        assert!(matches!(
            parse(".quit now"),
            Err(ReplError::BadArgument { expected, .. }) if expected == "no argument"
        ));
    }

    #[test]
    fn help_lists_every_command() {
        let h = help_text();
        for c in COMMANDS {
            assert!(h.contains(c.name), "{h}");
        }
    }
}
