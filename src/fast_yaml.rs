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
//! It reads the way serde reads: the field being filled decides what comes next, so a
//! value goes from the text into its raw struct without a YAML tree in between (building
//! and then converting a tree was more than half of a large load).
//!
//! It hands each node to the loader's check as soon as the node is read, and reads the
//! node list of a large file in parts on all of rayon's threads
//! ([`parse_file_checked`]).
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
    DetailedValue, FactEntry, File, Node, Ordered, Plain, PropertyValue, Relation, Str, Target,
    Targets,
};
use crate::load::{Pos, Spanned};

/// The file is outside the subset (or not certainly read the same way as by serde-saphyr).
#[derive(Debug)]
pub(crate) struct GiveUp;

type R<T> = Result<T, GiveUp>;

/// Reads a knowledge file, or gives up so the caller uses the full parser.
#[cfg(test)]
pub(crate) fn parse_file(text: &str) -> R<File> {
    let (mut file, parts) = parse_file_checked(text, 1, &Collect)?;
    if !parts.is_empty() {
        file.nodes = Some(parts.into_iter().flatten().collect());
    }
    Ok(file)
}

/// A checker that keeps the nodes as read, for tests that compare readings.
#[cfg(test)]
pub(crate) struct Collect;

#[cfg(test)]
impl Checker for Collect {
    type Part = Vec<Spanned<Node>>;
    fn start(&self, _: &File, _: usize) -> Self::Part {
        Vec::new()
    }
    fn node(&self, part: &mut Self::Part, node: Spanned<Node>) {
        part.push(node);
    }
    fn end(&self, _: &mut Self::Part) {}
}

/// What the loader does with a file's nodes as they are read: each node goes to a part
/// (some of the file's nodes, in order) on the thread that read it.
pub(crate) trait Checker: Sync {
    type Part: Send;
    /// A new part of the file whose other fields (its category) are in `head`, written
    /// in about `bytes` of YAML (a hint for sizing what the part keeps).
    fn start(&self, head: &File, bytes: usize) -> Self::Part;
    fn node(&self, part: &mut Self::Part, node: Spanned<Node>);
    /// The part's last node has been read.
    fn end(&self, part: &mut Self::Part);

    /// One part of `nodes`, read from `bytes` of YAML before they could be handed over.
    fn whole(&self, head: &File, nodes: Vec<Spanned<Node>>, bytes: usize) -> Self::Part {
        let mut part = self.start(head, bytes);
        for n in nodes {
            self.node(&mut part, n);
        }
        self.end(&mut part);
        part
    }
}

/// The least length of YAML worth reading as a part of its own (see
/// [`parse_file_checked`]): a rayon task costs microseconds, a part of this size about a
/// millisecond.
pub(crate) const PART_BYTES: usize = 128 * 1024;

/// How many parts [`parse_file_checked`] should read a text of `len` bytes in.
pub(crate) fn parts_for(len: usize) -> usize {
    rayon::current_num_threads().min(len / PART_BYTES).max(1)
}

/// Reads a knowledge file and hands each node to `checker` as soon as it is read, or
/// gives up so the caller uses the full parser. Returns the file without its nodes and
/// the parts `checker` made of them: none when the file has no `nodes:`.
///
/// A node handed over at once is freed before the next is read, so the raw form of a
/// whole file never exists at once (fewer fresh pages, each a page fault). That needs the
/// file's `category:` first; a file that gives it after its nodes has them handed over
/// once it is read.
///
/// With `parts` above 1, a `nodes:` list that ends the file is read in up to that many
/// parts, in parallel, split at its items: one large file would otherwise be read on one
/// core while the others wait. Each part is read as the whole reader would read that
/// stretch, and must end exactly where the next begins (or the file ends), so a file
/// read in parts gives the same nodes as a file read whole, or the reader reads it
/// whole after all.
pub(crate) fn parse_file_checked<C: Checker>(
    text: &str,
    parts: usize,
    checker: &C,
) -> R<(File, Vec<C::Part>)> {
    // Whole-file shapes the line reader does not handle: carriage returns, tabs (YAML
    // forbids them in indentation and they are rare in text), a byte order mark.
    if memchr::memchr2(b'\r', b'\t', text.as_bytes()).is_some() || text.starts_with('\u{feff}') {
        return Err(GiveUp);
    }
    if parts > 1
        && let Ok(read) = Reader::new(text).file(parts, checker)
    {
        return Ok(read);
    }
    Reader::new(text).file(1, checker)
}

// ---------------------------------------------------------------------------------------
// Values as the reader meets them.
// ---------------------------------------------------------------------------------------

/// A scalar as written; the field it fills decides its type.
struct Scalar<'a> {
    at: Pos,
    text: Text<'a>,
}

