//! The built-in knowledge as a compact binary snapshot: written by `build.rs` from the
//! validated `graph/` and read by `KnowledgeGraph::builtin`, between `load` and `graph`.
//!
//! Every `awsgraph` run used to parse and validate ~500 KB of YAML before answering, which
//! dominated a one-shot query. The build script compiles this module together with
//! `model`, `value` and `load` (through `#[path]`), runs the very same validation once,
//! and stores the result with postcard; a start then decodes the small parts (relations,
//! edges, sorted name indexes borrowed from the embedded bytes) and leaves each node
//! encoded until it is looked at. Whether the bytes and the YAML still agree is checked by
//! a test, not assumed.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::load::{Diagnostic, Knowledge, Report, Severity};
use crate::model::{Node, RelationDef};
use crate::names::{Index, u32_at};

/// A diagnostic with the byte span that its JSON form leaves out, so warnings of the
/// built-in graph keep their caret display.
#[derive(Serialize, Deserialize)]
struct StoredDiagnostic {
    error: bool,
    file: String,
    line: usize,
    column: usize,
    message: String,
    help: Option<String>,
    offset: usize,
    len: usize,
}

/// What the snapshot holds. Each node is encoded on its own and kept as bytes, so that
/// a start decodes only the nodes a query looks at (`graph::NodeStore`); the name
/// indexes are stored ready-sorted and read in place. A one-shot `ask` used to spend
/// nine tenths of its time decoding all 525 nodes and indexing their names.
#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    relations: Vec<RelationDef>,
    #[serde(borrow)]
    nodes: Nodes<'a>,
    #[serde(borrow)]
    edges: Edges<'a>,
    #[serde(borrow)]
    names: Index<'a>,
    #[serde(borrow)]
    compact: Index<'a>,
    diagnostics: Vec<StoredDiagnostic>,
}

/// A decoded snapshot. Strings and node encodings borrow from the snapshot bytes.
pub struct Snapshot<'a> {
    pub relations: Vec<RelationDef>,
    pub nodes: Nodes<'a>,
    pub edges: Edges<'a>,
    /// `names::Indexes` of the nodes, read in place.
    pub names: Index<'a>,
    pub compact: Index<'a>,
    pub report: Report,
}

/// Serialises validated knowledge. The file texts are left out: the binary embeds them
/// anyway, and `decode` takes them from there for the files that diagnostics name.
pub fn encode(k: &Knowledge) -> Result<Vec<u8>, postcard::Error> {
    let mut nodes = Nodes::default();
    for n in &k.nodes {
        nodes.data.to_mut().extend(postcard::to_allocvec(n)?);
        let end = u32::try_from(nodes.data.len()).expect("snapshot under 4 GB");
        nodes.ends.to_mut().extend_from_slice(&end.to_le_bytes());
    }
    let indexes = crate::names::built_or_build(&k.indexes, &k.nodes);
    let stored = Stored {
        relations: k.relations.clone(),
        nodes,
        edges: Edges::new(k),
        names: indexes.names.clone(),
        compact: indexes.compact.clone(),
        diagnostics: k
            .report
            .diagnostics
            .iter()
            .map(|d| StoredDiagnostic {
                error: d.severity == Severity::Error,
                file: d.file.clone(),
                line: d.line,
                column: d.column,
                message: d.message.clone(),
                help: d.help.clone(),
                offset: d.offset,
                len: d.len,
            })
            .collect(),
    };
    postcard::to_allocvec(&stored)
}

/// Reads a snapshot back, except the nodes themselves. `text_of` gives a file's text by
/// its diagnostic name; only the files that diagnostics point into are asked for, so a
/// clean graph copies no text.
pub fn decode<'a>(
    bytes: &'a [u8],
    text_of: impl Fn(&str) -> Option<Arc<str>>,
) -> Result<Snapshot<'a>, postcard::Error> {
    let stored: Stored<'a> = postcard::from_bytes(bytes)?;
    let mut report = Report::default();
    for d in stored.diagnostics {
        if !report.sources.contains_key(&d.file)
            && let Some(text) = text_of(&d.file)
        {
            report.sources.insert(d.file.clone(), text);
        }
        report.diagnostics.push(Diagnostic {
            severity: if d.error {
                Severity::Error
            } else {
                Severity::Warning
            },
            file: d.file,
            line: d.line,
            column: d.column,
            message: d.message,
            help: d.help,
            offset: d.offset,
            len: d.len,
        });
    }
    Ok(Snapshot {
        relations: stored.relations,
        nodes: stored.nodes,
        edges: stored.edges,
        names: stored.names,
        compact: stored.compact,
        report,
    })
}

