//! A fast reader for the plain subset of YAML that knowledge files are written in. It sits
//! inside `load`, in front of serde-saphyr, and turns a file straight into the loader's raw
//! structs.
//!
//! Why it exists: serde-saphyr is a complete, careful YAML parser, and at a million edges
//! (about 100 MB of YAML) it needs far longer than the one second a `check` may take; its
//! event parser alone reads ~25 MB/s. Knowledge files use a small part of YAML: block
//! mappings and sequences, one-line flow collections, single-line plain and quoted
//! scalars, comments. This module reads exactly that part and nothing more.
//!
//! It never decides that a file is wrong. Whenever it meets anything outside the subset,
//! or anything it is not certain serde-saphyr reads the same way (an anchor, a block
//! scalar, a multi-line scalar, `yes`, `1e3`, a date, a null, a duplicate key, an unknown
//! field, a value of the wrong type, the catalog), it gives up on the whole file and the
//! loader parses that file with serde-saphyr. So every error message and every location in
//! a broken file still comes from serde-saphyr and the validation pass, and a file it
//! accepts must give exactly the structs serde-saphyr gives; a differential test and a
//! property test check that.

use std::borrow::Cow;

use crate::load::raw::{
    DetailedValue, FactEntry, File, Node, Ordered, Plain, PropertyValue, Relation, Target, Targets,
};
use crate::load::{Pos, Spanned};

/// The file is outside the subset (or not certainly read the same way as by serde-saphyr).
#[derive(Debug)]
pub(crate) struct GiveUp;

type R<T> = Result<T, GiveUp>;

/// Reads a knowledge file, or gives up so the caller uses the full parser.
pub(crate) fn parse_file(text: &str) -> R<File> {
    // Whole-file shapes the line reader does not handle: carriage returns, tabs (YAML
    // forbids them in indentation and they are rare in text), a byte order mark.
    if text.bytes().any(|b| b == b'\r' || b == b'\t') || text.starts_with('\u{feff}') {
        return Err(GiveUp);
    }
    let mut p = Reader::new(text);
    let root = p.document()?;
    File::from_yaml(root)
}

// ---------------------------------------------------------------------------------------
// A YAML tree of the subset, borrowing from the text.
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
struct Yaml<'a> {
    at: Pos,
    node: YNode<'a>,
}

