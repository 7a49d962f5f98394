//! The query language's syntax tree: what the parser produces and the evaluator consumes.
//!
//! Every node carries the byte span of the text it came from, so that evaluation errors
//! ("no node named `Lamda`") can point at the exact word. `Display` prints a canonical
//! query that parses back to an equal tree; spans are deliberately left out of equality
//! for that reason (the canonical text has other offsets than the original).

use std::fmt;

use crate::model::Kind;
use crate::value::Value;

/// A byte range in the query text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// Spans never decide equality: two trees that say the same thing are equal wherever
/// their text stood.
impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

/// A node name as written (id, alias or full name); resolved by the evaluator.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A relation phrase as written (`monitors`, `monitored by`, `part-of`).
#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub kind: QueryKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum QueryKind {
    /// `describe X`, `show X`
    Describe(Name),
    /// `compare X Y [Z ...]`
    Compare(Vec<Name>),
    /// `what <relation> X`: the nodes that point at X.
    WhatPointsAt { relation: Phrase, target: Name },
    /// `what does X <relation>`: where X points.
    WhatDoes { subject: Name, relation: Phrase },
    /// `path X [to] Y`
    Path { from: Name, to: Name },
    /// `neighbors X [depth N] [via r1, r2]`
    Neighbors {
        center: Name,
        depth: Option<(u32, Span)>,
        via: Vec<Phrase>,
    },
    /// `find [kind] [where cond]`
    Find {
        kind: Option<(Kind, Span)>,
        filter: Option<Cond>,
    },
    /// `list services|relations|categories|properties|nodes|kinds`
    List(ListTarget, Span),
    /// `help`
    Help,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListTarget {
    Services,
    Nodes,
    Relations,
    Categories,
    Properties,
    Kinds,
}

impl ListTarget {
    pub const ALL: [ListTarget; 6] = [
        ListTarget::Services,
        ListTarget::Nodes,
        ListTarget::Relations,
        ListTarget::Categories,
        ListTarget::Properties,
        ListTarget::Kinds,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ListTarget::Services => "services",
            ListTarget::Nodes => "nodes",
            ListTarget::Relations => "relations",
            ListTarget::Categories => "categories",
            ListTarget::Properties => "properties",
            ListTarget::Kinds => "kinds",
        }
    }
}

/// A `find` condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Or(Box<Cond>, Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Not(Box<Cond>, Span),
    /// A parenthesised condition; kept so that `Display` reproduces the grouping.
    Group(Box<Cond>, Span),
    /// `field`, meaning `field = true`.
    Truthy(Name),
    Compare {
        field: Name,
        op: Op,
        value: Literal,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => "contains",
        }
    }
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    pub value: LiteralValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LiteralValue {
    Bool(bool),
    /// A quantity or range (`1 MB`, `1-365 days`); always a `Value::Quantity`/`Range`.
    Number(Value),
    /// A bare word or quoted string.
    Text(String),
}

/// Words that the grammar reserves; a name equal to one of them must be quoted.
pub const KEYWORDS: &[&str] = &[
    "describe",
    "show",
    "compare",
    "what",
    "does",
    "path",
    "from",
    "to",
    "neighbors",
    "neighbours",
    "depth",
    "via",
    "find",
    "where",
    "and",
    "or",
    "not",
    "contains",
    "list",
    "help",
    "vs",
    "true",
    "false",
];

/// Whether `word` can be written without quotes as a name.
pub fn is_bare_word(word: &str) -> bool {
    !word.is_empty()
        && word.chars().all(is_word_char)
        && !KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
        && !word.starts_with(|c: char| c.is_ascii_digit())
}

/// Characters of an unquoted word: enough for ids like `S3`, `sam-cli`, `Route53`,
/// `kinesis.firehose` and `/tmp`.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':' | '+' | '@')
}

/// How a name is written in a query: bare when the grammar allows it, else quoted. The
/// AST's `Display` and the REPL's completions both write names this way, so what the
/// shell inserts parses back to the same name.
pub fn name_text(s: &str) -> std::borrow::Cow<'_, str> {
    if is_bare_word(s) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(quote(s))
    }
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&name_text(&self.text))
    }
}

impl fmt::Display for Phrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            LiteralValue::Bool(b) => write!(f, "{b}"),
            LiteralValue::Number(v) => write!(f, "{v}"),
            LiteralValue::Text(t) if is_bare_word(t) => f.write_str(t),
            LiteralValue::Text(t) => f.write_str(&quote(t)),
        }
    }
}

impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cond::Or(a, b) => write!(f, "{a} or {b}"),
            Cond::And(a, b) => write!(f, "{a} and {b}"),
            Cond::Not(c, _) => write!(f, "not {c}"),
            Cond::Group(c, _) => write!(f, "({c})"),
            Cond::Truthy(n) => write!(f, "{n}"),
            Cond::Compare { field, op, value } => write!(f, "{field} {} {value}", op.as_str()),
        }
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            QueryKind::Describe(n) => write!(f, "describe {n}"),
            QueryKind::Compare(names) => {
                f.write_str("compare")?;
                for n in names {
                    write!(f, " {n}")?;
                }
                Ok(())
            }
            QueryKind::WhatPointsAt { relation, target } => write!(f, "what {relation} {target}"),
            QueryKind::WhatDoes { subject, relation } => {
                write!(f, "what does {subject} {relation}")
            }
            QueryKind::Path { from, to } => write!(f, "path {from} to {to}"),
            QueryKind::Neighbors { center, depth, via } => {
                write!(f, "neighbors {center}")?;
                if let Some((d, _)) = depth {
                    write!(f, " depth {d}")?;
                }
                if !via.is_empty() {
                    let list: Vec<&str> = via.iter().map(|p| p.text.as_str()).collect();
                    write!(f, " via {}", list.join(", "))?;
                }
                Ok(())
            }
            QueryKind::Find { kind, filter } => {
                f.write_str("find")?;
                if let Some((k, _)) = kind {
                    write!(f, " {}", k.plural())?;
                }
                if let Some(c) = filter {
                    write!(f, " where {c}")?;
                }
                Ok(())
            }
            QueryKind::List(t, _) => write!(f, "list {}", t.as_str()),
            QueryKind::Help => f.write_str("help"),
        }
    }
}