enum Text<'a> {
    /// Unquoted: its type depends on its text.
    Plain(&'a str),
    /// Quoted: always a string.
    Quoted(Cow<'a, str>),
}

/// A value the cursor has reached. A scalar is read at once; a collection is only opened
/// (the cursor at its bracket, dash or first key) and read by the field that expects it.
enum Value<'a> {
    Scalar(Scalar<'a>),
    /// `[...]`; `block` when it stands in block context, so its line must end after it.
    FlowSeq {
        at: Pos,
        block: bool,
    },
    FlowMap {
        at: Pos,
        block: bool,
    },
    /// Items whose dashes are at column `indent`.
    BlockSeq {
        at: Pos,
        indent: usize,
    },
    /// Keys at column `indent`.
    BlockMap {
        at: Pos,
        indent: usize,
    },
}

impl Value<'_> {
    fn at(&self) -> Pos {
        match self {
            Value::Scalar(s) => s.at,
            Value::FlowSeq { at, .. }
            | Value::FlowMap { at, .. }
            | Value::BlockSeq { at, .. }
            | Value::BlockMap { at, .. } => *at,
        }
    }

    fn is_map(&self) -> bool {
        matches!(self, Value::FlowMap { .. } | Value::BlockMap { .. })
    }

    fn is_seq(&self) -> bool {
        matches!(self, Value::FlowSeq { .. } | Value::BlockSeq { .. })
    }
}

/// Where a value stands, which decides the shapes it may take.
#[derive(Clone, Copy)]
enum Slot {
    /// After `key:` of a block mapping whose keys are at this column.
    MapValue(usize),
    /// After the dash of a block sequence item at this column (`- key: v` opens a mapping).
    SeqItem(usize),
    /// An item of `[...]`: a scalar or `{...}`.
    InFlowSeq,
    /// A value of `{...}`: a scalar or `[...]`.
    InFlowMap,
}

struct Reader<'a> {
    src: &'a str,
    b: &'a [u8],
    /// Whether the whole text is ASCII, so a column is a byte count (the usual case;
    /// counting characters for every value was a few percent of a large load).
    ascii: bool,
    i: usize,
    line: u32,
    line_start: usize,
}

// ---------------------------------------------------------------------------------------
// Lines, scalars and the shape of the next value.
// ---------------------------------------------------------------------------------------

