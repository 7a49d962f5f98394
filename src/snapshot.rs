//! The built-in knowledge as a compact binary snapshot: written by `build.rs` from the
//! validated `graph/` and read by `KnowledgeGraph::builtin`, between `load` and `graph`.
//!
//! Every `awsgraph` run used to parse and validate ~500 KB of YAML before answering, which
//! dominated a one-shot query. The build script compiles this module together with
//! `model`, `value` and `load` (through `#[path]`), runs the very same validation once,
//! and stores the result with postcard; a start then only decodes it. Whether the bytes
//! and the YAML still agree is checked by a test, not assumed.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::load::{Diagnostic, Knowledge, Report, Severity};
use crate::model::{EdgeData, Node, RelationDef};

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

#[derive(Serialize, Deserialize)]
struct Stored {
    relations: Vec<RelationDef>,
    nodes: Vec<Node>,
    edges: Vec<(usize, usize, EdgeData)>,
    diagnostics: Vec<StoredDiagnostic>,
}

/// Serialises validated knowledge. The file texts are left out: the binary embeds them
/// anyway, and `decode` takes them from there for the files that diagnostics name.
pub fn encode(k: &Knowledge) -> Result<Vec<u8>, postcard::Error> {
    let stored = Stored {
        relations: k.relations.clone(),
        nodes: k.nodes.clone(),
        edges: k.edges.clone(),
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

/// Reads a snapshot back. `text_of` gives a file's text by its diagnostic name; only the
/// files that diagnostics point into are asked for, so a clean graph copies no text.
pub fn decode(
    bytes: &[u8],
    text_of: impl Fn(&str) -> Option<Arc<str>>,
) -> Result<Knowledge, postcard::Error> {
    let stored: Stored = postcard::from_bytes(bytes)?;
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
    Ok(Knowledge {
        relations: stored.relations,
        nodes: stored.nodes,
        edges: stored.edges,
        report,
    })
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
        let nodes = |g: &KnowledgeGraph| g.nodes().map(|(_, n)| n.clone()).collect::<Vec<_>>();
        assert_eq!(nodes(&snap), nodes(&yaml));
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
