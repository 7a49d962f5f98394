//! The result of a query, as one plain value. Sits between `query::eval` (which builds
//! it from the graph) and `render` (which prints it).
//!
//! Renderers take an [`Answer`], never the graph, so table, JSON, Markdown and diagram
//! output cannot disagree about what the answer is, and the REPL and the one-shot CLI
//! show the same thing. The serde shape of these types *is* the documented JSON output
//! (`docs/json-output.md`); change it only together with that page.
//!
//! Texts that are the graph's own (ids, names, summaries, relation ids) are borrowed from
//! it rather than copied: building and freeing those copies was most of the time of
//! `describe`, `compare` and `neighbors` (docs/performance.md). Texts made for the answer
//! are owned; `Text` holds either, and serializes as a plain string.

use std::borrow::Cow;

use serde::Serialize;

use crate::graph::Direction;

/// A text of an answer, borrowed from the graph or made for the answer.
pub type Text<'a> = Cow<'a, str>;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Answer<'a> {
    Describe(NodeDetail<'a>),
    Compare(Comparison<'a>),
    /// `what`, `find`, `list services`, `list nodes`.
    Nodes(NodeList<'a>),
    Path(PathAnswer<'a>),
    Neighbors(Neighborhood<'a>),
    Relations(RelationList),
    /// `list categories`, `list properties`, `list kinds`.
    Counts(CountList),
    Help(HelpText),
}

impl<'a> Answer<'a> {
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
    pub fn subgraph(&self) -> Subgraph<'a> {
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
pub struct NodeHeader<'a> {
    pub id: Text<'a>,
    pub name: Text<'a>,
    pub kind: Text<'a>,
    pub category: Text<'a>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NodeDetail<'a> {
    #[serde(flatten)]
    pub header: NodeHeader<'a>,
    pub summary: Text<'a>,
    pub aliases: Vec<String>,
    /// False for nodes that only the generated AWS catalog knows.
    pub curated: bool,
    pub properties: Vec<PropertyView<'a>>,
    pub facts: Vec<FactView<'a>>,
    pub relations: Vec<RelationView<'a>>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PropertyView<'a> {
    pub name: Text<'a>,
    /// The value as people read it (`400 KB`, `1-365 days`, `yes`).
    pub display: String,
    /// `bool`, `quantity`, `range`, `text` or `list`.
    #[serde(rename = "type")]
    pub value_type: Text<'a>,
    /// The typed value: a JSON bool, number, string or array; for ranges `[low, high]`.
    pub value: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<Text<'a>>,
    /// For quantities and ranges: the dimension (`bytes`, `duration`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimension: Option<Text<'a>>,
    /// For quantities: the amount in base units (bytes, seconds); for ranges `[low, high]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FactView<'a> {
    pub text: Text<'a>,
    /// `None` when the node's own sources back it.
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelationView<'a> {
    /// Relation id (`monitors`).
    pub relation: Text<'a>,
    /// How it reads from this node (`monitors` or `monitored by`).
    pub phrase: Text<'a>,
    pub direction: Direction,
    /// The node at the other end, by id.
    pub target: Text<'a>,
    #[serde(skip)]
    pub other: NodeHeader<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison<'a> {
    pub nodes: Vec<NodeHeader<'a>>,
    pub rows: Vec<CompareRow<'a>>,
    /// Edges between the compared nodes themselves (`NACL alternative-to SecurityGroup`).
    pub between: Vec<EdgeLine<'a>>,
    /// (relation phrase, target) pairs that every compared node has.
    pub shared: Vec<LinkLine<'a>>,
    /// Per node, the pairs only it has.
    pub unique: Vec<UniqueLinks<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompareRow<'a> {
    pub property: Text<'a>,
    /// One per compared node, in order; `None` where the node lacks the property.
    pub values: Vec<Option<Text<'a>>>,
    pub differs: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LinkLine<'a> {
    pub phrase: Text<'a>,
    pub target: Text<'a>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UniqueLinks<'a> {
    pub node: Text<'a>,
    pub links: Vec<LinkLine<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EdgeLine<'a> {
    pub from: Text<'a>,
    pub relation: Text<'a>,
    pub to: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NodeList<'a> {
    /// What the list is (`monitors Lambda`, `services where stateful = false`).
    pub title: String,
    /// Extra columns shown per node (the properties a `find` condition looked at).
    pub columns: Vec<String>,
    pub nodes: Vec<NodeRow<'a>>,
    /// For `what`: the node asked about and the relation, so diagrams can draw the edges.
    #[serde(skip)]
    pub anchor: Option<NodeHeader<'a>>,
    #[serde(skip)]
    pub relation: Option<Text<'a>>,
    #[serde(skip)]
    pub anchor_is_source: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NodeRow<'a> {
    #[serde(flatten)]
    pub header: NodeHeader<'a>,
    pub summary: Text<'a>,
    /// Values for `NodeList::columns`, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<Option<String>>,
    /// The note on the edge that put the node in a `what` answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PathAnswer<'a> {
    pub from: NodeHeader<'a>,
    pub to: NodeHeader<'a>,
    /// True when the path follows edge directions; false when it had to ignore them.
    pub directed: bool,
    /// `None` when the two nodes are not connected at all.
    pub hops: Option<Vec<HopView<'a>>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HopView<'a> {
    pub from: NodeHeader<'a>,
    pub relation: Text<'a>,
    /// The phrase as read along the walk (`monitors`, or `monitored by` against the edge).
    pub phrase: Text<'a>,
    pub to: NodeHeader<'a>,
    pub forward: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Neighborhood<'a> {
    pub center: NodeHeader<'a>,
    pub depth: u32,
    /// Nodes with their distance from the center (the center itself at 0).
    pub nodes: Vec<NeighborNode<'a>>,
    pub edges: Vec<EdgeLine<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NeighborNode<'a> {
    #[serde(flatten)]
    pub header: NodeHeader<'a>,
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
pub struct Subgraph<'a> {
    pub nodes: Vec<NodeHeader<'a>>,
    pub edges: Vec<(String, String, String)>,
}

impl<'a> Subgraph<'a> {
    fn node(&mut self, n: &NodeHeader<'a>) {
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
