//! YAML → validated model. Second stage of the pipeline, after `model` defines the types
//! and before `graph` indexes them.
//!
//! Loading happens in two steps on purpose. First each file is deserialised into plain
//! serde structs (`raw`), keeping source locations, by `fast_yaml` or serde-saphyr. Then
//! validation checks everything that serde cannot (unique ids, declared relations,
//! existing targets, well-formed quantities) and collects *every* problem with its
//! `file:line:col`, so that an author fixes a whole directory in one round instead of one
//! error per run.
//!
//! What concerns one node alone is checked as soon as the node is read, on the thread
//! that read it (a large file is read in parts on several threads); what needs other
//! nodes (names, duplicates, edges) is checked after, in file order. Diagnostics come out
//! in the same order however the work was split.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::hash::BuildHasher;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use foldhash::{HashMap as FastMap, HashMapExt, HashSet as FastSet, HashSetExt};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::model::{EdgeData, Fact, Kind, Node, Property, RelationDef, Source};
use crate::value::{Value, parse_quantity};

/// Properties that would shadow a node's own fields in `find where ...`.
const RESERVED_PROPERTIES: &[&str] = &["id", "name", "kind", "category", "summary", "alias"];

/// Files larger than this are refused before parsing: the shipped graph is a few hundred
/// KB, and a multi-megabyte hand-written YAML file is far more likely a mistake.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// One knowledge file, from disk or embedded in the binary.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown in diagnostics (relative to the knowledge directory's parent).
    pub name: String,
    pub text: Arc<str>,
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One located problem in the knowledge files.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    /// 1-based; 0 when the problem concerns the file as a whole.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
    /// Byte range in the file, for the caret display.
    #[serde(skip)]
    pub offset: usize,
    #[serde(skip)]
    pub len: usize,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {sev}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Errors of the load stage.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The knowledge directory given with `--graph` does not exist or is not a directory.
    #[error("knowledge directory `{0}` does not exist or is not a directory")]
    NoDirectory(PathBuf),
    /// The directory holds no `.yaml` files at all.
    #[error("knowledge directory `{0}` contains no .yaml files")]
    Empty(PathBuf),
    /// The files were read but are not valid knowledge; every problem is listed.
    #[error("the knowledge files have {} error(s)", .0.errors().count())]
    Invalid(Box<Report>),
}

/// All diagnostics of one load, with the file texts needed to show them in context.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: HashMap<String, Arc<str>>,
}

impl Report {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }
}

/// The validated content of a knowledge directory.
#[derive(Debug, Default)]
pub struct Knowledge {
    pub relations: Vec<RelationDef>,
    pub nodes: Vec<Node>,
    /// (from node, to node, edge), the nodes as positions in `nodes` (the graph's index
    /// type is 32 bits wide, so they fit).
    pub edges: Vec<(u32, u32, EdgeData)>,
    /// The notes written on edges, in edge order, pointed at by [`EdgeData::note`].
    pub notes: Vec<Box<str>>,
    /// The name indexes of `nodes`, or `None` when the load was asked to leave them
    /// to first use ([`QueryIndexes::OnFirstUse`]).
    pub indexes: Option<crate::names::Indexes>,
    /// Warnings found while loading (nodes that are thin on content).
    pub report: Report,
}

impl Knowledge {
    /// The note written on edge `e`, if any.
    pub fn note(&self, e: &EdgeData) -> Option<&str> {
        self.notes.get(e.note as usize).map(|n| &**n)
    }
}

// ---------------------------------------------------------------------------------------
// Raw serde structs: the YAML shape, nothing checked beyond types.
// ---------------------------------------------------------------------------------------

/// A 1-based line and column (in characters) in a knowledge file; line 0 when unknown.
/// Kept smaller than serde-saphyr's `Location` (8 bytes instead of 56 per value with its
/// two locations), which matters when a million edge targets are held at once, and
/// constructible, so `fast_yaml` can produce it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    line: u32,
    column: u32,
}

impl Pos {
    pub const UNKNOWN: Pos = Pos { line: 0, column: 0 };

    pub fn new(line: u32, column: u32) -> Self {
        Pos { line, column }
    }
    pub fn line(&self) -> u64 {
        u64::from(self.line)
    }
    pub fn column(&self) -> u64 {
        u64::from(self.column)
    }
}

impl From<serde_saphyr::Location> for Pos {
    fn from(l: serde_saphyr::Location) -> Self {
        Pos {
            line: u32::try_from(l.line()).unwrap_or(u32::MAX),
            column: u32::try_from(l.column()).unwrap_or(u32::MAX),
        }
    }
}

/// A value with the place it was written (where a reference points, for an alias).
#[derive(Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub referenced: Pos,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        Ok(Spanned {
            value: s.value,
            referenced: s.referenced.into(),
        })
    }
}

pub(crate) mod raw {
    use super::*;

    /// A string as written. Most are a few words (ids, relation names, quantities,
    /// sources) and are dropped once checked, so they are kept inline rather than in an
    /// allocation of their own; a million-edge load reads millions of them.
    pub type Str = compact_str::CompactString;

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct File {
        pub relations: Option<Vec<Spanned<Relation>>>,
        /// Default category for the file's nodes.
        pub category: Option<Spanned<String>>,
        pub nodes: Option<Vec<Spanned<Node>>>,
        /// Rows of the generated AWS service catalog (`graph/catalog/`).
        pub catalog: Option<Vec<Spanned<CatalogEntry>>>,
    }

    /// One AWS service API (one botocore client). It either maps to an existing node
    /// (`covered_by`) or creates a catalog-only node (`id` and `name`).
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct CatalogEntry {
        pub service_id: Option<Spanned<String>>,
        /// The SDK's folder name for the service (`firehose`).
        pub botocore: Option<Spanned<String>>,
        pub full_name: Option<Spanned<String>>,
        pub abbreviation: Option<Spanned<String>>,
        pub endpoint_prefix: Option<Spanned<String>>,
        pub protocol: Option<Spanned<String>>,
        pub api_version: Option<Spanned<String>>,
        pub operations: Option<Spanned<u32>>,
        pub regions: Option<Spanned<u32>>,
        pub summary: Option<Spanned<String>>,
        pub category: Option<Spanned<String>>,
        pub covered_by: Option<Spanned<String>>,
        pub id: Option<Spanned<String>>,
        pub name: Option<Spanned<String>>,
        pub part_of: Option<Spanned<String>>,
        /// When several entries land on one node, this one supplies its API properties.
        pub primary: Option<Spanned<bool>>,
    }

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Relation {
        pub id: Option<Spanned<String>>,
        pub description: Option<Spanned<String>>,
        pub inverse: Option<Spanned<String>>,
        pub verb: Option<Spanned<String>>,
        #[serde(default)]
        pub symmetric: bool,
    }

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Node {
        pub id: Option<Spanned<Str>>,
        pub name: Option<Spanned<Str>>,
        pub kind: Option<Spanned<Str>>,
        pub category: Option<Spanned<Str>>,
        #[serde(default)]
        pub aliases: Vec<Spanned<Str>>,
        pub summary: Option<Spanned<Str>>,
        #[serde(default)]
        pub properties: Ordered<Spanned<Str>, Spanned<PropertyValue>>,
        #[serde(default)]
        pub facts: Vec<Spanned<FactEntry>>,
        #[serde(default)]
        pub sources: Vec<Spanned<Str>>,
        #[serde(default)]
        pub relations: Ordered<Spanned<Str>, Spanned<Targets>>,
    }

    /// A scalar or list as written in YAML; typed later by `value::parse_quantity`.
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(untagged)]
    pub enum Plain {
        Bool(bool),
        Int(i64),
        Float(f64),
        Str(Str),
        List(Vec<Str>),
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(untagged)]
    pub enum PropertyValue {
        Plain(Plain),
        Detailed(DetailedValue),
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct DetailedValue {
        pub value: Option<Plain>,
        /// Forces free text even when it looks like a quantity (`{text: "5 per account"}`).
        pub text: Option<Str>,
        pub source: Option<Str>,
        pub note: Option<Str>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(untagged)]
    pub enum FactEntry {
        Text(Str),
        Detailed { text: Str, source: Option<Str> },
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(untagged)]
    pub enum Target {
        Id(Str),
        Detailed { target: Str, note: Option<Str> },
    }

    /// `monitors: Lambda` or `monitors: [Lambda, {target: EC2, note: ...}]`.
    #[derive(Debug, PartialEq)]
    pub enum Targets {
        One(Str),
        Many(Vec<Spanned<Target>>),
    }

    impl<'de> Deserialize<'de> for Targets {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Targets;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a node id or a list of node ids")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Targets, E> {
                    Ok(Targets::One(v.into()))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Targets, A::Error> {
                    let mut out = Vec::new();
                    while let Some(t) = seq.next_element()? {
                        out.push(t);
                    }
                    Ok(Targets::Many(out))
                }
            }
            d.deserialize_any(V)
        }
    }

    /// A YAML mapping that keeps the order it was written in.
    #[derive(Debug, PartialEq)]
    pub struct Ordered<K, V>(pub Vec<(K, V)>);

    impl<K, V> Default for Ordered<K, V> {
        fn default() -> Self {
            Ordered(Vec::new())
        }
    }

    impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Ordered<K, V> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct MV<K, V>(std::marker::PhantomData<(K, V)>);
            impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for MV<K, V> {
                type Value = Ordered<K, V>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a mapping")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                    let mut out = Vec::new();
                    while let Some(kv) = m.next_entry()? {
                        out.push(kv);
                    }
                    Ok(Ordered(out))
                }
            }
            d.deserialize_map(MV(std::marker::PhantomData))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading files
// ---------------------------------------------------------------------------------------

/// Reads every `.yaml`/`.yml` file below `dir`, sorted by path so that diagnostics and
/// node order do not depend on the file system. Unreadable files become diagnostics
/// rather than aborting the load.
pub fn read_dir(dir: &Path) -> Result<(Vec<SourceFile>, Vec<Diagnostic>), LoadError> {
    read_dir_where(dir, |_| true)
}

/// [`read_dir`], reading only the files whose diagnostic name passes `keep`.
pub fn read_dir_where(
    dir: &Path,
    keep: impl Fn(&str) -> bool + Sync,
) -> Result<(Vec<SourceFile>, Vec<Diagnostic>), LoadError> {
    let (listed, mut problems) = list_dir(dir)?;
    // Read in parallel: for a large directory, copying the texts into memory takes a
    // noticeable share of a load. Results are taken in path order.
    let read = |f: &Listed| {
        if !keep(&f.name) {
            return None;
        }
        Some(match read_text(&f.path) {
            Ok(Ok(text)) => Ok(SourceFile {
                name: f.name.clone(),
                text,
            }),
            Ok(Err(offset)) => Err(file_diag(&f.name, not_utf8(offset), None)),
            Err(e) => Err(read_problem(&f.name, &e)),
        })
    };
    let results: Vec<Option<Result<SourceFile, Diagnostic>>> = {
        use rayon::prelude::*;
        listed.par_iter().map(read).collect()
    };
    let mut files = Vec::new();
    for r in results.into_iter().flatten() {
        match r {
            Ok(f) => files.push(f),
            Err(d) => problems.push(d),
        }
    }
    if files.is_empty() && problems.is_empty() {
        return Err(LoadError::Empty(dir.to_path_buf()));
    }
    Ok((files, problems))
}

/// A knowledge file found below a directory, not read yet.
struct Listed {
    /// The name diagnostics show: the path relative to the directory's parent.
    name: String,
    path: PathBuf,
    /// Its size when listed.
    bytes: u64,
}

/// The `.yaml`/`.yml` files below `dir`, sorted by path, and the directories that could
/// not be read.
fn list_dir(dir: &Path) -> Result<(Vec<Listed>, Vec<Diagnostic>), LoadError> {
    if !dir.is_dir() {
        return Err(LoadError::NoDirectory(dir.to_path_buf()));
    }
    let mut paths = Vec::new();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    collect_yaml(dir, &mut paths, &mut problems, &mut seen, 0);
    paths.sort();
    let base = dir.parent().unwrap_or(Path::new(""));
    let display = |p: &Path| {
        p.strip_prefix(base)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned()
    };
    for d in &mut problems {
        if d.file.starts_with('/') {
            d.file = display(Path::new(&d.file));
        }
    }
    let listed = paths
        .into_iter()
        .map(|(path, bytes)| Listed {
            name: display(&path),
            path,
            bytes,
        })
        .collect();
    Ok((listed, problems))
}

/// The diagnostic for a file that could not be read.
fn read_problem(name: &str, e: &std::io::Error) -> Diagnostic {
    if e.kind() == std::io::ErrorKind::FileTooLarge {
        file_diag(
            name,
            format!("{e}; refusing to parse it"),
            Some("split it into several files under graph/".into()),
        )
    } else {
        file_diag(name, format!("cannot read file: {e}"), None)
    }
}

/// Opens a file to read it, with its size, refusing a named pipe or a socket first:
/// opening a pipe waits until something writes to it, so a `*.yaml` pipe in a knowledge
/// directory hung the load (and `draw` of one hung the command). The size is only a
/// hint: the read itself keeps the limit.
fn open_to_read(path: &Path) -> std::io::Result<(std::fs::File, u64)> {
    let meta = std::fs::metadata(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() || kind.is_socket() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "it is a named pipe or a socket, not a file",
            ));
        }
    }
    Ok((std::fs::File::open(path)?, meta.len()))
}

fn too_large() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!("file is larger than {} MB", MAX_FILE_BYTES / 1024 / 1024),
    )
}

/// Reads a file into `buf`, replacing what it held. A buffer used again for file after
/// file is faulted in once, where a new one per file is faulted in (and zeroed by the
/// kernel) afresh for every file: 96 MB at a million edges (docs/performance.md). A file
/// over [`MAX_FILE_BYTES`] is an error of kind `FileTooLarge`, also when it has no size
/// to go by (a device, a pipe).
pub fn read_into(path: &Path, buf: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Read as _;
    buf.clear();
    let (file, len) = open_to_read(path)?;
    if len > MAX_FILE_BYTES {
        return Err(too_large());
    }
    // Room for the whole file and the read that finds its end, so that a file whose
    // size is right is read without growing the buffer.
    buf.reserve(len as usize + 1);
    file.take(MAX_FILE_BYTES + 1).read_to_end(buf)?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        buf.clear();
        return Err(too_large());
    }
    Ok(())
}

/// Reads a whole file as text, or gives the offset of its first byte that is not UTF-8.
/// The same reading as [`read_into`], with its limit; for the files read one at a time
/// and kept (architectures, `draw FILE`), not a directory's knowledge files, which
/// [`load_dir`] reads into reused buffers instead.
pub fn read_text(path: &Path) -> std::io::Result<Result<Arc<str>, usize>> {
    let mut buf = Vec::new();
    read_into(path, &mut buf)?;
    Ok(match String::from_utf8(buf) {
        Ok(text) => Ok(Arc::from(text)),
        Err(e) => Err(e.utf8_error().valid_up_to()),
    })
}

