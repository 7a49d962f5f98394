//! Query text → [`Query`](super::ast::Query). A nom 8 parser with one function per grammar
//! rule (see `docs/query-language.md` for the EBNF).
//!
//! After a verb is recognised the parser commits with `cut`, so that an error inside
//! `compare NACL ???` is reported at `???` (with what was expected there) instead of
//! backtracking to "unknown verb". Errors carry the byte offset of the bad token so the
//! CLI can draw a caret under it.

use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_while, take_while1};
use nom::character::complete::{char, multispace0, multispace1, none_of};
use nom::combinator::{cut, eof, not, opt, peek, recognize};
use nom::error::{ContextError, ErrorKind, FromExternalError, ParseError};
use nom::multi::many0;
use nom::sequence::{preceded, terminated};
use nom::{IResult, Parser};

use super::ast::*;
use crate::model::Kind;
use crate::value::{QuantityError, parse_quantity};

/// How deeply `find` conditions may nest; deeper input is refused rather than risking
/// the stack.
pub const MAX_NESTING: usize = 64;

/// Queries longer than this are refused before parsing.
pub const MAX_QUERY_BYTES: usize = 64 * 1024;

/// Verbs, for "did you mean" on an unknown first word.
pub const VERBS: &[&str] = &[
    "describe",
    "show",
    "compare",
    "what",
    "path",
    "neighbors",
    "find",
    "list",
    "help",
];

/// Errors of the query parser.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyntaxError {
    /// The text does not follow the grammar at `offset`.
    #[error("{message}")]
    Unexpected {
        offset: usize,
        len: usize,
        message: String,
        expected: Vec<&'static str>,
        help: Option<String>,
    },
    /// The query is larger than [`MAX_QUERY_BYTES`].
    #[error("query is {0} bytes long; the limit is {MAX_QUERY_BYTES}")]
    TooLong(usize),
}

impl SyntaxError {
    pub fn offset(&self) -> usize {
        match self {
            SyntaxError::Unexpected { offset, .. } => *offset,
            SyntaxError::TooLong(_) => 0,
        }
    }
    pub fn len(&self) -> usize {
        match self {
            SyntaxError::Unexpected { len, .. } => *len,
            SyntaxError::TooLong(_) => 0,
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn help(&self) -> Option<String> {
        match self {
            SyntaxError::Unexpected { help, .. } => help.clone(),
            SyntaxError::TooLong(_) => None,
        }
    }
}

/// The nom error type: where parsing stopped and what would have been accepted there.
#[derive(Debug, Clone, PartialEq)]
pub struct PError<'a> {
    input: &'a str,
    expected: Vec<&'static str>,
    /// A specific complaint that beats a list of expectations (bad unit, too deep).
    message: Option<String>,
    /// Help that goes with `message`.
    help: Option<String>,
    /// How much text the complaint is about, when more than one token (`400 KBB`).
    len: Option<usize>,
}

impl<'a> ParseError<&'a str> for PError<'a> {
    fn from_error_kind(input: &'a str, _: ErrorKind) -> Self {
        PError {
            input,
            expected: Vec::new(),
            message: None,
            help: None,
            len: None,
        }
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
    /// Keeps the alternative that got furthest; merges expectations at the same spot.
    fn or(mut self, other: Self) -> Self {
        match self.input.len().cmp(&other.input.len()) {
            std::cmp::Ordering::Less => self,
            std::cmp::Ordering::Greater => other,
            std::cmp::Ordering::Equal => {
                if self.message.is_none() {
                    self.message = other.message;
                }
                for e in other.expected {
                    if !self.expected.contains(&e) {
                        self.expected.push(e);
                    }
                }
                self
            }
        }
    }
}

impl<'a> ContextError<&'a str> for PError<'a> {
    /// A context names what was expected, but only where nothing inside it matched: an
    /// error deeper inside keeps its own, more precise, expectation.
    fn add_context(input: &'a str, ctx: &'static str, mut other: Self) -> Self {
        if other.input.len() == input.len() && other.message.is_none() {
            other.expected = vec![ctx];
        }
        other
    }
}

impl<'a> FromExternalError<&'a str, QuantityError> for PError<'a> {
    fn from_external_error(input: &'a str, _: ErrorKind, e: QuantityError) -> Self {
        let len = match &e {
            QuantityError::UnknownUnit { text, .. }
            | QuantityError::BadNumber { text, .. }
            | QuantityError::InvertedRange { text } => Some(text.len()),
        };
        PError {
            input,
            expected: Vec::new(),
            message: Some(e.to_string()),
            help: Some(e.help()),
            len,
        }
    }
}

