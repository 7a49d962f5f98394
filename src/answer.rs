//! The result of a query, as one plain value. Sits between `query::eval` (which builds
//! it from the graph) and `render` (which prints it).
//!
//! Renderers take an [`Answer`], never the graph, so table, JSON, Markdown and diagram
//! output cannot disagree about what the answer is, and the REPL and the one-shot CLI
//! show the same thing. The serde shape of these types *is* the documented JSON output
//! (`docs/json-output.md`); change it only together with that page.

use serde::Serialize;

use crate::graph::Direction;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Answer {
    Describe(NodeDetail),
    Compare(Comparison),
    /// `what`, `find`, `list services`, `list nodes`.
    Nodes(NodeList),
    Path(PathAnswer),
    Neighbors(Neighborhood),
    Relations(RelationList),
    /// `list categories`, `list properties`, `list kinds`.
    Counts(CountList),
    Help(HelpText),
}

impl Answer {
    /// True when the query asked for something and found nothing (exit status 1).
    pub fn is_empty(&self) -> bool {
        match self {
            Answer::Nodes(l) => l.nodes.is_empty(),
            Answer::Path(p) => p.hops.is_none(),
            Answer::Counts(c) => c.items.is_empty(),
            _ => false,
        }
    }

    /// The nodes and edges the answer is about, for diagrams.
    pub fn subgraph(&self) -> Subgraph {
        let mut g = Subgraph::default();
        match self {
            Answer::Describe(d) => {
                g.node(&d.header);
                for r in &d.relations {
                    g.node(&r.other);
                    let (from, to) = match r.direction {
                        Direction::Outgoing => (&d.header.id, &r.other.id),
                        Direction::Incoming => (&r.other.id, &d.header.id),
                    };
                    g.edge(from, &r.relation, to);
                }
            }
            Answer::Compare(c) => {
                for n in &c.nodes {
                    g.node(n);
                }
                for e in &c.between {
                    g.edge(&e.from, &e.relation, &e.to);
                }
            }
            Answer::Nodes(l) => {
                if let Some(anchor) = &l.anchor {
                    g.node(anchor);
                }
                for n in &l.nodes {
                    g.node(&n.header);
                    if let (Some(anchor), Some(rel)) = (&l.anchor, &l.relation) {
                        let (from, to) = if l.anchor_is_source {
                            (&anchor.id, &n.header.id)
                        } else {
                            (&n.header.id, &anchor.id)
                        };
                        g.edge(from, rel, to);
                    }
                }
            }
            Answer::Path(p) => {
                for h in p.hops.iter().flatten() {
                    g.node(&h.from);
                    g.node(&h.to);
                    let (a, b) = if h.forward {
                        (&h.from.id, &h.to.id)
                    } else {
                        (&h.to.id, &h.from.id)
                    };
                    g.edge(a, &h.relation, b);
                }
            }
            Answer::Neighbors(n) => {
                for n in &n.nodes {
                    g.node(&n.header);
                }
                for e in &n.edges {
                    g.edge(&e.from, &e.relation, &e.to);
                }
            }
            Answer::Relations(_) | Answer::Counts(_) | Answer::Help(_) => {}
        }
        g
    }
}