impl<'a> Reader<'a> {
    fn new(src: &'a str) -> Self {
        Reader {
            src,
            b: src.as_bytes(),
            ascii: src.is_ascii(),
            i: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn pos(&self, at: usize) -> Pos {
        let column = if self.ascii {
            at - self.line_start
        } else {
            let before = &self.src[self.line_start..at];
            if before.is_ascii() {
                before.len()
            } else {
                before.chars().count()
            }
        };
        Pos::new(self.line, column as u32 + 1)
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn peek_at(&self, at: usize) -> Option<u8> {
        self.b.get(at).copied()
    }

    /// The first position from `at` on whose byte is in `table`, or the end of the text.
    fn scan(&self, at: usize, table: &[bool; 256]) -> usize {
        self.b[at..]
            .iter()
            .position(|&c| table[c as usize])
            .map_or(self.b.len(), |k| at + k)
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
        memchr::memchr(b'\n', &self.b[from..]).map_or(self.b.len(), |k| from + k)
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

    /// Where the plain mapping key at the cursor ends: at a `:` followed by a space or the
    /// line end. `None` when the line holds no key.
    fn key_end(&self) -> Option<usize> {
        if is_indicator(self.peek()?) {
            return None;
        }
        let mut j = self.i;
        loop {
            j = self.scan(j, &BLOCK_STOPS);
            match self.b.get(j)? {
                b'\n' => return None,
                b'#' if self.b[j - 1] == b' ' => return None,
                b':' if matches!(self.b.get(j + 1), None | Some(b' ' | b'\n')) => return Some(j),
                _ => j += 1,
            }
        }
    }

    /// A plain key of a block mapping and its colon.
    ///
    /// Only keys of [`KEY_BYTES`] are read here, so the key is the run of them at the
    /// cursor, and it must end at a colon that ends the key: read in one pass, where
    /// finding the colon first ([`Reader::key_end`]) and then checking the key's bytes
    /// read every key twice. Any other key, one the full parser would read too, is
    /// left to it.
    fn key(&mut self) -> R<Scalar<'a>> {
        let start = self.i;
        let end = self.b[start..]
            .iter()
            .position(|&c| !KEY_BYTES[c as usize])
            .map_or(self.b.len(), |k| start + k);
        let at_colon = self.b.get(end) == Some(&b':')
            && matches!(self.b.get(end + 1), None | Some(b' ' | b'\n'));
        let text = &self.src[start..end];
        // The bytes are those of a safe key already; what is left is its being one.
        if !at_colon || text.is_empty() || plain_string(text).is_none() {
            return Err(GiveUp);
        }
        self.i = end + 1;
        Ok(Scalar {
            at: self.pos(start),
            text: Text::Plain(text),
        })
    }

    /// The value at the cursor, in `slot`. A scalar in block context is read with the
    /// rest of its line.
    fn value(&mut self, slot: Slot) -> R<Value<'a>> {
        let parent = match slot {
            Slot::InFlowSeq => {
                return match self.peek() {
                    Some(b'{') => Ok(Value::FlowMap {
                        at: self.pos(self.i),
                        block: false,
                    }),
                    _ => Ok(Value::Scalar(self.flow_scalar(false)?)),
                };
            }
            Slot::InFlowMap => {
                return match self.peek() {
                    Some(b'[') => Ok(Value::FlowSeq {
                        at: self.pos(self.i),
                        block: false,
                    }),
                    Some(b'{') => Err(GiveUp),
                    _ => Ok(Value::Scalar(self.flow_scalar(false)?)),
                };
            }
            Slot::MapValue(p) | Slot::SeqItem(p) => p,
        };
        if self.at_line_end() {
            return self.nested(parent, matches!(slot, Slot::MapValue(_)));
        }
        if let Slot::SeqItem(_) = slot {
            if self.is_seq_item(self.i) {
                return Err(GiveUp);
            }
            if self.key_end().is_some() {
                return Ok(Value::BlockMap {
                    at: self.pos(self.i),
                    indent: self.i - self.line_start,
                });
            }
        }
        let at = self.pos(self.i);
        match self.peek() {
            Some(b'[') => Ok(Value::FlowSeq { at, block: true }),
            Some(b'{') => Ok(Value::FlowMap { at, block: true }),
            Some(b'"' | b'\'') => {
                let s = self.quoted()?;
                self.end_line()?;
                Ok(Value::Scalar(s))
            }
            Some(c) if is_indicator(c) => Err(GiveUp),
            Some(_) => {
                let s = self.inline_plain()?;
                self.end_line()?;
                Ok(Value::Scalar(s))
            }
            None => Err(GiveUp),
        }
    }

    /// The value of `key:` (or of a `-`) with nothing after it on the line: a block on the
    /// next lines. A mapping's value may be a sequence at the key's own indentation.
    fn nested(&mut self, parent: usize, of_key: bool) -> R<Value<'a>> {
        self.end_line()?;
        match self.next_content_line()? {
            Some(n) if n > parent => {
                self.i += n;
                Ok(self.block_start(n))
            }
            Some(n) if of_key && n == parent && self.is_seq_item(self.i + n) => {
                self.i += n;
                // serde-saphyr places a sequence at its key's own indentation where its
                // first item starts, after the dash, not at the dash as it does others.
                let item = self.i
                    + 1
                    + self.b[self.i + 1..]
                        .iter()
                        .take_while(|&&c| c == b' ')
                        .count();
                match self.b.get(item) {
                    None | Some(b'\n' | b'\r' | b'\t' | b'#') => Err(GiveUp),
                    Some(_) => Ok(Value::BlockSeq {
                        at: self.pos(item),
                        indent: n,
                    }),
                }
            }
            // A null value: serde-saphyr's reading of it depends on the field.
            _ => Err(GiveUp),
        }
    }

    /// The block collection whose first line starts at the cursor, in column `indent`.
    fn block_start(&self, indent: usize) -> Value<'a> {
        let at = self.pos(self.i);
        if self.is_seq_item(self.i) {
            Value::BlockSeq { at, indent }
        } else {
            Value::BlockMap { at, indent }
        }
    }