#[derive(Debug)]
enum YNode<'a> {
    /// A plain (unquoted) scalar: its type depends on its text.
    Plain(&'a str),
    /// A quoted scalar: always a string.
    Quoted(Cow<'a, str>),
    Seq(Vec<Yaml<'a>>),
    Map(Vec<(Yaml<'a>, Yaml<'a>)>),
}

struct Reader<'a> {
    src: &'a str,
    b: &'a [u8],
    /// Whether the whole text is ASCII, so a column is a byte count (the usual case;
    /// counting characters for every value was a few percent of a large load).
    ascii: bool,
    /// Items and entries of the collections being read, innermost last. Each collection
    /// takes its own off the end into a vector of exactly their number: growing a
    /// vector per collection item by item was a good part of the reader's allocations.
    items: Vec<Yaml<'a>>,
    entries: Vec<(Yaml<'a>, Yaml<'a>)>,
    i: usize,
    line: u32,
    line_start: usize,
}

impl<'a> Reader<'a> {
    fn new(src: &'a str) -> Self {
        Reader {
            src,
            b: src.as_bytes(),
            ascii: src.is_ascii(),
            items: Vec::new(),
            entries: Vec::new(),
            i: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn pos(&self, at: usize) -> Pos {
        let before = &self.src[self.line_start..at];
        let column = if self.ascii || before.is_ascii() {
            before.len()
        } else {
            before.chars().count()
        };
        Pos::new(self.line, column as u32 + 1)
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn peek_at(&self, at: usize) -> Option<u8> {
        self.b.get(at).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }

    /// At the start of a line: skips blank and comment lines and returns the indentation
    /// of the next line with content (the cursor stays at that line's start), or `None`
    /// at the end of the text.
    fn next_content_line(&mut self) -> R<Option<usize>> {
        loop {
            let mut j = self.i;
            while self.b.get(j) == Some(&b' ') {
                j += 1;
            }
            match self.b.get(j) {
                None => return Ok(None),
                Some(b'\n') => self.newline(j + 1),
                Some(b'#') => {
                    let end = self.line_end(j);
                    if end == self.b.len() {
                        return Ok(None);
                    }
                    self.newline(end + 1);
                }
                Some(_) => {
                    let rest = &self.b[j..];
                    // Document markers and directives.
                    if j == self.i
                        && (rest.starts_with(b"---") || rest.starts_with(b"...") || rest[0] == b'%')
                    {
                        return Err(GiveUp);
                    }
                    return Ok(Some(j - self.i));
                }
            }
        }
    }

    fn newline(&mut self, next: usize) {
        self.i = next;
        self.line += 1;
        self.line_start = next;
    }

    fn line_end(&self, from: usize) -> usize {
        self.b[from..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(self.b.len(), |k| from + k)
    }

    /// After a value: only spaces and a comment may follow on the line. Moves to the
    /// start of the next line.
    fn end_line(&mut self) -> R<()> {
        self.skip_spaces();
        match self.peek() {
            None => Ok(()),
            Some(b'\n') => {
                self.newline(self.i + 1);
                Ok(())
            }
            Some(b'#') if self.b[self.i - 1] == b' ' => {
                let end = self.line_end(self.i);
                if end == self.b.len() {
                    self.i = end;
                } else {
                    self.newline(end + 1);
                }
                Ok(())
            }
            Some(_) => Err(GiveUp),
        }
    }

    fn at_line_end(&self) -> bool {
        match self.peek() {
            None | Some(b'\n') => true,
            Some(b'#') => self.b[self.i - 1] == b' ',
            _ => false,
        }
    }

    fn is_seq_item(&self, at: usize) -> bool {
        self.b.get(at) == Some(&b'-') && matches!(self.b.get(at + 1), None | Some(b' ' | b'\n'))
    }

    fn document(&mut self) -> R<Yaml<'a>> {
        let Some(indent) = self.next_content_line()? else {
            return Err(GiveUp);
        };
        if indent != 0 {
            return Err(GiveUp);
        }
        let root = self.block(0)?;
        if self.next_content_line()?.is_some() {
            return Err(GiveUp);
        }
        Ok(root)
    }

    /// A block collection whose first line has `indent` spaces; the cursor is at that
    /// line's start. Ends with the cursor at the start of the first line that is not part
    /// of it.
    fn block(&mut self, indent: usize) -> R<Yaml<'a>> {
        self.i += indent;
        if self.is_seq_item(self.i) {
            self.sequence(indent)
        } else {
            self.mapping(indent)
        }
    }

    /// The value of `key:` with nothing after the colon: a nested block on the next lines.
    /// A sequence may sit at the key's own indentation.
    fn nested(&mut self, parent: usize) -> R<Yaml<'a>> {
        self.end_line()?;
        match self.next_content_line()? {
            Some(n) if n > parent => self.block(n),
            Some(n) if n == parent && self.is_seq_item(self.i + n) => {
                self.i += n;
                self.sequence(n)
            }
            // A null value: serde-saphyr's reading of it depends on the field.
            _ => Err(GiveUp),
        }
    }

    /// A block sequence at column `indent`; the cursor is at its first `-`.
    fn sequence(&mut self, indent: usize) -> R<Yaml<'a>> {
        let at = self.pos(self.i);
        let base = self.items.len();
        loop {
            let dash = self.i;
            self.i += 1;
            self.skip_spaces();
            if self.at_line_end() {
                let v = self.nested(indent)?;
                self.items.push(v);
            } else {
                let col = self.i - self.line_start;
                if self.is_seq_item(self.i) {
                    return Err(GiveUp);
                }
                if self.starts_key() {
                    let m = self.mapping(col)?;
                    self.items.push(m);
                } else {
                    let v = self.inline_value()?;
                    self.end_line()?;
                    self.items.push(v);
                }
            }
            let _ = dash;
            match self.next_content_line()? {
                Some(n) if n == indent && self.is_seq_item(self.i + n) => self.i += n,
                Some(n) if n <= indent => break,
                None => break,
                Some(_) => return Err(GiveUp),
            }
        }
        Ok(Yaml {
            at,
            node: YNode::Seq(self.items.drain(base..).collect()),
        })
    }

    /// Whether the text at the cursor is a plain mapping key followed by `: ` or `:` at
    /// the end of the line.
    fn starts_key(&self) -> bool {
        let Some(first) = self.peek() else {
            return false;
        };
        if is_indicator(first) {
            return false;
        }
        let mut j = self.i;
        while let Some(&c) = self.b.get(j) {
            match c {
                b'\n' => return false,
                b'#' if self.b[j - 1] == b' ' => return false,
                b':' if matches!(self.b.get(j + 1), None | Some(b' ' | b'\n')) => return true,
                _ => j += 1,
            }
        }
        false
    }

    /// A block mapping whose keys start at column `indent`; the cursor is at its first key.
    fn mapping(&mut self, indent: usize) -> R<Yaml<'a>> {
        let at = self.pos(self.i);
        let base = self.entries.len();
        loop {
            let key = self.key()?;
            self.skip_spaces();
            let value = if self.at_line_end() {
                self.nested(indent)?
            } else {
                let v = self.inline_value()?;
                self.end_line()?;
                v
            };
            self.entries.push((key, value));
            match self.next_content_line()? {
                Some(n) if n == indent => {
                    if self.is_seq_item(self.i + n) {
                        return Err(GiveUp);
                    }
                    self.i += n;
                }
                Some(n) if n < indent => break,
                None => break,
                Some(_) => return Err(GiveUp),
            }
        }
        Ok(Yaml {
            at,
            node: YNode::Map(self.entries.drain(base..).collect()),
        })
    }

    /// A plain key and its colon.
    fn key(&mut self) -> R<Yaml<'a>> {
        if !self.starts_key() {
            return Err(GiveUp);
        }
        let start = self.i;
        while !(self.b[self.i] == b':'
            && matches!(self.peek_at(self.i + 1), None | Some(b' ' | b'\n')))
        {
            self.i += 1;
        }
        let text = &self.src[start..self.i];
        if text.ends_with(' ') || !plain_is_safe_key(text) {
            return Err(GiveUp);
        }
        let at = self.pos(start);
        self.i += 1;
        Ok(Yaml {
            at,
            node: YNode::Plain(text),
        })
    }

    /// A value on the rest of the line in block context.
    fn inline_value(&mut self) -> R<Yaml<'a>> {
        match self.peek() {
            Some(b'[') => self.flow_seq(),
            Some(b'{') => self.flow_map(),
            Some(b'"' | b'\'') => self.quoted(),
            Some(c) if is_indicator(c) => Err(GiveUp),
            Some(_) => {
                let start = self.i;
                let mut end = self.line_end(start);
                if let Some(k) = find_comment(&self.b[start..end]) {
                    end = start + k;
                }
                let text = self.src[start..end].trim_end();
                if text.contains(": ") || text.ends_with(':') || text.contains(" #") {
                    return Err(GiveUp);
                }
                self.i = start + text.len();
                Ok(Yaml {
                    at: self.pos(start),
                    node: YNode::Plain(text),
                })
            }
            None => Err(GiveUp),
        }
    }

    /// Steps over the opening bracket of a flow collection. Returns where it starts and
    /// whether it closes at once (`[]`, `{}`).
    fn flow_open(&mut self, close: u8) -> (Pos, bool) {
        let at = self.pos(self.i);
        self.i += 1;
        self.skip_spaces();
        let empty = self.peek() == Some(close);
        if empty {
            self.i += 1;
        }
        (at, empty)
    }

    fn flow_seq(&mut self) -> R<Yaml<'a>> {
        let (at, mut done) = self.flow_open(b']');
        let base = self.items.len();
        while !done {
            self.skip_spaces();
            let item = match self.peek() {
                Some(b'{') => self.flow_map()?,
                _ => self.flow_scalar(false)?,
            };
            self.items.push(item);
            done = self.flow_next(b']')?;
        }
        Ok(Yaml {
            at,
            node: YNode::Seq(self.items.drain(base..).collect()),
        })
    }

    fn flow_map(&mut self) -> R<Yaml<'a>> {
        let (at, mut done) = self.flow_open(b'}');
        let base = self.entries.len();
        while !done {
            self.skip_spaces();
            let key = self.flow_scalar(true)?;
            if !matches!(key.node, YNode::Plain(k) if plain_is_safe_key(k)) {
                return Err(GiveUp);
            }
            if self.peek() != Some(b':') || self.peek_at(self.i + 1) != Some(b' ') {
                return Err(GiveUp);
            }
            self.i += 1;
            self.skip_spaces();
            let value = match self.peek() {
                Some(b'[') => self.flow_seq()?,
                Some(b'{') => return Err(GiveUp),
                _ => self.flow_scalar(false)?,
            };
            self.entries.push((key, value));
            done = self.flow_next(b'}')?;
        }
        Ok(Yaml {
            at,
            node: YNode::Map(self.entries.drain(base..).collect()),
        })
    }

    /// After an item of a flow collection: `,` and another item, or the closing bracket.
    /// Returns whether the collection ended. A trailing comma is left to serde-saphyr.
    fn flow_next(&mut self, close: u8) -> R<bool> {
        self.skip_spaces();
        match self.peek() {
            Some(b',') => {
                self.i += 1;
                self.skip_spaces();
                if self.peek() == Some(close) {
                    return Err(GiveUp);
                }
                Ok(false)
            }
            Some(c) if c == close => {
                self.i += 1;
                Ok(true)
            }
            _ => Err(GiveUp),
        }
    }

    /// A scalar inside `[...]` or `{...}`. A plain one ends before `,[]{}`, before `: `
    /// and before a comment; `key` says whether a following `:` is expected.
    fn flow_scalar(&mut self, key: bool) -> R<Yaml<'a>> {
        match self.peek() {
            Some(b'"' | b'\'') => return self.quoted(),
            Some(c) if is_indicator(c) => return Err(GiveUp),
            None | Some(b'\n') => return Err(GiveUp),
            _ => {}
        }
        let start = self.i;
        loop {
            match self.peek() {
                None | Some(b'\n' | b',' | b'[' | b']' | b'{' | b'}') => break,
                Some(b':')
                    if matches!(
                        self.peek_at(self.i + 1),
                        None | Some(b' ' | b'\n' | b',' | b']' | b'}')
                    ) =>
                {
                    // `[a: b]` is a mapping inside the sequence; `{a: b: c}` is an error.
                    if !key {
                        return Err(GiveUp);
                    }
                    break;
                }
                Some(b'#') if self.b[self.i - 1] == b' ' => return Err(GiveUp),
                Some(_) => self.i += 1,
            }
        }
        let text = self.src[start..self.i].trim_end();
        if text.is_empty() {
            return Err(GiveUp);
        }
        let at = self.pos(start);
        self.i = start + text.len();
        self.skip_spaces();
        Ok(Yaml {
            at,
            node: YNode::Plain(text),
        })
    }

    /// A quoted scalar on one line: `"..."` with its escapes, or `'...'` where `''` is a
    /// quote. Borrowed from the text unless it holds an escape.
    fn quoted(&mut self) -> R<Yaml<'a>> {
        let quote = self.b[self.i];
        let at = self.pos(self.i);
        self.i += 1;
        let start = self.i;
        let mut owned: Option<String> = None;
        loop {
            match self.peek() {
                None | Some(b'\n') => return Err(GiveUp),
                Some(b'\'') if quote == b'\'' && self.peek_at(self.i + 1) == Some(b'\'') => {
                    owned
                        .get_or_insert_with(|| self.src[start..self.i].to_string())
                        .push('\'');
                    self.i += 2;
                }
                Some(c) if c == quote => break,
                Some(b'\\') if quote == b'"' => {
                    let s = owned.get_or_insert_with(|| self.src[start..self.i].to_string());
                    let esc = self.peek_at(self.i + 1).ok_or(GiveUp)?;
                    let c = match esc {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'n' => '\n',
                        b't' => '\t',
                        b'u' => {
                            let hex = self.src.get(self.i + 2..self.i + 6).ok_or(GiveUp)?;
                            let code = u32::from_str_radix(hex, 16).map_err(|_| GiveUp)?;
                            let c = char::from_u32(code).ok_or(GiveUp)?;
                            s.push(c);
                            self.i += 6;
                            continue;
                        }
                        _ => return Err(GiveUp),
                    };
                    s.push(c);
                    self.i += 2;
                }
                Some(_) => {
                    // Copy the run up to the next quote, escape or line end in one go.
                    let run = self.b[self.i..]
                        .iter()
                        .position(|&c| c == quote || c == b'\n' || (quote == b'"' && c == b'\\'))
                        .unwrap_or(self.b.len() - self.i);
                    if let Some(s) = owned.as_mut() {
                        s.push_str(&self.src[self.i..self.i + run]);
                    }
                    self.i += run;
                }
            }
        }
        let text = match owned {
            Some(s) => Cow::Owned(s),
            None => Cow::Borrowed(&self.src[start..self.i]),
        };
        self.i += 1;
        Ok(Yaml {
            at,
            node: YNode::Quoted(text),
        })
    }
}