/// Who a node is, in one line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeHeader {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub category: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NodeDetail {
    #[serde(flatten)]
    pub header: NodeHeader,
    pub summary: String,
    pub aliases: Vec<String>,
    /// False for nodes that only the generated AWS catalog knows.
    pub curated: bool,
    pub properties: Vec<PropertyView>,
    pub facts: Vec<FactView>,
    pub relations: Vec<RelationView>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PropertyView {
    pub name: String,
    /// The value as people read it (`400 KB`, `1-365 days`, `yes`).
    pub display: String,
    /// `bool`, `quantity`, `range`, `text` or `list`.
    #[serde(rename = "type")]
    pub value_type: String,
    /// The typed value: a JSON bool, number, string or array; for ranges `[low, high]`.
    pub value: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// For quantities and ranges: the dimension (`bytes`, `duration`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimension: Option<String>,
    /// For quantities: the amount in base units (bytes, seconds); for ranges `[low, high]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FactView {
    pub text: String,
    /// `None` when the node's own sources back it.
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelationView {
    /// Relation id (`monitors`).
    pub relation: String,
    /// How it reads from this node (`monitors` or `monitored by`).
    pub phrase: String,
    pub direction: Direction,
    /// The node at the other end, by id.
    pub target: String,
    #[serde(skip)]
    pub other: NodeHeader,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub nodes: Vec<NodeHeader>,
    pub rows: Vec<CompareRow>,
    /// Edges between the compared nodes themselves (`NACL alternative-to SecurityGroup`).
    pub between: Vec<EdgeLine>,
    /// (relation phrase, target) pairs that every compared node has.
    pub shared: Vec<LinkLine>,
    /// Per node, the pairs only it has.
    pub unique: Vec<UniqueLinks>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompareRow {
    pub property: String,
    /// One per compared node, in order; `None` where the node lacks the property.
    pub values: Vec<Option<String>>,
    pub differs: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LinkLine {
    pub phrase: String,
    pub target: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct UniqueLinks {
    pub node: String,
    pub links: Vec<LinkLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EdgeLine {
    pub from: String,
    pub relation: String,
    pub to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NodeList {
    /// What the list is (`monitors Lambda`, `services where stateful = false`).
    pub title: String,
    /// Extra columns shown per node (the properties a `find` condition looked at).
    pub columns: Vec<String>,
    pub nodes: Vec<NodeRow>,
    /// For `what`: the node asked about and the relation, so diagrams can draw the edges.
    #[serde(skip)]
    pub anchor: Option<NodeHeader>,
    #[serde(skip)]
    pub relation: Option<String>,
    #[serde(skip)]
    pub anchor_is_source: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NodeRow {
    #[serde(flatten)]
    pub header: NodeHeader,
    pub summary: String,
    /// Values for `NodeList::columns`, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<Option<String>>,
    /// The note on the edge that put the node in a `what` answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PathAnswer {
    pub from: NodeHeader,
    pub to: NodeHeader,
    /// True when the path follows edge directions; false when it had to ignore them.
    pub directed: bool,
    /// `None` when the two nodes are not connected at all.
    pub hops: Option<Vec<HopView>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HopView {
    pub from: NodeHeader,
    pub relation: String,
    /// The phrase as read along the walk (`monitors`, or `monitored by` against the edge).
    pub phrase: String,
    pub to: NodeHeader,
    pub forward: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Neighborhood {
    pub center: NodeHeader,
    pub depth: u32,
    /// Nodes with their distance from the center (the center itself at 0).
    pub nodes: Vec<NeighborNode>,
    pub edges: Vec<EdgeLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NeighborNode {
    #[serde(flatten)]
    pub header: NodeHeader,
    pub distance: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelationList {
    pub relations: Vec<RelationRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelationRow {
    pub id: String,
    pub inverse: String,
    pub symmetric: bool,
    pub description: String,
    pub edges: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountList {
    pub title: String,
    pub items: Vec<CountItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountItem {
    pub name: String,
    pub count: usize,
    /// For properties: the value types seen (`quantity (bytes)`, `bool`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HelpText {
    pub text: String,
}

/// Nodes and edges to draw, deduplicated, in first-seen order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subgraph {
    pub nodes: Vec<NodeHeader>,
    pub edges: Vec<(String, String, String)>,
}

impl Subgraph {
    fn node(&mut self, n: &NodeHeader) {
        if !self.nodes.iter().any(|m| m.id == n.id) {
            self.nodes.push(n.clone());
        }
    }
    fn edge(&mut self, from: &str, rel: &str, to: &str) {
        let e = (from.to_string(), rel.to_string(), to.to_string());
        if !self.edges.contains(&e) {
            self.edges.push(e);
        }
    }
}
