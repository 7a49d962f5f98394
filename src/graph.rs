//! The knowledge graph: a petgraph `StableDiGraph` of the edges between validated nodes,
//! plus the indexes the query evaluator needs (names, relation phrases). Third stage,
//! after `load`.
//!
//! petgraph's `NodeIndex` stays inside this module; callers get an opaque [`NodeKey`], so
//! the storage can change without touching queries or renderers. It did: the built-in
//! graph keeps its nodes encoded and its name indexes in the embedded snapshot, so that a
//! one-shot `ask` decodes only the nodes it looks at (issue 7, docs/performance.md).

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use petgraph::Direction as PgDirection;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeIndexable, EdgeRef, IntoEdgeReferences, NodeIndexable};

use crate::load::{self, Knowledge, LoadError, Report, SourceFile};
use crate::model::{EdgeData, Node, RelationDef};
use crate::names::{self, Indexes, compact_key, lookup_key};
use crate::snapshot;
use crate::value::{Dimension, Value};

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

/// An edge as the graph stores it: two indexes, 8 bytes. Notes are few, so they are
/// kept apart (`KnowledgeGraph::notes`); an `Option<Cow<str>>` in every edge made a
/// million-edge graph 24 MB larger.
#[derive(Debug)]
struct StoredEdge {
    /// Index into the graph's relations.
    relation: u32,
    /// Index into the graph's notes, or [`EdgeData::NO_NOTE`].
    note: u32,
}

/// The graph's adjacency lists; node weights live in a [`NodeStore`].
type Adjacency = StableDiGraph<(), StoredEdge>;

/// Builds the adjacency lists of `count` nodes from (from, to, relation, note) edges.
fn adjacency(
    count: usize,
    edge_count: usize,
    edges: impl IntoIterator<Item = (usize, usize, u32, u32)>,
) -> Adjacency {
    let mut graph = StableDiGraph::with_capacity(count, edge_count);
    // Without removals a stable graph numbers nodes 0, 1, ..., which is what lets
    // `NodeStore` and the name indexes hold positions.
    for _ in 0..count {
        graph.add_node(());
    }
    for (from, to, relation, note) in edges {
        graph.add_edge(
            NodeIndex::new(from),
            NodeIndex::new(to),
            StoredEdge { relation, note },
        );
    }
    graph
}

pub struct KnowledgeGraph {
    /// The edges; node weights live in `nodes`, at the position of their `NodeIndex`.
    /// Built from `unbuilt` at first use for a graph loaded with
    /// `load::QueryIndexes::OnFirstUse`: at a million edges it is 40 ms of a `check`
    /// that reads no edge.
    graph: OnceLock<Adjacency>,
    /// The edges until `graph` is built from them, as (from, to, edge).
    unbuilt: Mutex<Vec<(u32, u32, EdgeData)>>,
    edge_count: usize,
    nodes: NodeStore,
    relations: Vec<RelationDef>,
    /// The notes on edges. A note of the built-in graph is borrowed from the snapshot
    /// embedded in the binary instead of copied at every start.
    notes: Vec<Cow<'static, str>>,
    /// lowercase id, name and alias → node, and the same keys in `names::compact_key`
    /// form → node or `names::AMBIGUOUS`. The built-in graph's are read in place from
    /// the embedded snapshot; a load for `check` leaves them out
    /// (`load::QueryIndexes::OnFirstUse`), and they are built at the first lookup.
    indexes: OnceLock<Indexes>,
    /// normalised phrase → (relation index, inverse?). Built on first use: most queries
    /// name no relation, and a start should not pay for it.
    phrases: OnceLock<foldhash::HashMap<String, (usize, bool)>>,
    report: Report,
    /// Filled one property at a time, by the first `find` that compares it, so a start
    /// that asks something else pays nothing and one that compares `max_size` reads
    /// only `max_size`.
    quantities: QuantityIndex,
    /// `neighborhood`'s search state, kept between queries.
    scratch: Mutex<Scratch>,
}

/// A distance per node and a flag per edge, every entry unset between searches.
/// Allocated afresh for each query, they were faulted in afresh too at a million edges
/// (1.8 MB; mimalloc returns freed pages to the system within milliseconds, `allocator`),
/// and `neighbors X depth 3` took 1.3–2.3 ms; kept, a search resets only what it set.
#[derive(Default)]
struct Scratch {
    dist: Vec<usize>,
    seen_edges: Vec<bool>,
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scratch").finish_non_exhaustive()
    }
}