    /// A plain scalar on the rest of the line in block context. One pass finds its end:
    /// the line's end or a comment; a `: ` or a final `:` would make it a mapping.
    fn inline_plain(&mut self) -> R<Scalar<'a>> {
        let start = self.i;
        let mut j = start;
        loop {
            j = self.scan(j, &BLOCK_STOPS);
            match self.b.get(j) {
                None | Some(b'\n') => break,
                Some(b'#') if self.b[j - 1] == b' ' => break,
                Some(b':') if matches!(self.b.get(j + 1), None | Some(b' ' | b'\n')) => {
                    return Err(GiveUp);
                }
                _ => j += 1,
            }
        }
        let text = self.src[start..j].trim_end();
        self.i = start + text.len();
        Ok(Scalar {
            at: self.pos(start),
            text: Text::Plain(text),
        })
    }

    /// Steps over the opening bracket of a flow collection. Returns whether it closes at
    /// once (`[]`, `{}`).
    fn flow_open(&mut self, close: u8) -> bool {
        self.i += 1;
        self.skip_spaces();
        let empty = self.peek() == Some(close);
        if empty {
            self.i += 1;
        }
        empty
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
    fn flow_scalar(&mut self, key: bool) -> R<Scalar<'a>> {
        match self.peek() {
            Some(b'"' | b'\'') => return self.quoted(),
            Some(c) if is_indicator(c) => return Err(GiveUp),
            None | Some(b'\n') => return Err(GiveUp),
            _ => {}
        }
        let start = self.i;
        loop {
            self.i = self.scan(self.i, &FLOW_STOPS);
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
        Ok(Scalar {
            at,
            text: Text::Plain(text),
        })
    }

    /// A quoted scalar on one line: `"..."` with its escapes, or `'...'` where `''` is a
    /// quote. Borrowed from the text unless it holds an escape.
    fn quoted(&mut self) -> R<Scalar<'a>> {
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
                    let rest = &self.b[self.i..];
                    let run = if quote == b'"' {
                        memchr::memchr3(b'"', b'\n', b'\\', rest)
                    } else {
                        memchr::memchr2(b'\'', b'\n', rest)
                    }
                    .unwrap_or(rest.len());
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
        Ok(Scalar {
            at,
            text: Text::Quoted(text),
        })
    }
}

// ---------------------------------------------------------------------------------------
// Collections: their items and entries, handed to the field that reads them.
// ---------------------------------------------------------------------------------------

impl<'a> Reader<'a> {
    /// Reads the items of the sequence `v` with `item`, which is given the slot of each
    /// and must read the whole item.
    fn items(&mut self, v: Value<'a>, mut item: impl FnMut(&mut Self, Slot) -> R<()>) -> R<()> {
        match v {
            Value::BlockSeq { indent, .. } => loop {
                self.i += 1;
                self.skip_spaces();
                item(self, Slot::SeqItem(indent))?;
                match self.next_content_line()? {
                    Some(n) if n == indent && self.is_seq_item(self.i + n) => self.i += n,
                    Some(n) if n <= indent => return Ok(()),
                    None => return Ok(()),
                    Some(_) => return Err(GiveUp),
                }
            },
            Value::FlowSeq { block, .. } => self.flow(b']', block, |r| item(r, Slot::InFlowSeq)),
            _ => Err(GiveUp),
        }
    }

