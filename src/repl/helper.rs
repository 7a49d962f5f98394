//! The rustyline side of the shell: one [`ShellHelper`] that completes (through
//! [`complete`](super::complete)), hints, colours and decides when a line continues.
//!
//! Hints come from history first (what you typed before is the likeliest thing you want
//! again), then from a completion that has only one candidate. They are shown only with
//! colour: without it a hint cannot be told apart from typed text.

use std::borrow::Cow;

use anstyle::{AnsiColor, Color, Effects, Style as AStyle};
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use super::commands::COMMANDS;
use super::complete::{self, TokKind, Vocabulary, is_keyword, is_verb, is_verb_prefix, lex};

const VERB: AStyle = AStyle::new()
    .fg_color(Some(Color::Ansi(AnsiColor::Blue)))
    .effects(Effects::BOLD);
const KEYWORD: AStyle = AStyle::new().fg_color(Some(Color::Ansi(AnsiColor::Magenta)));
/// The colour node ids have in tables, so a name looks the same typed and answered.
const NAME: AStyle = AStyle::new()
    .fg_color(Some(Color::Ansi(AnsiColor::Cyan)))
    .effects(Effects::BOLD);
const ERROR: AStyle = AStyle::new().fg_color(Some(Color::Ansi(AnsiColor::Red)));
const HINT: AStyle = AStyle::new().effects(Effects::DIMMED);
const PROMPT: AStyle = AStyle::new().effects(Effects::BOLD);

pub struct ShellHelper {
    vocab: Vocabulary,
    hints: bool,
    files: FilenameCompleter,
}

impl ShellHelper {
    /// `hints` should be whether the terminal shows colour.
    pub fn new(vocab: Vocabulary, hints: bool) -> Self {
        ShellHelper {
            vocab,
            hints,
            files: FilenameCompleter::new(),
        }
    }

    pub fn set_vocabulary(&mut self, vocab: Vocabulary) {
        self.vocab = vocab;
    }
}

impl Helper for ShellHelper {}

fn is_graph_argument(line: &str, pos: usize) -> bool {
    let before = line.get(..pos).unwrap_or("").trim_start();
    before.len() > ".graph".len()
        && before
            .get(..".graph".len())
            .is_some_and(|w| w.eq_ignore_ascii_case(".graph"))
        && before[".graph".len()..].starts_with(char::is_whitespace)
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        if is_graph_argument(line, pos) {
            return self.files.complete(line, pos, ctx);
        }
        let (start, candidates) = complete::complete(&self.vocab, line, pos);
        Ok((start, extend_first(&line[start..pos], candidates)))
    }
}

/// With several candidates that share more than what is typed, offers just that shared
/// part, so the first Tab extends the word and the second lists the choices, as in bash.
/// rustyline finds the shared part by itself only when every candidate is spelled alike,
/// which case-insensitive matching and quoted names (`"Redshift Spectrum"` beside
/// `Redshift`) defeat.
fn extend_first(typed: &str, candidates: Vec<Pair>) -> Vec<Pair> {
    if candidates.len() < 2 {
        return candidates;
    }
    let bare = |s: &str| {
        s.trim_end()
            .trim_start_matches('"')
            .trim_end_matches('"')
            .to_string()
    };
    let texts: Vec<String> = candidates.iter().map(|c| bare(&c.replacement)).collect();
    let mut shared: Vec<char> = texts[0].chars().collect();
    for t in &texts[1..] {
        let n = shared
            .iter()
            .zip(t.chars())
            .take_while(|(a, b)| a.to_lowercase().eq(b.to_lowercase()))
            .count();
        shared.truncate(n);
    }
    if shared.len() <= typed.trim_start_matches('"').chars().count() {
        return candidates;
    }
    let shared: String = shared.into_iter().collect();
    let quoted = typed.starts_with('"') || !shared.chars().all(crate::query::ast::is_word_char);
    vec![Pair {
        display: shared.clone(),
        replacement: if quoted {
            format!("\"{shared}")
        } else {
            shared
        },
    }]
}