/// Characters that start something other than a plain scalar (or are reserved).
fn is_indicator(c: u8) -> bool {
    matches!(
        c,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// Byte offset of a ` #` comment in a line.
fn find_comment(line: &[u8]) -> Option<usize> {
    line.windows(2).position(|w| w == b" #").map(|k| k + 1)
}

/// Keys are names (`max_size`, `part-of`): anything that could read as another type, or
/// that carries flow indicators, is left to the full parser.
fn plain_is_safe_key(k: &str) -> bool {
    !k.is_empty()
        && k.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
        && plain_string(k).is_some()
}

/// A plain scalar read as a string, or `None` when YAML could read it as something else
/// (bool, null, number, date, special float): those are left to the full parser.
fn plain_string(text: &str) -> Option<&str> {
    let first = *text.as_bytes().first()?;
    if first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.') {
        // `25-160 days` or `9277 ms` are strings; `-1`, `1e3`, `2024-01-01`, `.inf` are not.
        if !text.contains(' ') {
            return None;
        }
    }
    if is_special_word(text) {
        return None;
    }
    Some(text)
}

fn is_special_word(text: &str) -> bool {
    text.len() <= 5
        && [
            "true", "false", "null", "~", "yes", "no", "on", "off", "y", "n",
        ]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(text))
}