/// What [`read_text`]'s offset of a byte that is not UTF-8 is reported as.
pub(crate) fn not_utf8(offset: usize) -> String {
    format!("file is not UTF-8 text (invalid byte at offset {offset})")
}

fn collect_yaml(
    dir: &Path,
    out: &mut Vec<(PathBuf, u64)>,
    problems: &mut Vec<Diagnostic>,
    seen: &mut HashSet<PathBuf>,
    depth: usize,
) {
    // Canonical paths stop symlink loops; the depth cap stops pathological trees.
    let canon = match dir.canonicalize() {
        Ok(c) => c,
        Err(e) => {
            problems.push(file_diag(
                &dir.to_string_lossy(),
                format!("cannot read directory: {e}"),
                None,
            ));
            return;
        }
    };
    if depth > 32 || !seen.insert(canon) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(file_diag(
                &dir.to_string_lossy(),
                format!("cannot read directory: {e}"),
                None,
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // Followed through symlinks, as the read will be. A file that cannot be looked
        // at is still listed: reading it says why.
        let meta = std::fs::metadata(&path).ok();
        if meta.as_ref().is_some_and(|m| m.is_dir()) {
            collect_yaml(&path, out, problems, seen, depth + 1);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push((path, meta.map_or(0, |m| m.len())));
        }
    }
}

fn file_diag(file: &str, message: String, help: Option<String>) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        file: file.to_string(),
        line: 0,
        column: 0,
        message,
        help,
        offset: 0,
        len: 0,
    }
}

// ---------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------

/// Collects diagnostics for one load. Their byte offsets are found at the end of the
/// load ([`locate`]), from the texts the report keeps: a large directory's texts are
/// freed as it is parsed, and only those of files with diagnostics are read again.
#[derive(Default)]
struct Collector {
    diagnostics: Vec<Diagnostic>,
}

/// `Diagnostic::len` of a diagnostic whose offset is still to be found.
const UNLOCATED: usize = usize::MAX;

/// Turns the line and column of every diagnostic the [`Collector`] made into a byte
/// range in its file's text, for the caret display; without the text, it has none.
fn locate(diagnostics: &mut [Diagnostic], sources: &HashMap<String, Arc<str>>) {
    for d in diagnostics.iter_mut().filter(|d| d.len == UNLOCATED) {
        (d.offset, d.len) = match sources.get(&d.file) {
            Some(text) => {
                let offset = byte_offset(text, d.line, d.column);
                (offset, token_len(text, offset))
            }
            None => (0, 0),
        };
    }
}

/// A location in a named file.
#[derive(Clone, Copy)]
struct At<'a> {
    file: &'a SourceFile,
    loc: Pos,
}

pub(crate) fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col: usize = l
                .char_indices()
                .nth(column.saturating_sub(1))
                .map(|(b, _)| b)
                .unwrap_or(l.len());
            return offset + col;
        }
        offset += l.len();
    }
    text.len()
}

/// Length of the token at `offset`, so the caret underlines a whole word.
pub(crate) fn token_len(text: &str, offset: usize) -> usize {
    text.get(offset..)
        .map(|rest| {
            rest.find(['\n', ',', ']', '}', '#'])
                .unwrap_or(rest.len())
                .min(rest.trim_end().len())
        })
        .unwrap_or(0)
        .max(1)
        .min(text.len().saturating_sub(offset))
}

impl Collector {
    fn push(&mut self, sev: Severity, at: At, message: String, help: Option<String>) {
        self.diagnostics.push(Diagnostic {
            severity: sev,
            file: at.file.name.clone(),
            line: at.loc.line() as usize,
            column: at.loc.column() as usize,
            message,
            help,
            offset: 0,
            len: UNLOCATED,
        });
    }
    fn error(&mut self, at: At, message: impl Into<String>, help: Option<String>) {
        self.push(Severity::Error, at, message.into(), help);
    }
    fn warn(&mut self, at: At, message: impl Into<String>, help: Option<String>) {
        self.push(Severity::Warning, at, message.into(), help);
    }
}

/// The closest candidates to `word`, best first, for "did you mean" help.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let lower = word.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(s, _)| *s > 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

pub(crate) fn did_you_mean<S: AsRef<str>>(list: &[S]) -> Option<String> {
    match list {
        [] => None,
        [one] => Some(format!("did you mean `{}`?", one.as_ref())),
        many => Some(format!(
            "did you mean one of {}?",
            many.iter()
                .map(|s| format!("`{}`", s.as_ref()))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn parse_source(s: &str) -> Option<Source> {
    match s {
        "notes" => Some(Source::Notes),
        "catalog" => Some(Source::Catalog),
        u if u.starts_with("https://") && !u.contains(char::is_whitespace) && u.len() > 8 => {
            Some(Source::Url(u.to_string()))
        }
        _ => None,
    }
}

const SOURCE_HELP: &str = "a source is `notes`, `catalog` or an https:// documentation URL";

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn is_snake(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_node_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The parser's limits. Knowledge files have no use for heavy aliasing, so an alias bomb
/// is refused after a few thousand replayed events instead of after the library's
/// generous defaults. A function rather than a shared value because `Options` may hold a
/// callback that is not `Sync`, and each parsing thread needs its own.
fn parse_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_aliases: 1_000,
            max_depth: 64,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 20_000,
            max_alias_expansions_per_anchor: 200,
        },
    }
}

/// Parses and validates a set of knowledge files held in memory.
///
/// `pre` carries diagnostics found while reading (unreadable files); they are reported
/// together with everything else.
pub fn load_files(files: &[SourceFile], pre: Vec<Diagnostic>) -> Result<Knowledge, LoadError> {
    load(files, Texts::Held, pre, QueryIndexes::WithLoad)
}

/// Whether the structures only queries read are built with the load: the name indexes
/// ([`crate::names::Indexes`]) here, and the graph's adjacency lists in
/// [`crate::graph::KnowledgeGraph`].
///
/// Nothing a load reports depends on them (the one diagnostic that reads the name index,
/// the help for an unknown edge target, builds it when it is needed). At a million edges
/// they are a sixth of a load's CPU time, so `check`, which looks nothing up unless the
/// directory has architecture diagrams, leaves them to first use (docs/performance.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryIndexes {
    /// Built with the load (the name indexes beside the edge pass): for a graph about
    /// to answer queries.
    WithLoad,
    /// Left to whoever needs them: [`crate::graph::KnowledgeGraph`] builds each at its
    /// first use.
    OnFirstUse,
}

/// Reads and validates every `.yaml`/`.yml` file below `dir`, in path order.
///
/// Each file is read only when a thread is ready to parse it, into a buffer that later
/// files use again, and no text is held after its file is parsed: a million-edge
/// directory is 96 MB of YAML, which read up front sat on top of the load's memory and
/// was zeroed by the kernel page by page (docs/performance.md). The files that get a
/// diagnostic are read again at the end to show it in its line; a file that cannot be
/// read again by then has its diagnostics shown without the line.
pub fn load_dir(dir: &Path) -> Result<Knowledge, LoadError> {
    load_dir_with(dir, QueryIndexes::WithLoad)
}

/// [`load_dir`], saying whether the name indexes are built too.
pub fn load_dir_with(dir: &Path, query_indexes: QueryIndexes) -> Result<Knowledge, LoadError> {
    let (listed, problems) = list_dir(dir)?;
    if listed.is_empty() && problems.is_empty() {
        return Err(LoadError::Empty(dir.to_path_buf()));
    }
    let unread: Arc<str> = Arc::from("");
    let files: Vec<SourceFile> = listed
        .iter()
        .map(|f| SourceFile {
            name: f.name.clone(),
            text: unread.clone(),
        })
        .collect();
    let sizes: Vec<u64> = listed.iter().map(|f| f.bytes).collect();
    let read = |i: usize, buf: &mut Vec<u8>| read_into(&listed[i].path, buf);
    load(
        &files,
        Texts::Read {
            read: &read,
            sizes: &sizes,
        },
        problems,
        query_indexes,
    )
}

/// Reads file `i` of a load into the buffer, replacing what it held.
type ReadInto<'a> = &'a (dyn Fn(usize, &mut Vec<u8>) -> std::io::Result<()> + Sync);

/// Where [`load`] finds the files' texts.
#[derive(Clone, Copy)]
enum Texts<'a> {
    /// In each [`SourceFile`]'s `text`, for the whole load.
    Held,
    /// Read with `read` when the file's turn comes (each `SourceFile`'s `text` is
    /// empty). `sizes[i]` is what file `i` measured when it was listed.
    Read {
        read: ReadInto<'a>,
        sizes: &'a [u64],
    },
}

/// What became of one file on the parsing side of [`load`].
enum Outcome {
    /// An architecture diagram: not knowledge, validated later by `architecture`.
    Skipped,
    Unreadable(Diagnostic),
    Empty,
    Parsed(Result<ParsedFile, serde_saphyr::Error>),
}