impl Hinter for ShellHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        if !self.hints || pos < line.len() || line.trim().is_empty() {
            return None;
        }
        if let Some(h) = HistoryHinter::new().hint(line, pos, ctx) {
            return Some(h);
        }
        if is_graph_argument(line, pos) {
            return None;
        }
        let (start, candidates) = complete::complete(&self.vocab, line, pos);
        let [only] = candidates.as_slice() else {
            return None;
        };
        let typed = &line[start..pos];
        let full = only.replacement.trim_end();
        let head = full.get(..typed.len())?;
        (!typed.is_empty() && full.len() > typed.len() && head.eq_ignore_ascii_case(typed))
            .then(|| full[typed.len()..].to_string())
    }
}

fn paint(out: &mut String, style: AStyle, text: &str) {
    out.push_str(&format!("{}{text}{}", style.render(), style.render_reset()));
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        let toks = lex(line);
        if toks.is_empty() {
            return Cow::Borrowed(line);
        }
        let dot = line.trim_start().starts_with('.');
        let mut out = String::with_capacity(line.len() + 16 * toks.len());
        let mut at = 0;
        for (i, t) in toks.iter().enumerate() {
            out.push_str(&line[at..t.start]);
            let text = &line[t.start..t.end];
            // A word still being typed at the end of the line is not yet wrong.
            let typing = t.end == line.len();
            let style = match (i, t.kind) {
                (0, TokKind::Word) if dot => {
                    let known = COMMANDS.iter().any(|c| c.name.eq_ignore_ascii_case(text));
                    let partial = COMMANDS
                        .iter()
                        .any(|c| c.name.starts_with(&text.to_lowercase()));
                    match (known, typing && partial) {
                        (true, _) => Some(VERB),
                        (false, true) => None,
                        (false, false) => Some(ERROR),
                    }
                }
                (0, TokKind::Word) if is_verb(text) => Some(VERB),
                (0, TokKind::Word) if typing && is_verb_prefix(text) => None,
                (0, _) => Some(ERROR),
                (_, _) if dot => None,
                (_, TokKind::Word) if self.vocab.is_name(text) => Some(NAME),
                (_, TokKind::Word) if is_keyword(text) => Some(KEYWORD),
                (_, TokKind::Quoted { closed: true })
                    if self.vocab.is_name(&text[1..text.len() - 1]) =>
                {
                    Some(NAME)
                }
                (_, TokKind::Quoted { closed: false }) if !typing => Some(ERROR),
                _ => None,
            };
            match style {
                Some(s) => paint(&mut out, s, text),
                None => out.push_str(text),
            }
            at = t.end;
        }
        out.push_str(&line[at..]);
        Cow::Owned(out)
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        default: bool,
    ) -> Cow<'b, str> {
        if default {
            Cow::Owned(format!(
                "{}{prompt}{}",
                PROMPT.render(),
                PROMPT.render_reset()
            ))
        } else {
            Cow::Borrowed(prompt)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("{}{hint}{}", HINT.render(), HINT.render_reset()))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        // Colours depend on the whole line, not on the cursor.
        kind != CmdKind::MoveCursor
    }
}

impl Validator for ShellHelper {
    /// A trailing backslash asks for another line; rustyline then keeps editing the same
    /// entry, so the whole query is recalled and edited as one.
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if ctx.input().trim_end().ends_with('\\') {
            ValidationResult::Incomplete
        } else {
            ValidationResult::Valid(None)
        })
    }
}

#[cfg(test)]
mod tests {
    use rustyline::history::{DefaultHistory, History};

    use super::*;
    use crate::graph::KnowledgeGraph;
    use crate::load::{self, SourceFile};