type Res<'a, T> = IResult<&'a str, T, PError<'a>>;

fn fail<'a, T>(input: &'a str, expected: &'static str) -> Res<'a, T> {
    Err(nom::Err::Error(PError {
        input,
        expected: vec![expected],
        message: None,
        help: None,
        len: None,
    }))
}

fn failure<'a, T>(input: &'a str, message: String) -> Res<'a, T> {
    Err(nom::Err::Failure(PError {
        input,
        expected: Vec::new(),
        message: Some(message),
        help: None,
        len: None,
    }))
}

/// Wraps a parser so that its failure says what was expected.
fn expect<'a, O, F>(what: &'static str, mut f: F) -> impl FnMut(&'a str) -> Res<'a, O>
where
    F: Parser<&'a str, Output = O, Error = PError<'a>>,
{
    move |i: &'a str| match f.parse(i) {
        Err(nom::Err::Error(e)) => Err(nom::Err::Error(PError::add_context(i, what, e))),
        Err(nom::Err::Failure(e)) => Err(nom::Err::Failure(PError::add_context(i, what, e))),
        ok => ok,
    }
}

/// Parses one query.
pub fn parse(src: &str) -> Result<Query, SyntaxError> {
    if src.len() > MAX_QUERY_BYTES {
        return Err(SyntaxError::TooLong(src.len()));
    }
    let p = P { src };
    match terminated(|i| p.query(i), (multispace0, expect("end of query", eof))).parse(src) {
        Ok((_, q)) => Ok(q),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(p.to_syntax_error(e)),
        Err(nom::Err::Incomplete(_)) => Err(SyntaxError::Unexpected {
            offset: src.len(),
            len: 0,
            message: "unexpected end of query".into(),
            expected: Vec::new(),
            help: None,
        }),
    }
}

/// Holds the whole text so that rules can turn the rest of the input into byte offsets.
struct P<'s> {
    src: &'s str,
}

impl<'s> P<'s> {
    fn pos(&self, rest: &str) -> usize {
        self.src.len() - rest.len()
    }

    fn span(&self, before: &str, after: &str) -> Span {
        Span::new(self.pos(before), self.pos(after))
    }

    fn to_syntax_error(&self, e: PError<'s>) -> SyntaxError {
        let offset = self.pos(e.input);
        let rest = e.input;
        let found_len = if let Some(inner) = rest.strip_prefix('"') {
            inner.find('"').map(|i| i + 2).unwrap_or(rest.len())
        } else {
            rest.find(char::is_whitespace).unwrap_or(rest.len())
        }
        .max(rest.chars().next().map(char::len_utf8).unwrap_or(0));
        let found_len = e.len.unwrap_or(found_len);
        let found = &rest[..found_len.min(rest.len())];
        let expected = e.expected.clone();
        let message = match (&e.message, found.is_empty()) {
            (Some(m), _) => m.clone(),
            (None, true) => format!(
                "unexpected end of query; expected {}",
                join_expected(&expected)
            ),
            (None, false) => format!(
                "unexpected `{found}`; expected {}",
                join_expected(&expected)
            ),
        };
        let help = if e.help.is_some() {
            e.help.clone()
        } else if offset == self.src.len() - self.src.trim_start().len()
            && expected.contains(&"a verb")
        {
            let sugg = crate::load::suggest(found, VERBS.iter().copied());
            sugg.first()
                .map(|s| format!("did you mean `{s}`? type `help` for the query forms"))
                .or_else(|| Some("a query starts with one of: describe, compare, what, path, neighbors, find, list, help".into()))
        } else if expected.contains(&"a node name") {
            Some("names with spaces or punctuation go in double quotes: \"Amazon DynamoDB\"".into())
        } else {
            None
        };
        SyntaxError::Unexpected {
            offset,
            len: found.len(),
            message,
            expected,
            help,
        }
    }