/// The load itself.
fn load(
    files: &[SourceFile],
    texts: Texts,
    pre: Vec<Diagnostic>,
    query_indexes: QueryIndexes,
) -> Result<Knowledge, LoadError> {
    let pre_len = pre.len();
    let mut c = Collector { diagnostics: pre };
    // Each pass keeps its own diagnostics, joined at the end, so they come out in the
    // order of a load that ran every pass over every file in turn: parse errors, then
    // relations, then nodes.
    let mut c_relations = Collector::default();
    let mut c_nodes = Collector::default();
    // Pass 1: the relation vocabulary, so node relations can be checked against it.
    let mut relations: Vec<RelationDef> = Vec::new();
    let mut rel_at: FastMap<String, usize> = FastMap::new();
    // Pass 2: nodes and their names.
    struct Pending<'a> {
        file: &'a SourceFile,
        id_at: Pos,
        /// The [`FileRelations`] holding the node's relations, and which of them.
        slot: usize,
        relations: Range<usize>,
    }
    let mut nodes: Vec<Node> = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    // Declared before `names`, which borrows from it and is dropped first.
    let mut parsed: Vec<(&SourceFile, raw::File)> = Vec::new();
    // lowercase name/alias/id -> (node index, what it is, where)
    let mut names: Names = KeyMap::default();
    let mut id_index: KeyMap<usize> = KeyMap::default();
    let mut relation_words = RelationWords::default();
    let mut file_relations: Vec<FileRelations> = Vec::new();
    // Parsing one file, and checking each of its nodes on its own, needs nothing from the
    // other files; it runs in parallel. Checking on the thread that parsed also frees the
    // raw structs where they were allocated: glibc's arenas make freeing on another thread
    // slow (docs/performance.md).
    let parse_text = |file: &SourceFile, text: &str| {
        if text.trim().is_empty() {
            return Outcome::Empty;
        }
        // The fast reader covers what knowledge files are usually written in;
        // anything else, and every broken file, goes through serde-saphyr.
        use crate::fast_yaml::{Checker, parse_file_checked, parts_for};
        let checker = PartChecker(file);
        Outcome::Parsed(
            match parse_file_checked(text, parts_for(text.len()), &checker) {
                Ok((raw, parts)) => Ok(ParsedFile { raw, parts }),
                Err(_) => serde_saphyr::from_str_with_options::<raw::File>(text, parse_options())
                    .map(|mut raw| {
                        let nodes = raw.nodes.take();
                        let part = nodes.map(|nodes| checker.whole(&raw, nodes, text.len()));
                        ParsedFile {
                            raw,
                            parts: part.into_iter().collect(),
                        }
                    }),
            },
        )
    };
    // Read buffers not in use. A parse may take up another file's on the same thread
    // while it waits for its parts (rayon's join), so they are not per thread.
    let buffers: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
    let parse = |i: usize| -> (usize, Outcome) {
        let file = &files[i];
        // Architecture diagrams live under graph/ too but have their own format and
        // validation pass (`architecture`), which needs the finished graph.
        if crate::architecture::is_architecture_file(&file.name) {
            return (0, Outcome::Skipped);
        }
        let Texts::Read { read, .. } = texts else {
            return (file.text.len(), parse_text(file, &file.text));
        };
        let mut buf = buffers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .unwrap_or_default();
        let done = match read(i, &mut buf) {
            Err(e) => (0, Outcome::Unreadable(read_problem(&file.name, &e))),
            Ok(()) => match std::str::from_utf8(&buf) {
                Ok(text) => (text.len(), parse_text(file, text)),
                Err(e) => (
                    buf.len(),
                    Outcome::Unreadable(file_diag(&file.name, not_utf8(e.valid_up_to()), None)),
                ),
            },
        };
        buffers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(buf);
        done
    };
    // The knowledge files' bytes, for sizing the lists (`make_room`); architectures are
    // skipped as they are when parsing.
    let total_bytes: usize = (0..files.len())
        .filter(|&i| !crate::architecture::is_architecture_file(&files[i].name))
        .map(|i| match texts {
            Texts::Held => files[i].text.len(),
            Texts::Read { sizes, .. } => sizes[i] as usize,
        })
        .sum();
    let mut done_bytes = 0;
    // Read problems come first, as when every file was read before the load.
    let mut unreadable = Vec::new();
    let mut key = String::new();
    // Names must be registered in file order (the first file to give a name keeps it), so
    // that is serial: it runs on this thread, taking each file as soon as it is parsed,
    // while the other threads parse the files after it. Parsed files wait at most a few
    // at a time, which bounds the memory they hold (docs/performance.md).
    let ahead = 2 * rayon::current_num_threads().max(1);
    crate::ordered::for_each_in_order(files.len(), ahead, parse, |i, (bytes, outcome)| {
        let file = &files[i];
        done_bytes += bytes;
        let result = match outcome {
            Outcome::Skipped => return,
            Outcome::Unreadable(d) => {
                unreadable.push(d);
                return;
            }
            Outcome::Empty => {
                c.diagnostics.push(Diagnostic {
                    line: 1,
                    column: 1,
                    ..file_diag(
                        &file.name,
                        "file is empty".into(),
                        Some("delete it, or add `nodes:` or `relations:`".into()),
                    )
                });
                return;
            }
            Outcome::Parsed(result) => result,
        };
        match result {
            Ok(ParsedFile { raw: f, parts }) => {
                make_room(
                    &parts,
                    (done_bytes, total_bytes),
                    &mut nodes,
                    &mut pending,
                    &mut id_index,
                    &mut names,
                );
                for r in f.relations.iter().flatten() {
                    let at = At {
                        file,
                        loc: r.referenced,
                    };
                    let r = &r.value;
                    let Some(id) = &r.id else {
                        c_relations.error(at, "relation is missing required field `id`", None);
                        continue;
                    };
                    let id_at = At {
                        file,
                        loc: id.referenced,
                    };
                    if !is_kebab(&id.value) {
                        c_relations.error(
                            id_at,
                            format!("relation id `{}` is not kebab-case", id.value),
                            Some("use lowercase words joined by `-`, e.g. `delivers-to`".into()),
                        );
                        continue;
                    }
                    if rel_at.contains_key(&id.value) {
                        c_relations.error(
                            id_at,
                            format!("relation `{}` is declared twice", id.value),
                            None,
                        );
                        continue;
                    }
                    let Some(inverse) = &r.inverse else {
                        c_relations.error(
                            id_at,
                            format!(
                                "relation `{}` is missing required field `inverse`",
                                id.value
                            ),
                            Some("the phrase read backwards, e.g. `monitored by`".into()),
                        );
                        continue;
                    };
                    let Some(description) = &r.description else {
                        c_relations.error(
                            id_at,
                            format!(
                                "relation `{}` is missing required field `description`",
                                id.value
                            ),
                            None,
                        );
                        continue;
                    };
                    rel_at.insert(id.value.clone(), relations.len());
                    relations.push(RelationDef {
                        id: id.value.to_string(),
                        description: description.value.clone(),
                        inverse: inverse.value.trim().to_lowercase(),
                        verb: r.verb.as_ref().map(|v| v.value.trim().to_lowercase()),
                        symmetric: r.symmetric,
                    });
                }
                for ParsedPart {
                    nodes: checked,
                    relations: mut rels,
                    ..
                } in parts
                {
                    let slot = file_relations.len();
                    rels.intern_into(&mut relation_words);
                    for checked in checked {
                        let n = match checked {
                            NodeCheck::Rejected(d) => {
                                c_nodes.diagnostics.extend(d);
                                continue;
                            }
                            NodeCheck::Checked(n) => n,
                        };
                        let idx = nodes.len();
                        let id = &n.id;
                        let id_at = At {
                            file,
                            loc: id.referenced,
                        };
                        // A duplicate is still checked field by field, so one run
                        // reports its other mistakes too; it is just never added
                        // to the graph.
                        // The id's key is made once, and taken in `id_index` by the
                        // lookup that finds whether it is taken: the registration of
                        // a large directory's names runs on one thread while the others
                        // parse, and each hash lookup there is a cache miss.
                        crate::names::lookup_key_into(&mut key, &id.value);
                        let taken = id_index.try_insert(&key, idx).and_then(|_| names.get(&key));
                        let duplicate = match taken {
                            Some((_, _, prev)) => {
                                c_nodes.error(
                                    id_at,
                                    format!(
                                        "duplicate node id `{}` (first defined at {prev})",
                                        id.value
                                    ),
                                    None,
                                );
                                true
                            }
                            None => false,
                        };
                        c_nodes.diagnostics.extend(n.before);
                        if !duplicate {
                            // Names are registered: id, name, aliases. Clashes are
                            // errors because a name must resolve to exactly one node.
                            let mut register = |name: &str, key: &str, what, loc| {
                                register_name(
                                    &mut names,
                                    &nodes,
                                    (idx, &id.value),
                                    (name, key, what, At { file, loc }),
                                    &mut c_nodes,
                                )
                            };
                            register(&id.value, &key, What::Id, id.referenced);
                            if let Some(name) = &n.name {
                                crate::names::lookup_key_into(&mut key, &name.value);
                                register(&name.value, &key, What::Name, name.referenced);
                            }
                            for a in &n.aliases {
                                crate::names::lookup_key_into(&mut key, &a.value);
                                register(&a.value, &key, What::Alias, a.referenced);
                            }
                        }
                        c_nodes.diagnostics.extend(n.after);
                        if !duplicate {
                            nodes.push(n.node);
                            pending.push(Pending {
                                file,
                                id_at: id.referenced,
                                slot,
                                relations: n.relations,
                            });
                        }
                    }
                    file_relations.push(rels);
                }
                parsed.push((file, f));
            }

            Err(e) => {
                let plain = e.without_snippet().to_string();
                let message = match plain.rsplit_once(" at line ") {
                    Some((m, _)) => m.to_string(),
                    None => plain,
                };
                let message = explain_untagged(&message)
                    .replace(", set DuplicateKeyPolicy in Options if acceptable", "");
                let message = match message
                    .strip_prefix("budget breached: ")
                    .or_else(|| message.strip_prefix("alias replay limit exceeded: "))
                {
                    Some(detail) => format!(
                        "the file expands beyond the parser's budget ({}); refusing it (a YAML alias bomb?)",
                        detail.split(" at line").next().unwrap_or(detail)
                    ),
                    None => message,
                };
                let loc = e.location().map_or(Pos::UNKNOWN, Pos::from);
                let help = if message.contains("tab") {
                    Some("YAML indentation must use spaces, not tabs".to_string())
                } else {
                    None
                };
                c.error(At { file, loc }, message, help);
            }
        }
    });
    // The read buffers (one per file parsed at once, each the size of the largest) would
    // otherwise stay through the edge pass.
    drop(buffers);
    if relations.is_empty() && !parsed.is_empty() {
        c_relations.diagnostics.push(file_diag(
            &parsed[0].0.name,
            "no relation vocabulary found (expected a file with `relations:`)".into(),
            Some("add graph/relations.yaml".into()),
        ));
    }

    c.diagnostics.splice(pre_len..pre_len, unreadable);
    c.diagnostics.append(&mut c_relations.diagnostics);
    c.diagnostics.append(&mut c_nodes.diagnostics);

    // Pass 2b: the generated AWS service catalog, once every curated node is known (so a
    // catalog file may come before the curated files it points at).
    let catalog_edges = apply_catalog(&parsed, &mut nodes, &mut names, &mut id_index, &mut c);
    // The registration map is done: at the peak of a large load (the edge pass) it would
    // hold about 50 MB per million edges. The one question the edge pass had for it, whether an
    // unknown target is some node's name, is put to the name index built beside it,
    // which maps every key to the first node that has it, as registration did.
    drop(names);
    release_free_memory();
    let mut unknown_targets: Vec<(usize, String, String)> = Vec::new();

    // Pass 3: edges, now that every node and relation is known. The name indexes need
    // only the finished nodes, so they are built meanwhile, and the work of the two is
    // shared out over both cores.
    let rel_names: Vec<&str> = relations.iter().map(|r| r.id.as_str()).collect();
    let node_ids: Vec<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    let targets: usize = file_relations.iter().map(|f| f.targets.len()).sum();
    // Sized once: growing by doubling would hold the old and new buffers at the peak.
    let mut edges: Vec<(u32, u32, EdgeData)> = Vec::with_capacity(targets + catalog_edges.len());
    let mut notes: Vec<Box<str>> = Vec::new();
    let mut degree = vec![0usize; nodes.len()];
    use rayon::prelude::*;
    let (indexes, ()) = rayon::join(
        || match query_indexes {
            QueryIndexes::WithLoad => Some(crate::names::build(&nodes)),
            QueryIndexes::OnFirstUse => None,
        },
        || {
            // Finding each target's node is most of the pass, and needs only the id
            // index. Beside the name indexes it is done a file at a time in the loop
            // below, so that a file's targets are held only until they are edges: both
            // cores are busy already, and finding them all first raised a million-edge
            // load's peak by 10-25 MB for no less time. Without the name indexes the
            // other core is free, and they are found first, file by file on both cores;
            // what depends on the order of the edges (duplicates, diagnostics) stays in
            // the loop.
            if query_indexes == QueryIndexes::OnFirstUse {
                file_relations
                    .par_iter_mut()
                    .for_each_init(String::new, |key, fr| fr.resolve(&id_index, key));
            }
            // A directed edge can only be listed twice by its own source node, so those
            // are found in a small set per node; only symmetric edges, which either end
            // may list, need a set over the whole graph. One set of every edge of a
            // large graph was slow to fill (each insert a cache miss) and 27 MB at a
            // million edges. Node positions fit in 32 bits (the graph's index type).
            let mut symmetric_set: FastSet<(usize, u32, u32)> = FastSet::new();
            let mut node_set: FastSet<(usize, usize)> = FastSet::new();
            // One buffer for the lookup keys of targets: a large directory has millions.
            let mut key_buf = String::new();
            // The relation each word written in a file names, looked up once per word
            // instead of once per node and word (a million times at a million edges).
            let word_relation: Vec<Option<usize>> = relation_words
                .0
                .iter()
                .map(|w| rel_at.get(w.as_str()).copied())
                .collect();
            for (from, p) in pending.iter().enumerate() {
                // Each file's relations are freed once they are edges, so the raw form and
                // the edges of a large graph are never both held in full.
                if from == 0 || pending[from - 1].slot != p.slot {
                    if from > 0 {
                        file_relations[pending[from - 1].slot] = FileRelations::default();
                    }
                    let fr = &mut file_relations[p.slot];
                    if fr.to.len() != fr.targets.len() {
                        fr.resolve(&id_index, &mut key_buf);
                    }
                }
                let fr = &file_relations[p.slot];
                node_set.clear();
                for pr in &fr.relations[p.relations.clone()] {
                    let rel_value = relation_words.0[pr.name as usize].as_str();
                    let rel_loc = At {
                        file: p.file,
                        loc: pr.at,
                    };
                    let Some(r) = word_relation[pr.name as usize] else {
                        c.error(
                            rel_loc,
                            format!("relation `{rel_value}` is not declared in relations.yaml"),
                            did_you_mean(&suggest(rel_value, rel_names.iter().copied())),
                        );
                        continue;
                    };
                    let (start, end) = (pr.targets.0 as usize, pr.targets.1 as usize);
                    for (t, &to) in fr.targets[start..end].iter().zip(&fr.to[start..end]) {
                        let target = &fr.ids[t.id.0 as usize..t.id.1 as usize];
                        let (note, loc) = (fr.note(t), t.at);
                        let t_at = At { file: p.file, loc };
                        let Some(to) = (to != UNKNOWN_TARGET).then_some(to as usize) else {
                            crate::names::lookup_key_into(&mut key_buf, target);
                            // Its help is written once the name index is built.
                            c.error(
                                t_at,
                                format!("`{}` {rel_value} unknown node `{target}`", nodes[from].id),
                                None,
                            );
                            unknown_targets.push((
                                c.diagnostics.len() - 1,
                                key_buf.clone(),
                                target.to_string(),
                            ));
                            continue;
                        };
                        if to == from {
                            c.error(
                                t_at,
                                format!("`{}` {rel_value} itself", nodes[from].id),
                                Some("a node cannot be related to itself".into()),
                            );
                            continue;
                        }
                        if let Some(bad) = note.and_then(forbidden_control) {
                            c.error(
                                t_at,
                                format!(
                                    "the note on this edge contains the control character U+{:04X}",
                                    bad as u32
                                ),
                                Some("only printable text, newlines and tabs are allowed".into()),
                            );
                        }
                        let new = if relations[r].symmetric {
                            symmetric_set.insert((r, from.min(to) as u32, from.max(to) as u32))
                        } else {
                            node_set.insert((r, to))
                        };
                        if !new {
                            if !relations[r].symmetric {
                                c.error(
                                    t_at,
                                    format!(
                                        "`{}` {} `{}` is listed twice",
                                        nodes[from].id, rel_value, nodes[to].id
                                    ),
                                    None,
                                );
                            }
                            continue;
                        }
                        degree[from] += 1;
                        degree[to] += 1;
                        edges.push((
                            u32_pos(from),
                            u32_pos(to),
                            EdgeData {
                                relation: u32_pos(r),
                                note: match note {
                                    Some(n) => {
                                        notes.push(Box::from(n));
                                        u32_pos(notes.len() - 1)
                                    }
                                    None => EdgeData::NO_NOTE,
                                },
                            },
                        ));
                    }
                }
            }
            // Catalog `part_of` edges. They do not count towards a curated service's
            // relations: the thin-node warning below is about curated content.
            if let Some((_, _, first)) = catalog_edges.first() {
                match rel_at.get(PART_OF) {
                    Some(&r) => {
                        let r = u32_pos(r);
                        let mut part_of: FastSet<(u32, u32)> = edges
                            .iter()
                            .filter(|(_, _, e)| e.relation == r)
                            .map(|&(from, to, _)| (from, to))
                            .collect();
                        for &(from, to, _) in &catalog_edges {
                            let (from, to) = (u32_pos(from), u32_pos(to));
                            if part_of.insert((from, to)) {
                                edges.push((
                                    from,
                                    to,
                                    EdgeData {
                                        relation: r,
                                        note: EdgeData::NO_NOTE,
                                    },
                                ));
                            }
                        }
                    }
                    None => c.error(
                        *first,
                        format!("relation `{PART_OF}` is not declared in relations.yaml"),
                        Some("catalog `part_of` entries become `part-of` edges".into()),
                    ),
                }
            }
        },
    );

    // The relations waiting for their targets and the name indexes' buffers are freed
    // by now; the graph is built next, on top of what is left.
    release_free_memory();
    let names_index =
        (!unknown_targets.is_empty()).then(|| crate::names::built_or_build(&indexes, &nodes));
    for (at, key, target) in unknown_targets {
        c.diagnostics[at].help = match names_index.as_ref().and_then(|i| i.names.get(&key)) {
            Some(i) => Some(format!(
                "relations name node ids: write `{}`",
                nodes[i as usize].id
            )),
            None => did_you_mean(&suggest(&target, node_ids.iter().copied())),
        };
    }

    // Curated content that is too thin to help a user is a warning, not an error: the
    // graph still works, but `check` should nag until it is filled in.
    for (i, p) in pending.iter().enumerate() {
        let n = &nodes[i];
        let at = At {
            file: p.file,
            loc: p.id_at,
        };
        if n.summary.is_empty() {
            c.warn(at, format!("node `{}` has no summary", n.id), None);
        }
        let has_source = !n.sources.is_empty()
            || (n.facts.iter().all(|f| f.source.is_some()) && !n.facts.is_empty());
        if !has_source {
            c.warn(
                at,
                format!("node `{}` has no source", n.id),
                Some(SOURCE_HELP.into()),
            );
        }
        if n.kind == Kind::Service && degree[i] < 3 {
            c.warn(
                at,
                format!(
                    "service `{}` has only {} relation(s); curated services should have at least 3",
                    n.id, degree[i]
                ),
                None,
            );
        }
    }

    // Only the texts that diagnostics point into are kept (as the built-in snapshot does):
    // a large directory's text would otherwise stay in memory as long as the graph.
    let named: FastSet<&str> = c.diagnostics.iter().map(|d| d.file.as_str()).collect();
    let mut sources = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        if !named.contains(f.name.as_str()) {
            continue;
        }
        let text = match texts {
            Texts::Held => Some(f.text.clone()),
            Texts::Read { read, .. } => {
                let mut buf = Vec::new();
                read(i, &mut buf)
                    .ok()
                    .and_then(|()| String::from_utf8(buf).ok())
                    .map(Arc::from)
            }
        };
        if let Some(text) = text {
            sources.insert(f.name.clone(), text);
        }
    }
    locate(&mut c.diagnostics, &sources);
    let report = Report {
        diagnostics: c.diagnostics,
        sources,
    };
    if report.errors().next().is_some() {
        return Err(LoadError::Invalid(Box::new(report)));
    }
    Ok(Knowledge {
        relations,
        nodes,
        edges,
        notes,
        indexes,
        report,
    })
}