/// One postcard encoding per node, in load order, one after another, with a table of
/// where each ends. Decoding a list of byte strings instead read every length prefix and
/// so brought the whole 450 KB snapshot into memory at each start.
#[derive(Default, Serialize, Deserialize)]
pub struct Nodes<'a> {
    /// Little-endian `u32` end offsets into `data`.
    #[serde(borrow)]
    ends: Cow<'a, [u8]>,
    #[serde(borrow)]
    data: Cow<'a, [u8]>,
}

impl Nodes<'_> {
    pub fn count(&self) -> usize {
        self.ends.len() / 4
    }

    fn end(&self, i: usize) -> usize {
        u32_at(&self.ends, 4 * i) as usize
    }

    /// The encoding of node `i`, for [`decode_node`].
    pub fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.end(i - 1) };
        &self.data[start..self.end(i)]
    }
}

/// The edges as flat little-endian `u32` words rather than serde records: decoding 688
/// edges field by field through serde, each note validated on its own, was most of what
/// was left of loading the snapshot.
#[derive(Serialize, Deserialize)]
pub struct Edges<'a> {
    /// Per edge: from, to, relation, start and end of its note in `notes` (start
    /// `u32::MAX` for none).
    #[serde(borrow)]
    words: Cow<'a, [u8]>,
    #[serde(borrow)]
    notes: Cow<'a, str>,
}

const NO_NOTE: u32 = u32::MAX;

impl Edges<'_> {
    fn new(k: &Knowledge) -> Edges<'static> {
        let mut words = Vec::new();
        let mut notes = String::new();
        for (from, to, e) in &k.edges {
            let end_of = |notes: &String| u32::try_from(notes.len()).expect("notes under 4 GB");
            let (start, end) = match k.note(e) {
                Some(n) => {
                    let start = end_of(&notes);
                    notes.push_str(n);
                    (start, end_of(&notes))
                }
                None => (NO_NOTE, 0),
            };
            for w in [*from, *to, e.relation, start, end] {
                words.extend_from_slice(&w.to_le_bytes());
            }
        }
        Edges {
            words: words.into(),
            notes: notes.into(),
        }
    }

    pub fn count(&self) -> usize {
        self.words.len() / 20
    }
}

impl Edges<'static> {
    /// (from node, to node, relation, note) as indices into `Snapshot::nodes` and the
    /// relations. The notes of the snapshot embedded in the binary are borrowed from it:
    /// copying them was a visible part of a one-shot `ask`.
    pub fn into_links(
        self,
    ) -> impl Iterator<Item = (usize, usize, usize, Option<Cow<'static, str>>)> {
        let count = self.count();
        (0..count).map(move |k| {
            let w = |i: usize| u32_at(&self.words, 20 * k + 4 * i) as usize;
            let note = (w(3) != NO_NOTE as usize).then(|| match &self.notes {
                Cow::Borrowed(notes) => Cow::Borrowed(&notes[w(3)..w(4)]),
                Cow::Owned(notes) => Cow::Owned(notes[w(3)..w(4)].to_string()),
            });
            (w(0), w(1), w(2), note)
        })
    }
}

/// Decodes one node of [`Snapshot::nodes`] (see [`Nodes::get`]).
pub fn decode_node(bytes: &[u8]) -> Result<Node, postcard::Error> {
    postcard::from_bytes(bytes)
}

/// The id of an encoded node, without decoding the rest of it: `id` is a node's first
/// field, so its encoding starts the node's. Answers that only name a node (the other
/// ends of `compare`'s shared links, say) decoded whole nodes for it.
pub fn node_id(bytes: &[u8]) -> Result<&str, postcard::Error> {
    postcard::take_from_bytes::<&str>(bytes).map(|(id, _)| id)
}

