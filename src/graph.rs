//! The knowledge graph: a petgraph `StableDiGraph` of the edges between validated nodes,
//! plus the indexes the query evaluator needs (names, relation phrases). Third stage,
//! after `load`.
//!
//! petgraph's `NodeIndex` stays inside this module; callers get an opaque [`NodeKey`], so
//! the storage can change without touching queries or renderers. It did: the built-in
//! graph keeps its nodes encoded and its name indexes in the embedded snapshot, so that a
//! one-shot `ask` decodes only the nodes it looks at (issue 7, docs/performance.md).

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use petgraph::Direction as PgDirection;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeIndexable, EdgeRef, IntoEdgeReferences, NodeIndexable};

use crate::load::{self, Knowledge, LoadError, Report, SourceFile};
use crate::model::{EdgeData, Node, RelationDef};
use crate::names::{self, Index, compact_key, lookup_key};
use crate::snapshot;

/// An opaque handle on a node of one [`KnowledgeGraph`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeKey(u32);

impl NodeKey {
    fn index(self) -> NodeIndex {
        NodeIndex::new(self.0 as usize)
    }
    fn of(i: NodeIndex) -> Self {
        NodeKey(i.index() as u32)
    }
}

/// Which way an edge points, seen from the node being looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Outgoing,
    Incoming,
}

/// An edge seen from one of its ends.
#[derive(Debug, Clone, Copy)]
pub struct Link<'g> {
    pub relation: &'g RelationDef,
    pub direction: Direction,
    pub other: NodeKey,
    pub note: Option<&'g str>,
}

/// An edge with both ends, as it is stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeView<'g> {
    pub from: NodeKey,
    pub to: NodeKey,
    pub relation: &'g RelationDef,
    pub note: Option<&'g str>,
}

/// One step of a path: the edge and whether it was walked along its direction.
#[derive(Debug, Clone, Copy)]
pub struct Hop<'g> {
    pub edge: EdgeView<'g>,
    pub forward: bool,
}

/// A relation phrase resolved against the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RelationMatch<'g> {
    pub relation: &'g RelationDef,
    /// True when the phrase read the relation backwards (`monitored by`).
    pub inverse: bool,
}

pub struct KnowledgeGraph {
    /// The edges; node weights live in `nodes`, at the position of their `NodeIndex`.
    graph: StableDiGraph<(), EdgeData>,
    nodes: NodeStore,
    relations: Vec<RelationDef>,
    /// lowercase id, name and alias → node (`names::Indexes`). The built-in graph's
    /// indexes are read in place from the embedded snapshot.
    names: Index<'static>,
    /// The same keys in `names::compact_key` form → node, or `names::AMBIGUOUS` for a
    /// key that two nodes share.
    compact: Index<'static>,
    /// normalised phrase → (relation index, inverse?). Built on first use: most queries
    /// name no relation, and a start should not pay for it.
    phrases: OnceLock<HashMap<String, (usize, bool)>>,
    report: Report,
}

/// Where the nodes are.
enum NodeStore {
    /// Loaded from YAML: decoded already.
    Owned(Vec<Node>),
    /// The built-in snapshot: each node stays encoded in the binary until it is first
    /// looked at, so a start costs the same whatever the size of the graph.
    Lazy {
        encoded: snapshot::Nodes<'static>,
        decoded: Vec<OnceLock<Box<Node>>>,
    },
}

impl std::fmt::Debug for KnowledgeGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnowledgeGraph")
            .field("nodes", &self.graph.node_count())
            .field("edges", &self.graph.edge_count())
            .finish()
    }
}

/// Lowercases a relation phrase and drops the filler people type around it
/// (`is part of`, `part-of`, `Part_Of` all mean `part of`).
pub fn normalize_phrase(phrase: &str) -> String {
    let lower = phrase.to_lowercase().replace(['-', '_'], " ");
    let words: Vec<&str> = lower.split_whitespace().collect();
    let words = match words.first() {
        Some(&("is" | "are" | "was" | "be" | "gets")) if words.len() > 1 => &words[1..],
        _ => &words[..],
    };
    words.join(" ")
}

pub(crate) mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_graph.rs"));
}

