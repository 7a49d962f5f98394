//! What may come next in a half-typed query: the grammar-aware part of the REPL's Tab
//! completion, hints and colouring, kept free of rustyline so it can be reasoned about
//! (and tested) as plain functions of a [`Vocabulary`] and the text before the cursor.
//!
//! It does not reuse the nom parser: the parser answers "is this a query?", while
//! completion must guess the intent of text that is *not yet* a query. Instead a small
//! lexer splits the line and a state walk over the tokens, one arm per verb, mirrors the
//! grammar in `docs/query-language.md`. Where the two could disagree (a relation phrase
//! of several words before a node name), completion offers both.

use std::collections::{BTreeSet, HashSet};

use rustyline::completion::Pair;

use super::commands::COMMANDS;
use crate::graph::KnowledgeGraph;
use crate::model::Kind;
use crate::query::ast::{KEYWORDS, ListTarget, is_word_char};
use crate::query::eval::FIELDS;
use crate::query::parser::VERBS;

/// Words that may stand before a relation phrase (`what is monitored by X`); the graph's
/// phrase normalisation drops them too.
const FILLERS: &[&str] = &["is", "are", "was", "be", "gets"];

/// Spellings of verbs the parser accepts but [`VERBS`] leaves out of suggestions.
const VERB_ALIASES: &[&str] = &["neighbours"];

/// The names completion draws on, taken from one loaded graph. Rebuilt by the shell after
/// `.graph` or `.reload`, so it never outlives the graph it describes.
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    /// Node ids, full names and aliases, one entry per spelling, sorted case-insensitively.
    names: Vec<String>,
    /// The same, lowercased, for colouring names that resolve.
    known: HashSet<String>,
    /// Relation phrases as written in the vocabulary: ids, inverses, verbs.
    relations: Vec<String>,
    /// Node fields and every property name, sorted.
    properties: Vec<String>,
}

impl Vocabulary {
    pub fn new(graph: &KnowledgeGraph) -> Self {
        let mut seen = HashSet::new();
        let mut names = Vec::new();
        for (_, n) in graph.nodes() {
            for s in std::iter::once(&n.id).chain([&n.name]).chain(&n.aliases) {
                let s = s.trim();
                if !s.is_empty() && seen.insert(s.to_lowercase()) {
                    names.push(s.to_string());
                }
            }
        }
        names.sort_by_key(|s| s.to_lowercase());
        let mut relations = Vec::new();
        for r in graph.relations() {
            for p in std::iter::once(&r.id).chain([&r.inverse]).chain(&r.verb) {
                if !relations.contains(p) {
                    relations.push(p.clone());
                }
            }
        }
        relations.sort();
        let mut properties: BTreeSet<String> = FIELDS.iter().map(|s| s.to_string()).collect();
        for (_, n) in graph.nodes() {
            properties.extend(n.properties.iter().map(|p| p.name.clone()));
        }
        Vocabulary {
            names,
            known: seen,
            relations,
            properties: properties.into_iter().collect(),
        }
    }

    /// Whether `name` resolves to a node (case-insensitively), for colouring.
    pub fn is_name(&self, name: &str) -> bool {
        self.known.contains(&name.trim().to_lowercase())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    Word,
    Quoted { closed: bool },
    Punct,
}

/// A lexical token: a byte range of the line and what sort of text it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
    pub kind: TokKind,
}

/// Splits a line the way the parser reads it: words, `"quoted"` strings (possibly still
/// open), operators and single punctuation. A backslash before a newline is a line
/// continuation and counts as space.
pub(crate) fn lex(s: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut it = s.char_indices().peekable();
    while let Some(&(i, c)) = it.peek() {
        let continuation = c == '\\'
            && s[i + 1..]
                .chars()
                .next()
                .is_none_or(|n| n == '\n' || n == '\r');
        if c.is_whitespace() || continuation {
            it.next();
        } else if c == '"' {
            it.next();
            let mut closed = false;
            let mut end = s.len();
            while let Some((j, d)) = it.next() {
                if d == '\\' {
                    it.next();
                } else if d == '"' {
                    closed = true;
                    end = j + 1;
                    break;
                }
            }
            toks.push(Tok {
                start: i,
                end,
                kind: TokKind::Quoted { closed },
            });
        } else if is_word_char(c) {
            let mut end = s.len();
            while let Some(&(j, d)) = it.peek() {
                if !is_word_char(d) {
                    end = j;
                    break;
                }
                it.next();
            }
            toks.push(Tok {
                start: i,
                end,
                kind: TokKind::Word,
            });
        } else if matches!(c, '=' | '!' | '<' | '>') {
            let mut end = s.len();
            while let Some(&(j, d)) = it.peek() {
                if !matches!(d, '=' | '!' | '<' | '>') {
                    end = j;
                    break;
                }
                it.next();
            }
            toks.push(Tok {
                start: i,
                end,
                kind: TokKind::Punct,
            });
        } else {
            it.next();
            toks.push(Tok {
                start: i,
                end: i + c.len_utf8(),
                kind: TokKind::Punct,
            });
        }
    }
    toks
}