#[cfg(test)]
mod tests {
    use crate::graph::{KnowledgeGraph, embedded};

    /// The snapshot is built by `build.rs` and the YAML is read at run time; if the two
    /// paths ever disagree, answers would depend on how the graph was loaded.
    #[test]
    fn snapshot_equals_yaml() {
        assert!(
            embedded::SNAPSHOT.is_some(),
            "build.rs wrote no snapshot: graph/ does not validate at build time"
        );
        let snap = KnowledgeGraph::builtin().expect("snapshot decodes");
        let yaml = KnowledgeGraph::builtin_from_yaml().expect("graph/ validates");
        assert_eq!(snap.relations(), yaml.relations());
        // A fresh graph, so that `node` decodes each node here rather than `nodes` first.
        let lazy = KnowledgeGraph::builtin().expect("snapshot decodes");
        for (key, n) in yaml.nodes() {
            // The id is read from the encoding before the node is decoded.
            assert_eq!(lazy.node_id(key), n.id);
            assert_eq!(lazy.node(key), n);
            assert_eq!(lazy.node_id(key), n.id);
        }
        let nodes = |g: &KnowledgeGraph| g.nodes().map(|(k, n)| (k, n.clone())).collect::<Vec<_>>();
        assert_eq!(nodes(&snap), nodes(&yaml));
        assert_eq!(nodes(&lazy), nodes(&yaml));
        assert_eq!(snap.node_count(), yaml.node_count());
        assert_eq!(snap.edge_count(), yaml.edge_count());
        let edges = |g: &KnowledgeGraph| {
            g.edges()
                .map(|e| {
                    (
                        e.from,
                        e.to,
                        e.relation.id.clone(),
                        e.note.map(str::to_string),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(edges(&snap), edges(&yaml));
        let diags = |g: &KnowledgeGraph| {
            g.report()
                .diagnostics
                .iter()
                .map(|d| (d.to_string(), d.help.clone(), d.offset, d.len))
                .collect::<Vec<_>>()
        };
        assert_eq!(diags(&snap), diags(&yaml));
        // Name lookups: every id, name and alias as written, lowercased, compacted and
        // misspelt, through both the exact and the compact index and `suggest`.
        let mut queries = Vec::new();
        for (_, n) in yaml.nodes() {
            for name in std::iter::once(&n.id)
                .chain(std::iter::once(&n.name))
                .chain(&n.aliases)
            {
                queries.push(name.clone());
                queries.push(format!("  {}  ", name.to_uppercase()));
                queries.push(name.replace(' ', "-"));
                queries.push(format!("{name}x"));
                let mut chars: Vec<char> = name.chars().collect();
                if chars.len() > 3 {
                    chars.swap(1, 2);
                    queries.push(chars.iter().collect());
                    chars.remove(0);
                    queries.push(chars.iter().collect());
                }
            }
        }
        queries.extend(
            ["", "step functions", "Snow Family", "aws", "amazon", "zzzz"].map(String::from),
        );
        for q in &queries {
            assert_eq!(snap.resolve(q), yaml.resolve(q), "resolve {q:?}");
        }
        // `suggest` scores every name, so a sample keeps the test quick.
        for q in queries.iter().step_by(7) {
            assert_eq!(snap.suggest(q), yaml.suggest(q), "suggest {q:?}");
        }
        let phrases = |g: &KnowledgeGraph| {
            let mut p: Vec<String> = g.relation_phrases().map(str::to_string).collect();
            p.sort();
            p
        };
        assert_eq!(phrases(&snap), phrases(&yaml));
        for p in phrases(&yaml) {
            assert_eq!(snap.resolve_relation(&p), yaml.resolve_relation(&p), "{p}");
        }
        for d in &snap.report().diagnostics {
            assert_eq!(
                snap.report().sources.get(&d.file),
                yaml.report().sources.get(&d.file),
                "the text behind a diagnostic of {}",
                d.file
            );
        }
    }
}