    /// A small graph of our own, so these tests do not move with the shipped knowledge.
    fn graph() -> KnowledgeGraph {
        let files = vec![
            SourceFile {
                name: "relations.yaml".into(),
                text: "relations:
  - id: part-of
    description: part
    inverse: has part
    verb: be part of
  - id: monitors
    description: watches
    inverse: monitored by
    verb: monitor
  - id: migrates-to
    description: moves
    inverse: migration source for
    verb: migrate to
"
                .into(),
            },
            SourceFile {
                name: "services/net.yaml".into(),
                text: "category: networking
nodes:
  - id: VPC
    name: Amazon Virtual Private Cloud
    kind: service
    aliases: [VirtualPrivateCloud]
    summary: A private network.
    properties: {regional: true}
    sources: [notes]
  - id: VPCEndpoint
    name: VPC endpoint
    kind: component
    summary: A private door to a service.
    sources: [notes]
    relations: {part-of: [VPC]}
  - id: CloudWatch
    name: Amazon CloudWatch
    kind: service
    summary: Metrics and logs.
    properties: {max_retention: 15 months, stateful: true}
    sources: [notes]
    relations: {monitors: [VPC, DynamoDB]}
  - id: DynamoDB
    name: Amazon DynamoDB
    kind: service
    summary: A key-value store.
    properties: {max_item_size: 400 KB, serverless: true}
    sources: [notes]
"
                .into(),
            },
        ];
        KnowledgeGraph::from_knowledge(
            load::load_files(&files, Vec::new()).expect("the test graph is valid"),
        )
    }

    fn helper() -> ShellHelper {
        ShellHelper::new(Vocabulary::new(&graph()), true)
    }

    /// Completes at the end of `line`: (replaced text, replacements).
    fn complete(line: &str) -> (String, Vec<String>) {
        let h = helper();
        let history = DefaultHistory::new();
        let (start, c) = h
            .complete(line, line.len(), &Context::new(&history))
            .expect("completes");
        (
            line[start..].to_string(),
            c.into_iter().map(|p| p.replacement).collect(),
        )
    }

    fn choices(line: &str) -> Vec<String> {
        complete(line).1
    }

    #[test]
    fn verbs_at_the_start_of_a_line() {
        assert_eq!(complete("desc"), ("desc".into(), vec!["describe ".into()]));
        assert_eq!(choices("  NEI"), vec!["neighbors "]);
        assert_eq!(choices("").len(), crate::query::parser::VERBS.len());
        assert!(choices("zz").is_empty());
    }

    #[test]
    fn node_ids_aliases_and_quoted_names_case_insensitively() {
        assert_eq!(
            complete("describe vpc"),
            (
                "vpc".into(),
                vec![
                    "VPC ".into(),
                    "\"VPC endpoint\" ".into(),
                    "VPCEndpoint ".into()
                ]
            )
        );
        assert_eq!(choices("show virt"), vec!["VirtualPrivateCloud "]);
        assert_eq!(choices("describe \"amazon d"), vec!["\"Amazon DynamoDB\" "]);
        assert_eq!(choices("describe \"dyn"), vec!["\"DynamoDB\" "]);
        assert_eq!(choices("compare VPC Dyn"), vec!["DynamoDB "]);
        assert!(
            choices("describe VPC ").is_empty(),
            "describe takes one name"
        );
        assert_eq!(
            complete("describe amaz"),
            ("amaz".into(), vec!["\"Amazon ".into()]),
            "the shared part first"
        );
        assert_eq!(
            choices("describe \"Amazon "),
            vec![
                "\"Amazon CloudWatch\" ",
                "\"Amazon DynamoDB\" ",
                "\"Amazon Virtual Private Cloud\" "
            ]
        );
        assert_eq!(choices("compare VPC Cl"), vec!["CloudWatch "]);
        assert!(
            choices("describe \"VPC\"").is_empty(),
            "a closed quote is finished"
        );
    }