impl KnowledgeGraph {
    /// The knowledge shipped inside the binary: the snapshot that `build.rs` validated,
    /// or, when the shipped YAML did not validate at build time, that YAML, so the errors
    /// are reported as for any directory.
    pub fn builtin() -> Result<Self, LoadError> {
        if let Some(bytes) = embedded::SNAPSHOT {
            let text_of = |name: &str| {
                embedded::FILES
                    .iter()
                    .find(|(rel, _)| name.strip_prefix("graph/") == Some(*rel))
                    .map(|(_, text)| Arc::from(*text))
            };
            // A snapshot that does not decode would be a build bug; the YAML still works.
            if let Ok(s) = snapshot::decode(bytes, text_of) {
                return Ok(Self::from_snapshot(s));
            }
        }
        Self::builtin_from_yaml()
    }

    /// The shipped YAML, parsed and validated now; what `builtin` falls back to, and what
    /// tests compare the snapshot against.
    pub fn builtin_from_yaml() -> Result<Self, LoadError> {
        let files: Vec<SourceFile> = embedded::FILES
            .iter()
            .map(|(name, text)| SourceFile {
                name: format!("graph/{name}"),
                text: (*text).into(),
            })
            .collect();
        Ok(Self::from_knowledge(load::load_files(&files, Vec::new())?))
    }

    /// Reads and validates a knowledge directory.
    pub fn load_dir(dir: &Path) -> Result<Self, LoadError> {
        let (files, problems) = load::read_dir(dir)?;
        let knowledge = load::load_files(&files, problems)?;
        // The texts are no longer needed (the report keeps those it points into); freeing
        // them before the indexes are built lowers the peak of a large load.
        drop(files);
        Ok(Self::from_knowledge(knowledge))
    }

    pub fn from_knowledge(k: Knowledge) -> Self {
        let index = names::build(&k.nodes);
        Self::assemble(
            k.relations,
            NodeStore::Owned(k.nodes),
            k.edges.len(),
            k.edges,
            index.names,
            index.compact,
            k.report,
        )
    }

    fn from_snapshot(s: snapshot::Snapshot<'static>) -> Self {
        let decoded = std::iter::repeat_with(OnceLock::new)
            .take(s.nodes.count())
            .collect();
        Self::assemble(
            s.relations,
            NodeStore::Lazy {
                encoded: s.nodes,
                decoded,
            },
            s.edges.count(),
            s.edges.iter(),
            s.names,
            s.compact,
            s.report,
        )
    }

    fn assemble(
        relations: Vec<RelationDef>,
        nodes: NodeStore,
        edge_count: usize,
        edges: impl IntoIterator<Item = (usize, usize, EdgeData)>,
        names: Index<'static>,
        compact: Index<'static>,
        report: Report,
    ) -> Self {
        let count = match &nodes {
            NodeStore::Owned(v) => v.len(),
            NodeStore::Lazy { encoded, .. } => encoded.count(),
        };
        let mut graph = StableDiGraph::with_capacity(count, edge_count);
        // Without removals a stable graph numbers nodes 0, 1, ..., which is what lets
        // `NodeStore` and the name indexes hold positions.
        for _ in 0..count {
            graph.add_node(());
        }
        for (from, to, e) in edges {
            graph.add_edge(NodeIndex::new(from), NodeIndex::new(to), e);
        }
        KnowledgeGraph {
            graph,
            nodes,
            relations,
            names,
            compact,
            phrases: OnceLock::new(),
            report,
        }
    }

    fn phrases(&self) -> &HashMap<String, (usize, bool)> {
        self.phrases.get_or_init(|| {
            let mut phrases = HashMap::new();
            for (i, r) in self.relations.iter().enumerate() {
                phrases.insert(normalize_phrase(&r.id), (i, false));
                if let Some(v) = &r.verb {
                    phrases.entry(normalize_phrase(v)).or_insert((i, false));
                }
                // For a symmetric relation the inverse reads the same way.
                phrases
                    .entry(normalize_phrase(&r.inverse))
                    .or_insert((i, !r.symmetric));
            }
            phrases
        })
    }

    /// Warnings found while loading.
    pub fn report(&self) -> &Report {
        &self.report
    }