// ---------------------------------------------------------------------------------------
// Tree → the loader's raw structs, with serde-saphyr's typing rules.
// ---------------------------------------------------------------------------------------

impl<'a> Yaml<'a> {
    fn string(self) -> R<Spanned<String>> {
        let value = match self.node {
            YNode::Quoted(s) => s.into_owned(),
            YNode::Plain(p) => plain_string(p).ok_or(GiveUp)?.to_string(),
            _ => return Err(GiveUp),
        };
        Ok(Spanned {
            value,
            referenced: self.at,
        })
    }

    fn seq(self) -> R<Vec<Yaml<'a>>> {
        match self.node {
            YNode::Seq(items) => Ok(items),
            _ => Err(GiveUp),
        }
    }

    fn map(self) -> R<Vec<(Yaml<'a>, Yaml<'a>)>> {
        match self.node {
            YNode::Map(entries) => Ok(entries),
            _ => Err(GiveUp),
        }
    }

    fn plain(self) -> R<Plain> {
        Ok(match self.node {
            YNode::Quoted(s) => Plain::Str(s.into_owned()),
            YNode::Plain(p) => match p {
                "true" => Plain::Bool(true),
                "false" => Plain::Bool(false),
                _ if is_decimal_int(p) => Plain::Int(p.parse().map_err(|_| GiveUp)?),
                _ if is_simple_float(p) => Plain::Float(p.parse().map_err(|_| GiveUp)?),
                _ => Plain::Str(plain_string(p).ok_or(GiveUp)?.to_string()),
            },
            YNode::Seq(items) => Plain::List(
                items
                    .into_iter()
                    .map(|i| i.string().map(|s| s.value))
                    .collect::<R<_>>()?,
            ),
            YNode::Map(_) => return Err(GiveUp),
        })
    }
}