    // query = describe | compare | what | path | neighbors | find | list | help
    fn query(&self, i: &'s str) -> Res<'s, Query> {
        let (i, _) = multispace0(i)?;
        let start = i;
        let (rest, kind) = expect(
            "a verb",
            alt((
                |i| self.describe(i),
                |i| self.compare(i),
                |i| self.what(i),
                |i| self.path(i),
                |i| self.neighbors(i),
                |i| self.find(i),
                |i| self.list(i),
                |i| self.help(i),
            )),
        )(i)?;
        Ok((
            rest,
            Query {
                kind,
                span: self.span(start, rest),
            },
        ))
    }

    // describe = ("describe" | "show") name
    fn describe(&self, i: &'s str) -> Res<'s, QueryKind> {
        let (i, _) = alt((keyword("describe"), keyword("show"))).parse(i)?;
        let (i, n) = cut(|i| self.name_after_ws(i)).parse(i)?;
        Ok((i, QueryKind::Describe(n)))
    }

    // compare = "compare" name (["vs" | "and" | ","] name)+
    fn compare(&self, i: &'s str) -> Res<'s, QueryKind> {
        let (i, _) = keyword("compare").parse(i)?;
        let (i, first) = cut(|i| self.name_after_ws(i)).parse(i)?;
        let sep = |i| {
            alt((
                recognize((multispace0, char(','), multispace0)),
                recognize((
                    multispace1,
                    alt((keyword("vs"), keyword("and"))),
                    multispace1,
                )),
                multispace1,
            ))
            .parse(i)
        };
        let (i, more) = many0(preceded(sep, |i| self.name(i))).parse(i)?;
        if more.is_empty() {
            let (i2, _) = multispace0(i)?;
            return Err(nom::Err::Failure(PError {
                input: i2,
                expected: vec!["a second node name to compare with"],
                message: None,
                help: None,
                len: None,
            }));
        }
        let mut names = vec![first];
        names.extend(more);
        Ok((i, QueryKind::Compare(names)))
    }

    // what = "what" "does" name phrase | "what" phrase name
    fn what(&self, i: &'s str) -> Res<'s, QueryKind> {
        let (i, _) = keyword("what").parse(i)?;
        let (i, does) = opt(preceded(multispace1, keyword("does"))).parse(i)?;
        if does.is_some() {
            let (i, subject) = cut(|i| self.name_after_ws(i)).parse(i)?;
            let (i, relation) = cut(|i| self.phrase_after_ws(i)).parse(i)?;
            return Ok((i, QueryKind::WhatDoes { subject, relation }));
        }
        // The phrase is every word but the last; the last token is the node name. This
        // keeps the parser independent of the relation vocabulary, which is data.
        let (rest, tokens) = cut(many0(preceded(multispace1, |i| self.token(i)))).parse(i)?;
        if tokens.len() < 2 {
            let at = if tokens.is_empty() {
                multispace0(i)?.0
            } else {
                rest
            };
            let expected = if tokens.is_empty() {
                "a relation (e.g. `monitors`)"
            } else {
                "a node name after the relation"
            };
            return Err(nom::Err::Failure(PError {
                input: multispace0(at)?.0,
                expected: vec![expected],
                message: None,
                help: None,
                len: None,
            }));
        }
        let (last, words) = tokens.split_last().expect("two tokens");
        if let Some(q) = words.iter().find(|t| t.quoted) {
            let at = &self.src[q.span.start..];
            return failure(
                at,
                "a relation phrase is written without quotes (`monitored by`)".into(),
            );
        }
        let relation = Phrase {
            text: words
                .iter()
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            span: words[0].span.to(words[words.len() - 1].span),
        };
        let target = Name {
            text: last.text.clone(),
            span: last.span,
        };
        Ok((rest, QueryKind::WhatPointsAt { relation, target }))
    }

    // path = "path" name ["to"] name
    fn path(&self, i: &'s str) -> Res<'s, QueryKind> {
        let (i, _) = keyword("path").parse(i)?;
        let (i, _) = opt(preceded(multispace1, keyword("from"))).parse(i)?;
        let (i, from) = cut(|i| self.name_after_ws(i)).parse(i)?;
        let (i, _) = opt(preceded(multispace1, keyword("to"))).parse(i)?;
        let (i, to) = cut(|i| self.name_after_ws(i)).parse(i)?;
        Ok((i, QueryKind::Path { from, to }))
    }

    // neighbors = ("neighbors" | "neighbours") name { "depth" integer | "via" phrase {"," phrase} }
    fn neighbors(&self, i: &'s str) -> Res<'s, QueryKind> {
        let (i, _) = alt((keyword("neighbors"), keyword("neighbours"))).parse(i)?;
        let (mut i, center) = cut(|i| self.name_after_ws(i)).parse(i)?;
        let mut depth = None;
        let mut via = Vec::new();
        loop {
            let (j, _) = multispace0(i)?;
            if let Ok((k, _)) = keyword("depth").parse(j) {
                let (k, _) = cut(multispace1).parse(k)?;
                let (after, digits) = cut(expect(
                    "a whole number",
                    take_while1(|c: char| c.is_ascii_digit()),
                ))
                .parse(k)?;
                let n: u32 = match digits.parse() {
                    Ok(n) => n,
                    Err(_) => return failure(k, format!("depth `{digits}` is too large")),
                };
                if depth.is_some() {
                    return failure(j, "`depth` is given twice".into());
                }
                depth = Some((n, self.span(k, after)));
                i = after;
            } else if let Ok((k, _)) = keyword("via").parse(j) {
                if !via.is_empty() {
                    return failure(j, "`via` is given twice; list the relations after one `via`, separated by commas".into());
                }
                let (mut k, first) = cut(|i| self.phrase_after_ws(i)).parse(k)?;
                via.push(first);
                while let Ok((after_comma, _)) = (multispace0::<&str, PError>, char(',')).parse(k) {
                    let (after, p) = cut(|i| self.phrase_after_ws(i)).parse(after_comma)?;
                    via.push(p);
                    k = after;
                }
                i = k;
            } else {
                break;
            }
        }
        Ok((i, QueryKind::Neighbors { center, depth, via }))
    }

    // find = "find" [kind] ["where" cond]
    fn find(&self, i: &'s str) -> Res<'s, QueryKind> {
        let (i, _) = keyword("find").parse(i)?;
        let (i, kind) = opt(preceded(multispace1, |i| self.kind(i))).parse(i)?;
        let (i, filter) = opt(preceded(
            (multispace1, keyword("where")),
            cut(preceded(multispace1, |i| self.cond_or(i, 0))),
        ))
        .parse(i)?;
        Ok((i, QueryKind::Find { kind, filter }))
    }

    fn kind(&self, i: &'s str) -> Res<'s, (Kind, Span)> {
        let (rest, w) = word(i)?;
        match w.parse::<Kind>() {
            Ok(k) => Ok((rest, (k, self.span(i, rest)))),
            Err(()) => fail(i, "a kind (services, components, features, concepts)"),
        }
    }

    // cond_or = cond_and {"or" cond_and}
    fn cond_or(&self, i: &'s str, depth: usize) -> Res<'s, Cond> {
        let (mut i, mut left) = self.cond_and(i, depth)?;
        while let Ok((j, _)) = (multispace1::<&str, PError>, keyword("or")).parse(i) {
            let (j, right) = cut(preceded(multispace1, |i| self.cond_and(i, depth))).parse(j)?;
            left = Cond::Or(Box::new(left), Box::new(right));
            i = j;
        }
        Ok((i, left))
    }

    // cond_and = cond_not {"and" cond_not}
    fn cond_and(&self, i: &'s str, depth: usize) -> Res<'s, Cond> {
        let (mut i, mut left) = self.cond_not(i, depth)?;
        while let Ok((j, _)) = (multispace1::<&str, PError>, keyword("and")).parse(i) {
            let (j, right) = cut(preceded(multispace1, |i| self.cond_not(i, depth))).parse(j)?;
            left = Cond::And(Box::new(left), Box::new(right));
            i = j;
        }
        Ok((i, left))
    }

    // cond_not = "not" cond_not | "(" cond_or ")" | comparison
    fn cond_not(&self, i: &'s str, depth: usize) -> Res<'s, Cond> {
        if depth > MAX_NESTING {
            return failure(
                i,
                format!("condition nests deeper than {MAX_NESTING} levels"),
            );
        }
        if let Ok((j, _)) = keyword("not").parse(i) {
            let (j, c) = cut(preceded(multispace1, |i| self.cond_not(i, depth + 1))).parse(j)?;
            return Ok((j, Cond::Not(Box::new(c), self.span(i, j))));
        }
        if let Ok((j, _)) = char::<&str, PError>('(').parse(i) {
            let (j, c) = cut(preceded(multispace0, |i| self.cond_or(i, depth + 1))).parse(j)?;
            let (j, _) = cut(preceded(multispace0, expect("`)`", char(')')))).parse(j)?;
            return Ok((j, Cond::Group(Box::new(c), self.span(i, j))));
        }
        expect("a property name, `not` or `(`", |i| self.comparison(i)).parse(i)
    }

    // comparison = field [op literal]
    fn comparison(&self, i: &'s str) -> Res<'s, Cond> {
        let (rest, field) = self.name(i)?;
        let op = |i| {
            alt((
                tag("!=").map(|_| Op::Ne),
                tag("<=").map(|_| Op::Le),
                tag(">=").map(|_| Op::Ge),
                tag("==").map(|_| Op::Eq),
                tag("=").map(|_| Op::Eq),
                tag("<").map(|_| Op::Lt),
                tag(">").map(|_| Op::Gt),
                keyword("contains").map(|_| Op::Contains),
            ))
            .parse(i)
        };
        match preceded(multispace0::<&str, PError>, op).parse(rest) {
            Ok((j, op)) => {
                let (j, value) = cut(preceded(multispace0, |i| self.literal(i))).parse(j)?;
                Ok((j, Cond::Compare { field, op, value }))
            }
            Err(_) => Ok((rest, Cond::Truthy(field))),
        }
    }

    // literal = quoted | number [unit] | "true" | "false" | word
    fn literal(&self, i: &'s str) -> Res<'s, Literal> {
        let lit = |value, rest: &'s str| Literal {
            value,
            span: self.span(i, rest),
        };
        if i.starts_with('"') {
            let (rest, s) = quoted(i)?;
            return Ok((rest, lit(LiteralValue::Text(s), rest)));
        }
        if i.starts_with(|c: char| c.is_ascii_digit() || c == '~') {
            let number = recognize((
                opt(char('~')),
                take_while1(|c: char| c.is_ascii_digit() || matches!(c, '.' | ',' | '_')),
                opt((
                    char('-'),
                    take_while1(|c: char| c.is_ascii_digit() || matches!(c, '.' | ',' | '_')),
                )),
            ));
            let unit = |i| {
                preceded(
                    multispace0,
                    recognize((
                        not(peek(alt((keyword("and"), keyword("or"), keyword("not"))))),
                        take_while1(|c: char| c.is_alphabetic() || c == '%' || c == '/'),
                    )),
                )
                .parse(i)
            };
            let (rest, text) = expect("a number", recognize((number, opt(unit)))).parse(i)?;
            return match parse_quantity(text) {
                Ok(Some(v)) => Ok((rest, lit(LiteralValue::Number(v), rest))),
                Ok(None) => fail(i, "a number"),
                Err(e) => Err(nom::Err::Failure(PError::from_external_error(
                    i,
                    ErrorKind::Verify,
                    e,
                ))),
            };
        }
        let (rest, w) = expect(
            "a value (a number with unit, true/false, a word or \"text\")",
            word,
        )
        .parse(i)?;
        let value = if w.eq_ignore_ascii_case("true") {
            LiteralValue::Bool(true)
        } else if w.eq_ignore_ascii_case("false") {
            LiteralValue::Bool(false)
        } else {
            LiteralValue::Text(w.to_string())
        };
        Ok((rest, lit(value, rest)))
    }

    // list = "list" ("services" | "nodes" | "relations" | "categories" | "properties" | "kinds")
    fn list(&self, i: &'s str) -> Res<'s, QueryKind> {
        let (i, _) = keyword("list").parse(i)?;
        let (i, _) = cut(multispace1).parse(i)?;
        let (rest, w) = cut(expect(
            "what to list (services, nodes, relations, categories, properties, kinds)",
            word,
        ))
        .parse(i)?;
        match ListTarget::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(w))
        {
            Some(t) => Ok((rest, QueryKind::List(t, self.span(i, rest)))),
            None => Err(nom::Err::Failure(PError {
                input: i,
                expected: vec!["services, nodes, relations, categories, properties or kinds"],
                message: None,
                help: None,
                len: None,
            })),
        }
    }

    fn help(&self, i: &'s str) -> Res<'s, QueryKind> {
        let (i, _) = keyword("help").parse(i)?;
        Ok((i, QueryKind::Help))
    }

    // name = quoted | bare word that is not a keyword
    fn name(&self, i: &'s str) -> Res<'s, Name> {
        let (rest, text) = expect(
            "a node name",
            alt((quoted, |i| {
                let (rest, w) = word(i)?;
                if KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(w))
                    || w.starts_with(|c: char| c.is_ascii_digit())
                {
                    return fail(i, "a node name");
                }
                Ok((rest, w.to_string()))
            })),
        )(i)?;
        Ok((
            rest,
            Name {
                text,
                span: self.span(i, rest),
            },
        ))
    }

    fn name_after_ws(&self, i: &'s str) -> Res<'s, Name> {
        let (i, _) = expect("a node name", multispace1).parse(i)?;
        self.name(i)
    }

    /// A relation phrase: one or more bare words, up to a comma, `depth` or the end.
    fn phrase_after_ws(&self, i: &'s str) -> Res<'s, Phrase> {
        let (i, _) = multispace0(i)?;
        let one = |i| {
            let (rest, w) = word(i)?;
            if w.eq_ignore_ascii_case("depth") || w.eq_ignore_ascii_case("via") {
                return fail(i, "a relation");
            }
            Ok((rest, w))
        };
        let (rest, first) = expect("a relation (e.g. `monitors` or `part-of`)", one).parse(i)?;
        let (rest, more) = many0(preceded(multispace1, one)).parse(rest)?;
        let mut words = vec![first];
        words.extend(more);
        Ok((
            rest,
            Phrase {
                text: words.join(" "),
                span: self.span(i, rest),
            },
        ))
    }

    /// Any word or quoted string, remembering which.
    fn token(&self, i: &'s str) -> Res<'s, Token> {
        if i.starts_with('"') {
            let (rest, s) = quoted(i)?;
            return Ok((
                rest,
                Token {
                    text: s,
                    quoted: true,
                    span: self.span(i, rest),
                },
            ));
        }
        let (rest, w) = word(i)?;
        Ok((
            rest,
            Token {
                text: w.to_string(),
                quoted: false,
                span: self.span(i, rest),
            },
        ))
    }
}

struct Token {
    text: String,
    quoted: bool,
    span: Span,
}

/// A keyword, case-insensitive, not followed by more word characters (`find` but not
/// `finder`).
fn keyword<'a>(kw: &'static str) -> impl Parser<&'a str, Output = &'a str, Error = PError<'a>> {
    terminated(tag_no_case(kw), not(peek(take_while1(is_word_char))))
}

fn word(i: &str) -> Res<'_, &str> {
    take_while1(is_word_char).parse(i)
}

/// `"..."` with `\"`, `\\`, `\n` and `\t` escapes.
fn quoted(i: &str) -> Res<'_, String> {
    let (mut rest, _) = char('"').parse(i)?;
    let mut out = String::new();
    loop {
        let (r, chunk) = take_while(|c| c != '"' && c != '\\').parse(rest)?;
        out.push_str(chunk);
        rest = r;
        if let Some(r) = rest.strip_prefix('"') {
            return Ok((r, out));
        }
        if let Some(r) = rest.strip_prefix('\\') {
            let (r, c) = match none_of::<&str, &str, PError>("").parse(r) {
                Ok(x) => x,
                Err(_) => return failure(i, "unterminated string: add a closing `\"`".into()),
            };
            out.push(match c {
                'n' => '\n',
                't' => '\t',
                other => other,
            });
            rest = r;
            continue;
        }
        return failure(i, "unterminated string: add a closing `\"`".into());
    }
}

fn join_expected(e: &[&str]) -> String {
    match e {
        [] => "something else".into(),
        [one] => (*one).into(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(q: &str) -> Query {
        parse(q).unwrap_or_else(|e| panic!("{q}: {e:?}"))
    }

    fn err(q: &str) -> SyntaxError {
        parse(q).expect_err(q)
    }

    fn names(q: &Query) -> Vec<(String, usize, usize)> {
        match &q.kind {
            QueryKind::Compare(ns) => ns
                .iter()
                .map(|n| (n.text.clone(), n.span.start, n.span.end))
                .collect(),
            QueryKind::Describe(n) => vec![(n.text.clone(), n.span.start, n.span.end)],
            _ => vec![],
        }
    }

    mod describe {
        use super::*;
        #[test]
        fn bare_and_quoted_names_with_spans() {
            assert_eq!(
                names(&ok("describe DynamoDB")),
                vec![("DynamoDB".into(), 9, 17)]
            );
            assert_eq!(
                names(&ok("  SHOW \"Amazon DynamoDB\" ")),
                vec![("Amazon DynamoDB".into(), 7, 24)]
            );
        }
        #[test]
        fn missing_name_points_at_end() {
            let e = err("describe");
            assert_eq!(e.offset(), 8);
            assert!(e.to_string().contains("expected a node name"), "{e}");
        }
        #[test]
        fn keyword_as_name_needs_quotes() {
            let e = err("describe where");
            assert_eq!(e.offset(), 9);
            assert!(ok("describe \"where\"").to_string().contains("\"where\""));
        }
    }

    mod compare {
        use super::*;
        #[test]
        fn separators() {
            for q in [
                "compare NACL SecurityGroup",
                "compare NACL vs SecurityGroup",
                "compare NACL, SecurityGroup",
                "compare NACL and SecurityGroup",
            ] {
                let n = names(&ok(q));
                assert_eq!(n.len(), 2, "{q}");
                assert_eq!(n[1].0, "SecurityGroup");
            }
            assert_eq!(names(&ok("compare SQS SNS KDS")).len(), 3);
        }
        #[test]
        fn needs_two() {
            let e = err("compare NACL");
            assert_eq!(e.offset(), 12);
            assert!(e.to_string().contains("second node name"), "{e}");
        }
    }

    mod what {
        use super::*;
        #[test]
        fn points_at() {
            let q = ok("what monitors Lambda");
            let QueryKind::WhatPointsAt { relation, target } = q.kind else {
                panic!()
            };
            assert_eq!(relation.text, "monitors");
            assert_eq!((relation.span.start, relation.span.end), (5, 13));
            assert_eq!((target.text.as_str(), target.span.start), ("Lambda", 14));
        }
        #[test]
        fn multi_word_phrase() {
            let q = ok("what is monitored by CloudWatch");
            let QueryKind::WhatPointsAt { relation, target } = q.kind else {
                panic!()
            };
            assert_eq!(relation.text, "is monitored by");
            assert_eq!(target.text, "CloudWatch");
        }
        #[test]
        fn does_form() {
            let q = ok("what does CloudWatch monitor");
            let QueryKind::WhatDoes { subject, relation } = q.kind else {
                panic!()
            };
            assert_eq!(subject.text, "CloudWatch");
            assert_eq!(
                (relation.text.as_str(), relation.span.start),
                ("monitor", 21)
            );
        }
        #[test]
        fn incomplete() {
            assert!(
                err("what monitors")
                    .to_string()
                    .contains("node name after the relation")
            );
            assert!(err("what").to_string().contains("relation"));
            assert_eq!(err("what \"monitors\" Lambda").offset(), 5);
        }
    }

    mod path {
        use super::*;
        #[test]
        fn with_and_without_to() {
            for q in [
                "path DMS Redshift",
                "path DMS to Redshift",
                "path from DMS to Redshift",
            ] {
                let QueryKind::Path { from, to } = ok(q).kind else {
                    panic!()
                };
                assert_eq!((from.text.as_str(), to.text.as_str()), ("DMS", "Redshift"));
            }
        }
        #[test]
        fn missing_target() {
            assert_eq!(err("path DMS to").offset(), 11);
        }
    }

    mod neighbors {
        use super::*;
        #[test]
        fn depth_and_via() {
            let QueryKind::Neighbors { center, depth, via } =
                ok("neighbors VPC depth 2 via part-of, monitored by").kind
            else {
                panic!()
            };
            assert_eq!(center.text, "VPC");
            assert_eq!(depth.map(|d| (d.0, d.1.start)), Some((2, 20)));
            let v: Vec<_> = via.iter().map(|p| p.text.as_str()).collect();
            assert_eq!(v, vec!["part-of", "monitored by"]);
            let QueryKind::Neighbors { depth, via, .. } =
                ok("neighbours VPC via part-of depth 3").kind
            else {
                panic!()
            };
            assert_eq!((depth.unwrap().0, via.len()), (3, 1));
        }
        #[test]
        fn bad_depth() {
            let e = err("neighbors VPC depth two");
            assert_eq!(e.offset(), 20);
            assert!(e.to_string().contains("whole number"), "{e}");
            assert!(
                err("neighbors VPC depth 99999999999")
                    .to_string()
                    .contains("too large")
            );
        }
    }

    mod find {
        use super::*;
        #[test]
        fn kind_and_conditions() {
            let q = ok("find services where stateful = false and max_item_size >= 1 MB");
            let QueryKind::Find { kind, filter } = q.kind else {
                panic!()
            };
            assert_eq!(kind.map(|k| k.0), Some(Kind::Service));
            let Some(Cond::And(a, b)) = filter else {
                panic!()
            };
            assert!(matches!(
                *a,
                Cond::Compare {
                    op: Op::Eq,
                    value: Literal {
                        value: LiteralValue::Bool(false),
                        ..
                    },
                    ..
                }
            ));
            let Cond::Compare { field, value, .. } = *b else {
                panic!()
            };
            assert_eq!(field.text, "max_item_size");
            assert_eq!((value.span.start, value.span.end), (58, 62));
            assert!(matches!(value.value, LiteralValue::Number(_)));
        }
        #[test]
        fn precedence_not_and_or() {
            let q = ok("find where not stateful or serverless and (a or b)");
            let QueryKind::Find {
                filter: Some(Cond::Or(l, r)),
                ..
            } = q.kind
            else {
                panic!()
            };
            assert!(matches!(*l, Cond::Not(..)));
            assert!(matches!(*r, Cond::And(..)));
        }
        #[test]
        fn bad_unit_is_located() {
            let e = err("find where max_item_size >= 400 KBB");
            assert_eq!(e.offset(), 28);
            assert!(e.to_string().contains("unknown unit `KBB`"), "{e}");
        }
        #[test]
        fn unclosed_paren() {
            let e = err("find where (stateful");
            assert_eq!(e.offset(), 20);
            assert!(e.to_string().contains("`)`"), "{e}");
        }
        #[test]
        fn deep_nesting_is_refused() {
            let q = format!("find where {}x{}", "(".repeat(10_000), ")".repeat(10_000));
            assert!(err(&q).to_string().contains("nests deeper"));
        }
        #[test]
        fn unknown_kind() {
            let e = err("find servces");
            assert_eq!(e.offset(), 5);
        }
    }

    mod list {
        use super::*;
        #[test]
        fn targets() {
            assert!(matches!(
                ok("list relations").kind,
                QueryKind::List(ListTarget::Relations, _)
            ));
            let e = err("list servics");
            assert_eq!(e.offset(), 5);
        }
    }

    mod errors {
        use super::*;
        #[test]
        fn unknown_verb_suggests() {
            let e = err("descrbe VPC");
            assert_eq!(e.offset(), 0);
            assert_eq!(e.len(), 7);
            assert!(e.help().unwrap().contains("`describe`"));
        }
        #[test]
        fn trailing_garbage() {
            let e = err("describe VPC extra");
            assert_eq!(e.offset(), 13);
            assert!(e.to_string().contains("end of query"), "{e}");
        }
        #[test]
        fn unterminated_string() {
            assert!(err("describe \"VPC").to_string().contains("unterminated"));
        }
        #[test]
        fn empty_and_huge() {
            assert_eq!(err("").offset(), 0);
            assert!(matches!(
                err(&"x".repeat(MAX_QUERY_BYTES + 1)),
                SyntaxError::TooLong(_)
            ));
        }
    }

    mod roundtrip {
        use super::*;
        #[test]
        fn display_parses_back_to_same_ast() {
            for q in [
                "describe DynamoDB",
                "show \"Amazon DynamoDB\"",
                "describe \"say \\\"hi\\\"\\\\\"",
                "compare NACL vs SecurityGroup, VPC",
                "what monitors Lambda",
                "what is monitored by \"Amazon CloudWatch\"",
                "what does CloudWatch monitor",
                "path from DMS to Redshift",
                // Found by the fuzzer: a node named `from` printed bare did not parse back.
                "path from \"from\" to x",
                "neighbors VPC depth 2 via part-of, monitored by",
                "neighbours VPC",
                "find",
                "find components",
                "find where not stateful",
                "find services where (stateful = false or serverless) and max_item_size >= 400 KB",
                "find where retention contains \"365\" and latency < ~200 ms and x != y",
                "find where retention >= 1-365 days",
                "list properties",
                "help",
            ] {
                let a = ok(q);
                let printed = a.to_string();
                let b = ok(&printed);
                assert_eq!(a, b, "{q} -> {printed}");
                assert_eq!(printed, b.to_string());
            }
        }
    }
}