    pub fn node(&self, key: NodeKey) -> &Node {
        let i = key.0 as usize;
        match &self.nodes {
            NodeStore::Owned(nodes) => &nodes[i],
            NodeStore::Lazy { encoded, decoded } => decoded[i].get_or_init(|| {
                // `snapshot_equals_yaml` decodes every node, so this cannot fail in a
                // tested build.
                Box::new(snapshot::decode_node(encoded.get(i)).expect("built-in node decodes"))
            }),
        }
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Nodes in the order they were loaded.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeKey, &Node)> + '_ {
        self.graph.node_indices().map(|i| {
            let key = NodeKey::of(i);
            (key, self.node(key))
        })
    }

    pub fn relations(&self) -> &[RelationDef] {
        &self.relations
    }

    /// Every edge of the graph.
    pub fn edges(&self) -> impl Iterator<Item = EdgeView<'_>> + '_ {
        (&self.graph).edge_references().map(|e| self.view(e))
    }

    fn view<'g>(&'g self, e: petgraph::stable_graph::EdgeReference<'g, EdgeData>) -> EdgeView<'g> {
        EdgeView {
            from: NodeKey::of(e.source()),
            to: NodeKey::of(e.target()),
            relation: &self.relations[e.weight().relation],
            note: e.weight().note.as_deref(),
        }
    }

    /// Finds a node by id, full name or alias, ignoring case.
    pub fn resolve(&self, name: &str) -> Option<NodeKey> {
        let lower = lookup_key(name);
        self.names
            .get(&lower)
            .or_else(|| {
                self.compact
                    .get(&compact_key(&lower))
                    .filter(|&i| i != names::AMBIGUOUS)
            })
            .map(NodeKey)
    }

    /// Up to three names close to `name`, for "did you mean".
    pub fn suggest(&self, name: &str) -> Vec<String> {
        let lower = lookup_key(name);
        let mut scored: Vec<(f64, u32)> = self
            .names
            .iter()
            .map(|(k, i)| {
                let mut s = strsim::jaro_winkler(&lower, k);
                if k.contains(&lower) && lower.len() >= 3 {
                    s = s.max(0.9);
                }
                (s, i)
            })
            .filter(|(s, _)| *s > 0.75)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out: Vec<String> = Vec::new();
        for (_, i) in scored {
            let id = &self.node(NodeKey(i)).id;
            if !out.contains(id) {
                out.push(id.clone());
            }
            if out.len() == 3 {
                break;
            }
        }
        out
    }

    /// Resolves a relation phrase (`monitors`, `monitor`, `monitored by`, `is part of`).
    pub fn resolve_relation(&self, phrase: &str) -> Option<RelationMatch<'_>> {
        self.phrases()
            .get(&normalize_phrase(phrase))
            .map(|&(i, inverse)| RelationMatch {
                relation: &self.relations[i],
                inverse,
            })
    }

    /// Every phrase a relation can be written as, for suggestions and completion.
    pub fn relation_phrases(&self) -> impl Iterator<Item = &str> + '_ {
        self.phrases().keys().map(String::as_str)
    }

    /// Every edge touching `key`, seen from `key`. A symmetric relation shows as outgoing
    /// from both ends.
    pub fn links(&self, key: NodeKey) -> Vec<Link<'_>> {
        let i = key.index();
        let mut out = Vec::new();
        for dir in [PgDirection::Outgoing, PgDirection::Incoming] {
            for e in self.graph.edges_directed(i, dir) {
                let rel = &self.relations[e.weight().relation];
                let (other, direction) = match dir {
                    PgDirection::Outgoing => (e.target(), Direction::Outgoing),
                    PgDirection::Incoming if rel.symmetric => (e.source(), Direction::Outgoing),
                    PgDirection::Incoming => (e.source(), Direction::Incoming),
                };
                out.push(Link {
                    relation: rel,
                    direction,
                    other: NodeKey::of(other),
                    note: e.weight().note.as_deref(),
                });
            }
        }
        out
    }

    /// Shortest chain of edges from `from` to `to`, ignoring direction; among chains of
    /// that length, one that follows edge directions when there is one. `None` when they
    /// are not connected.
    ///
    /// Preferring any directed chain regardless of length would answer `path Subnet NACL`
    /// with a seven-hop detour through IAM instead of "Subnet protected by NACL".
    pub fn shortest_path(&self, from: NodeKey, to: NodeKey) -> Option<Vec<Hop<'_>>> {
        let any = self.bfs_path(from, to, false)?;
        match self.bfs_path(from, to, true) {
            Some(directed) if directed.len() <= any.len() => Some(directed),
            _ => Some(any),
        }
    }

    fn bfs_path(&self, from: NodeKey, to: NodeKey, directed: bool) -> Option<Vec<Hop<'_>>> {
        if from == to {
            return Some(Vec::new());
        }
        // Indexed by node rather than hashed: on a million-edge graph the search touches
        // most nodes, and the hashing was most of its time (docs/performance.md).
        let mut prev: Vec<Option<Hop<'_>>> = vec![None; self.graph.node_bound()];
        let mut queue = VecDeque::from([from.index()]);
        let start = from.index();
        while let Some(n) = queue.pop_front() {
            for (next, hop, _) in self.steps(n, directed) {
                if next == start || prev[next.index()].is_some() {
                    continue;
                }
                prev[next.index()] = Some(hop);
                if next == to.index() {
                    let mut path = vec![hop];
                    let mut cur = if hop.forward {
                        hop.edge.from
                    } else {
                        hop.edge.to
                    };
                    while cur != from {
                        let h = prev[cur.0 as usize]?;
                        cur = if h.forward { h.edge.from } else { h.edge.to };
                        path.push(h);
                    }
                    path.reverse();
                    return Some(path);
                }
                queue.push_back(next);
            }
        }
        None
    }

    /// The nodes reachable from `n` in one step, with the hop that reaches them.
    fn steps(
        &self,
        n: NodeIndex,
        directed: bool,
    ) -> impl Iterator<Item = (NodeIndex, Hop<'_>, EdgeIndex)> + '_ {
        let out = self
            .graph
            .edges_directed(n, PgDirection::Outgoing)
            .map(|e| {
                (
                    e.target(),
                    Hop {
                        edge: self.view(e),
                        forward: true,
                    },
                    e.id(),
                )
            });
        let inc = self
            .graph
            .edges_directed(n, PgDirection::Incoming)
            .filter(move |e| !directed || self.relations[e.weight().relation].symmetric)
            .map(|e| {
                (
                    e.source(),
                    Hop {
                        edge: self.view(e),
                        forward: false,
                    },
                    e.id(),
                )
            });
        out.chain(inc)
    }

    /// Nodes within `depth` steps of `center` (any direction), optionally only through
    /// the given relations, with their distance; and the edges walked to reach them.
    pub fn neighborhood(
        &self,
        center: NodeKey,
        depth: usize,
        via: Option<&[&RelationDef]>,
    ) -> (Vec<(NodeKey, usize)>, Vec<EdgeView<'_>>) {
        let allowed = |r: &RelationDef| via.is_none_or(|v| v.iter().any(|x| x.id == r.id));
        // Distances and walked edges indexed by position, not hashed, as in `bfs_path`.
        let mut dist: Vec<Option<usize>> = vec![None; self.graph.node_bound()];
        dist[center.index().index()] = Some(0);
        let mut order = vec![(center, 0)];
        let mut edges = Vec::new();
        let mut seen_edges = vec![false; self.graph.edge_bound()];
        let mut queue = VecDeque::from([center.index()]);
        while let Some(n) = queue.pop_front() {
            let Some(d) = dist[n.index()] else { continue };
            if d >= depth {
                continue;
            }
            for (next, hop, id) in self.steps(n, false) {
                if !allowed(hop.edge.relation) || seen_edges[id.index()] {
                    continue;
                }
                seen_edges[id.index()] = true;
                // An edge to a node already found still belongs to the picture, once.
                edges.push(hop.edge);
                if dist[next.index()].is_none() {
                    dist[next.index()] = Some(d + 1);
                    order.push((NodeKey::of(next), d + 1));
                    queue.push_back(next);
                }
            }
        }
        (order, edges)
    }
}