/// Hands the memory freed so far back to the system. Loading a large directory frees as
/// much as it keeps (raw structs, texts, the registration map, pending relations),
/// spread over both threads' heaps; glibc keeps those pages, and they would sit under
/// the peak of the edge pass and of the graph build.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only returns free pages of malloc's own heaps to the kernel;
    // it takes malloc's locks like any allocation and touches no live memory.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Makes room in the registration's lists and maps before a parsed file's nodes are
/// registered. Growing them by doubling copied each, into fresh pages, several times
/// over in a large load (page faults cost a few microseconds each). So they are sized
/// for the whole load, judged from the first `done` of `total` bytes (this file's
/// included, once that is a hundredth of the load), plus a tenth. That is made up only
/// when they cannot hold this file's nodes or fall a tenth or more short of it, so they
/// move about once; a wrong guess costs only a move or some unused room. A directory of
/// one large file is sized from that file alone, exactly (docs/performance.md).
fn make_room<V>(
    parts: &[ParsedPart],
    (done, total): (usize, usize),
    nodes: &mut Vec<Node>,
    pending: &mut Vec<impl Sized>,
    id_index: &mut KeyMap<usize>,
    names: &mut KeyMap<V>,
) {
    let (mut count, mut id_bytes, mut names_count, mut names_bytes) = (0, 0, 0, 0);
    for n in parts.iter().flat_map(|p| &p.nodes) {
        if let NodeCheck::Checked(n) = n {
            count += 1;
            id_bytes += n.id.value.len();
            let name = n.name.as_ref().map_or(0, |s| s.value.len());
            let aliases: usize = n.aliases.iter().map(|a| a.value.len()).sum();
            names_count += 1 + usize::from(n.name.is_some()) + n.aliases.len();
            names_bytes += n.id.value.len() + name + aliases;
        }
    }
    // A guess from less than a hundredth of the load could be far off (a one-node file
    // read first would have a directory of large files sized as if every node were that
    // small), so until then the lists only grow as they must.
    let predicting = done < total && done.saturating_mul(100) >= total;
    let whole_load = |n: usize| {
        if predicting {
            let n = n.saturating_mul(total) / done;
            n + n / 10
        } else {
            n
        }
    };
    let after = nodes.len() + count;
    let grow = nodes.capacity() < after || nodes.capacity() * 10 < whole_load(after) * 9;
    // What to add to a list or map holding `have` for `adding` more: this file's own when
    // there is room, or the whole load's.
    let room = |have: usize, adding: usize| {
        if grow {
            whole_load(have + adding).max(have + adding) - have
        } else {
            adding
        }
    };
    let more = room(nodes.len(), count);
    if predicting {
        nodes.reserve_exact(more);
        pending.reserve_exact(more);
    } else {
        // Doubling, so that many small files are not each a move of the whole list.
        nodes.reserve(more);
        pending.reserve(more);
    }
    id_index.reserve(
        room(id_index.table.len(), count),
        room(id_index.text.len(), id_bytes),
    );
    names.reserve(
        room(names.table.len(), names_count),
        room(names.text.len(), names_bytes),
    );
}

/// A node or relation position as stored in an edge. The graph's index type is 32 bits
/// wide, so a graph with more nodes could not be built anyway.
fn u32_pos(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 4 billion nodes and relations")
}

/// One file, parsed and with each node checked on its own (on the parsing thread).
struct ParsedFile {
    /// The file without its nodes (its relation vocabulary and catalog rows).
    raw: raw::File,
    /// Its nodes, in the parts they were read in (`fast_yaml::parse_file_checked`).
    parts: Vec<ParsedPart>,
}

/// Some of a file's nodes, in file order, each checked on its own.
struct ParsedPart {
    /// The file's default category, which the nodes are checked with.
    category: Option<String>,
    nodes: Vec<NodeCheck>,
    relations: FileRelations,
}

/// A node as far as it can be checked without the others.
enum NodeCheck {
    /// It has no usable id, so it cannot be registered: only its diagnostics remain.
    Rejected(Vec<Diagnostic>),
    Checked(Box<CheckedNode>),
}

/// A node whose fields are checked, waiting for the serial part of the load to register
/// its names, or to find it is a duplicate.
struct CheckedNode {
    id: Spanned<raw::Str>,
    /// The names to register as written, for the messages of a clash.
    name: Option<Spanned<raw::Str>>,
    aliases: Vec<Spanned<raw::Str>>,
    /// Diagnostics from before and after the point where its names are registered, so they
    /// come out in the order of a check that did everything in one place.
    before: Vec<Diagnostic>,
    after: Vec<Diagnostic>,
    node: Node,
    /// Its relations in the file's [`FileRelations`].
    relations: Range<usize>,
}

/// Checks the nodes of one file, on the thread that read them.
struct PartChecker<'a>(&'a SourceFile);

impl crate::fast_yaml::Checker for PartChecker<'_> {
    type Part = ParsedPart;

    fn start(&self, head: &raw::File, bytes: usize) -> ParsedPart {
        ParsedPart {
            category: head.category.as_ref().map(|c| c.value.clone()),
            nodes: Vec::new(),
            relations: FileRelations::with_hint(bytes),
        }
    }

    fn node(&self, part: &mut ParsedPart, node: Spanned<raw::Node>) {
        let checked = check_node(self.0, node, part.category.as_deref(), &mut part.relations);
        part.nodes.push(checked);
    }

    fn end(&self, part: &mut ParsedPart) {
        part.relations.shrink();
    }
}

/// `s` without surrounding whitespace, reusing its allocation when there is none.
fn trimmed(s: raw::Str) -> String {
    if s.trim().len() == s.len() {
        s.into()
    } else {
        s.trim().to_string()
    }
}

fn check_node(
    file: &SourceFile,
    n: Spanned<raw::Node>,
    file_category: Option<&str>,
    relations: &mut FileRelations,
) -> NodeCheck {
    let mut before = Collector::default();
    let node_at = At {
        file,
        loc: n.referenced,
    };
    let mut raw = n.value;
    let Some(id) = raw.id.take() else {
        before.error(node_at, "node is missing required field `id`", None);
        return NodeCheck::Rejected(before.diagnostics);
    };
    let id_at = At {
        file,
        loc: id.referenced,
    };
    let missing = |field: &str| format!("node `{}` is missing required field `{field}`", id.value);
    if !is_node_id(&id.value) {
        before.error(
            id_at,
            format!(
                "node id `{}` may only hold letters, digits, `-`, `_` and `.`",
                id.value
            ),
            Some(
                "put the display form in `name:` and keep the id short, e.g. `SecurityGroup`"
                    .into(),
            ),
        );
        return NodeCheck::Rejected(before.diagnostics);
    }
    let name = match &raw.name {
        Some(n) => n.value.trim().to_string(),
        None => {
            before.error(id_at, missing("name"), None);
            String::new()
        }
    };
    let kind = match &raw.kind {
        Some(k) => match k.value.parse::<Kind>() {
            Ok(k) => k,
            Err(()) => {
                let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                before.error(
                    At {
                        file,
                        loc: k.referenced,
                    },
                    format!("unknown kind `{}`", k.value),
                    Some(format!(
                        "{}kind is one of {}",
                        did_you_mean(&suggest(&k.value, all.iter().copied()))
                            .map(|s| s + " ")
                            .unwrap_or_default(),
                        all.join(", ")
                    )),
                );
                Kind::Concept
            }
        },
        None => {
            before.error(
                id_at,
                missing("kind"),
                Some("one of service, component, feature, concept".into()),
            );
            Kind::Concept
        }
    };
    let category = match (raw.category.take(), file_category) {
        (Some(cat), _) => cat.value.into(),
        (None, Some(cat)) => cat.to_string(),
        (None, None) => {
            before.error(
                id_at,
                missing("category"),
                Some("set `category:` on the node or at the top of the file".into()),
            );
            String::new()
        }
    };
    let summary = raw
        .summary
        .take()
        .map(|s| trimmed(s.value))
        .unwrap_or_default();
    let mut sources = Vec::with_capacity(raw.sources.len());
    for s in &raw.sources {
        match parse_source(s.value.trim()) {
            Some(src) => sources.push(src),
            None => before.error(
                At {
                    file,
                    loc: s.referenced,
                },
                format!("invalid source `{}`", s.value),
                Some(SOURCE_HELP.into()),
            ),
        }
    }
    // The node's names are registered here, by the serial part of the load.
    let mut after = Collector::default();
    let mut properties = Vec::with_capacity(raw.properties.0.len());
    for (pname, pval) in std::mem::take(&mut raw.properties.0) {
        let p_at = At {
            file,
            loc: pname.referenced,
        };
        if !is_snake(&pname.value) {
            after.error(
                p_at,
                format!("property name `{}` is not snake_case", pname.value),
                Some("e.g. `max_item_size`".into()),
            );
            continue;
        }
        if RESERVED_PROPERTIES.contains(&pname.value.as_str()) {
            after.error(
                p_at,
                format!(
                    "property name `{}` is reserved for the node's own field",
                    pname.value
                ),
                None,
            );
            continue;
        }
        let v_at = At {
            file,
            loc: pval.referenced,
        };
        if let Some(p) = typed_property(pname.value, pval.value, v_at, &mut after) {
            properties.push(p);
        }
    }
    let mut facts = Vec::with_capacity(raw.facts.len());
    for fact in std::mem::take(&mut raw.facts) {
        let (text, source) = match fact.value {
            raw::FactEntry::Text(t) => (t, None),
            raw::FactEntry::Detailed { text, source } => (text, source),
        };
        let source = match source {
            None => None,
            Some(s) => match parse_source(s.trim()) {
                Some(src) => Some(src),
                None => {
                    after.error(
                        At {
                            file,
                            loc: fact.referenced,
                        },
                        format!("invalid source `{s}`"),
                        Some(SOURCE_HELP.into()),
                    );
                    None
                }
            },
        };
        facts.push(Fact {
            text: trimmed(text),
            source,
        });
    }
    let node = Node {
        id: id.value.to_string(),
        name: if name.is_empty() {
            id.value.to_string()
        } else {
            name
        },
        kind,
        category,
        aliases: raw
            .aliases
            .iter()
            .map(|a| a.value.trim().to_string())
            .collect(),
        summary,
        properties,
        facts,
        sources,
        curated: true,
        file: file.name.clone(),
    };
    // Text reaches terminals, HTML, DOT and Cypher; control characters (an escape
    // sequence in a summary, say) would act there instead of being shown.
    node_texts(&node, |field, text| {
        if let Some(bad) = forbidden_control(text) {
            after.error(
                id_at,
                format!(
                    "node `{}`: {field} contains the control character U+{:04X}",
                    node.id, bad as u32
                ),
                Some("only printable text, newlines and tabs are allowed".into()),
            );
        }
    });
    let relations = relations.add(std::mem::take(&mut raw.relations));
    NodeCheck::Checked(Box::new(CheckedNode {
        id,
        name: raw.name,
        aliases: raw.aliases,
        before: before.diagnostics,
        after: after.diagnostics,
        node,
        relations,
    }))
}

/// Registers one name of the node at position `idx` (`id` is its id), or reports a clash
/// with the node that already has it.
fn register_name<'a>(
    names: &mut Names<'a>,
    nodes: &[Node],
    (idx, id): (usize, &str),
    (name, key, what, at): (&str, &str, What, At<'a>),
    c: &mut Collector,
) {
    if key.is_empty() {
        return;
    }
    match names.try_insert(key, (idx, what, Origin::new(at.file, at.loc))) {
        None => {}
        Some((other, _, _)) if *other == idx => {}
        Some((other, other_what, prev)) => {
            let other_id = nodes.get(*other).map_or(id, |n| n.id.as_str());
            c.error(
                at,
                format!(
                    "{what} `{name}` of `{id}` is already the {other_what} of `{other_id}` ({prev})"
                ),
                Some(
                    "names, ids and aliases must be unique across the graph (case-insensitive)"
                        .into(),
                ),
            );
        }
    }
}

/// The relations written in one file's nodes, waiting until every node is known. A large
/// directory holds a million targets at once, so they are kept flat, in a few vectors per
/// file with the target ids in one string, rather than a string and a list per target.
#[derive(Default)]
struct FileRelations {
    /// The relation names written in the file; after [`FileRelations::intern_into`],
    /// `PendingRelation::name` points into the load's words instead.
    words: RelationWords,
    relations: Vec<PendingRelation>,
    targets: Vec<PendingTarget>,
    /// The target ids, one after another.
    ids: String,
    /// The few notes written on edges, pointed at by `PendingTarget::note`: an
    /// `Option<Box<str>>` in every target was 16 of its 32 bytes.
    notes: Vec<Box<str>>,
    /// Each target's node, or [`UNKNOWN_TARGET`]; filled by [`FileRelations::resolve`]
    /// once every node is known.
    to: Vec<u32>,
}

/// A target that names no node id.
const UNKNOWN_TARGET: u32 = u32::MAX;

struct PendingRelation {
    /// Index into a [`RelationWords`].
    name: u32,
    at: Pos,
    /// Its targets in `FileRelations::targets` (start, end).
    targets: (u32, u32),
}

struct PendingTarget {
    /// The id in `FileRelations::ids` (start, end). A file is at most 32 MB, so offsets
    /// fit in 32 bits.
    id: (u32, u32),
    /// Its note in `FileRelations::notes`, or [`EdgeData::NO_NOTE`].
    note: u32,
    at: Pos,
}

impl FileRelations {
    /// Room for the relations of about `bytes` of YAML, taken at the density of the
    /// densest files (a relation name and a target per 80 bytes or so) and given back by
    /// [`FileRelations::shrink`]: growing by doubling copied each list once more,
    /// into fresh pages, a good part of a large load's page faults.
    fn with_hint(bytes: usize) -> Self {
        FileRelations {
            words: RelationWords::default(),
            relations: Vec::with_capacity(bytes / 80),
            targets: Vec::with_capacity(bytes / 64),
            ids: String::with_capacity(bytes / 4),
            notes: Vec::new(),
            to: Vec::new(),
        }
    }

    /// Keeps a node's relations; returns where they are in `relations`.
    fn add(&mut self, raw: raw::Ordered<Spanned<raw::Str>, Spanned<raw::Targets>>) -> Range<usize> {
        let start = self.relations.len();
        for (name, targets) in raw.0 {
            let first = self.targets.len() as u32;
            match targets.value {
                raw::Targets::One(id) => self.target(&id, None, targets.referenced),
                raw::Targets::Many(list) => {
                    for t in list {
                        match t.value {
                            raw::Target::Id(id) => self.target(&id, None, t.referenced),
                            raw::Target::Detailed { target, note } => {
                                self.target(&target, note.map(|n| n.as_str().into()), t.referenced)
                            }
                        }
                    }
                }
            }
            self.relations.push(PendingRelation {
                name: self.words.intern(&name.value),
                at: name.referenced,
                targets: (first, self.targets.len() as u32),
            });
        }
        start..self.relations.len()
    }