fn is_decimal_int(p: &str) -> bool {
    let digits = p.strip_prefix('-').unwrap_or(p);
    !digits.is_empty() && digits.len() < 19 && digits.bytes().all(|c| c.is_ascii_digit())
}

fn is_simple_float(p: &str) -> bool {
    let body = p.strip_prefix('-').unwrap_or(p);
    match body.split_once('.') {
        Some((int, frac)) => {
            !int.is_empty()
                && !frac.is_empty()
                && int.len() + frac.len() < 16
                && int.bytes().all(|c| c.is_ascii_digit())
                && frac.bytes().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Takes the fields of a mapping in any order, once each; an unknown or repeated field
/// gives up (serde-saphyr reports it).
struct Fields<'a> {
    entries: Vec<(Yaml<'a>, Yaml<'a>)>,
}

impl<'a> Fields<'a> {
    fn new(y: Yaml<'a>, known: &[&str]) -> R<Self> {
        let entries = y.map()?;
        for (n, (k, _)) in entries.iter().enumerate() {
            let YNode::Plain(name) = k.node else {
                return Err(GiveUp);
            };
            if !known.contains(&name)
                || entries[..n]
                    .iter()
                    .any(|(o, _)| matches!(o.node, YNode::Plain(p) if p == name))
            {
                return Err(GiveUp);
            }
        }
        Ok(Fields { entries })
    }

    fn take(&mut self, name: &str) -> Option<Yaml<'a>> {
        let n = self
            .entries
            .iter()
            .position(|(k, _)| matches!(k.node, YNode::Plain(p) if p == name))?;
        Some(self.entries.swap_remove(n).1)
    }

    fn string(&mut self, name: &str) -> R<Option<Spanned<String>>> {
        self.take(name).map(Yaml::string).transpose()
    }

    fn bare_string(&mut self, name: &str) -> R<Option<String>> {
        Ok(self.string(name)?.map(|s| s.value))
    }
}

fn spanned<T>(at: Pos, value: T) -> Spanned<T> {
    Spanned {
        value,
        referenced: at,
    }
}

/// A sequence whose items `item` reads, each kept with its position.
fn spanned_seq<'a, T>(y: Yaml<'a>, item: impl Fn(Yaml<'a>) -> R<T>) -> R<Vec<Spanned<T>>> {
    y.seq()?
        .into_iter()
        .map(|y| Ok(spanned(y.at, item(y)?)))
        .collect()
}

/// A mapping read in written order with unique keys, as `Ordered` is.
fn ordered<'a, V>(
    y: Yaml<'a>,
    mut value: impl FnMut(Yaml<'a>) -> R<V>,
) -> R<Ordered<Spanned<String>, Spanned<V>>> {
    let entries = y.map()?;
    let mut out: Vec<(Spanned<String>, Spanned<V>)> = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        let k = k.string()?;
        if out.iter().any(|(o, _)| o.value == k.value) {
            return Err(GiveUp);
        }
        let at = v.at;
        out.push((k, spanned(at, value(v)?)));
    }
    Ok(Ordered(out))
}