    /// Reads the entries of the mapping `v` with `entry`, which is given each key and the
    /// slot of its value, and must read the whole value.
    fn entries(
        &mut self,
        v: Value<'a>,
        mut entry: impl FnMut(&mut Self, Scalar<'a>, Slot) -> R<()>,
    ) -> R<()> {
        match v {
            Value::BlockMap { indent, .. } => loop {
                let key = self.key()?;
                self.skip_spaces();
                entry(self, key, Slot::MapValue(indent))?;
                match self.next_content_line()? {
                    Some(n) if n == indent => {
                        if self.is_seq_item(self.i + n) {
                            return Err(GiveUp);
                        }
                        self.i += n;
                    }
                    Some(n) if n < indent => return Ok(()),
                    None => return Ok(()),
                    Some(_) => return Err(GiveUp),
                }
            },
            Value::FlowMap { block, .. } => self.flow(b'}', block, |r| {
                let key = r.flow_scalar(true)?;
                if !matches!(key.text, Text::Plain(k) if plain_is_safe_key(k)) {
                    return Err(GiveUp);
                }
                if r.peek() != Some(b':') || r.peek_at(r.i + 1) != Some(b' ') {
                    return Err(GiveUp);
                }
                r.i += 1;
                r.skip_spaces();
                entry(r, key, Slot::InFlowMap)
            }),
            _ => Err(GiveUp),
        }
    }

    /// The items of a flow collection, each read by `each`, up to the bracket `close`;
    /// then the rest of the line when the collection stands in block context.
    fn flow(&mut self, close: u8, block: bool, mut each: impl FnMut(&mut Self) -> R<()>) -> R<()> {
        let mut done = self.flow_open(close);
        while !done {
            self.skip_spaces();
            each(self)?;
            done = self.flow_next(close)?;
        }
        if block {
            self.end_line()?;
        }
        Ok(())
    }

    /// The fields of the mapping `v`, each read by `field` given its number in `known`;
    /// an unknown or repeated field gives up (serde-saphyr reports it).
    fn fields(
        &mut self,
        v: Value<'a>,
        known: &[&str],
        mut field: impl FnMut(&mut Self, usize, Value<'a>) -> R<()>,
    ) -> R<()> {
        let mut seen = 0u32;
        // Fields are usually written in the order of `known`, so the search starts after
        // the last one found: one comparison a key instead of half the list.
        let mut next = 0;
        self.entries(v, |r, key, slot| {
            let Text::Plain(name) = key.text else {
                return Err(GiveUp);
            };
            let n = (next..known.len())
                .chain(0..next)
                .find(|&k| known[k] == name)
                .ok_or(GiveUp)?;
            next = n + 1;
            if seen & (1 << n) != 0 {
                return Err(GiveUp);
            }
            seen |= 1 << n;
            let value = r.value(slot)?;
            field(r, n, value)
        })
    }

    /// A sequence whose items `item` reads, each kept with its position.
    fn spanned_seq<T>(
        &mut self,
        v: Value<'a>,
        item: impl Fn(&mut Self, Value<'a>) -> R<T>,
    ) -> R<Vec<Spanned<T>>> {
        let mut out = Vec::new();
        self.items(v, |r, slot| {
            let v = r.value(slot)?;
            let at = v.at();
            out.push(spanned(at, item(r, v)?));
            Ok(())
        })?;
        Ok(out)
    }

    /// A mapping read in written order with unique keys, as `Ordered` is.
    fn ordered<V>(
        &mut self,
        v: Value<'a>,
        value: impl Fn(&mut Self, Value<'a>) -> R<V>,
    ) -> R<Ordered<Spanned<Str>, Spanned<V>>> {
        let mut out: Vec<(Spanned<Str>, Spanned<V>)> = Vec::new();
        self.entries(v, |r, key, slot| {
            let key: Spanned<Str> = key.string()?;
            let k = key.value.as_str();
            if out
                .iter()
                .any(|(o, _)| o.value.len() == k.len() && o.value == k)
            {
                return Err(GiveUp);
            }
            let v = r.value(slot)?;
            let at = v.at();
            out.push((key, spanned(at, value(r, v)?)));
            Ok(())
        })?;
        Ok(Ordered(out))
    }

    fn strings(&mut self, v: Value<'a>) -> R<Vec<Spanned<Str>>> {
        let mut out = Vec::new();
        self.items(v, |r, slot| {
            out.push(r.value(slot)?.string()?);
            Ok(())
        })?;
        Ok(out)
    }
}

/// A table of the bytes that end a run of plain text, for a scanning loop that steps over
/// every other byte with one lookup.
const fn stops(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
}

/// What a key read by the fast reader may be made of ([`plain_is_safe_key`]).
static KEY_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
        c += 1;
    }
    t
};

/// What may end a key or a plain scalar in block context.
static BLOCK_STOPS: [bool; 256] = stops(b"\n#:");
/// What may end a plain scalar in a flow collection.
static FLOW_STOPS: [bool; 256] = stops(b"\n#:,[]{}");

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

/// Keys are names (`max_size`, `part-of`): anything that could read as another type, or
/// that carries flow indicators, is left to the full parser.
fn plain_is_safe_key(k: &str) -> bool {
    !k.is_empty() && k.bytes().all(|c| KEY_BYTES[c as usize]) && plain_string(k).is_some()
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
    // Most words are longer or start with another letter; the list below is only
    // compared against the few that could be one of them.
    let Some(&first) = text.as_bytes().first() else {
        return false;
    };
    text.len() <= 5
        && matches!(
            first.to_ascii_lowercase(),
            b't' | b'f' | b'n' | b'~' | b'y' | b'o'
        )
        && [
            "true", "false", "null", "~", "yes", "no", "on", "off", "y", "n",
        ]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(text))
}

// ---------------------------------------------------------------------------------------
// Values → the loader's raw structs, with serde-saphyr's typing rules.
// ---------------------------------------------------------------------------------------

/// The string types raw structs hold: `String`, and `raw::Str` for nodes.
trait RawString: for<'s> From<&'s str> + From<String> {}

impl<S: for<'s> From<&'s str> + From<String>> RawString for S {}

impl Scalar<'_> {
    fn string<S: RawString>(self) -> R<Spanned<S>> {
        let value = match self.text {
            Text::Quoted(Cow::Borrowed(s)) => S::from(s),
            Text::Quoted(Cow::Owned(s)) => S::from(s),
            Text::Plain(p) => S::from(plain_string(p).ok_or(GiveUp)?),
        };
        Ok(spanned(self.at, value))
    }
}

impl<'a> Value<'a> {
    fn string<S: RawString>(self) -> R<Spanned<S>> {
        match self {
            Value::Scalar(s) => s.string(),
            _ => Err(GiveUp),
        }
    }
}

fn is_decimal_int(p: &str) -> bool {
    let digits = p.strip_prefix('-').unwrap_or(p);
    !digits.is_empty() && digits.len() < 19 && digits.bytes().all(|c| c.is_ascii_digit())
}