    fn target(&mut self, id: &str, note: Option<Box<str>>, at: Pos) {
        let start = self.ids.len() as u32;
        self.ids.push_str(id);
        let note = match note {
            Some(n) => {
                self.notes.push(n);
                self.notes.len() as u32 - 1
            }
            None => EdgeData::NO_NOTE,
        };
        self.targets.push(PendingTarget {
            id: (start, self.ids.len() as u32),
            note,
            at,
        });
    }

    fn note(&self, t: &PendingTarget) -> Option<&str> {
        self.notes.get(t.note as usize).map(|n| &**n)
    }

    /// Gives back what the vectors grew beyond their length: a large directory holds
    /// every file's relations until the edge pass, and doubling left a third of them
    /// unused.
    fn shrink(&mut self) {
        self.relations.shrink_to_fit();
        self.targets.shrink_to_fit();
        self.ids.shrink_to_fit();
        self.notes.shrink_to_fit();
    }

    /// Finds each target's node by its id, ignoring case, as `to`; `key` is scratch
    /// space for the lookup key.
    fn resolve(&mut self, ids: &KeyMap<usize>, key: &mut String) {
        self.to = self
            .targets
            .iter()
            .map(|t| {
                crate::names::lookup_key_into(key, &self.ids[t.id.0 as usize..t.id.1 as usize]);
                ids.get(key).map_or(UNKNOWN_TARGET, |&i| u32_pos(i))
            })
            .collect();
    }

    /// Points the relation names at `words` (the whole load's) instead of the file's own.
    fn intern_into(&mut self, words: &mut RelationWords) {
        let local = std::mem::take(&mut self.words);
        let global: Vec<u32> = local.0.iter().map(|w| words.intern(w)).collect();
        for r in &mut self.relations {
            r.name = global[r.name as usize];
        }
    }
}

/// The distinct relation names written in node files, each stored once.
#[derive(Default)]
struct RelationWords(Vec<String>, FastMap<String, u32>);

impl RelationWords {
    fn intern(&mut self, word: &str) -> u32 {
        if let Some(&i) = self.1.get(word) {
            return i;
        }
        let i = u32::try_from(self.0.len()).unwrap_or(u32::MAX);
        self.0.push(word.to_string());
        self.1.insert(word.to_string(), i);
        i
    }
}

/// A map from name keys to values that keeps every key in one shared string. A large
/// directory registers hundreds of thousands of names, and a `String` per key made
/// filling the map, and freeing it at the end of the load, a large part of `check`.
struct KeyMap<V> {
    text: String,
    /// (hash, start and end of the key in `text`, value). Offsets are 32 bits wide: the
    /// table of a large directory's names is hundreds of thousands of entries, each
    /// read by a cache miss, so its width is the map's cost (docs/performance.md).
    table: hashbrown::HashTable<(u64, u32, u32, V)>,
    hasher: foldhash::fast::RandomState,
}

impl<V> Default for KeyMap<V> {
    fn default() -> Self {
        KeyMap {
            text: String::new(),
            table: hashbrown::HashTable::new(),
            hasher: Default::default(),
        }
    }
}

impl<V> KeyMap<V> {
    fn get(&self, key: &str) -> Option<&V> {
        let hash = self.hasher.hash_one(key);
        self.table
            .find(hash, |e| e.0 == hash && key_at(&self.text, e.1, e.2) == key)
            .map(|e| &e.3)
    }

    /// Sets the value of `key`, replacing any value it had.
    fn insert(&mut self, key: &str, value: V) {
        let hash = self.hasher.hash_one(key);
        let text = &self.text;
        if let Some(e) = self
            .table
            .find_mut(hash, |e| e.0 == hash && key_at(text, e.1, e.2) == key)
        {
            e.3 = value;
            return;
        }
        let start = u32_offset(self.text.len());
        self.text.push_str(key);
        let end = u32_offset(self.text.len());
        self.table
            .insert_unique(hash, (hash, start, end, value), |e| e.0);
    }

    /// The value `key` has; if it has none, sets it to `value` and gives `None`. One
    /// hash and one probe, where [`KeyMap::get`] and then [`KeyMap::insert`] took two.
    fn try_insert(&mut self, key: &str, value: V) -> Option<&V> {
        let hash = self.hasher.hash_one(key);
        let text = &self.text;
        let eq = |e: &(u64, u32, u32, V)| e.0 == hash && key_at(text, e.1, e.2) == key;
        match self.table.entry(hash, eq, |e| e.0) {
            hashbrown::hash_table::Entry::Occupied(e) => Some(&e.into_mut().3),
            hashbrown::hash_table::Entry::Vacant(e) => {
                let start = u32_offset(self.text.len());
                self.text.push_str(key);
                let end = u32_offset(self.text.len());
                e.insert((hash, start, end, value));
                None
            }
        }
    }

    /// Room for `keys` more keys of `bytes` in all.
    fn reserve(&mut self, keys: usize, bytes: usize) {
        self.table.reserve(keys, |e| e.0);
        self.text.reserve(bytes);
    }

    /// Sets the value of `key` unless it has one.
    fn insert_if_absent(&mut self, key: &str, value: V) {
        if self.get(key).is_none() {
            self.insert(key, value);
        }
    }
}

fn key_at(text: &str, start: u32, end: u32) -> &str {
    &text[start as usize..end as usize]
}

/// An offset into a [`KeyMap`]'s keys. Every key is a name written in a file that was read
/// whole, so the keys reach 4 GB only after far more than that was read into memory.
fn u32_offset(i: usize) -> u32 {
    u32::try_from(i).expect("a KeyMap's keys fit in 4 GB")
}

/// The relation a catalog entry's `part_of` becomes.
const PART_OF: &str = "part-of";

/// Names (lowercase) → (node index, what the name is, where it was given).
type Names<'a> = KeyMap<(usize, What, Origin<'a>)>;

/// What a registered name is to its node.
#[derive(Clone, Copy, PartialEq, Eq)]
enum What {
    Id,
    Name,
    Alias,
}

impl fmt::Display for What {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            What::Id => "id",
            What::Name => "name",
            What::Alias => "alias",
        })
    }
}

/// Where a name was given, shown as `file:line` in a clash. Kept unformatted because
/// every name of a large directory is registered and only clashes are ever shown.
#[derive(Clone, Copy)]
struct Origin<'a> {
    /// The file rather than its name: a pointer, where a `&str` is two words.
    file: &'a SourceFile,
    line: u32,
}

impl<'a> Origin<'a> {
    fn new(file: &'a SourceFile, loc: Pos) -> Self {
        Origin {
            file,
            line: loc.line,
        }
    }
}

impl fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.name, self.line)
    }
}

/// A catalog entry whose required fields are all present.
struct CatalogRow<'a> {
    file: &'a SourceFile,
    raw: &'a raw::CatalogEntry,
    botocore: String,
    full_name: String,
    protocol: String,
    api_version: String,
    operations: u32,
    regions: u32,
    category: String,
    /// The node the row lands on, once known.
    target: Option<usize>,
}

impl<'a> CatalogRow<'a> {
    fn at(&self, loc: Pos) -> At<'a> {
        At {
            file: self.file,
            loc,
        }
    }

    /// The names the row gives its node: service_id, full_name, abbreviation, botocore.
    fn names(&self) -> Vec<(&'static str, &str, Pos)> {
        let r = self.raw;
        [
            ("service_id", &r.service_id),
            ("full_name", &r.full_name),
            ("abbreviation", &r.abbreviation),
            ("botocore name", &r.botocore),
        ]
        .into_iter()
        .filter_map(|(what, v)| v.as_ref().map(|s| (what, s.value.trim(), s.referenced)))
        .filter(|(_, v, _)| !v.is_empty())
        .collect()
    }
}