impl File {
    fn from_yaml(y: Yaml<'_>) -> R<Self> {
        // `catalog:` rows are generated and few; they always take the full parser.
        let mut f = Fields::new(y, &["relations", "category", "nodes"])?;
        let relations = f
            .take("relations")
            .map(|r| spanned_seq(r, Relation::from_yaml))
            .transpose()?;
        let category = f.string("category")?;
        let nodes = f
            .take("nodes")
            .map(|r| spanned_seq(r, Node::from_yaml))
            .transpose()?;
        Ok(File {
            relations,
            category,
            nodes,
            catalog: None,
        })
    }
}

impl Relation {
    fn from_yaml(y: Yaml<'_>) -> R<Self> {
        let mut f = Fields::new(y, &["id", "description", "inverse", "verb", "symmetric"])?;
        let symmetric = match f.take("symmetric") {
            None => false,
            Some(Yaml {
                node: YNode::Plain("true"),
                ..
            }) => true,
            Some(Yaml {
                node: YNode::Plain("false"),
                ..
            }) => false,
            Some(_) => return Err(GiveUp),
        };
        Ok(Relation {
            id: f.string("id")?,
            description: f.string("description")?,
            inverse: f.string("inverse")?,
            verb: f.string("verb")?,
            symmetric,
        })
    }
}