/// Property name → dimension → the nodes whose property of that name is a quantity or
/// range of that dimension, sorted by value, so `find where max_size >= 9000 MB` is a
/// range lookup instead of a test of every node.
///
/// A name's entry is built the first time a `find` compares that property, from that
/// property alone. Building every name's entry at once cost the first `find` of a
/// million-edge graph 45–75 ms (reading every property of every node, each name a cache
/// miss of its own), more than a scan of every node answers it in (13–14 ms); one name's
/// entry costs about a scan (docs/performance.md).
#[derive(Debug, Default)]
struct QuantityIndex {
    /// An empty entry records a name that no node has as a quantity.
    by_name: Mutex<hashbrown::HashMap<String, Arc<PropertyValues>, foldhash::fast::RandomState>>,
}

/// One property's values: one list per dimension it is written in (a name has one or
/// two).
type PropertyValues = Vec<(Dimension, SortedValues)>;

/// The same entries twice: by the top of their value (a quantity's base value, a range's
/// high end), which decides `>`/`>=`, and by the bottom, which decides `<`/`<=`.
#[derive(Debug, Default)]
struct SortedValues {
    by_high: Vec<(f64, NodeKey)>,
    by_low: Vec<(f64, NodeKey)>,
}

/// Which side of a value `quantity_candidates` looks on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Above { inclusive: bool },
    Below { inclusive: bool },
}

/// From this many nodes on, a property's entry is built on rayon's threads. Reading
/// every node's properties is mostly cache misses, so two threads nearly halve it in a
/// million-edge graph; a small graph must not start the thread pool for it.
const PARALLEL_INDEX_FROM: usize = 20_000;

impl QuantityIndex {
    /// The entry of property `name`, built now if no `find` has asked for it yet.
    fn values(&self, g: &KnowledgeGraph, name: &str) -> Arc<PropertyValues> {
        let lock = || self.by_name.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(values) = lock().get(name) {
            return Arc::clone(values);
        }
        // Built without the lock held: it runs on rayon's threads, and a query on another
        // property need not wait for it. Two `find`s of one new name at once build it
        // twice and keep the first.
        let parallel = g.node_count() >= PARALLEL_INDEX_FROM;
        let built = Arc::new(Self::build(g, name, parallel.then_some(4096)));
        Arc::clone(lock().entry_ref(name).or_insert(built))
    }

    /// The entry of property `name`, built in chunks of this many nodes on rayon's
    /// threads, or on this thread.
    fn build(g: &KnowledgeGraph, name: &str, chunks: Option<usize>) -> PropertyValues {
        use rayon::prelude::*;
        let keys: Vec<NodeKey> = g.keys().collect();
        let part = |keys: &[NodeKey]| {
            let mut values = PropertyValues::new();
            for &key in keys {
                Self::add(&mut values, key, g.node(key), name);
            }
            values
        };
        let mut values = match chunks {
            None => part(&keys),
            Some(size) => keys
                .par_chunks(size.max(1))
                .map(part)
                .reduce(PropertyValues::new, Self::merge),
        };
        // The order among equal values does not matter: candidates are sorted by node
        // afterwards. A radix sort of a million-edge graph's 100,000 values takes a
        // fraction of a comparison sort's time.
        for (_, e) in &mut values {
            for list in [&mut e.by_high, &mut e.by_low] {
                radsort::sort_by_key(list, |v| v.0);
            }
        }
        values
    }

    fn add(values: &mut PropertyValues, key: NodeKey, n: &Node, name: &str) {
        // `Node::property` answers with the first property of a name, so a later
        // duplicate is not found here either.
        let Some(p) = n.property(name) else {
            return;
        };
        let (dim, low, high) = match &p.value {
            Value::Quantity(q) => (q.unit.dimension, q.base(), q.base()),
            Value::Range(r) => (r.unit.dimension, r.base_low(), r.base_high()),
            _ => return,
        };
        // NaN compares as neither above nor below anything, and would break the sorted
        // order the lookup relies on.
        if low.is_nan() || high.is_nan() {
            return;
        }
        Self::of_dimension(values, dim).push(key, low, high);
    }

    fn of_dimension(values: &mut PropertyValues, dim: Dimension) -> &mut SortedValues {
        let at = values
            .iter()
            .position(|(d, _)| *d == dim)
            .unwrap_or_else(|| {
                values.push((dim, SortedValues::default()));
                values.len() - 1
            });
        &mut values[at].1
    }

    /// Joins the entries of two disjoint sets of nodes.
    fn merge(mut a: PropertyValues, b: PropertyValues) -> PropertyValues {
        for (dim, mut values) in b {
            let e = Self::of_dimension(&mut a, dim);
            e.by_high.append(&mut values.by_high);
            e.by_low.append(&mut values.by_low);
        }
        a
    }
}

impl SortedValues {
    fn push(&mut self, key: NodeKey, low: f64, high: f64) {
        self.by_high.push((high, key));
        self.by_low.push((low, key));
    }
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
            .field("nodes", &self.node_count())
            .field("edges", &self.edge_count())
            .finish()
    }
}