/// The text inside a quoted token, with escapes resolved and the quotes dropped.
fn unquote(raw: &str) -> String {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// How a name is written in a query (`ast::name_text`, shared with the AST's `Display`).
pub(crate) fn written(name: &str) -> String {
    crate::query::ast::name_text(name).into_owned()
}

/// What the grammar allows at the cursor.
#[derive(Debug, Default)]
struct Slots {
    verbs: bool,
    nodes: bool,
    /// Relation phrases, continuing the words already typed of this phrase.
    relations: Option<Vec<String>>,
    properties: bool,
    kinds: bool,
    list_targets: bool,
    keywords: Vec<&'static str>,
}

/// Lowercases a phrase and turns `-`/`_` into spaces, keeping its length so that byte
/// offsets still fit the original (relation phrases are ASCII; others are left alone).
fn norm(s: &str) -> String {
    s.to_lowercase().replace(['-', '_'], " ")
}

/// Typed words as phrase words: `part-of` is the two words `part of`.
fn norm_words(typed: &[String]) -> Vec<String> {
    typed
        .iter()
        .flat_map(|w| {
            norm(w)
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The typed words of a relation phrase without a leading filler that the candidate
/// phrase does not itself start with.
fn phrase_words<'w>(typed: &'w [String], phrase_first: &str) -> &'w [String] {
    match typed.first() {
        Some(w) if FILLERS.contains(&w.as_str()) && w != phrase_first => &typed[1..],
        _ => typed,
    }
}

impl Vocabulary {
    /// Whether the typed words already make up a whole relation phrase.
    fn is_phrase(&self, typed: &[String]) -> bool {
        let typed = norm_words(typed);
        self.relations.iter().any(|r| {
            let n = norm(r);
            let words: Vec<&str> = n.split_whitespace().collect();
            let t = phrase_words(&typed, words.first().copied().unwrap_or(""));
            !t.is_empty() && t.iter().map(String::as_str).eq(words.iter().copied())
        })
    }

    /// Relation phrases that continue `typed` (complete words) with `partial`. The
    /// replacement is the rest of the phrase from the partial word on; with nothing typed
    /// yet, the phrase as the vocabulary spells it (`part-of`).
    fn relation_candidates(&self, typed: &[String], partial: &str) -> Vec<Pair> {
        let typed = norm_words(typed);
        let mut out: Vec<Pair> = Vec::new();
        for r in &self.relations {
            if !r.is_ascii() {
                continue;
            }
            let n = norm(r);
            let words: Vec<&str> = n.split_whitespace().collect();
            let t = phrase_words(&typed, words.first().copied().unwrap_or(""));
            let done = t.join(" ");
            let so_far = if done.is_empty() {
                norm(partial)
            } else {
                format!("{done} {}", norm(partial))
            };
            let canonical = words.join(" ");
            if !canonical.starts_with(&so_far) || canonical.len() <= done.len() {
                continue;
            }
            let rest = if done.is_empty() {
                r.clone()
            } else {
                canonical[done.len() + 1..].to_string()
            };
            if !out.iter().any(|p| p.replacement.trim_end() == rest) {
                out.push(Pair {
                    display: r.clone(),
                    replacement: format!("{rest} "),
                });
            }
        }
        out
    }
}

fn lower(line: &str, t: &Tok) -> String {
    line[t.start..t.end].to_lowercase()
}

/// Walks the complete tokens before the cursor and says what may follow them.
fn slots(vocab: &Vocabulary, line: &str, toks: &[Tok]) -> Slots {
    let mut s = Slots::default();
    let Some(first) = toks.first() else {
        s.verbs = true;
        return s;
    };
    if first.kind != TokKind::Word {
        return s;
    }
    let rest = &toks[1..];
    let words: Vec<String> = rest.iter().map(|t| lower(line, t)).collect();
    match lower(line, first).as_str() {
        "describe" | "show" => s.nodes = rest.is_empty(),
        "compare" => s.nodes = true,
        "list" => s.list_targets = rest.is_empty(),
        "what" => {
            if rest.is_empty() {
                s.keywords.push("does");
                s.relations = Some(Vec::new());
            } else if words[0] == "does" {
                match rest.len() {
                    1 => s.nodes = true,
                    _ if rest[2..].iter().all(|t| t.kind == TokKind::Word) => {
                        s.relations = Some(words[2..].to_vec())
                    }
                    _ => {}
                }
            } else if rest.iter().all(|t| t.kind == TokKind::Word) {
                s.nodes = vocab.is_phrase(&words);
                s.relations = Some(words);
            }
        }
        "path" => {
            let (mut names, mut saw_to) = (0, false);
            for (t, w) in rest.iter().zip(&words) {
                match w.as_str() {
                    "from" if names == 0 && t.kind == TokKind::Word => {}
                    "to" if names == 1 && t.kind == TokKind::Word => saw_to = true,
                    _ => names += 1,
                }
            }
            s.nodes = names < 2;
            if names == 1 && !saw_to {
                s.keywords.push("to");
            }
        }
        "neighbors" | "neighbours" => neighbor_slots(vocab, rest, &words, &mut s),
        "find" => find_slots(line, rest, &words, &mut s),
        _ => {}
    }
    s
}

fn neighbor_slots(vocab: &Vocabulary, rest: &[Tok], words: &[String], s: &mut Slots) {
    enum Mode {
        Free,
        AfterDepth,
        Via(Vec<String>),
    }
    if rest.is_empty() {
        s.nodes = true;
        return;
    }
    let (mut mode, mut depth, mut via) = (Mode::Free, false, false);
    for (t, w) in rest[1..].iter().zip(&words[1..]) {
        mode = match (mode, w.as_str()) {
            (Mode::AfterDepth, _) => Mode::Free,
            (_, "depth") => {
                depth = true;
                Mode::AfterDepth
            }
            (_, "via") => {
                via = true;
                Mode::Via(Vec::new())
            }
            (Mode::Via(_), ",") => Mode::Via(Vec::new()),
            (Mode::Via(mut ws), _) if t.kind == TokKind::Word => {
                ws.push(w.clone());
                Mode::Via(ws)
            }
            (m, _) => m,
        };
    }
    let unused = |s: &mut Slots| {
        if !depth {
            s.keywords.push("depth");
        }
        if !via {
            s.keywords.push("via");
        }
    };
    match mode {
        Mode::AfterDepth => {}
        Mode::Free => unused(s),
        Mode::Via(ws) => {
            if vocab.is_phrase(&ws) && !depth {
                s.keywords.push("depth");
            }
            s.relations = Some(ws);
        }
    }
}

fn find_slots(line: &str, rest: &[Tok], words: &[String], s: &mut Slots) {
    #[derive(PartialEq)]
    enum C {
        Operand,
        AfterField,
        Value,
        AfterValue,
    }
    let Some(w) = words.iter().position(|w| w == "where") else {
        match rest {
            [] => {
                s.kinds = true;
                s.keywords.push("where");
            }
            [k] if line[k.start..k.end].parse::<Kind>().is_ok() => s.keywords.push("where"),
            _ => {}
        }
        return;
    };
    let mut state = C::Operand;
    for (t, w) in rest[w + 1..].iter().zip(&words[w + 1..]) {
        state = match (state, t.kind, w.as_str()) {
            (_, TokKind::Word, "and" | "or") | (_, TokKind::Punct, "(") => C::Operand,
            (C::Operand, TokKind::Word, "not") => C::Operand,
            (_, TokKind::Punct, ")") => C::AfterValue,
            (C::Operand, _, _) => C::AfterField,
            (C::AfterField, TokKind::Punct, _) | (C::AfterField, TokKind::Word, "contains") => {
                C::Value
            }
            (C::Value, TokKind::Punct, "~") => C::Value,
            (C::Value | C::AfterValue, _, _) => C::AfterValue,
            (C::AfterField, _, _) => C::AfterField,
        };
    }
    match state {
        C::Operand => {
            s.properties = true;
            s.keywords.push("not");
        }
        C::AfterField => s.keywords.extend(["and", "or", "contains"]),
        C::Value => {}
        C::AfterValue => s.keywords.extend(["and", "or"]),
    }
}

/// Candidates for the text before `pos`: the byte offset where the replaced text starts,
/// and the choices, each ending with a space so the next word can follow at once.
/// Matching ignores case. Dot-commands are completed here too, except `.graph`'s
/// directory argument, which the rustyline helper hands to its file-name completer.
pub fn complete(vocab: &Vocabulary, line: &str, pos: usize) -> (usize, Vec<Pair>) {
    let Some(before) = line.get(..pos) else {
        return (pos, Vec::new());
    };
    let lead = before.len() - before.trim_start().len();
    if before[lead..].starts_with('.') {
        return complete_command(before, lead);
    }
    let toks = lex(before);
    let (ctx, partial) = match toks.last() {
        Some(t) if t.end == pos && t.kind == TokKind::Quoted { closed: true } => {
            return (pos, Vec::new());
        }
        Some(t) if t.end == pos && t.kind != TokKind::Punct => (&toks[..toks.len() - 1], Some(*t)),
        _ => (&toks[..], None),
    };
    let start = partial.map_or(pos, |t| t.start);
    let raw = partial.map_or("", |t| &before[t.start..t.end]);
    let slots = slots(vocab, before, ctx);
    if let Some(Tok {
        kind: TokKind::Quoted { .. },
        ..
    }) = partial
    {
        // Only node names are ever quoted.
        if !slots.nodes {
            return (start, Vec::new());
        }
        let typed = unquote(raw).to_lowercase();
        let out = vocab
            .names
            .iter()
            .filter(|n| n.to_lowercase().starts_with(&typed))
            .map(|n| pair(&written_quoted(n), n))
            .collect();
        return (start, out);
    }
    let typed = raw.to_lowercase();
    let starts = |c: &str| c.to_lowercase().starts_with(&typed);
    let mut out: Vec<Pair> = Vec::new();
    let mut words = |list: &mut dyn Iterator<Item = &str>| {
        for w in list {
            if starts(w) && !out.iter().any(|p| p.display == w) {
                out.push(pair(w, w));
            }
        }
    };
    if slots.verbs {
        words(&mut VERBS.iter().copied());
    }
    words(&mut slots.keywords.iter().copied());
    if slots.kinds {
        words(&mut Kind::ALL.iter().map(|k| k.plural()));
    }
    if slots.list_targets {
        words(&mut ListTarget::ALL.iter().map(|t| t.as_str()));
    }
    if slots.properties {
        words(&mut vocab.properties.iter().map(String::as_str));
    }
    if let Some(typed_words) = &slots.relations {
        out.extend(vocab.relation_candidates(typed_words, raw));
    }
    if slots.nodes {
        for n in &vocab.names {
            if starts(n) {
                out.push(pair(&written(n), n));
            }
        }
    }
    (start, out)
}

fn pair(replacement: &str, display: &str) -> Pair {
    Pair {
        display: display.to_string(),
        replacement: format!("{replacement} "),
    }
}

fn written_quoted(name: &str) -> String {
    let w = written(name);
    if w.starts_with('"') {
        w
    } else {
        format!("\"{w}\"")
    }
}

fn complete_command(before: &str, lead: usize) -> (usize, Vec<Pair>) {
    let text = &before[lead..];
    let Some(space) = text.find(char::is_whitespace) else {
        let typed = text.to_lowercase();
        let out = COMMANDS
            .iter()
            .filter(|c| c.name.starts_with(&typed))
            .map(|c| Pair {
                display: c.name.to_string(),
                replacement: if c.args.is_empty() {
                    c.name.to_string()
                } else {
                    format!("{} ", c.name)
                },
            })
            .collect();
        return (lead, out);
    };
    let arg_start = lead + space + (text[space..].len() - text[space..].trim_start().len());
    let typed = before[arg_start..].to_lowercase();
    let choices: Vec<String> = match text[..space].to_lowercase().as_str() {
        ".format" => super::commands::format_names(),
        ".timing" => vec!["on".into(), "off".into()],
        _ => Vec::new(),
    };
    let out = choices
        .iter()
        .filter(|c| c.starts_with(&typed))
        .map(|c| Pair {
            display: c.to_string(),
            replacement: c.to_string(),
        })
        .collect();
    (arg_start, out)
}

/// Whether `word` could still become a verb, so colouring does not flag it as an error
/// while it is being typed.
pub(crate) fn is_verb_prefix(word: &str) -> bool {
    let w = word.to_lowercase();
    VERBS.iter().chain(VERB_ALIASES).any(|v| v.starts_with(&w))
}

pub(crate) fn is_verb(word: &str) -> bool {
    let w = word.to_lowercase();
    VERBS.iter().chain(VERB_ALIASES).any(|v| *v == w)
}

pub(crate) fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}