impl Node {
    fn from_yaml(y: Yaml<'_>) -> R<Self> {
        let mut f = Fields::new(
            y,
            &[
                "id",
                "name",
                "kind",
                "category",
                "aliases",
                "summary",
                "properties",
                "facts",
                "sources",
                "relations",
            ],
        )?;
        let strings = |y: Option<Yaml<'_>>| -> R<Vec<Spanned<String>>> {
            match y {
                None => Ok(Vec::new()),
                Some(y) => y.seq()?.into_iter().map(Yaml::string).collect(),
            }
        };
        Ok(Node {
            id: f.string("id")?,
            name: f.string("name")?,
            kind: f.string("kind")?,
            category: f.string("category")?,
            aliases: strings(f.take("aliases"))?,
            summary: f.string("summary")?,
            properties: match f.take("properties") {
                None => Ordered::default(),
                Some(y) => ordered(y, PropertyValue::from_yaml)?,
            },
            facts: match f.take("facts") {
                None => Vec::new(),
                Some(y) => spanned_seq(y, FactEntry::from_yaml)?,
            },
            sources: strings(f.take("sources"))?,
            relations: match f.take("relations") {
                None => Ordered::default(),
                Some(y) => ordered(y, Targets::from_yaml)?,
            },
        })
    }
}

impl PropertyValue {
    fn from_yaml(y: Yaml<'_>) -> R<Self> {
        if !matches!(y.node, YNode::Map(_)) {
            return Ok(PropertyValue::Plain(y.plain()?));
        }
        let mut f = Fields::new(y, &["value", "text", "source", "note"])?;
        Ok(PropertyValue::Detailed(DetailedValue {
            value: f.take("value").map(Yaml::plain).transpose()?,
            text: f.bare_string("text")?,
            source: f.bare_string("source")?,
            note: f.bare_string("note")?,
        }))
    }
}

impl FactEntry {
    fn from_yaml(y: Yaml<'_>) -> R<Self> {
        if !matches!(y.node, YNode::Map(_)) {
            return Ok(FactEntry::Text(y.string()?.value));
        }
        let mut f = Fields::new(y, &["text", "source"])?;
        Ok(FactEntry::Detailed {
            text: f.bare_string("text")?.ok_or(GiveUp)?,
            source: f.bare_string("source")?,
        })
    }
}