/// Digits with a leading zero, as in `007` or `00`: serde-saphyr reads such a number as a
/// float (`7.0`), not as an integer, so the fast reader leaves it to serde-saphyr.
fn is_zero_padded(p: &str) -> bool {
    let digits = p.strip_prefix('-').unwrap_or(p);
    digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|c| c.is_ascii_digit())
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

fn spanned<T>(at: Pos, value: T) -> Spanned<T> {
    Spanned {
        value,
        referenced: at,
    }
}

const NODE_FIELDS: &[&str] = &[
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
];

impl<'a> Reader<'a> {
    /// The file, its nodes read in up to `parts` parts and handed to `checker`
    /// ([`parse_file_checked`]).
    fn file<C: Checker>(mut self, parts: usize, checker: &C) -> R<(File, Vec<C::Part>)> {
        if self.next_content_line()? != Some(0) {
            return Err(GiveUp);
        }
        let root = self.block_start(0);
        let mut file = File::default();
        let mut checked = None;
        // `catalog:` rows are generated and few; they always take the full parser.
        self.fields(root, &["relations", "category", "nodes"], |r, n, v| {
            match n {
                0 => file.relations = Some(r.spanned_seq(v, Self::relation)?),
                1 => file.category = Some(v.string()?),
                _ if parts > 1 => checked = Some(r.nodes_in_parts(v, parts, &file, checker)?),
                _ if file.category.is_some() => checked = Some(vec![r.part(v, &file, checker)?]),
                _ => file.nodes = Some(r.spanned_seq(v, Self::node)?),
            }
            Ok(())
        })?;
        if self.next_content_line()?.is_some() {
            return Err(GiveUp);
        }
        let checked = match (checked, file.nodes.take()) {
            (Some(checked), _) => checked,
            (None, Some(nodes)) => vec![checker.whole(&file, nodes, self.b.len())],
            (None, None) => Vec::new(),
        };
        Ok((file, checked))
    }

    /// The sequence of nodes `v` as one part of the file `head`, each node handed to
    /// `checker` as soon as it is read.
    fn part<C: Checker>(&mut self, v: Value<'a>, head: &File, checker: &C) -> R<C::Part> {
        let mut part = checker.start(head, self.b.len() - self.i);
        self.items(v, |r, slot| {
            let v = r.value(slot)?;
            let at = v.at();
            let node = Self::node(r, v)?;
            checker.node(&mut part, spanned(at, node));
            Ok(())
        })?;
        checker.end(&mut part);
        Ok(part)
    }

    /// The `nodes:` list `v`, read in up to `parts` parts in parallel, each handed to
    /// `checker`. It must be the file's last field: each part, the last included, has to
    /// end with the text given to it, so that the parts together read exactly what one
    /// reading of the list would. Leaves the cursor at the end of the text.
    fn nodes_in_parts<C: Checker>(
        &mut self,
        v: Value<'a>,
        parts: usize,
        head: &File,
        checker: &C,
    ) -> R<Vec<C::Part>> {
        use rayon::prelude::*;
        let Value::BlockSeq { indent, .. } = v else {
            return Err(GiveUp);
        };
        // Where each part starts: its cursor (at the dash of its first item), line and
        // line start. A part starts at the first item found after an equal share of
        // the remaining text; an item that long merges its shares.
        let mut starts = vec![(self.i, self.line, self.line_start)];
        let (mut line, mut counted) = (self.line, self.line_start);
        let rest = self.b.len() - self.i;
        for k in 1..parts {
            let from = (self.i + rest * k / parts).max(starts[starts.len() - 1].0);
            let Some(s) = self.item_line_after(from, indent) else {
                break;
            };
            line += memchr::memchr_iter(b'\n', &self.b[counted..s]).count() as u32;
            counted = s;
            starts.push((s + indent, line, s));
        }
        let ends: Vec<usize> = starts[1..]
            .iter()
            .map(|&(_, _, line_start)| line_start)
            .chain([self.b.len()])
            .collect();
        let read = starts
            .par_iter()
            .zip(ends)
            .map(|(&(i, line, line_start), end)| {
                let mut reader = Reader {
                    src: &self.src[..end],
                    b: &self.b[..end],
                    ascii: self.ascii,
                    i,
                    line,
                    line_start,
                };
                let seq = Value::BlockSeq {
                    at: reader.pos(i),
                    indent,
                };
                let part = reader.part(seq, head, checker)?;
                if reader.next_content_line()?.is_some() {
                    return Err(GiveUp);
                }
                Ok(part)
            })
            .collect::<R<Vec<C::Part>>>()?;
        self.i = self.b.len();
        Ok(read)
    }