fn catalog_text(field: &Option<Spanned<String>>) -> Option<String> {
    field
        .as_ref()
        .map(|s| s.value.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn catalog_property(name: &str, value: Value, note: Option<String>) -> Property {
    Property {
        name: name.to_string(),
        value,
        source: Some(Source::Catalog),
        note: note.map(String::into_boxed_str),
    }
}

/// Pass 2b: applies the `catalog:` entries of every file. A `covered_by` entry gives an
/// existing node the catalog's names as aliases and its API figures as properties; an
/// entry with `id` and `name` creates a catalog-only node (`curated: false`). Returns the
/// `part_of` edges of catalog-only nodes as (from, to, where), for pass 3.
fn apply_catalog<'a>(
    parsed: &'a [(&'a SourceFile, raw::File)],
    nodes: &mut Vec<Node>,
    names: &mut Names<'a>,
    id_index: &mut KeyMap<usize>,
    c: &mut Collector,
) -> Vec<(usize, usize, At<'a>)> {
    // Required fields, and exactly one of `covered_by` or `id` + `name`.
    let mut rows: Vec<CatalogRow<'a>> = Vec::new();
    let mut seen_botocore: FastMap<String, Origin> = FastMap::new();
    for (file, f) in parsed {
        let file_category = f.category.as_ref().map(|c| c.value.trim().to_string());
        for e in f.catalog.iter().flatten() {
            let at = At {
                file,
                loc: e.referenced,
            };
            let raw = &e.value;
            let Some(botocore) = catalog_text(&raw.botocore) else {
                c.error(
                    at,
                    "catalog entry is missing required field `botocore`",
                    None,
                );
                continue;
            };
            let mut complete = true;
            let mut require = |field: &str, value: Option<String>, c: &mut Collector| {
                if value.is_none() {
                    complete = false;
                    c.error(
                        at,
                        format!("catalog entry `{botocore}` is missing required field `{field}`"),
                        None,
                    );
                }
                value.unwrap_or_default()
            };
            require("service_id", catalog_text(&raw.service_id), c);
            let full_name = require("full_name", catalog_text(&raw.full_name), c);
            require("endpoint_prefix", catalog_text(&raw.endpoint_prefix), c);
            let protocol = require("protocol", catalog_text(&raw.protocol), c);
            let api_version = require("api_version", catalog_text(&raw.api_version), c);
            require(
                "operations",
                raw.operations.as_ref().map(|s| s.value.to_string()),
                c,
            );
            require(
                "regions",
                raw.regions.as_ref().map(|s| s.value.to_string()),
                c,
            );
            let category = require(
                "category",
                catalog_text(&raw.category).or_else(|| file_category.clone()),
                c,
            );
            let either = "a catalog entry either maps to an existing node (`covered_by`) or creates one (`id` and `name`)";
            match (&raw.covered_by, &raw.id, &raw.name) {
                (Some(cb), Some(_), _) | (Some(cb), _, Some(_)) => {
                    c.error(
                        At {
                            file,
                            loc: cb.referenced,
                        },
                        format!("catalog entry `{botocore}` has both `covered_by` and `id`/`name`"),
                        Some(either.into()),
                    );
                    complete = false;
                }
                (Some(_), None, None) => {
                    if let Some(p) = &raw.part_of {
                        c.error(
                            At { file, loc: p.referenced },
                            format!("catalog entry `{botocore}` is covered by a node, so it cannot be `part_of` another"),
                            Some("`part_of` only applies to a new catalog node (`id` and `name`); relate curated nodes in their own files".into()),
                        );
                        complete = false;
                    }
                }
                (None, Some(_), None) => {
                    c.error(
                        at,
                        format!("catalog entry `{botocore}` is missing required field `name`"),
                        None,
                    );
                    complete = false;
                }
                (None, None, Some(_)) => {
                    c.error(
                        at,
                        format!("catalog entry `{botocore}` is missing required field `id`"),
                        None,
                    );
                    complete = false;
                }
                (None, None, None) => {
                    c.error(
                        at,
                        format!("catalog entry `{botocore}` needs either `covered_by` or `id` and `name`"),
                        Some(either.into()),
                    );
                    complete = false;
                }
                (None, Some(_), Some(_)) => {}
            }
            let key = botocore.to_lowercase();
            if let Some(prev) = seen_botocore.get(&key) {
                let loc = raw
                    .botocore
                    .as_ref()
                    .map(|s| s.referenced)
                    .unwrap_or(e.referenced);
                c.error(
                    At { file, loc },
                    format!("duplicate catalog entry `{botocore}` (first at {prev})"),
                    None,
                );
                continue;
            }
            seen_botocore.insert(key, Origin::new(file, e.referenced));
            if !complete {
                continue;
            }
            rows.push(CatalogRow {
                file,
                raw,
                botocore,
                full_name,
                protocol,
                api_version,
                operations: raw.operations.as_ref().map_or(0, |s| s.value),
                regions: raw.regions.as_ref().map_or(0, |s| s.value),
                category,
                target: None,
            });
        }
    }

    // Catalog-only nodes: their ids and names first, so that the names rows derive below
    // clash with whole nodes rather than with each other in file order.
    for row in rows.iter_mut().filter(|r| r.raw.covered_by.is_none()) {
        let (Some(id), Some(name)) = (&row.raw.id, &row.raw.name) else {
            continue;
        };
        let (id_text, name_text) = (id.value.trim(), name.value.trim());
        if !is_node_id(id_text) {
            c.error(
                row.at(id.referenced),
                format!("node id `{id_text}` may only hold letters, digits, `-`, `_` and `.`"),
                None,
            );
            continue;
        }
        let idx = nodes.len();
        let mut clash = false;
        for (what, value, loc) in [
            (What::Id, id_text, id.referenced),
            (What::Name, name_text, name.referenced),
        ] {
            let key = value.to_lowercase();
            if what == What::Name && key == id_text.to_lowercase() {
                continue;
            }
            if let Some((other, other_what, prev)) = names.get(&key) {
                let other = &nodes[*other];
                let help = if other.curated {
                    format!(
                        "map the row to the curated node with `covered_by: {}`",
                        other.id
                    )
                } else {
                    "names, ids and aliases must be unique across the graph (case-insensitive)"
                        .to_string()
                };
                c.error(
                    row.at(loc),
                    format!("catalog {what} `{value}` of `{}` is already the {other_what} of `{}` ({prev})", row.botocore, other.id),
                    Some(help),
                );
                clash = true;
            }
        }
        if clash {
            continue;
        }
        let file_line = |loc: Pos| Origin::new(row.file, loc);
        names.insert(
            &id_text.to_lowercase(),
            (idx, What::Id, file_line(id.referenced)),
        );
        names.insert_if_absent(
            &name_text.to_lowercase(),
            (idx, What::Name, file_line(name.referenced)),
        );
        id_index.insert(&id_text.to_lowercase(), idx);
        let summary = catalog_text(&row.raw.summary)
            .unwrap_or_else(|| format!("AWS service API for {}.", row.full_name));
        nodes.push(Node {
            id: id_text.to_string(),
            name: name_text.to_string(),
            kind: Kind::Service,
            category: row.category.clone(),
            aliases: Vec::new(),
            summary,
            properties: Vec::new(),
            facts: Vec::new(),
            sources: vec![Source::Catalog],
            curated: false,
            file: row.file.name.clone(),
        });
        row.target = Some(idx);
    }

    // The names each row derives (service_id, full_name, abbreviation, botocore). On a new
    // node a clash is an error; on a covered node it is a warning and the name stays where
    // it is, because the curated node is what matters.
    for covered in [false, true] {
        for row in rows
            .iter_mut()
            .filter(|r| r.raw.covered_by.is_some() == covered)
        {
            if let Some(cb) = &row.raw.covered_by {
                let key = cb.value.trim().to_lowercase();
                let Some(&t) = id_index.get(&key) else {
                    let help = match names.get(&key) {
                        Some((i, _, _)) => Some(format!(
                            "covered_by names a node id: write `{}`",
                            nodes[*i].id
                        )),
                        // Only ids are suggested, and the loop below only adds aliases,
                        // so the ids are read where they are: a copy of them all was made
                        // on every load, catalog or not (10 ms at a million edges).
                        None => did_you_mean(&suggest(
                            cb.value.trim(),
                            nodes.iter().map(|n| n.id.as_str()),
                        )),
                    };
                    c.error(
                        row.at(cb.referenced),
                        format!(
                            "catalog entry `{}` is covered_by unknown node `{}`",
                            row.botocore,
                            cb.value.trim()
                        ),
                        help,
                    );
                    continue;
                };
                row.target = Some(t);
            }
            let Some(t) = row.target else { continue };
            for (what, value, loc) in row.names() {
                let key = value.to_lowercase();
                match names.get(&key) {
                    Some((i, _, _)) if *i == t => {}
                    Some((other, other_what, prev)) => {
                        let other = &nodes[*other];
                        if covered {
                            c.warn(
                                row.at(loc),
                                format!(
                                    "{what} `{value}` of catalog entry `{}` is already the {other_what} of `{}` ({prev}); it is not added to `{}`",
                                    row.botocore, other.id, nodes[t].id
                                ),
                                None,
                            );
                        } else {
                            let help = if other.curated {
                                format!(
                                    "map the row to the curated node with `covered_by: {}`",
                                    other.id
                                )
                            } else {
                                format!(
                                    "if both rows are the same service, cover one by the other's node (`covered_by: {}`)",
                                    other.id
                                )
                            };
                            c.error(
                                row.at(loc),
                                format!(
                                    "{what} `{value}` of catalog entry `{}` is already the {other_what} of `{}` ({prev})",
                                    row.botocore, other.id
                                ),
                                Some(help),
                            );
                        }
                    }
                    None => {
                        names.insert(&key, (t, What::Alias, Origin::new(row.file, loc)));
                        nodes[t].aliases.push(value.to_string());
                    }
                }
            }
        }
    }

    // A service_id names one node: two rows may share one only if they land on the same node.
    let mut by_service_id: HashMap<String, (usize, usize)> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let (Some(t), Some(sid)) = (row.target, &row.raw.service_id) else {
            continue;
        };
        match by_service_id.get(&sid.value.trim().to_lowercase()) {
            Some(&(first, t0)) if t0 != t => {
                let first = &rows[first];
                c.error(
                    row.at(sid.referenced),
                    format!(
                        "duplicate service_id `{}`: catalog entries `{}` and `{}` land on different nodes (`{}`, `{}`)",
                        sid.value.trim(), first.botocore, row.botocore, nodes[t0].id, nodes[t].id
                    ),
                    Some("if both rows are the same service, cover one by the other's node".into()),
                );
            }
            Some(_) => {}
            None => {
                by_service_id.insert(sid.value.trim().to_lowercase(), (i, t));
            }
        }
    }

    // API figures. When several rows land on one node, the one marked `primary: true`
    // (else the newest API, by api_version then operation count) gives the properties,
    // each noting its client, and the others become facts; `sdk_name` lists every client.
    let mut by_target: BTreeMap<usize, Vec<&CatalogRow>> = BTreeMap::new();
    for row in &rows {
        if let Some(t) = row.target {
            by_target.entry(t).or_default().push(row);
        }
    }
    for (t, mut group) in by_target {
        group.sort_by(|a, b| a.botocore.cmp(&b.botocore));
        let marked: Vec<&CatalogRow> = group
            .iter()
            .copied()
            .filter(|r| r.raw.primary.as_ref().is_some_and(|p| p.value))
            .collect();
        for extra in marked.iter().skip(1) {
            let loc = extra
                .raw
                .primary
                .as_ref()
                .map_or(Pos::UNKNOWN, |p| p.referenced);
            c.error(
                extra.at(loc),
                format!(
                    "catalog entries `{}` and `{}` are both `primary` for `{}`",
                    marked[0].botocore, extra.botocore, nodes[t].id
                ),
                Some("one entry per node supplies its API properties".into()),
            );
        }
        let newest = group.iter().copied().max_by(|a, b| {
            (&a.api_version, a.operations, &b.botocore).cmp(&(
                &b.api_version,
                b.operations,
                &a.botocore,
            ))
        });
        let Some(primary) = marked.first().copied().or(newest) else {
            continue;
        };
        let several = group.len() > 1;
        let client = several.then(|| format!("{} API", primary.botocore));
        let mut props = vec![
            catalog_property(
                "api_protocol",
                Value::Text(primary.protocol.clone()),
                client.clone(),
            ),
            catalog_property(
                "api_operations",
                number_value(f64::from(primary.operations)),
                client.clone(),
            ),
        ];
        if primary.regions > 0 {
            let note = match &client {
                Some(cl) => format!("{cl}; commercial Regions in the SDK's endpoints.json"),
                None => "commercial Regions in the SDK's endpoints.json".to_string(),
            };
            props.push(catalog_property(
                "api_regions",
                number_value(f64::from(primary.regions)),
                Some(note),
            ));
        }
        props.push(catalog_property(
            "api_version",
            Value::Text(primary.api_version.clone()),
            client,
        ));
        props.push(catalog_property(
            "sdk_name",
            if several {
                Value::List(group.iter().map(|r| r.botocore.clone()).collect())
            } else {
                Value::Text(primary.botocore.clone())
            },
            None,
        ));
        let node = &mut nodes[t];
        for p in props {
            // A curated value of the same name wins.
            if node.property(&p.name).is_none() {
                node.properties.push(p);
            }
        }
        for row in group.iter().filter(|r| r.botocore != primary.botocore) {
            node.facts.push(Fact {
                text: format!(
                    "The SDK client {} ({}) is a {} API, version {}, with {} operations.",
                    row.botocore, row.full_name, row.protocol, row.api_version, row.operations
                ),
                source: Some(Source::Catalog),
            });
        }
    }

    // `part_of` of catalog-only nodes.
    let mut edges = Vec::new();
    for row in rows.iter().filter(|r| r.raw.covered_by.is_none()) {
        let (Some(from), Some(p)) = (row.target, &row.raw.part_of) else {
            continue;
        };
        let at = row.at(p.referenced);
        let key = p.value.trim().to_lowercase();
        match id_index.get(&key) {
            Some(&to) if to == from => c.error(
                at,
                format!("catalog node `{}` is part_of itself", nodes[from].id),
                None,
            ),
            Some(&to) => edges.push((from, to, at)),
            None => {
                let help = match names.get(&key) {
                    Some((i, _, _)) => {
                        Some(format!("part_of names a node id: write `{}`", nodes[*i].id))
                    }
                    None => did_you_mean(&suggest(
                        p.value.trim(),
                        nodes.iter().map(|n| n.id.as_str()),
                    )),
                };
                c.error(
                    at,
                    format!(
                        "catalog entry `{}` is part_of unknown node `{}`",
                        row.botocore,
                        p.value.trim()
                    ),
                    help,
                );
            }
        }
    }
    edges
}

/// serde's message for a value that fits no untagged variant names a Rust type; say what
/// the YAML should have looked like instead.
fn explain_untagged(message: &str) -> String {
    const SHAPES: &[(&str, &str)] = &[
        (
            "PropertyValue",
            "a property value must be a scalar (`true`, `400 KB`, `1-365 days`, text), a list, or a mapping with `value` or `text` and optional `source` and `note` (quote text that contains `,` `:` `{` or `[` inside a flow mapping)",
        ),
        (
            "FactEntry",
            "a fact must be a string or a mapping with `text` and optional `source`",
        ),
        (
            "Target",
            "a relation target must be a node id or a mapping with `target` and optional `note`",
        ),
        ("Plain", "expected a scalar or a list of strings"),
    ];
    if message.contains("did not match any variant of untagged enum") {
        for (ty, explain) in SHAPES {
            if message.trim_end().ends_with(ty) {
                return (*explain).to_string();
            }
        }
    }
    message.to_string()
}

/// Every free-text field of a node, named for diagnostics.
/// Calls `f` with every text of the node that is shown to a user, and what it is. (A
/// callback rather than a list: it runs for every node of a large directory.)
fn node_texts<'n>(n: &'n Node, mut f: impl FnMut(&'static str, &'n str)) {
    f("id", &n.id);
    f("name", &n.name);
    f("summary", &n.summary);
    f("category", &n.category);
    n.aliases.iter().for_each(|a| f("an alias", a));
    n.facts.iter().for_each(|x| f("a fact", &x.text));
    for p in &n.properties {
        match &p.value {
            Value::Text(t) => f("a property value", t),
            Value::List(items) => items.iter().for_each(|i| f("a property value", i)),
            _ => {}
        }
        if let Some(note) = &p.note {
            f("a property note", note);
        }
    }
}