impl Targets {
    fn from_yaml(y: Yaml<'_>) -> R<Self> {
        match y.node {
            YNode::Seq(items) => Ok(Targets::Many(
                items
                    .into_iter()
                    .map(|t| {
                        let at = t.at;
                        let target = if matches!(t.node, YNode::Map(_)) {
                            let mut f = Fields::new(t, &["target", "note"])?;
                            Target::Detailed {
                                target: f.bare_string("target")?.ok_or(GiveUp)?,
                                note: f.bare_string("note")?,
                            }
                        } else {
                            Target::Id(t.string()?.value)
                        };
                        Ok(spanned(at, target))
                    })
                    .collect::<R<_>>()?,
            )),
            _ => Ok(Targets::One(y.string()?.value)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::raw;

    fn full(text: &str) -> Result<File, serde_saphyr::Error> {
        serde_saphyr::from_str::<raw::File>(text)
    }

    /// Whatever the fast reader accepts, serde-saphyr must read the same way, positions
    /// included; that is the whole contract of this module.
    fn agrees(text: &str) -> bool {
        match parse_file(text) {
            Ok(fast) => {
                let slow = full(text).unwrap_or_else(|e| {
                    panic!("fast reader accepted what serde-saphyr rejects ({e}):\n{text}")
                });
                assert_eq!(fast, slow, "readings differ for:\n{text}");
                true
            }
            Err(GiveUp) => false,
        }
    }

    #[test]
    fn shipped_knowledge_reads_the_same() {
        let mut accepted = Vec::new();
        let mut refused = Vec::new();
        for (name, text) in crate::graph::embedded::FILES {
            if name.starts_with("architectures/") {
                continue;
            }
            if agrees(text) {
                accepted.push(*name);
            } else {
                refused.push(*name);
            }
        }
        eprintln!("accepted {accepted:?}\nrefused {refused:?}");
        // The point of the reader is to take the usual files; if it stopped taking the
        // hand-written ones, large directories would silently get slow again.
        assert!(accepted.contains(&"relations.yaml"), "{refused:?}");
        assert!(
            accepted.len() * 2 > accepted.len() + refused.len(),
            "accepted only {accepted:?}"
        );
    }

    const BASE: &str =
        "relations:\n  - id: part-of\n    description: x\n    inverse: has part\nnodes:\n";

    #[test]
    fn usual_shapes_are_read_not_refused() {
        for body in [
            "  - id: A\n    name: Amazon A\n    kind: service\n    category: c\n",
            "  - id: A\n    aliases: [a1, \"a 2\", 'it''s']\n    summary: \"Says \\\"hi\\\" \\u00e9\"\n",
            "  - id: A\n    properties:\n      max_size: 400 KB\n      serverless: true\n      count: 5\n      ratio: 1.5\n      latency: ~200 ms\n      list: [S3, Redshift]\n      d: {value: 20, note: \"per x, y\", source: notes}\n",
            "  - id: A # comment\n\n    facts:\n      - plain fact\n      - text: \"a: b\"\n        source: notes\n    relations:\n      part-of: B\n      uses: [B, {target: C, note: why}]\n",
            "  - id: A\n    sources:\n    - notes\n    - https://docs.aws.amazon.com/x.html#frag\n",
        ] {
            let text = format!("{BASE}{body}");
            assert!(agrees(&text), "refused:\n{text}");
        }
    }

    #[test]
    fn doubtful_values_go_to_the_full_parser() {
        for body in [
            "  - id: A\n    summary: yes\n",
            "  - id: A\n    summary: 1e3\n",
            "  - id: A\n    summary: 2024-01-01\n",
            "  - id: A\n    summary:\n",
            "  - id: A\n    summary: ~\n",
            "  - id: A\n    summary: |\n      block\n",
            "  - id: A\n    summary: two\n      lines\n",
            "  - id: &a A\n",
            "  - id: A\n    id: B\n",
            "  - id: A\n    colour: red\n",
            "  - id: A\n    summary: a: b\n",
            "  - id: A\n    aliases: [a, [b]]\n",
            "  - id: A\n    aliases: [a, ]\n",
            "  - id: A\n\tname: x\n",
        ] {
            let text = format!("{BASE}{body}");
            assert!(!agrees(&text), "accepted:\n{text}");
        }
        assert!(!agrees("---\nnodes: []\n"));
        assert!(!agrees("# only a comment\n"));
    }

    use proptest::prelude::*;

    /// Edits that turn a valid file into a subtly different or broken one.
    const PIECES: &[&str] = &[
        " ",
        "  ",
        ":",
        ": ",
        "-",
        "- ",
        "#",
        " #",
        "\"",
        "'",
        "[",
        "]",
        "{",
        "}",
        ",",
        "\n",
        "~",
        "yes",
        "null",
        "1e3",
        "0x1F",
        "&a ",
        "*a",
        "!tag ",
        "|",
        ">",
        "\\",
        "é",
        "? ",
        "true",
        "12",
        "-5",
        "1.5",
        ".inf",
        "\n  ",
        "\n    - x",
        "key: value",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

        /// Cut-down and mutated copies of the shipped files: wherever the fast reader
        /// accepts one, serde-saphyr must accept it too and read the same structs.
        #[test]
        fn mutated_files_read_the_same(
            file in 0usize..64,
            lines in 5usize..120,
            edits in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..3, 0..PIECES.len()), 1..4),
        ) {
            let files: Vec<&str> = crate::graph::embedded::FILES
                .iter()
                .filter(|(n, _)| !n.starts_with("architectures/") && !n.starts_with("catalog/"))
                .map(|(_, t)| *t)
                .collect();
            let source = files[file % files.len()];
            let mut text: String = source.split_inclusive('\n').take(lines).collect();
            for (at, op, piece) in edits {
                if text.is_empty() {
                    break;
                }
                let mut i = at.index(text.len());
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                match op {
                    0 => text.insert_str(i, PIECES[piece]),
                    1 => {
                        let end = text[i..].char_indices().nth(1).map_or(text.len(), |(k, _)| i + k);
                        text.replace_range(i..end, "");
                    }
                    _ => {
                        let end = text[i..].find('\n').map_or(text.len(), |k| i + k);
                        text.replace_range(i..end, PIECES[piece]);
                    }
                }
            }
            agrees(&text);
        }
    }
}