/// Lowercases a relation phrase and drops the filler people type around it
/// (`is part of`, `part-of`, `Part_Of` all mean `part of`).
pub fn normalize_phrase(phrase: &str) -> String {
    if !phrase.is_ascii() {
        return normalize_phrase_unicode(phrase);
    }
    // The same result in one pass and one allocation: the first `what` of a one-shot
    // question normalizes every phrase of the vocabulary, and the general form's four
    // allocations a phrase were a tenth of such a run's instructions.
    let mut words = phrase
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .peekable();
    if let Some(first) = words.peek()
        && FILLERS.iter().any(|f| first.eq_ignore_ascii_case(f))
    {
        let filler = words.next().unwrap_or_default();
        if words.peek().is_none() {
            return filler.to_ascii_lowercase();
        }
    }
    let mut out = String::with_capacity(phrase.len());
    for w in words {
        if !out.is_empty() {
            out.push(' ');
        }
        let start = out.len();
        out.push_str(w);
        out[start..].make_ascii_lowercase();
    }
    out
}

/// Words people put before a relation phrase (`is part of`), dropped unless alone.
const FILLERS: [&str; 5] = ["is", "are", "was", "be", "gets"];

/// [`normalize_phrase`] for text with characters beyond ASCII, whose lowercase forms
/// follow Unicode's rules.
fn normalize_phrase_unicode(phrase: &str) -> String {
    let lower = phrase.to_lowercase().replace(['-', '_'], " ");
    let words: Vec<&str> = lower.split_whitespace().collect();
    let words = match words.first() {
        Some(w) if FILLERS.contains(w) && words.len() > 1 => &words[1..],
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
        Self::load_dir_with(dir, load::QueryIndexes::WithLoad)
    }

    /// [`KnowledgeGraph::load_dir`], saying when the structures only queries read are
    /// built: a graph loaded with [`load::QueryIndexes::OnFirstUse`] answers the same,
    /// but its first name lookup builds the name indexes, and its first look at an
    /// edge the adjacency lists.
    pub fn load_dir_with(dir: &Path, query_indexes: load::QueryIndexes) -> Result<Self, LoadError> {
        let k = load::load_dir_with(dir, query_indexes)?;
        Ok(Self::from_knowledge_with(k, query_indexes))
    }

    pub fn from_knowledge(k: Knowledge) -> Self {
        Self::from_knowledge_with(k, load::QueryIndexes::WithLoad)
    }

    fn from_knowledge_with(k: Knowledge, query_indexes: load::QueryIndexes) -> Self {
        // The load keeps notes in edge order, one per edge that has one, so the edges'
        // note numbers hold for the graph's list as they are.
        let notes = k
            .notes
            .into_iter()
            .map(|n| Cow::Owned(n.into_string()))
            .collect();
        let edge_count = k.edges.len();
        let g = Self::assemble(
            (OnceLock::new(), k.edges, edge_count),
            NodeStore::Owned(k.nodes),
            k.relations,
            notes,
            k.indexes,
            k.report,
        );
        if query_indexes == load::QueryIndexes::WithLoad {
            g.graph();
        }
        g
    }

    fn from_snapshot(s: snapshot::Snapshot<'static>) -> Self {
        let count = s.nodes.count();
        let decoded = std::iter::repeat_with(OnceLock::new).take(count).collect();
        let edge_count = s.edges.count();
        let mut notes = Vec::new();
        let edges = s.edges.into_links().map(|(from, to, relation, note)| {
            let note = match note {
                Some(n) => {
                    notes.push(n);
                    u32::try_from(notes.len() - 1).expect("fewer than 4 billion notes")
                }
                None => EdgeData::NO_NOTE,
            };
            let relation = u32::try_from(relation).expect("fewer than 4 billion relations");
            (from, to, relation, note)
        });
        let graph = adjacency(count, edge_count, edges);
        Self::assemble(
            (OnceLock::from(graph), Vec::new(), edge_count),
            NodeStore::Lazy {
                encoded: s.nodes,
                decoded,
            },
            s.relations,
            notes,
            Some(Indexes {
                names: s.names,
                compact: s.compact,
            }),
            s.report,
        )
    }

    fn assemble(
        (graph, unbuilt, edge_count): (OnceLock<Adjacency>, Vec<(u32, u32, EdgeData)>, usize),
        nodes: NodeStore,
        relations: Vec<RelationDef>,
        notes: Vec<Cow<'static, str>>,
        indexes: Option<Indexes>,
        report: Report,
    ) -> Self {
        KnowledgeGraph {
            graph,
            unbuilt: Mutex::new(unbuilt),
            edge_count,
            nodes,
            relations,
            notes,
            indexes: indexes.map(OnceLock::from).unwrap_or_default(),
            phrases: OnceLock::new(),
            report,
            quantities: QuantityIndex::default(),
            scratch: Mutex::default(),
        }
    }

    /// The adjacency lists, built from `unbuilt` at the first call.
    fn graph(&self) -> &Adjacency {
        self.graph.get_or_init(|| {
            let edges =
                std::mem::take(&mut *self.unbuilt.lock().unwrap_or_else(PoisonError::into_inner));
            let count = edges.len();
            let edges = edges
                .into_iter()
                .map(|(from, to, e)| (from as usize, to as usize, e.relation, e.note));
            adjacency(self.node_count(), count, edges)
        })
    }

    fn indexes(&self) -> &Indexes {
        self.indexes.get_or_init(|| match &self.nodes {
            NodeStore::Owned(nodes) => names::build(nodes),
            NodeStore::Lazy { .. } => {
                let nodes: Vec<&Node> = self.nodes().map(|(_, n)| n).collect();
                names::build(&nodes)
            }
        })
    }

    fn note(&self, e: &StoredEdge) -> Option<&str> {
        self.notes.get(e.note as usize).map(|n| &**n)
    }

    fn phrases(&self) -> &foldhash::HashMap<String, (usize, bool)> {
        self.phrases.get_or_init(|| {
            // Callers sort what they read from it, so its hasher's order is not seen.
            let mut phrases = foldhash::HashMap::default();
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

    /// A node's id. A built-in node not decoded yet is not decoded for it.
    pub fn node_id(&self, key: NodeKey) -> &str {
        let i = key.0 as usize;
        match &self.nodes {
            NodeStore::Owned(nodes) => &nodes[i].id,
            NodeStore::Lazy { encoded, decoded } => match decoded[i].get() {
                Some(n) => &n.id,
                // `snapshot_equals_yaml` reads every id this way, so this cannot fail in
                // a tested build.
                None => snapshot::node_id(encoded.get(i)).expect("built-in node id decodes"),
            },
        }
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
        match &self.nodes {
            NodeStore::Owned(v) => v.len(),
            NodeStore::Lazy { encoded, .. } => encoded.count(),
        }
    }

    pub fn edge_count(&self) -> usize {
        self.edge_count
    }

    /// Nodes in the order they were loaded.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeKey, &Node)> + '_ {
        self.keys().map(|key| (key, self.node(key)))
    }

    /// The keys of the nodes, in the order they were loaded, without decoding a node of
    /// the built-in graph.
    fn keys(&self) -> impl Iterator<Item = NodeKey> + use<> {
        (0..self.node_count()).map(|i| NodeKey::of(NodeIndex::new(i)))
    }

    pub fn relations(&self) -> &[RelationDef] {
        &self.relations
    }

    /// Every edge of the graph.
    pub fn edges(&self) -> impl Iterator<Item = EdgeView<'_>> + '_ {
        self.graph().edge_references().map(|e| self.view(e))
    }

    fn view<'g>(
        &'g self,
        e: petgraph::stable_graph::EdgeReference<'g, StoredEdge>,
    ) -> EdgeView<'g> {
        EdgeView {
            from: NodeKey::of(e.source()),
            to: NodeKey::of(e.target()),
            relation: &self.relations[e.weight().relation as usize],
            note: self.note(e.weight()),
        }
    }

    /// Finds a node by id, full name or alias, ignoring case.
    pub fn resolve(&self, name: &str) -> Option<NodeKey> {
        let lower = lookup_key(name);
        let indexes = self.indexes();
        indexes
            .names
            .get(&lower)
            .or_else(|| {
                indexes
                    .compact
                    .get(&compact_key(&lower))
                    .filter(|&i| i != names::AMBIGUOUS)
            })
            .map(NodeKey)
    }

    /// Up to three names close to `name`, for "did you mean".
    pub fn suggest(&self, name: &str) -> Vec<String> {
        let lower = lookup_key(name);
        let mut scored: Vec<(f64, u32)> = self
            .indexes()
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
            for e in self.graph().edges_directed(i, dir) {
                let rel = &self.relations[e.weight().relation as usize];
                let (other, direction) = match dir {
                    PgDirection::Outgoing => (e.target(), Direction::Outgoing),
                    PgDirection::Incoming if rel.symmetric => (e.source(), Direction::Outgoing),
                    PgDirection::Incoming => (e.source(), Direction::Incoming),
                };
                out.push(Link {
                    relation: rel,
                    direction,
                    other: NodeKey::of(other),
                    note: self.note(e.weight()),
                });
            }
        }
        out
    }

    /// Nodes whose property `name` is a quantity or range of dimension `dim` with some
    /// value above (or below) `value` in base units, in node order. Every node for which a
    /// `>`, `>=`, `<` or `<=` comparison of that property holds is among them; the caller
    /// still tests each one, so the index only has to narrow the scan, never decide.
    pub fn quantity_candidates(
        &self,
        name: &str,
        dim: Dimension,
        value: f64,
        bound: Bound,
    ) -> Vec<NodeKey> {
        let values = self.quantities.values(self, name);
        let Some((_, e)) = values.iter().find(|(d, _)| *d == dim) else {
            return Vec::new();
        };
        let mut keys: Vec<NodeKey> = match bound {
            Bound::Above { inclusive } => {
                let start = e
                    .by_high
                    .partition_point(|(h, _)| if inclusive { *h < value } else { *h <= value });
                e.by_high[start..].iter().map(|(_, k)| *k).collect()
            }
            Bound::Below { inclusive } => {
                let end = e
                    .by_low
                    .partition_point(|(l, _)| if inclusive { *l <= value } else { *l < value });
                e.by_low[..end].iter().map(|(_, k)| *k).collect()
            }
        };
        keys.sort_unstable();
        keys
    }

    /// Shortest chain of edges from `from` to `to`, ignoring direction; among chains of
    /// that length, one that follows edge directions when there is one. `None` when they
    /// are not connected.
    ///
    /// Preferring any directed chain regardless of length would answer `path Subnet NACL`
    /// with a seven-hop detour through IAM instead of "Subnet protected by NACL".
    ///
    /// The lengths come from searches that grow from both ends, which on a large graph
    /// touch far fewer nodes than one search from `from`. Which of several equally short
    /// chains is answered is still the one a plain breadth-first search from `from` finds
    /// first (`bfs_path`), because that search is rerun over only the nodes that lie on a
    /// shortest chain, and on those it visits in the same order.
    pub fn shortest_path(&self, from: NodeKey, to: NodeKey) -> Option<Vec<Hop<'_>>> {
        if from == to {
            return Some(Vec::new());
        }
        let (len, on_any) = self.chain_nodes(from.index(), to.index(), false, usize::MAX)?;
        // A directed chain can only be as short as the undirected one or longer, and only
        // one as short is preferred, so its search stops at that length.
        if let Some((_, on_directed)) = self.chain_nodes(from.index(), to.index(), true, len) {
            return self.bfs_path(from, to, true, &on_directed);
        }
        self.bfs_path(from, to, false, &on_any)
    }

    /// Breadth-first search from `from` to `to` through the nodes marked in `on`; the
    /// first chain it reaches `to` by, as a search through the whole graph would find it.
    fn bfs_path(
        &self,
        from: NodeKey,
        to: NodeKey,
        directed: bool,
        on: &[bool],
    ) -> Option<Vec<Hop<'_>>> {
        // Hashed rather than indexed by node: only the few marked nodes get an entry.
        let mut prev: HashMap<NodeIndex, Hop<'_>> = HashMap::new();
        let mut queue = VecDeque::from([from.index()]);
        let start = from.index();
        while let Some(n) = queue.pop_front() {
            for (next, hop, _) in self.steps(n, directed) {
                if next == start || !on[next.index()] || prev.contains_key(&next) {
                    continue;
                }
                prev.insert(next, hop);
                if next == to.index() {
                    let mut path = vec![hop];
                    let mut cur = if hop.forward {
                        hop.edge.from
                    } else {
                        hop.edge.to
                    };
                    while cur != from {
                        let h = *prev.get(&cur.index())?;
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

    /// The nodes one step from `n`, walking edges forwards (`ahead`) or backwards; with
    /// `directed`, only along edge directions (both ways for symmetric relations).
    fn adjacent(
        &self,
        n: NodeIndex,
        directed: bool,
        ahead: bool,
    ) -> impl Iterator<Item = NodeIndex> + '_ {
        let (along, against) = if ahead {
            (PgDirection::Outgoing, PgDirection::Incoming)
        } else {
            (PgDirection::Incoming, PgDirection::Outgoing)
        };
        let first = self
            .graph()
            .edges_directed(n, along)
            .map(move |e| if ahead { e.target() } else { e.source() });
        let second = self
            .graph()
            .edges_directed(n, against)
            .filter(move |e| !directed || self.relations[e.weight().relation as usize].symmetric)
            .map(move |e| if ahead { e.source() } else { e.target() });
        first.chain(second)
    }

    /// The length of the shortest chain from `from` to `to` (at most `limit`), and a mark
    /// on every node that lies on some chain of that length. Grows a search from each
    /// end, a whole layer at a time, always the end whose frontier is smaller.
    fn chain_nodes(
        &self,
        from: NodeIndex,
        to: NodeIndex,
        directed: bool,
        limit: usize,
    ) -> Option<(usize, Vec<bool>)> {
        const UNSEEN: u32 = u32::MAX;
        let bound = self.graph().node_bound();
        let mut dist_from = vec![UNSEEN; bound];
        let mut dist_to = vec![UNSEEN; bound];
        dist_from[from.index()] = 0;
        dist_to[to.index()] = 0;
        let mut layers_from: Vec<Vec<NodeIndex>> = vec![vec![from]];
        let mut layers_to: Vec<Vec<NodeIndex>> = vec![vec![to]];
        // Which end met the other: the balls around both ends are complete and disjoint
        // up to their last layers, so a chain through a newly reached node is as short as
        // any can be, `a + b + 1`.
        let from_side = loop {
            let (a, b) = (layers_from.len() - 1, layers_to.len() - 1);
            if a + b >= limit {
                return None;
            }
            let grow_from = layers_from[a].len() <= layers_to[b].len();
            let (layers, mine, other) = if grow_from {
                (&mut layers_from, &mut dist_from, &dist_to)
            } else {
                (&mut layers_to, &mut dist_to, &dist_from)
            };
            let r = layers.len() - 1;
            let mut next = Vec::new();
            let mut met = false;
            'grow: for &u in &layers[r] {
                for w in self.adjacent(u, directed, grow_from) {
                    if other[w.index()] != UNSEEN {
                        met = true;
                        break 'grow;
                    }
                    if mine[w.index()] == UNSEEN {
                        mine[w.index()] = r as u32 + 1;
                        next.push(w);
                    }
                }
            }
            if met {
                break grow_from;
            }
            if next.is_empty() {
                return None;
            }
            layers.push(next);
        };
        let (a, b) = (layers_from.len() - 1, layers_to.len() - 1);
        let mut on = vec![false; bound];
        // The edges where chains cross from one ball into the other.
        let (frontier, other, other_layer) = if from_side {
            (&layers_from[a], &dist_to, b as u32)
        } else {
            (&layers_to[b], &dist_from, a as u32)
        };
        for &u in frontier {
            for w in self.adjacent(u, directed, from_side) {
                if other[w.index()] == other_layer {
                    on[u.index()] = true;
                    on[w.index()] = true;
                }
            }
        }
        // Back from there to each end, one layer at a time: a neighbour one layer nearer
        // the end of a node on a shortest chain is on a shortest chain too.
        for (layers, dist, outward) in [
            (&layers_from, &dist_from, false),
            (&layers_to, &dist_to, true),
        ] {
            for k in (1..layers.len()).rev() {
                for &v in &layers[k] {
                    if on[v.index()] {
                        for u in self.adjacent(v, directed, outward) {
                            if dist[u.index()] == k as u32 - 1 {
                                on[u.index()] = true;
                            }
                        }
                    }
                }
            }
        }
        Some((a + b + 1, on))
    }

    /// The nodes reachable from `n` in one step, with the hop that reaches them.
    fn steps(
        &self,
        n: NodeIndex,
        directed: bool,
    ) -> impl Iterator<Item = (NodeIndex, Hop<'_>, EdgeIndex)> + '_ {
        let out = self
            .graph()
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
            .graph()
            .edges_directed(n, PgDirection::Incoming)
            .filter(move |e| !directed || self.relations[e.weight().relation as usize].symmetric)
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
        // Distances and walked edges indexed by position, not hashed, as in `bfs_path`,
        // in the kept state; a search running beside another, or after one that
        // panicked, uses its own.
        const UNSEEN: usize = usize::MAX;
        let mut kept = self.scratch.try_lock().ok();
        let mut own = Scratch::default();
        let Scratch { dist, seen_edges } = kept.as_deref_mut().unwrap_or(&mut own);
        dist.resize(self.graph().node_bound(), UNSEEN);
        seen_edges.resize(self.graph().edge_bound(), false);
        dist[center.index().index()] = 0;
        let mut order = vec![(center, 0)];
        let mut edges = Vec::new();
        let mut walked = Vec::new();
        let mut queue = VecDeque::from([center.index()]);
        while let Some(n) = queue.pop_front() {
            let d = dist[n.index()];
            if d >= depth {
                continue;
            }
            for (next, hop, id) in self.steps(n, false) {
                if !allowed(hop.edge.relation) || seen_edges[id.index()] {
                    continue;
                }
                seen_edges[id.index()] = true;
                walked.push(id);
                // An edge to a node already found still belongs to the picture, once.
                edges.push(hop.edge);
                if dist[next.index()] == UNSEEN {
                    dist[next.index()] = d + 1;
                    order.push((NodeKey::of(next), d + 1));
                    queue.push_back(next);
                }
            }
        }
        for (key, _) in &order {
            dist[key.index().index()] = UNSEEN;
        }
        for id in walked {
            seen_edges[id.index()] = false;
        }
        (order, edges)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The one-pass form gives the general form's phrase for any text: fillers alone
        /// or first, runs of separators, every kind of whitespace, mixed case.
        #[test]
        fn normalized_phrases_are_the_general_forms(
            phrase in "((is|Are|BE|gets|was|part|Of|monitored|by|x)|[ \t\n\x0b\x0c\r_-]{1,3}|[ -~]{0,4})*"
        ) {
            proptest::prop_assert_eq!(normalize_phrase(&phrase), normalize_phrase_unicode(&phrase));
        }
    }

    /// `neighborhood` keeps its search state between calls: each search must leave it
    /// unset, or the next one would take nodes and edges as already seen.
    #[test]
    fn neighborhood_answers_alike_after_other_searches() {
        let g = KnowledgeGraph::builtin().unwrap();
        let keys: Vec<NodeKey> = g.nodes().map(|(k, _)| k).step_by(5).collect();
        assert!(keys.len() > 20);
        let walk = |g: &KnowledgeGraph, k, depth| {
            let (nodes, edges) = g.neighborhood(k, depth, None);
            let edges: Vec<_> = edges.iter().map(|e| (e.from, e.to)).collect();
            (nodes, edges)
        };
        for &k in &keys {
            for depth in [1, 3] {
                let fresh = KnowledgeGraph::builtin().unwrap();
                let expected = walk(&fresh, k, depth);
                assert!(!expected.0.is_empty());
                assert_eq!(walk(&g, k, depth), expected, "{k:?} depth {depth}");
            }
        }
    }

    /// A property's entry built in chunks on rayon's threads (as for a large graph) holds
    /// the same values as one built on this thread, and as a scan of every node finds:
    /// the chunks' entries are merged, so every dimension and value must survive the
    /// merge, sorted.
    #[test]
    fn quantity_entries_in_chunks_equal_one_built_whole_and_a_scan() {
        let g = KnowledgeGraph::builtin().unwrap();
        type Values = Vec<(f64, NodeKey)>;
        let entries = |values: &PropertyValues| {
            let mut out: Vec<(Dimension, Values, Values)> = Vec::new();
            for (dim, e) in values {
                for list in [&e.by_high, &e.by_low] {
                    assert!(list.is_sorted_by(|a, b| a.0 <= b.0), "{dim:?} unsorted");
                }
                // Equal values may come in any order.
                let sorted = |list: &[(f64, NodeKey)]| {
                    let mut l = list.to_vec();
                    l.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                    l
                };
                out.push((*dim, sorted(&e.by_high), sorted(&e.by_low)));
            }
            out.sort_by_key(|e| e.0 as u8);
            out
        };
        let mut names: Vec<&str> = g
            .nodes()
            .flat_map(|(_, n)| n.properties.iter().map(|p| p.name.as_str()))
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut indexed = 0;
        for name in names {
            let whole = entries(&QuantityIndex::build(&g, name, None));
            // What a scan finds: each node's first property of that name, if a quantity.
            let mut scan: Vec<(Dimension, NodeKey)> = g
                .nodes()
                .filter_map(|(k, n)| {
                    n.property(name)
                        .and_then(|p| Some((p.value.dimension()?, k)))
                })
                .collect();
            scan.sort_by_key(|e| (e.0 as u8, e.1));
            let mut found: Vec<(Dimension, NodeKey)> = whole
                .iter()
                .flat_map(|(d, high, _)| high.iter().map(move |(_, k)| (*d, *k)))
                .collect();
            found.sort_by_key(|e| (e.0 as u8, e.1));
            assert_eq!(found, scan, "{name}");
            indexed += found.len();
            for size in [1, 7, 64, 100_000] {
                let chunked = entries(&QuantityIndex::build(&g, name, Some(size)));
                assert_eq!(chunked, whole, "{name} in chunks of {size}");
            }
        }
        assert!(indexed > 100, "{indexed}");
        // An entry is built once per name and kept, also for a name no node has.
        let a = g.quantities.values(&g, "max_item_size");
        assert!(Arc::ptr_eq(&a, &g.quantities.values(&g, "max_item_size")));
        assert!(g.quantities.values(&g, "no_such_property").is_empty());
    }

    /// The search `shortest_path` replaced: a whole breadth-first search from `from`,
    /// undirected, then directed, preferring the directed chain when it is no longer.
    fn reference_path(g: &KnowledgeGraph, from: NodeKey, to: NodeKey) -> Option<Vec<Hop<'_>>> {
        let bfs = |directed: bool| -> Option<Vec<Hop<'_>>> {
            if from == to {
                return Some(Vec::new());
            }
            let mut prev: Vec<Option<Hop<'_>>> = vec![None; g.graph().node_bound()];
            let mut queue = VecDeque::from([from.index()]);
            while let Some(n) = queue.pop_front() {
                for (next, hop, _) in g.steps(n, directed) {
                    if next == from.index() || prev[next.index()].is_some() {
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
        };
        let any = bfs(false)?;
        match bfs(true) {
            Some(directed) if directed.len() <= any.len() => Some(directed),
            _ => Some(any),
        }
    }

    fn same(a: &Option<Vec<Hop<'_>>>, b: &Option<Vec<Hop<'_>>>) -> bool {
        let key = |p: &Option<Vec<Hop<'_>>>| {
            p.as_ref().map(|hs| {
                hs.iter()
                    .map(|h| {
                        (
                            h.edge.from,
                            h.edge.to,
                            h.edge.relation.id.clone(),
                            h.forward,
                        )
                    })
                    .collect::<Vec<_>>()
            })
        };
        key(a) == key(b)
    }

    #[test]
    fn two_ended_search_answers_the_chain_a_plain_search_finds() {
        let g = KnowledgeGraph::builtin().unwrap();
        let keys: Vec<NodeKey> = g.keys().collect();
        let mut compared = 0;
        for &a in keys.iter().step_by(5) {
            for &b in keys.iter().skip(2).step_by(7) {
                let (new, old) = (g.shortest_path(a, b), reference_path(&g, a, b));
                assert!(
                    same(&new, &old),
                    "{} → {}: {new:?} vs {old:?}",
                    g.node(a).id,
                    g.node(b).id
                );
                compared += usize::from(old.is_some());
            }
        }
        assert!(compared > 1000, "only {compared} connected pairs");
    }

    /// A graph loaded without its query indexes (as `check` loads) builds them at first
    /// use, and finds every name and edge as a graph that had them from the start.
    #[test]
    fn query_indexes_built_on_first_use_find_the_same() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("graph");
        let full = KnowledgeGraph::load_dir(&dir).unwrap();
        let lazy = KnowledgeGraph::load_dir_with(&dir, load::QueryIndexes::OnFirstUse).unwrap();
        assert!(full.indexes.get().is_some() && full.graph.get().is_some());
        assert!(
            lazy.indexes.get().is_none(),
            "the load built the name indexes"
        );
        assert!(
            lazy.graph.get().is_none(),
            "the load built the adjacency lists"
        );
        // What `check` reads needs neither.
        assert_eq!(
            (lazy.node_count(), lazy.edge_count(), lazy.relations().len()),
            (full.node_count(), full.edge_count(), full.relations().len())
        );
        assert!(full.edge_count() > 500);
        assert!(
            lazy.nodes()
                .map(|(_, n)| &n.id)
                .eq(full.nodes().map(|(_, n)| &n.id))
        );
        assert!(lazy.indexes.get().is_none() && lazy.graph.get().is_none());
        // Edges, with their notes, in the same order.
        let edges = |g: &KnowledgeGraph| -> Vec<(String, String, String, Option<String>)> {
            g.edges()
                .map(|e| {
                    let id = |k| g.node_id(k).to_string();
                    (
                        id(e.from),
                        id(e.to),
                        e.relation.id.clone(),
                        e.note.map(str::to_string),
                    )
                })
                .collect()
        };
        assert_eq!(edges(&lazy), edges(&full));
        assert!(
            edges(&full).iter().any(|e| e.3.is_some()),
            "no edge has a note"
        );
        assert!(lazy.graph.get().is_some());
        for (key, _) in full.nodes().step_by(7) {
            let links = |g: &KnowledgeGraph| {
                g.links(key)
                    .iter()
                    .map(|l| format!("{l:?}"))
                    .collect::<Vec<_>>()
            };
            assert_eq!(links(&lazy), links(&full));
        }
        let mut asked = 0;
        for (_, n) in full.nodes() {
            let names = [&n.id, &n.name].into_iter().chain(&n.aliases);
            for name in names {
                // As written, in other cases, squeezed, and misspelt.
                let squeezed: String = name.split_whitespace().collect();
                let misspelt = format!("{}x", name.to_uppercase());
                for ask in [name.clone(), name.to_lowercase(), squeezed, misspelt] {
                    assert_eq!(full.resolve(&ask), lazy.resolve(&ask), "{ask}");
                    asked += 1;
                }
            }
        }
        assert!(lazy.indexes.get().is_some());
        assert!(asked > 2000, "{asked}");
        for typo in ["Lamda", "dynamo", "kinesis firehose", "S3 glaicer", "zzz"] {
            assert_eq!(full.suggest(typo), lazy.suggest(typo), "{typo}");
        }
        // A snapshot's indexes are its own, and equal to those built from its nodes.
        let builtin = KnowledgeGraph::builtin().unwrap();
        assert_eq!(builtin.indexes.get(), full.indexes.get());
    }
}