    #[test]
    fn relations_after_what_and_via() {
        let c = choices("what ");
        assert!(
            c.contains(&"does ".to_string())
                && c.contains(&"monitors ".to_string())
                && c.contains(&"part-of ".to_string()),
            "{c:?}"
        );
        assert_eq!(choices("what monitored"), vec!["monitored by "]);
        assert_eq!(
            complete("what monitored b"),
            ("b".into(), vec!["by ".into()])
        );
        assert_eq!(choices("what is monitored b"), vec!["by "]);
        assert_eq!(choices("what part-o"), vec!["part-of "]);
        assert_eq!(
            choices("what monitors Dyn"),
            vec!["DynamoDB "],
            "a node after a whole phrase"
        );
        assert_eq!(choices("what does Cloud"), vec!["CloudWatch "]);
        assert_eq!(
            choices("what does CloudWatch mon"),
            vec!["monitor"],
            "the shared part first"
        );
        assert_eq!(
            choices("what does CloudWatch monitor"),
            vec!["monitor ", "monitored by ", "monitors "]
        );
        assert_eq!(choices("neighbors VPC via mi"), vec!["migrat"]);
        assert_eq!(
            choices("neighbors VPC via migrat"),
            vec!["migrate to ", "migrates-to ", "migration source for "]
        );
        assert_eq!(
            choices("neighbors VPC via part-of, monitors"),
            vec!["monitors "]
        );
    }

    #[test]
    fn keywords_where_they_fit() {
        assert_eq!(choices("neighbors VPC "), vec!["depth ", "via "]);
        assert_eq!(choices("neighbors VPC depth 2 "), vec!["via "]);
        assert!(
            choices("neighbors VPC depth ").is_empty(),
            "a number comes next"
        );
        assert_eq!(choices("neighbors VPC via monitors "), vec!["depth "]);
        let c = choices("path VPC ");
        assert_eq!(c[0], "to ");
        assert!(c.contains(&"DynamoDB ".to_string()), "{c:?}");
        assert!(choices("path VPC to DynamoDB ").is_empty());
        assert_eq!(choices("path VPC t"), vec!["to "]);
        assert_eq!(
            choices("find "),
            vec![
                "where ",
                "services ",
                "components ",
                "features ",
                "concepts "
            ]
        );
        assert_eq!(choices("find services "), vec!["where "]);
        assert_eq!(choices("list re"), vec!["relations "]);
    }

    #[test]
    fn properties_after_where_and_inside_conditions() {
        assert_eq!(choices("find where max"), vec!["max_"]);
        assert_eq!(
            choices("find where max_"),
            vec!["max_item_size ", "max_retention "]
        );
        assert_eq!(
            choices("find services where serverless and st"),
            vec!["stateful "]
        );
        assert_eq!(choices("find where not (reg"), vec!["regional "]);
        assert_eq!(
            choices("find where (serverless or S"),
            vec!["serverless ", "stateful ", "summary "]
        );
        assert_eq!(choices("find where n"), vec!["not ", "name "]);
        assert_eq!(
            choices("find where serverless "),
            vec!["and ", "or ", "contains "]
        );
        assert_eq!(
            choices("find where max_item_size >= 400 KB "),
            vec!["and ", "or "]
        );
        assert!(
            choices("find where max_item_size >= ").is_empty(),
            "a value comes next"
        );
    }