    /// The start of the first line after `from` that holds a sequence item whose dash
    /// is at column `indent`.
    fn item_line_after(&self, from: usize, indent: usize) -> Option<usize> {
        let mut at = from;
        loop {
            let s = at + memchr::memchr(b'\n', &self.b[at..])? + 1;
            let dash = s + indent;
            if self.b.get(s..dash)?.iter().all(|&c| c == b' ') && self.is_seq_item(dash) {
                return Some(s);
            }
            at = s;
        }
    }

    fn relation(&mut self, v: Value<'a>) -> R<Relation> {
        let mut rel = Relation::default();
        let known = ["id", "description", "inverse", "verb", "symmetric"];
        self.fields(v, &known, |_, n, v| {
            match n {
                0 => rel.id = Some(v.string()?),
                1 => rel.description = Some(v.string()?),
                2 => rel.inverse = Some(v.string()?),
                3 => rel.verb = Some(v.string()?),
                _ => {
                    rel.symmetric = match v {
                        Value::Scalar(Scalar {
                            text: Text::Plain("true"),
                            ..
                        }) => true,
                        Value::Scalar(Scalar {
                            text: Text::Plain("false"),
                            ..
                        }) => false,
                        _ => return Err(GiveUp),
                    }
                }
            }
            Ok(())
        })?;
        Ok(rel)
    }

    fn node(&mut self, v: Value<'a>) -> R<Node> {
        let mut node = Node::default();
        self.fields(v, NODE_FIELDS, |r, n, v| {
            match n {
                0 => node.id = Some(v.string()?),
                1 => node.name = Some(v.string()?),
                2 => node.kind = Some(v.string()?),
                3 => node.category = Some(v.string()?),
                4 => node.aliases = r.strings(v)?,
                5 => node.summary = Some(v.string()?),
                6 => node.properties = r.ordered(v, Self::property)?,
                7 => node.facts = r.spanned_seq(v, Self::fact)?,
                8 => node.sources = r.strings(v)?,
                _ => node.relations = r.ordered(v, Self::targets)?,
            }
            Ok(())
        })?;
        Ok(node)
    }

    /// A scalar or a list of strings, typed as serde-saphyr types `Plain`.
    fn plain(&mut self, v: Value<'a>) -> R<Plain> {
        Ok(match v {
            Value::Scalar(Scalar {
                text: Text::Quoted(s),
                ..
            }) => Plain::Str(match s {
                Cow::Borrowed(s) => s.into(),
                Cow::Owned(s) => s.into(),
            }),
            Value::Scalar(Scalar {
                text: Text::Plain(p),
                ..
            }) => match p {
                "true" => Plain::Bool(true),
                "false" => Plain::Bool(false),
                _ if is_zero_padded(p) => return Err(GiveUp),
                _ if is_decimal_int(p) => Plain::Int(p.parse().map_err(|_| GiveUp)?),
                _ if is_simple_float(p) => Plain::Float(p.parse().map_err(|_| GiveUp)?),
                _ => Plain::Str(plain_string(p).ok_or(GiveUp)?.into()),
            },
            v if v.is_seq() => Plain::List(self.strings(v)?.into_iter().map(|s| s.value).collect()),
            _ => return Err(GiveUp),
        })
    }

    fn property(&mut self, v: Value<'a>) -> R<PropertyValue> {
        if !v.is_map() {
            return Ok(PropertyValue::Plain(self.plain(v)?));
        }
        let mut d = DetailedValue {
            value: None,
            text: None,
            source: None,
            note: None,
        };
        self.fields(v, &["value", "text", "source", "note"], |r, n, v| {
            match n {
                0 => d.value = Some(r.plain(v)?),
                1 => d.text = Some(v.string()?.value),
                2 => d.source = Some(v.string()?.value),
                _ => d.note = Some(v.string()?.value),
            }
            Ok(())
        })?;
        Ok(PropertyValue::Detailed(d))
    }

    fn fact(&mut self, v: Value<'a>) -> R<FactEntry> {
        if !v.is_map() {
            return Ok(FactEntry::Text(v.string()?.value));
        }
        let (text, source) = self.two_strings(v, ["text", "source"])?;
        Ok(FactEntry::Detailed {
            text: text.ok_or(GiveUp)?,
            source,
        })
    }

    fn targets(&mut self, v: Value<'a>) -> R<Targets> {
        if !v.is_seq() {
            return Ok(Targets::One(v.string()?.value));
        }
        Ok(Targets::Many(self.spanned_seq(v, Self::target)?))
    }

    fn target(&mut self, v: Value<'a>) -> R<Target> {
        if !v.is_map() {
            return Ok(Target::Id(v.string()?.value));
        }
        let (target, note) = self.two_strings(v, ["target", "note"])?;
        Ok(Target::Detailed {
            target: target.ok_or(GiveUp)?,
            note,
        })
    }