fn is_forbidden_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// The first control character in `text` that may not be shown as text. Printable ASCII
/// is checked byte by byte first: every text of a large directory passes through here.
fn forbidden_control(text: &str) -> Option<char> {
    // Counted rather than searched: a loop without an early exit is vectorised.
    let unprintable = |b: u8| !((0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t');
    if text.bytes().filter(|&b| unprintable(b)).count() == 0 {
        return None;
    }
    text.chars().find(|c| is_forbidden_control(*c))
}

fn typed_property(
    name: raw::Str,
    raw: raw::PropertyValue,
    at: At,
    c: &mut Collector,
) -> Option<Property> {
    let (plain, text, source, note) = match raw {
        raw::PropertyValue::Plain(p) => (Some(p), None, None, None),
        raw::PropertyValue::Detailed(d) => (d.value, d.text, d.source, d.note),
    };
    let value = match (plain, text) {
        (Some(_), Some(_)) => {
            c.error(
                at,
                format!("property `{name}` has both `value` and `text`"),
                Some("use `text` for free text, `value` for a typed value".into()),
            );
            return None;
        }
        (None, Some(t)) => Value::Text(t.into()),
        (None, None) => {
            c.error(at, format!("property `{name}` has no `value`"), None);
            return None;
        }
        (Some(p), None) => match p {
            raw::Plain::Bool(b) => Value::Bool(b),
            raw::Plain::Int(i) => number_value(i as f64),
            raw::Plain::Float(f) if f.is_finite() => number_value(f),
            raw::Plain::Float(_) => {
                c.error(
                    at,
                    format!("property `{name}` is not a finite number"),
                    None,
                );
                return None;
            }
            raw::Plain::List(items) => Value::List(items.into_iter().map(String::from).collect()),
            raw::Plain::Str(s) => match parse_quantity(&s) {
                Ok(Some(v)) => v,
                Ok(None) => Value::Text(trimmed(s)),
                Err(e) => {
                    let help = match e {
                        crate::value::QuantityError::UnknownUnit { .. } => {
                            format!("{}; for free text write {{text: \"{s}\"}}", e.help())
                        }
                        _ => e.help(),
                    };
                    c.error(at, format!("property `{name}`: {e}"), Some(help));
                    return None;
                }
            },
        },
    };
    let source = match source {
        None => None,
        Some(s) => match parse_source(s.trim()) {
            Some(src) => Some(src),
            None => {
                c.error(
                    at,
                    format!("invalid source `{s}` on property `{name}`"),
                    Some(SOURCE_HELP.into()),
                );
                None
            }
        },
    };
    Some(Property {
        name: name.into(),
        value,
        source,
        note: note.map(|n| Box::from(n.as_str())),
    })
}

fn number_value(n: f64) -> Value {
    match parse_quantity(&n.to_string()) {
        Ok(Some(v)) => v,
        _ => Value::Text(n.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_map_sets_replaces_and_keeps_first() {
        let mut m: KeyMap<usize> = KeyMap::default();
        m.insert("lambda", 1);
        m.insert_if_absent("lambda", 2);
        assert_eq!(m.get("lambda"), Some(&1));
        m.insert("lambda", 3);
        assert_eq!(m.get("lambda"), Some(&3));
        assert_eq!(m.get("lambd"), None);
        assert_eq!(m.get(""), None);
        // Enough keys to make the table grow several times.
        for i in 0..5000 {
            m.insert_if_absent(&format!("key {i}"), i);
        }
        assert!((0..5000).all(|i| m.get(&format!("key {i}")) == Some(&i)));
        assert_eq!(m.get("lambda"), Some(&3));
        // `try_insert` sets a key that has no value, and keeps and gives one that has.
        assert_eq!(m.try_insert("lambda", 4), Some(&3));
        assert_eq!(m.try_insert("glue", 5), None);
        assert_eq!(m.try_insert("glue", 6), Some(&5));
        for i in 5000..10_000 {
            assert_eq!(m.try_insert(&format!("key {i}"), i), None);
        }
        assert!((0..10_000).all(|i| m.get(&format!("key {i}")) == Some(&i)));
        assert_eq!((m.get("lambda"), m.get("glue")), (Some(&3), Some(&5)));
    }

    /// The room made for the whole load is judged from what was read so far, but never
    /// from a sliver of it: a one-node file read first in a directory of large files once
    /// had the lists sized as if every file were that dense, over the memory target.
    #[test]
    fn room_is_made_for_the_whole_load_only_from_a_fair_sample() {
        let file = SourceFile {
            name: "graph/services/a.yaml".into(),
            text: "nodes:\n  - id: Tiny\n    name: Tiny\n    kind: concept\n    summary: A tiny node.\n    sources: [notes]\n".into(),
        };
        let (_, parts) =
            crate::fast_yaml::parse_file_checked(&file.text, 1, &PartChecker(&file)).unwrap();
        let room_after = |done: usize, total: usize| {
            let (mut nodes, mut pending) = (Vec::new(), Vec::<u8>::new());
            let (mut ids, mut names) = (KeyMap::<usize>::default(), KeyMap::<u8>::default());
            make_room(
                &parts,
                (done, total),
                &mut nodes,
                &mut pending,
                &mut ids,
                &mut names,
            );
            nodes.capacity()
        };
        // The whole load: this file's node (a list's smallest room is a few).
        assert!(room_after(100, 100) < 10);
        // A tenth of the load read: room for ten times as many nodes, and a tenth more.
        assert_eq!(room_after(100, 1_000), 11);
        // A millionth: no guess yet, only this file's node (a guess was 1.1 million).
        assert!(room_after(100, 100_000_000) < 10);
    }

    #[test]
    fn read_text_reads_whole_files_and_locates_bad_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let text = "nodes:\n  - id: Café\n".repeat(5000);
        let p = write("big.yaml", text.as_bytes());
        assert_eq!(&*read_text(&p).unwrap().unwrap(), text);
        assert_eq!(&*read_text(&write("empty.yaml", b"")).unwrap().unwrap(), "");
        // The offset is that of the first byte that is not UTF-8.
        let bad = read_text(&write("bad.yaml", b"id: caf\xc3\xa9 \xff\n")).unwrap();
        assert_eq!(bad, Err(10));
        assert!(read_text(&dir.path().join("missing.yaml")).is_err());
        // Too large by its size, and by what can be read from it when it has none.
        let big = std::fs::File::create(dir.path().join("big.yaml")).unwrap();
        big.set_len(MAX_FILE_BYTES + 1).unwrap();
        let e = read_text(&dir.path().join("big.yaml")).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge);
        #[cfg(unix)]
        {
            let endless = dir.path().join("endless.yaml");
            std::os::unix::fs::symlink("/dev/zero", &endless).unwrap();
            let e = read_text(&endless).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge, "{e}");
            let mut buf = Vec::new();
            let e = read_into(&endless, &mut buf).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge, "{e}");
        }
        // The reused buffer holds exactly the file read last.
        let mut buf = b"left over from before".to_vec();
        read_into(&write("whole.yaml", text.as_bytes()), &mut buf).unwrap();
        assert_eq!(buf, text.as_bytes());
        read_into(&dir.path().join("empty.yaml"), &mut buf).unwrap();
        assert!(buf.is_empty());
        assert!(read_into(&dir.path().join("missing.yaml"), &mut buf).is_err());
    }

    /// A named pipe is refused, not opened: opening one waits for a writer. Each read
    /// runs on a thread of its own so that a regression fails here instead of hanging.
    #[cfg(unix)]
    #[test]
    fn named_pipes_are_refused_not_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("pipe.yaml");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
        let within = |read: fn(PathBuf) -> std::io::ErrorKind| {
            let (tx, rx) = std::sync::mpsc::channel();
            let path = pipe.clone();
            std::thread::spawn(move || tx.send(read(path)));
            rx.recv_timeout(std::time::Duration::from_secs(10))
                .expect("reading a named pipe did not return")
        };
        let kind = within(|p| read_text(&p).unwrap_err().kind());
        assert_eq!(kind, std::io::ErrorKind::InvalidInput);
        let kind = within(|p| read_into(&p, &mut Vec::new()).unwrap_err().kind());
        assert_eq!(kind, std::io::ErrorKind::InvalidInput);
    }

    const RELS: &str = "relations:\n  - id: monitors\n    description: watches\n    inverse: monitored by\n    verb: monitor\n  - id: alternative-to\n    description: can replace\n    inverse: alternative to\n    symmetric: true\n";

    /// The test vocabulary and one file of nodes.
    fn test_files(nodes: &str) -> Vec<SourceFile> {
        vec![
            SourceFile {
                name: "graph/relations.yaml".into(),
                text: RELS.into(),
            },
            SourceFile {
                name: "graph/services/test.yaml".into(),
                text: nodes.into(),
            },
        ]
    }

    fn load(nodes: &str) -> Result<Knowledge, LoadError> {
        load_files(&test_files(nodes), Vec::new())
    }

    fn errors(nodes: &str) -> Vec<String> {
        match load(nodes) {
            Err(LoadError::Invalid(r)) => r.errors().map(|d| d.to_string()).collect(),
            Ok(_) => panic!("expected errors"),
            Err(e) => panic!("{e}"),
        }
    }

    const GOOD: &str = "category: monitoring\nnodes:\n  - id: CloudWatch\n    name: Amazon CloudWatch\n    kind: service\n    aliases: [CW]\n    summary: Metrics.\n    sources: [notes]\n    properties:\n      retention: 1-365 days\n      serverless: true\n    relations:\n      monitors: [Lambda]\n  - id: Lambda\n    name: AWS Lambda\n    kind: service\n    summary: Functions.\n    sources: [notes]\n    properties:\n      max_tmp: 10,240 MB\n";

    #[test]
    fn loads_nodes_properties_and_edges() {
        let k = load(GOOD).expect("valid");
        assert_eq!(k.nodes.len(), 2);
        assert_eq!(k.edges.len(), 1);
        assert_eq!(k.nodes[0].category, "monitoring");
        assert!(matches!(
            k.nodes[0].property("retention").unwrap().value,
            Value::Range(_)
        ));
        assert_eq!(
            k.nodes[1].property("max_tmp").unwrap().value.to_string(),
            "10,240 MB"
        );
        // Both services have one relation: warned, not refused.
        assert!(
            k.report
                .warnings()
                .any(|w| w.message.contains("only 1 relation"))
        );
    }

    #[test]
    fn edge_notes_are_kept_beside_the_edges() {
        let text = GOOD.replace(
            "monitors: [Lambda]",
            "monitors: [Lambda]\n      alternative-to: [{target: Lambda, note: \"for short jobs\"}]",
        )
        .replace(
            "max_tmp: 10,240 MB\n",
            "max_tmp: 10,240 MB\n    relations:\n      monitors: [{target: CloudWatch, note: logs}]\n",
        );
        let k = load(&text).expect("valid");
        let edges: Vec<_> = k
            .edges
            .iter()
            .map(|(from, to, e)| (*from, *to, k.note(e)))
            .collect();
        assert_eq!(
            edges,
            [
                (0, 1, None),
                (0, 1, Some("for short jobs")),
                (1, 0, Some("logs"))
            ]
        );
        assert_eq!(k.notes.len(), 2, "only edges with a note have one");
        // A million-edge directory holds this list in full while its graph is built.
        assert_eq!(std::mem::size_of::<(u32, u32, EdgeData)>(), 16);
        // The graph built from it answers with the same notes.
        let g = crate::graph::KnowledgeGraph::from_knowledge(k);
        let mut notes: Vec<_> = g.edges().filter_map(|e| e.note).collect();
        notes.sort_unstable();
        assert_eq!(notes, ["for short jobs", "logs"]);
    }

    #[test]
    fn large_files_are_checked_in_parts_with_their_category() {
        // Large enough to be read in parts on several threads (`fast_yaml::PART_BYTES`).
        let count = 3 * crate::fast_yaml::PART_BYTES / 200;
        let nodes: String = (0..count)
            .map(|i| {
                let target = match i {
                    1 => "Node0",
                    _ if i + 1 == count => "Nod0",
                    _ => "Node1",
                };
                format!(
                    "  - id: Node{i}\n    name: Node number {i}\n    kind: service\n    \
                     summary: A node that makes a large file for this test, number {i}.\n    \
                     relations:\n      monitors: [{target}]\n"
                )
            })
            .collect();
        for text in [
            format!("category: storage\nnodes:\n{nodes}"),
            format!("nodes:\n{nodes}category: storage\n"),
        ] {
            let e = load(&text).expect_err("the last node's target is misspelled");
            let LoadError::Invalid(report) = e else {
                panic!("{e}")
            };
            let errors: Vec<_> = report.errors().collect();
            assert_eq!(errors.len(), 1, "{errors:?}");
            let first_line = if text.starts_with("category") { 3 } else { 2 };
            assert_eq!(
                (errors[0].line, errors[0].column),
                (first_line + 6 * (count - 1) + 5, 18),
                "{}",
                errors[0].message
            );
            let files = test_files(&text.replace("Nod0]", "Node1]"));
            let k = load_files(&files, Vec::new()).expect("valid");
            assert_eq!(k.nodes.len(), count);
            assert!(k.nodes.iter().all(|n| n.category == "storage"));
            assert_eq!(k.nodes[count - 1].id, format!("Node{}", count - 1));
        }
    }

    #[test]
    fn duplicate_id_is_located() {
        let e = errors(&format!(
            "{GOOD}  - id: Lambda\n    name: Again\n    kind: service\n    summary: x\n"
        ));
        assert!(e.iter().any(|m| m.starts_with("graph/services/test.yaml:21:9: error: duplicate node id `Lambda` (first defined at graph/services/test.yaml:14)")), "{e:?}");
    }

    #[test]
    fn duplicate_alias_is_located() {
        let e = errors(&GOOD.replace(
            "summary: Functions.",
            "summary: Functions.\n    aliases: [cw]",
        ));
        assert!(
            e.iter().any(|m| m.contains("test.yaml:18:15")
                && m.contains("alias `cw` of `Lambda` is already the alias of `CloudWatch`")),
            "{e:?}"
        );
    }

    #[test]
    fn unknown_target_suggests() {
        let k = load(&GOOD.replace("monitors: [Lambda]", "monitors: [Lamda]"));
        let Err(LoadError::Invalid(r)) = k else {
            panic!()
        };
        let d = r.errors().next().unwrap();
        assert_eq!((d.line, d.column), (13, 18));
        assert!(d.message.contains("unknown node `Lamda`"));
        assert_eq!(d.help.as_deref(), Some("did you mean `Lambda`?"));
    }

    /// A load that leaves the name indexes out (`check`'s) reports exactly what a full
    /// load reports, the help that reads the name index for an unknown target included,
    /// and loads the same nodes and edges.
    #[test]
    fn a_load_without_query_indexes_says_the_same() {
        let with = |nodes: &str, query_indexes| {
            super::load(&test_files(nodes), Texts::Held, Vec::new(), query_indexes)
        };
        let said = |r: Result<Knowledge, LoadError>| match r {
            Ok(k) => (
                k.report.diagnostics.iter().map(|d| d.to_string()).collect(),
                k.report
                    .diagnostics
                    .iter()
                    .map(|d| d.help.clone())
                    .collect(),
                k.nodes.iter().map(|n| n.id.clone()).collect(),
                k.edges
                    .iter()
                    .map(|(a, b, e)| (*a, *b, e.relation))
                    .collect(),
                k.indexes.is_some(),
            ),
            Err(LoadError::Invalid(r)) => (
                r.diagnostics.iter().map(|d| d.to_string()).collect(),
                r.diagnostics.iter().map(|d| d.help.clone()).collect(),
                Vec::new(),
                Vec::new(),
                false,
            ),
            Err(e) => panic!("{e}"),
        };
        type Said = (
            Vec<String>,
            Vec<Option<String>>,
            Vec<String>,
            Vec<(u32, u32, u32)>,
            bool,
        );
        let cases = [
            GOOD.to_string(),
            // An unknown id, a node's name, its alias in another case, an undeclared
            // relation, and the same edge twice.
            GOOD.replace(
                "monitors: [Lambda]",
                "monitors: [Lamda, AWS Lambda, Lambda]\n      monitor: [Lambda]\n      alternative-to: [cw]",
            )
            .replace("summary: Functions.", "summary: Functions.\n    aliases: [fn]\n    relations:\n      monitors: [FN, CloudWatch, CloudWatch]"),
        ];
        for nodes in &cases {
            let full: Said = said(with(nodes, QueryIndexes::WithLoad));
            let check: Said = said(with(nodes, QueryIndexes::OnFirstUse));
            assert_eq!(full.0, check.0, "{nodes}");
            assert_eq!(full.1, check.1);
            assert_eq!((&full.2, &full.3), (&check.2, &check.3));
            assert!(!check.4, "a check load built the name indexes");
            if full.0.iter().all(|d| !d.contains("error")) {
                assert!(full.4, "a full load left the name indexes out");
            }
        }
        // The broken case does reach every path it is meant to.
        let (said, helps, ..) = said(with(&cases[1], QueryIndexes::OnFirstUse));
        let helps: Vec<&str> = helps.iter().flatten().map(String::as_str).collect();
        assert!(helps.contains(&"did you mean `Lambda`?"), "{helps:?}");
        assert!(
            helps.contains(&"relations name node ids: write `Lambda`"),
            "{helps:?}"
        );
        assert!(
            helps.contains(&"relations name node ids: write `CloudWatch`"),
            "{helps:?}"
        );
        assert!(
            said.iter()
                .any(|d| d.contains("relation `monitor` is not declared")),
            "{said:?}"
        );
        assert!(
            said.iter().any(|d| d.contains("is listed twice")),
            "{said:?}"
        );
    }

    /// Loads the test files as a directory is loaded: each text read when its file's
    /// turn comes and not held after. `again` says whether a file can be read a second
    /// time; `fails` names a file whose every read fails. Gives the result and how often
    /// each file was read.
    fn load_reading(
        nodes: &str,
        again: bool,
        fails: Option<usize>,
    ) -> (Result<Knowledge, LoadError>, Vec<usize>) {
        let held = test_files(nodes);
        let unread: Vec<SourceFile> = held
            .iter()
            .map(|f| SourceFile {
                name: f.name.clone(),
                text: Arc::from(""),
            })
            .collect();
        let reads = Mutex::new(vec![0; held.len()]);
        let read = |i: usize, buf: &mut Vec<u8>| {
            let mut reads = reads.lock().unwrap();
            reads[i] += 1;
            if fails == Some(i) || (reads[i] > 1 && !again) {
                return Err(std::io::ErrorKind::NotFound.into());
            }
            buf.clear();
            buf.extend_from_slice(held[i].text.as_bytes());
            Ok(())
        };
        let sizes: Vec<u64> = held.iter().map(|f| f.text.len() as u64).collect();
        let result = super::load(
            &unread,
            Texts::Read {
                read: &read,
                sizes: &sizes,
            },
            Vec::new(),
            QueryIndexes::WithLoad,
        );
        (result, reads.into_inner().unwrap())
    }

    /// A load that reads each text when its file's turn comes holds none after, so it
    /// must read a file again to show a late diagnostic in its line (the edge pass comes
    /// after every file is parsed), and must read again only the files that have
    /// diagnostics.
    #[test]
    fn texts_are_read_again_for_late_diagnostics() {
        let broken = GOOD.replace("monitors: [Lambda]", "monitors: [Lamda]");
        let Err(LoadError::Invalid(kept)) = load_files(&test_files(&broken), Vec::new()) else {
            panic!("expected errors")
        };
        let (Err(LoadError::Invalid(read)), reads) = load_reading(&broken, true, None) else {
            panic!("expected errors")
        };
        // relations.yaml once, the file with the error twice.
        assert_eq!(reads, [1, 2]);
        let located = |r: &Report| {
            let d = r.errors().next().expect("one error");
            (d.to_string(), d.offset, d.len, d.help.clone())
        };
        assert_eq!(located(&read), located(&kept));
        let (_, offset, len, _) = located(&read);
        assert_eq!(&broken[offset..offset + len], "Lamda");
        assert_eq!(
            read.sources.keys().collect::<Vec<_>>(),
            ["graph/services/test.yaml"]
        );

        // The file is gone by then: the diagnostic stays, without a line to show.
        let (Err(LoadError::Invalid(gone)), _) = load_reading(&broken, false, None) else {
            panic!("expected errors")
        };
        let d = gone.errors().next().expect("one error");
        assert_eq!((d.line, d.column, d.offset, d.len), (13, 18, 0, 0));
        assert!(gone.sources.is_empty());

        // A valid directory reads again only the files its warnings point into.
        let (k, reads) = load_reading(GOOD, true, None);
        let k = k.expect("valid");
        let warned: Vec<&str> = k.report.warnings().map(|d| d.file.as_str()).collect();
        assert!(!warned.contains(&"graph/relations.yaml"));
        assert_eq!(reads[0], 1);
        assert_eq!(reads[1], if warned.is_empty() { 1 } else { 2 });
    }

    /// A file that cannot be read is reported before the mistakes of the files parsed,
    /// as when every file was read before the load, and the other files are still
    /// checked.
    #[test]
    fn unreadable_files_are_reported_first() {
        let broken = GOOD.replace("monitors: [Lambda]", "monitors: [Lamda]");
        let (result, reads) = load_reading(&broken, true, Some(0));
        let Err(LoadError::Invalid(r)) = result else {
            panic!("expected errors")
        };
        let errors: Vec<String> = r.errors().map(|d| d.to_string()).collect();
        assert!(
            errors[0].starts_with("graph/relations.yaml:")
                && errors[0].contains("cannot read file"),
            "{errors:?}"
        );
        // Without the vocabulary the node file's relations are undeclared.
        assert!(
            errors[1..].iter().any(|e| e.contains("test.yaml")),
            "{errors:?}"
        );
        assert_eq!(
            reads[1], 2,
            "the node file is read again for its diagnostics"
        );
    }

    #[test]
    fn undeclared_relation_suggests() {
        let k = load(&GOOD.replace("monitors: [Lambda]", "monitor: [Lambda]"));
        let Err(LoadError::Invalid(r)) = k else {
            panic!()
        };
        let d = r.errors().next().unwrap();
        assert_eq!((d.line, d.column), (13, 7));
        assert!(d.message.contains("relation `monitor` is not declared"));
        assert_eq!(d.help.as_deref(), Some("did you mean `monitors`?"));
    }

    #[test]
    fn malformed_quantity_is_located() {
        let e = errors(&GOOD.replace("10,240 MB", "400 KBB"));
        assert!(
            e.iter()
                .any(|m| m.contains("test.yaml:20:16") && m.contains("unknown unit `KBB`")),
            "{e:?}"
        );
    }

    #[test]
    fn missing_fields_are_all_reported() {
        let e = errors("nodes:\n  - id: A\n  - name: B\n");
        assert!(
            e.iter().any(|m| m.contains("test.yaml:2:9")
                && m.contains("`A` is missing required field `name`")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|m| m.contains("`A` is missing required field `kind`"))
        );
        assert!(
            e.iter()
                .any(|m| m.contains("`A` is missing required field `category`"))
        );
        assert!(
            e.iter()
                .any(|m| m.contains("test.yaml:3:5") && m.contains("missing required field `id`")),
            "{e:?}"
        );
    }

    #[test]
    fn yaml_syntax_error_is_located() {
        let e = errors("nodes:\n  - id: [\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("graph/services/test.yaml:2:9: error: expected string scalar"),
            "{e:?}"
        );
    }

    #[test]
    fn self_loop_and_unknown_kind() {
        let e = errors(
            &GOOD
                .replace("monitors: [Lambda]", "monitors: [CloudWatch]")
                .replace("kind: service\n    aliases", "kind: servise\n    aliases"),
        );
        assert!(
            e.iter().any(|m| m.contains("`CloudWatch` monitors itself")),
            "{e:?}"
        );
        assert!(
            e.iter().any(|m| m.contains("unknown kind `servise`")),
            "{e:?}"
        );
    }

    #[test]
    fn symmetric_edges_are_stored_once() {
        let text = GOOD.replace("monitors: [Lambda]", "alternative-to: [Lambda]")
            + "    relations:\n      alternative-to: CloudWatch\n";
        let k = load(&text).expect("valid");
        assert_eq!(k.edges.len(), 1);
    }

    const RELS_PART_OF: &str = "relations:\n  - id: monitors\n    description: watches\n    inverse: monitored by\n  - id: part-of\n    description: is a part of\n    inverse: has part\n";

    /// Loads GOOD with a catalog file that sorts *before* the curated file, so the tests
    /// also show that catalog entries wait for every curated node.
    fn load_catalog(catalog: &str) -> Result<Knowledge, LoadError> {
        let files = vec![
            SourceFile {
                name: "graph/catalog/aws.yaml".into(),
                text: catalog.into(),
            },
            SourceFile {
                name: "graph/relations.yaml".into(),
                text: RELS_PART_OF.into(),
            },
            SourceFile {
                name: "graph/services/test.yaml".into(),
                text: GOOD.into(),
            },
        ];
        load_files(&files, Vec::new())
    }

    fn catalog_errors(catalog: &str) -> Vec<Diagnostic> {
        match load_catalog(catalog) {
            Err(LoadError::Invalid(r)) => r.errors().cloned().collect(),
            Ok(_) => panic!("expected errors"),
            Err(e) => panic!("{e}"),
        }
    }

    fn node<'k>(k: &'k Knowledge, id: &str) -> &'k Node {
        k.nodes
            .iter()
            .find(|n| n.id == id)
            .unwrap_or_else(|| panic!("no node {id}"))
    }

    const COVERED: &str = "catalog:\n  - service_id: CloudWatch Metrics\n    botocore: monitoring\n    full_name: Amazon CloudWatch\n    abbreviation: CW\n    endpoint_prefix: monitoring\n    protocol: query\n    api_version: \"2010-08-01\"\n    operations: 59\n    regions: 34\n    category: management-governance\n    covered_by: CloudWatch\n";

    #[test]
    fn covered_entry_adds_aliases_and_properties() {
        let k = load_catalog(COVERED).expect("valid");
        let cw = node(&k, "CloudWatch");
        assert!(cw.curated);
        // The full name and abbreviation were already names of CloudWatch: not repeated.
        assert_eq!(cw.aliases, ["CW", "CloudWatch Metrics", "monitoring"]);
        assert_eq!(
            cw.category, "monitoring",
            "a curated node keeps its category"
        );
        let ops = cw.property("api_operations").expect("api_operations");
        assert_eq!(ops.value.to_string(), "59");
        assert_eq!(ops.source, Some(Source::Catalog));
        assert_eq!(
            cw.property("api_protocol").unwrap().value,
            Value::Text("query".into())
        );
        assert_eq!(
            cw.property("api_version").unwrap().value,
            Value::Text("2010-08-01".into())
        );
        assert_eq!(cw.property("api_regions").unwrap().value.to_string(), "34");
        assert_eq!(
            cw.property("sdk_name").unwrap().value,
            Value::Text("monitoring".into())
        );
        assert_eq!(k.nodes.len(), 2, "a covered entry creates no node");
    }

    #[test]
    fn catalog_only_node_and_part_of() {
        let text = "catalog:\n  - service_id: Lambda Web\n    botocore: lambda-web\n    full_name: Lambda Web\n    endpoint_prefix: lambda\n    protocol: rest-json\n    api_version: \"2025-01-01\"\n    operations: 20\n    regions: 0\n    category: compute\n    id: LambdaWeb\n    name: Lambda Web\n    part_of: Lambda\n";
        let k = load_catalog(text).expect("valid");
        let n = node(&k, "LambdaWeb");
        assert!(!n.curated);
        assert_eq!(n.kind, Kind::Service);
        assert_eq!(n.category, "compute");
        assert_eq!(n.sources, [Source::Catalog]);
        assert_eq!(n.summary, "AWS service API for Lambda Web.");
        assert_eq!(n.aliases, ["lambda-web"]);
        assert!(
            n.property("api_regions").is_none(),
            "0 Regions means not listed, not none"
        );
        assert_eq!(
            n.property("api_operations").unwrap().value.to_string(),
            "20"
        );
        let part_of = k.relations.iter().position(|r| r.id == "part-of").unwrap();
        let (from, to) = (
            k.nodes.iter().position(|x| x.id == "LambdaWeb").unwrap(),
            k.nodes.iter().position(|x| x.id == "Lambda").unwrap(),
        );
        assert!(k.edges.iter().any(
            |(f, t, e)| (*f, *t, e.relation) == (u32_pos(from), u32_pos(to), u32_pos(part_of))
        ));
        // Thin-node warnings are for curated nodes only.
        assert!(
            !k.report.warnings().any(|w| w.message.contains("LambdaWeb")),
            "{:?}",
            k.report.diagnostics
        );
    }

    #[test]
    fn unknown_part_of_suggests_a_node_id() {
        let text = "catalog:\n  - service_id: Lambda Web\n    botocore: lambda-web\n    full_name: Lambda Web\n    endpoint_prefix: lambda\n    protocol: rest-json\n    api_version: \"2025-01-01\"\n    operations: 20\n    regions: 0\n    category: compute\n    id: LambdaWeb\n    name: Lambda Web\n    part_of: Lambdaa\n";
        let e = catalog_errors(text);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].line, e[0].column), (13, 14));
        assert!(
            e[0].message
                .contains("`lambda-web` is part_of unknown node `Lambdaa`"),
            "{e:?}"
        );
        // The node the catalog row itself creates is among the ids suggested from.
        assert_eq!(
            e[0].help.as_deref(),
            Some("did you mean one of `Lambda`, `LambdaWeb`?")
        );
        let e = catalog_errors(&text.replace("part_of: Lambdaa", "part_of: LambdaWeeb"));
        assert_eq!(
            e[0].help.as_deref(),
            Some("did you mean one of `LambdaWeb`, `Lambda`?")
        );
    }

    #[test]
    fn unknown_covered_by_is_a_located_error() {
        let e = catalog_errors(&COVERED.replace("covered_by: CloudWatch", "covered_by: CloudWach"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(
            (e[0].file.as_str(), e[0].line, e[0].column),
            ("graph/catalog/aws.yaml", 12, 17)
        );
        assert!(
            e[0].message
                .contains("`monitoring` is covered_by unknown node `CloudWach`"),
            "{e:?}"
        );
        assert_eq!(e[0].help.as_deref(), Some("did you mean `CloudWatch`?"));
        // A name instead of an id says which id to write.
        let e = catalog_errors(
            &COVERED.replace("covered_by: CloudWatch", "covered_by: Amazon CloudWatch"),
        );
        assert_eq!(
            e[0].help.as_deref(),
            Some("covered_by names a node id: write `CloudWatch`")
        );
    }

    #[test]
    fn catalog_clashes_and_duplicates() {
        // A new node whose name is a curated node's name should have been covered_by it.
        let new = COVERED.replace(
            "covered_by: CloudWatch",
            "id: CloudWatchMetrics\n    name: Amazon CloudWatch",
        );
        let e = catalog_errors(&new);
        assert!(e.iter().any(|d| d.line == 13 && d.message.contains("catalog name `Amazon CloudWatch` of `monitoring` is already the name of `CloudWatch`") && d.help.as_deref() == Some("map the row to the curated node with `covered_by: CloudWatch`")), "{e:?}");
        // Two rows with one service_id on different nodes.
        let second = COVERED
            .replace("catalog:\n", "")
            .replace("botocore: monitoring", "botocore: monitoring2")
            .replace("full_name: Amazon CloudWatch", "full_name: Other")
            .replace("abbreviation: CW", "abbreviation: O")
            .replace("covered_by: CloudWatch", "covered_by: Lambda");
        let e = catalog_errors(&format!("{COVERED}{second}"));
        assert!(
            e.iter().any(|d| d
                .message
                .contains("duplicate service_id `CloudWatch Metrics`")),
            "{e:?}"
        );
        // ... on the same node they are fine, and the newest API gives the properties.
        let same = second
            .replace("covered_by: Lambda", "covered_by: CloudWatch")
            .replace("2010-08-01", "2020-01-01")
            .replace("CloudWatch Metrics", "CloudWatch Metrics V2");
        let k = load_catalog(&format!("{COVERED}{same}")).expect("valid");
        let cw = node(&k, "CloudWatch");
        assert_eq!(
            cw.property("api_version").unwrap().value,
            Value::Text("2020-01-01".into())
        );
        assert_eq!(
            cw.property("api_version").unwrap().note.as_deref(),
            Some("monitoring2 API")
        );
        assert_eq!(
            cw.property("sdk_name").unwrap().value,
            Value::List(vec!["monitoring".into(), "monitoring2".into()])
        );
        assert!(cw.facts.iter().any(|f| f.text.contains("client monitoring (Amazon CloudWatch) is a query API, version 2010-08-01, with 59 operations")));
        // `primary: true` beats the newest API; two primaries are an error.
        let k = load_catalog(&format!("{COVERED}    primary: true\n{same}")).expect("valid");
        assert_eq!(
            node(&k, "CloudWatch")
                .property("api_version")
                .unwrap()
                .value,
            Value::Text("2010-08-01".into())
        );
        let e = catalog_errors(&format!(
            "{COVERED}    primary: true\n{same}    primary: true\n"
        ));
        assert!(
            e.iter().any(|d| d
                .message
                .contains("`monitoring` and `monitoring2` are both `primary` for `CloudWatch`")),
            "{e:?}"
        );
        // A covered row's name that belongs to another node is a warning, not an error.
        let k = load_catalog(&COVERED.replace("abbreviation: CW", "abbreviation: AWS Lambda"))
            .expect("valid");
        assert!(k.report.warnings().any(|w| w.line == 5 && w.message.contains("abbreviation `AWS Lambda` of catalog entry `monitoring` is already the name of `Lambda`")), "{:?}", k.report.diagnostics);
        assert!(
            !node(&k, "CloudWatch")
                .aliases
                .iter()
                .any(|a| a == "AWS Lambda")
        );
        // Missing fields and both kinds of entry at once.
        let e = catalog_errors(&COVERED.replace("    protocol: query\n", "").replace(
            "covered_by: CloudWatch",
            "covered_by: CloudWatch\n    id: X",
        ));
        assert!(
            e.iter()
                .any(|d| d.message
                    == "catalog entry `monitoring` is missing required field `protocol`"),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|d| d.message.contains("has both `covered_by` and `id`/`name`")),
            "{e:?}"
        );
    }

    #[test]
    fn byte_offsets_follow_lines_and_chars() {
        assert_eq!(byte_offset("ab\ncdé f\n", 2, 5), 3 + 5);
        assert_eq!(byte_offset("ab\n", 0, 0), 0);
    }
}