    #[test]
    fn dot_commands_and_their_arguments() {
        assert_eq!(choices(".f"), vec![".format "]);
        assert_eq!(choices(".q"), vec![".quit"]);
        assert_eq!(choices(".format j"), vec!["json"]);
        assert_eq!(choices(".timing "), vec!["o"]);
        assert_eq!(choices(".timing o"), vec!["on", "off"]);
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("knowledge-a")).unwrap();
        let line = format!(".graph {}/know", dir.path().display());
        let c = choices(&line);
        assert_eq!(c.len(), 1, "{c:?}");
        assert!(c[0].ends_with("knowledge-a/"), "{c:?}");
    }

    #[test]
    fn hints_from_history_first_then_a_unique_completion() {
        let h = helper();
        let mut history = DefaultHistory::new();
        history.add("neighbors VPC depth 2").unwrap();
        let ctx = Context::new(&history);
        assert_eq!(
            h.hint("neigh", 5, &ctx).as_deref(),
            Some("bors VPC depth 2")
        );
        assert_eq!(h.hint("describe Dyn", 12, &ctx).as_deref(), Some("amoDB"));
        assert_eq!(
            h.hint("describe dyn", 12, &ctx).as_deref(),
            Some("amoDB"),
            "case is ignored"
        );
        assert_eq!(
            h.hint("describe \"Amazon Dyn", 20, &ctx).as_deref(),
            Some("amoDB\"")
        );
        assert_eq!(
            h.hint("describe VPC", 12, &ctx),
            None,
            "VPC and VPCEndpoint both fit"
        );
        assert_eq!(
            h.hint("describe Dyn", 5, &ctx),
            None,
            "only at the end of the line"
        );
        let quiet = ShellHelper::new(Vocabulary::new(&graph()), false);
        assert_eq!(
            quiet.hint("describe Dyn", 12, &ctx),
            None,
            "no hints without colour"
        );
    }

    /// The text without its SGR colour sequences.
    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut esc = false;
        for c in s.chars() {
            match (esc, c) {
                (false, '\x1b') => esc = true,
                (true, 'm') => esc = false,
                (false, c) => out.push(c),
                _ => {}
            }
        }
        out
    }

    proptest::proptest! {
        /// Whatever is typed, wherever the cursor is: no panic, and colouring only adds
        /// colour.
        #[test]
        fn any_line_and_cursor_is_safe(line in "[a-zA-Z0-9 \"\\\\().,=<>!~é—_\n-]{0,40}", cut in 0usize..48) {
            let h = helper();
            let history = DefaultHistory::new();
            let ctx = Context::new(&history);
            let mut pos = cut.min(line.len());
            while !line.is_char_boundary(pos) {
                pos -= 1;
            }
            let _ = h.complete(&line, pos, &ctx);
            let _ = h.hint(&line, pos, &ctx);
            for prefix in ["", "describe ", "what does ", "find where ", "neighbors VPC via ", ".graph "] {
                let l = format!("{prefix}{line}");
                let _ = h.complete(&l, prefix.len() + pos, &ctx);
            }
            proptest::prop_assert_eq!(strip(&h.highlight(&line, pos)), line);
        }
    }

    #[test]
    fn colours_keep_the_text_and_mark_mistakes() {
        let h = helper();
        for line in [
            "describe VPC",
            "what monitors \"Amazon DynamoDB\"",
            "find where a >= 1 MB",
            ".format json",
            "zz VPC",
        ] {
            assert_eq!(strip(&h.highlight(line, 0)), line);
        }
        let verb = format!("{}describe{}", VERB.render(), VERB.render_reset());
        let name = format!("{}VPC{}", NAME.render(), NAME.render_reset());
        let lit = h.highlight("describe VPC", 0);
        assert!(lit.contains(&verb) && lit.contains(&name), "{lit:?}");
        let bad = h.highlight("descrbe VPC", 0);
        assert!(bad.starts_with(&ERROR.render().to_string()), "{bad:?}");
        assert!(
            !h.highlight("descr", 0).contains('\x1b'),
            "a verb being typed is not an error"
        );
        assert!(
            h.highlight(".nope", 0)
                .contains(&ERROR.render().to_string())
        );
    }

    #[test]
    fn graph_argument_detection() {
        assert!(is_graph_argument(".graph /tmp", 11));
        assert!(!is_graph_argument(".graphs", 7));
    }
}