    /// A mapping of at most the two string fields `names`.
    fn two_strings(&mut self, v: Value<'a>, names: [&str; 2]) -> R<(Option<Str>, Option<Str>)> {
        let mut out = (None, None);
        self.fields(v, &names, |_, n, v| {
            let s = Some(v.string()?.value);
            if n == 0 {
                out.0 = s
            } else {
                out.1 = s
            }
            Ok(())
        })?;
        Ok(out)
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

    /// Found by `mutated_files_read_the_same`: `max_subnets_per_vpc: {value: 00}` was an
    /// integer to the fast reader and a float to serde-saphyr.
    #[test]
    fn zero_padded_numbers_read_as_serde_saphyr_reads_them() {
        // Negative numbers are left to serde-saphyr anyway (a plain scalar starting with
        // `-`), so only their agreement is checked.
        for v in ["0", "00", "007", "0010", "00.5", "10"] {
            let text = format!(
                "category: x\nnodes:\n  - id: A\n    properties:\n      p: {v}\n      q: {{value: {v}}}\n"
            );
            let read = agrees(&text);
            assert_eq!(
                read,
                !is_zero_padded(v),
                "{v}: taken by the fast reader: {read}"
            );
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

    /// Reads `text` in `parts` parts without falling back to one reading: whatever that
    /// accepts must equal the reading of the whole file, positions included. Returns how
    /// many parts it was read in, or `None` when it was refused.
    fn parts_agree(text: &str, parts: usize) -> Option<usize> {
        let (mut file, read) = Reader::new(text).file(parts, &Collect).ok()?;
        let whole = parse_file(text).unwrap_or_else(|_| {
            panic!("read in {parts} parts, but refused when read whole:\n{text}")
        });
        let count = read.len();
        file.nodes = (!read.is_empty()).then(|| read.into_iter().flatten().collect());
        assert_eq!(file, whole, "reading in {parts} parts differs for:\n{text}");
        Some(count)
    }

    #[test]
    fn files_read_in_parts_read_the_same() {
        let mut split = 0;
        for (name, text) in crate::graph::embedded::FILES {
            if name.starts_with("architectures/") || parse_file(text).is_err() {
                continue;
            }
            for parts in 2..=7 {
                if parts_agree(text, parts).is_some_and(|n| n > 1) {
                    split += 1;
                }
            }
        }
        assert!(split > 20, "only {split} readings were split");
        // A category after the nodes, or a field after them, is read whole.
        let late = format!("{BASE}  - id: A\n  - id: B\ncategory: c\n");
        assert_eq!(parts_agree(&late, 2), None);
        let (file, read) = parse_file_checked(&late, 2, &Collect).unwrap();
        assert_eq!((file.category.unwrap().value, read.len()), ("c".into(), 1));
        // Items at column 0, with comments and blank lines between them, split alike.
        let items: String = (0..40)
            .map(|i| format!("# node {i}\n- id: N{i}\n  aliases: [a{i}]\n\n"))
            .collect();
        let flush = format!("category: c\nnodes:\n{items}");
        assert_eq!(parts_agree(&flush, 3), Some(3));
        // A long item merges the shares it spans: parts never start inside an item.
        let long = format!(
            "{BASE}  - id: A\n    aliases: [{}]\n  - id: B\n",
            "a, ".repeat(200) + "a"
        );
        assert_eq!(parts_agree(&long, 4), Some(2));
    }

    #[test]
    fn usual_shapes_are_read_not_refused() {
        for body in [
            "  - id: A\n    name: Amazon A\n    kind: service\n    category: c\n",
            "  - id: A\n    aliases: [a1, \"a 2\", 'it''s']\n    summary: \"Says \\\"hi\\\" \\u00e9\"\n",
            "  - id: A\n    properties:\n      max_size: 400 KB\n      serverless: true\n      count: 5\n      ratio: 1.5\n      latency: ~200 ms\n      list: [S3, Redshift]\n      d: {value: 20, note: \"per x, y\", source: notes}\n",
            "  - id: A # comment\n\n    facts:\n      - plain fact\n      - text: \"a: b\"\n        source: notes\n    relations:\n      part-of: B\n      uses: [B, {target: C, note: why}]\n",
            "  - id: A\n    sources:\n    - notes\n    - https://docs.aws.amazon.com/x.html#frag\n",
            // A sequence at its key's own indentation, where a position is kept for it:
            // serde-saphyr places such a sequence at its first item, not at the dash.
            "  - id: A\n    properties:\n      list:\n      - S3\n      - Redshift\n",
            "  - id: A\n    properties:\n      list:\n      -   \"S3\"\n",
            "  - id: A\n    relations:\n      uses:\n      - {target: C, note: why}\n      - B\n",
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
            for parts in 2..=3 {
                parts_agree(&text, parts);
            }
        }
    }
}
