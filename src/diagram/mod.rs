//! Pictures and exports: a query's answer, an architecture or the whole graph →
//! Graphviz DOT, SVG, Mermaid, JSON, GraphML or Cypher. Sits beside
//! [`render`](crate::render), at the end of the pipeline.
//!
//! Every source is first turned into one plain [`Diagram`] (nodes, labelled edges,
//! nested groups), and every backend reads only that. So an architecture, an answer and
//! the whole graph get the same escaping, colours and grouping rules, and a new backend
//! is one function of a `Diagram`.
//!
//! Everything here is pure except [`svg::render`], which runs Graphviz `dot`.

pub mod commands;
pub mod cypher;
pub mod dot;
pub mod graphml;
pub mod mermaid;
pub mod svg;
pub mod theme;

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::answer::{Answer, NodeHeader, Subgraph};
use crate::graph::KnowledgeGraph;
use crate::model::RelationDef;
use crate::render::Format;

/// Errors of the diagram stage.
#[derive(Debug, thiserror::Error)]
pub enum DiagramError {
    /// The answer is a table of names or counts (`list categories`, `relations`), not a
    /// set of nodes.
    #[error("`{0}` has no nodes to draw")]
    NothingToDraw(String),
    /// Graphviz `dot` exited with an error status.
    #[error("Graphviz `{program}` failed ({status}): {stderr}")]
    DotFailed {
        program: String,
        status: String,
        stderr: String,
    },
    /// Graphviz `dot` ran longer than the time limit and was stopped.
    #[error("Graphviz `{program}` did not finish within {seconds} s and was stopped")]
    DotTimeout { program: String, seconds: u64 },
    /// `dot` could be started but not talked to, or printed something that is not SVG.
    #[error("Graphviz `{program}`: {message}")]
    DotIo { program: String, message: String },
    /// The built-in layout used when Graphviz is missing gave up on this graph.
    #[error("the built-in layout could not draw this graph: {0}")]
    Layout(String),
}

/// Which way the main flow of a diagram runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Direction {
    /// Left to right, the default: pipelines read like a sentence.
    #[default]
    LR,
    /// Top to bottom.
    TB,
    /// Right to left.
    RL,
    /// Bottom to top.
    BT,
}

impl Direction {
    pub const ALL: [Direction; 4] = [Direction::LR, Direction::TB, Direction::RL, Direction::BT];

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::LR => "LR",
            Direction::TB => "TB",
            Direction::RL => "RL",
            Direction::BT => "BT",
        }
    }

    pub fn parse(s: &str) -> Option<Direction> {
        Direction::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// A picture to draw: nodes, edges and nested groups.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diagram {
    pub title: Option<String>,
    pub direction: Direction,
    pub nodes: Vec<DiagramNode>,
    pub edges: Vec<DiagramEdge>,
    /// Groups (clusters); a group's `parent` and a node's `group` index this list.
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiagramNode {
    /// Unique within the diagram; the node's id in DOT, GraphML and JSON.
    pub id: String,
    /// The main text of the box.
    pub label: String,
    /// A smaller second line (`KDS · service`, or the service behind a custom label).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The knowledge-graph node this box stands for; `None` for external things.
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Outside the knowledge graph (users, an on-premises database, a SaaS app).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
    /// What the query was about (the described node, a path's ends); drawn bolder.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub focus: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiagramEdge {
    pub from: String,
    pub to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The knowledge relation id, for edges that come from the graph.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    pub style: LineStyle,
    /// Where the arrow heads go; symmetric relations (`alternative-to`) have none.
    pub arrows: Arrows,
}

/// Arrow heads of an edge. `back` lets an architecture keep its layout order (edges
/// point down the page) while showing traffic that flows the other way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Arrows {
    /// At `to`.
    #[default]
    Forward,
    /// At `from`.
    Back,
    Both,
    None,
}

impl Arrows {
    pub const ALL: [Arrows; 4] = [Arrows::Forward, Arrows::Back, Arrows::Both, Arrows::None];

    /// The name in architecture files, and Graphviz's `dir` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Arrows::Forward => "forward",
            Arrows::Back => "back",
            Arrows::Both => "both",
            Arrows::None => "none",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineStyle {
    #[default]
    Solid,
    Dashed,
    Dotted,
}

impl LineStyle {
    pub const ALL: [LineStyle; 3] = [LineStyle::Solid, LineStyle::Dashed, LineStyle::Dotted];

    pub fn as_str(self) -> &'static str {
        match self {
            LineStyle::Solid => "solid",
            LineStyle::Dashed => "dashed",
            LineStyle::Dotted => "dotted",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub label: String,
    pub style: GroupStyle,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<usize>,
    /// For category clusters: the category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The knowledge-graph node the group stands for (a VPC group → `VPC`).
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// The kinds of group an architecture can draw, after the AWS architecture icon guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupStyle {
    /// The AWS Cloud (or an account).
    Cloud,
    Region,
    #[serde(rename = "az")]
    AvailabilityZone,
    Vpc,
    PublicSubnet,
    PrivateSubnet,
    SecurityGroup,
    AutoScaling,
    /// A corporate data centre or anything run outside AWS.
    OnPremises,
    /// Any other named box.
    Generic,
    /// A category cluster of a query diagram (not written in architecture files).
    Category,
    /// A `part-of` cluster of a query diagram (not written in architecture files).
    Component,
}

impl GroupStyle {
    /// The names architecture files may use, in the order the docs list them.
    pub const WRITABLE: [(&'static str, GroupStyle); 10] = [
        ("cloud", GroupStyle::Cloud),
        ("region", GroupStyle::Region),
        ("az", GroupStyle::AvailabilityZone),
        ("vpc", GroupStyle::Vpc),
        ("public-subnet", GroupStyle::PublicSubnet),
        ("private-subnet", GroupStyle::PrivateSubnet),
        ("security-group", GroupStyle::SecurityGroup),
        ("auto-scaling", GroupStyle::AutoScaling),
        ("on-premises", GroupStyle::OnPremises),
        ("generic", GroupStyle::Generic),
    ];

    pub fn parse(s: &str) -> Option<GroupStyle> {
        let s = s.trim().to_ascii_lowercase();
        let s = match s.as_str() {
            "availability-zone" => "az",
            "aws-cloud" => "cloud",
            "data-center" | "datacenter" | "corporate-data-center" => "on-premises",
            other => other,
        };
        GroupStyle::WRITABLE
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, g)| *g)
    }
}

/// How to group the nodes of a query's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Clustering {
    /// One box per category (Analytics, Networking, ...).
    #[default]
    Category,
    /// Parts inside their whole, following `part-of` edges (subnet inside VPC).
    PartOf,
    /// No boxes.
    None,
}

impl Diagram {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Node indices per group (`None` = top level), in node order.
    pub fn nodes_by_group(&self) -> HashMap<Option<usize>, Vec<usize>> {
        let mut by: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
        for (i, n) in self.nodes.iter().enumerate() {
            let g = n.group.filter(|g| *g < self.groups.len());
            by.entry(g).or_default().push(i);
        }
        by
    }

    /// Group indices per parent (`None` = top level), in group order. A group whose
    /// parent index is out of range or not earlier in the list counts as top level, so
    /// a malformed diagram cannot make a backend loop.
    pub fn groups_by_parent(&self) -> HashMap<Option<usize>, Vec<usize>> {
        let mut by: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
        for (i, g) in self.groups.iter().enumerate() {
            let p = g.parent.filter(|p| *p < i);
            by.entry(p).or_default().push(i);
        }
        by
    }

    /// The edges as a picture should draw them: parallel edges of one pair merged into
    /// one line with the labels joined, because Graphviz stacks their labels on top of
    /// each other. An undirected edge joins a directed one in either orientation (a
    /// symmetric relation reads the same both ways). Exports keep every edge.
    pub fn drawn_edges(&self) -> Vec<DiagramEdge> {
        let mut out: Vec<DiagramEdge> = Vec::new();
        for e in &self.edges {
            let twin = out.iter_mut().find(|o| {
                let same = o.from == e.from && o.to == e.to;
                let reversed = o.from == e.to && o.to == e.from;
                o.style == e.style
                    && ((same && o.arrows == e.arrows)
                        || ((same || reversed)
                            && (o.arrows == Arrows::None || e.arrows == Arrows::None)))
            });
            let Some(o) = twin else {
                out.push(e.clone());
                continue;
            };
            if o.arrows == Arrows::None && e.arrows != Arrows::None {
                o.from.clone_from(&e.from);
                o.to.clone_from(&e.to);
                o.arrows = e.arrows;
            }
            o.label = match (o.label.take(), &e.label) {
                (Some(a), Some(b)) if a.split(", ").any(|x| x == b) => Some(a),
                (Some(a), Some(b)) => Some(format!("{a}, {b}")),
                (a, b) => a.or_else(|| b.clone()),
            };
        }
        out
    }

    /// How deep a group sits (0 for a top-level group).
    pub fn depth(&self, group: usize) -> usize {
        let mut depth = 0;
        let mut cur = group;
        while let Some(p) = self
            .groups
            .get(cur)
            .and_then(|g| g.parent)
            .filter(|p| *p < cur)
        {
            depth += 1;
            cur = p;
        }
        depth
    }

    /// The labels of a group and its ancestors, outermost first (`AWS Cloud / VPC`).
    pub fn group_path(&self, group: usize) -> Vec<&str> {
        let mut path = Vec::new();
        let mut cur = Some(group);
        while let Some(i) = cur {
            let Some(g) = self.groups.get(i) else { break };
            path.push(g.label.as_str());
            cur = g.parent.filter(|p| *p < i);
        }
        path.reverse();
        path
    }

    /// A diagram of a query's answer. `relations` tells which relations are symmetric
    /// (drawn without arrow heads); pass `&[]` when the graph is not at hand.
    pub fn from_answer(
        answer: &Answer,
        clustering: Clustering,
        relations: &[RelationDef],
    ) -> Result<Diagram, DiagramError> {
        let (title, focus): (String, Vec<&str>) = match answer {
            Answer::Describe(d) => (d.header.name.to_string(), vec![&d.header.id]),
            Answer::Compare(c) => (
                format!(
                    "compare {}",
                    c.nodes
                        .iter()
                        .map(|n| &*n.id)
                        .collect::<Vec<_>>()
                        .join(" vs ")
                ),
                Vec::new(),
            ),
            Answer::Nodes(l) => (l.title.clone(), l.anchor.iter().map(|a| &*a.id).collect()),
            Answer::Path(p) => (
                format!("path {} → {}", p.from.id, p.to.id),
                vec![&p.from.id, &p.to.id],
            ),
            Answer::Neighbors(n) => (
                format!("neighbors of {} (depth {})", n.center.id, n.depth),
                vec![&n.center.id],
            ),
            Answer::Relations(_) => return Err(DiagramError::NothingToDraw("relations".into())),
            Answer::Counts(c) => {
                return Err(DiagramError::NothingToDraw(format!("list {}", c.title)));
            }
            Answer::Help(_) => return Err(DiagramError::NothingToDraw("help".into())),
        };
        let mut sub = answer.subgraph();
        // A path between two unconnected nodes still shows both ends.
        if let Answer::Path(p) = answer
            && sub.nodes.is_empty()
        {
            sub.nodes = vec![p.from.clone(), p.to.clone()];
        }
        Ok(Diagram::from_subgraph(
            &sub,
            Some(title),
            &focus,
            clustering,
            relations,
        ))
    }

    /// The whole knowledge graph.
    pub fn from_graph(graph: &KnowledgeGraph, clustering: Clustering) -> Diagram {
        let nodes: Vec<NodeHeader> = graph
            .nodes()
            .map(|(_, n)| NodeHeader {
                id: n.id.as_str().into(),
                name: n.name.as_str().into(),
                kind: n.kind.as_str().into(),
                category: n.category.as_str().into(),
            })
            .collect();
        let edges = graph
            .edges()
            .map(|e| {
                (
                    graph.node_id(e.from).to_string(),
                    e.relation.id.clone(),
                    graph.node_id(e.to).to_string(),
                )
            })
            .collect();
        let sub = Subgraph { nodes, edges };
        Diagram::from_subgraph(
            &sub,
            Some("awsgraph".into()),
            &[],
            clustering,
            graph.relations(),
        )
    }

    /// Nodes and edges of the knowledge graph, grouped as asked.
    pub fn from_subgraph(
        sub: &Subgraph,
        title: Option<String>,
        focus: &[&str],
        clustering: Clustering,
        relations: &[RelationDef],
    ) -> Diagram {
        let mut d = Diagram {
            title,
            direction: Direction::LR,
            ..Diagram::default()
        };
        for n in &sub.nodes {
            let detail = if n.name == n.id {
                n.kind.to_string()
            } else {
                format!("{} · {}", n.id, n.kind)
            };
            d.nodes.push(DiagramNode {
                id: n.id.to_string(),
                label: n.name.to_string(),
                detail: Some(detail),
                reference: Some(n.id.to_string()),
                kind: Some(n.kind.to_string()),
                category: Some(n.category.to_string()).filter(|c| !c.is_empty()),
                external: false,
                focus: focus.contains(&&*n.id),
                group: None,
            });
        }
        let symmetric = |rel: &str| relations.iter().any(|r| r.id == rel && r.symmetric);
        for (from, rel, to) in &sub.edges {
            d.edges.push(DiagramEdge {
                from: from.clone(),
                to: to.clone(),
                label: Some(rel.clone()),
                relation: Some(rel.clone()),
                style: if rel == "part-of" {
                    LineStyle::Dashed
                } else {
                    LineStyle::Solid
                },
                arrows: if symmetric(rel) {
                    Arrows::None
                } else {
                    Arrows::Forward
                },
            });
        }
        match clustering {
            Clustering::None => {}
            Clustering::Category => d.cluster_by_category(),
            Clustering::PartOf => d.cluster_by_part_of(),
        }
        d
    }

    fn cluster_by_category(&mut self) {
        if self.nodes.len() < 2 {
            return;
        }
        let mut index: HashMap<String, usize> = HashMap::new();
        for n in &mut self.nodes {
            let Some(cat) = n.category.clone() else {
                continue;
            };
            let next = self.groups.len();
            let g = *index.entry(cat.clone()).or_insert(next);
            if g == next {
                self.groups.push(Group {
                    label: theme::category_title(&cat),
                    style: GroupStyle::Category,
                    parent: None,
                    category: Some(cat),
                    reference: None,
                });
            }
            n.group = Some(g);
        }
    }

    /// Puts each part inside a box named after its whole. A node with parts is drawn
    /// inside its own box, as its head; wholes nest inside their own wholes.
    fn cluster_by_part_of(&mut self) {
        let pos: HashMap<&str, usize> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let mut parent: Vec<Option<usize>> = vec![None; self.nodes.len()];
        for e in &self.edges {
            if e.relation.as_deref() != Some("part-of") {
                continue;
            }
            if let (Some(&c), Some(&p)) = (pos.get(e.from.as_str()), pos.get(e.to.as_str()))
                && c != p
                && parent[c].is_none()
            {
                parent[c] = Some(p);
            }
        }
        // Cut cycles (A part-of B part-of A) so that nesting is a tree.
        for start in 0..parent.len() {
            let mut seen = vec![false; parent.len()];
            let mut cur = start;
            seen[cur] = true;
            while let Some(p) = parent[cur] {
                if seen[p] {
                    parent[cur] = None;
                    break;
                }
                seen[p] = true;
                cur = p;
            }
        }
        let has_parts: Vec<bool> = (0..parent.len())
            .map(|i| parent.contains(&Some(i)))
            .collect();
        // Create groups outermost first so that a parent group always precedes its
        // children in the list.
        let depth_of = |mut i: usize| {
            let mut d = 0;
            while let Some(p) = parent[i] {
                d += 1;
                i = p;
            }
            d
        };
        let mut wholes: Vec<usize> = (0..parent.len()).filter(|i| has_parts[*i]).collect();
        wholes.sort_by_key(|i| (depth_of(*i), *i));
        let mut group_of: HashMap<usize, usize> = HashMap::new();
        for w in wholes {
            let g = self.groups.len();
            self.groups.push(Group {
                label: self.nodes[w].label.clone(),
                style: GroupStyle::Component,
                parent: parent[w].and_then(|p| group_of.get(&p).copied()),
                category: self.nodes[w].category.clone(),
                reference: self.nodes[w].reference.clone(),
            });
            group_of.insert(w, g);
        }
        for (i, node) in self.nodes.iter_mut().enumerate() {
            node.group = match group_of.get(&i) {
                Some(g) => Some(*g),
                None => parent[i].and_then(|p| group_of.get(&p).copied()),
            };
        }
    }
}

impl Format {
    /// The format an output file name asks for, by its extension.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "dot" | "gv" => Format::Dot,
            "svg" => Format::Svg,
            "json" => Format::Json,
            "md" | "markdown" => Format::Markdown,
            "mmd" | "mermaid" => Format::Mermaid,
            "graphml" => Format::Graphml,
            "cypher" | "cql" | "cyp" => Format::Cypher,
            _ => return None,
        })
    }
}

/// A diagram as text in one of the pure formats; `None` for formats that are not
/// drawings (table, Markdown) and for SVG, which [`svg::render`] makes.
pub fn render_text(d: &Diagram, format: Format) -> Option<String> {
    match format {
        Format::Dot => Some(dot::render(d)),
        Format::Mermaid => Some(mermaid::render(d)),
        Format::Graphml => Some(graphml::render(d)),
        Format::Cypher => Some(cypher::render(d)),
        Format::Json => Some(to_json(d)),
        Format::Svg | Format::Table | Format::Markdown => None,
    }
}

/// The diagram as pretty JSON (`nodes`, `edges`, `groups`), ending with a newline.
pub fn to_json(d: &Diagram) -> String {
    // Plain strings, numbers and vectors: serialising cannot fail.
    let mut s = serde_json::to_string_pretty(d).unwrap_or_default();
    s.push('\n');
    s
}

/// For `render::render`, which must stay pure: the answer in a diagram format, with
/// SVG from the built-in layout (the CLI prefers Graphviz, see [`svg::render`]).
pub fn render_answer(answer: &Answer, format: Format) -> String {
    let d = match Diagram::from_answer(answer, Clustering::default(), &[]) {
        Ok(d) => d,
        Err(e) => Diagram {
            title: Some(e.to_string()),
            ..Diagram::default()
        },
    };
    match format {
        Format::Svg => svg::fallback(&d).unwrap_or_else(|e| svg::message_svg(&e.to_string())),
        other => render_text(&d, other).unwrap_or_default(),
    }
}

/// Drops characters that no output format can carry (control characters other than
/// newline and tab), so hostile names cannot produce invalid XML or break a line-based
/// format. Carriage returns become newlines.
pub fn clean(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// Breaks a label into lines of at most about `width` characters at spaces, keeping
/// explicit newlines. Long AWS names ("Amazon Kinesis Data Streams") would otherwise make
/// left-to-right diagrams very wide.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in clean(s).split('\n') {
        let mut line = String::new();
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(id: &str, cat: &str) -> NodeHeader<'static> {
        NodeHeader {
            id: id.to_string().into(),
            name: format!("{id} name").into(),
            kind: "component".into(),
            category: cat.to_string().into(),
        }
    }

    fn sub(edges: &[(&str, &str, &str)]) -> Subgraph<'static> {
        let mut nodes: Vec<NodeHeader<'static>> = Vec::new();
        for (a, _, b) in edges {
            for id in [a, b] {
                if !nodes.iter().any(|n| n.id == *id) {
                    nodes.push(header(
                        id,
                        if *id == "S3" { "storage" } else { "networking" },
                    ));
                }
            }
        }
        Subgraph {
            nodes,
            edges: edges
                .iter()
                .map(|(a, r, b)| (a.to_string(), r.to_string(), b.to_string()))
                .collect(),
        }
    }

    #[test]
    fn category_clusters_one_group_per_category() {
        let d = Diagram::from_subgraph(
            &sub(&[("VPC", "uses", "S3"), ("Subnet", "part-of", "VPC")]),
            None,
            &[],
            Clustering::Category,
            &[],
        );
        assert_eq!(d.groups.len(), 2);
        assert_eq!(d.groups[0].label, "Networking & Content Delivery");
        assert_eq!(d.groups[1].label, "Storage");
        let vpc = d.nodes.iter().find(|n| n.id == "VPC").unwrap();
        let subnet = d.nodes.iter().find(|n| n.id == "Subnet").unwrap();
        assert_eq!(vpc.group, subnet.group);
    }

    #[test]
    fn part_of_clusters_nest_and_survive_cycles() {
        let d = Diagram::from_subgraph(
            &sub(&[
                ("ENI", "part-of", "Subnet"),
                ("Subnet", "part-of", "VPC"),
                ("NACL", "part-of", "VPC"),
                ("VPC", "uses", "S3"),
            ]),
            None,
            &[],
            Clustering::PartOf,
            &[],
        );
        // Wholes: VPC (outer) and Subnet (inside VPC).
        assert_eq!(d.groups.len(), 2);
        assert_eq!(d.groups[0].label, "VPC name");
        assert_eq!(d.groups[1].parent, Some(0));
        let g = |id: &str| d.nodes.iter().find(|n| n.id == id).unwrap().group;
        assert_eq!(g("ENI"), Some(1));
        assert_eq!(g("Subnet"), Some(1));
        assert_eq!(g("NACL"), Some(0));
        assert_eq!(g("VPC"), Some(0));
        assert_eq!(g("S3"), None);
        assert_eq!(d.group_path(1), vec!["VPC name", "Subnet name"]);

        let cyc = Diagram::from_subgraph(
            &sub(&[("A", "part-of", "B"), ("B", "part-of", "A")]),
            None,
            &[],
            Clustering::PartOf,
            &[],
        );
        assert!(cyc.groups.len() <= 2);
        for i in 0..cyc.groups.len() {
            assert!(cyc.depth(i) < 2);
        }
    }

    #[test]
    fn parallel_edges_are_drawn_once() {
        let rels = vec![RelationDef {
            id: "alternative-to".into(),
            description: String::new(),
            inverse: "alternative to".into(),
            verb: None,
            symmetric: true,
        }];
        let d = Diagram::from_subgraph(
            &sub(&[
                ("KDS", "delivers-to", "Firehose"),
                ("Firehose", "alternative-to", "KDS"),
                ("KDS", "monitors", "Firehose"),
                ("Firehose", "uses", "KDS"),
            ]),
            None,
            &[],
            Clustering::None,
            &rels,
        );
        assert_eq!(d.edges.len(), 4, "exports keep every edge");
        let drawn = d.drawn_edges();
        assert_eq!(drawn.len(), 2, "{drawn:?}");
        assert_eq!(
            drawn[0].label.as_deref(),
            Some("delivers-to, alternative-to, monitors")
        );
        assert_eq!(
            (drawn[0].from.as_str(), drawn[0].arrows),
            ("KDS", Arrows::Forward)
        );
        assert_eq!(
            (drawn[1].from.as_str(), drawn[1].label.as_deref()),
            ("Firehose", Some("uses"))
        );
    }

    #[test]
    fn extensions_pick_formats() {
        let f = |p: &str| Format::from_extension(Path::new(p));
        assert_eq!(f("a.svg"), Some(Format::Svg));
        assert_eq!(f("a.GV"), Some(Format::Dot));
        assert_eq!(f("dir.x/a.mmd"), Some(Format::Mermaid));
        assert_eq!(f("a.graphml"), Some(Format::Graphml));
        assert_eq!(f("a.cypher"), Some(Format::Cypher));
        assert_eq!(f("a.md"), Some(Format::Markdown));
        assert_eq!(f("a.json"), Some(Format::Json));
        assert_eq!(f("a.txt"), None);
        assert_eq!(f("noext"), None);
    }

    #[test]
    fn wrap_and_clean() {
        assert_eq!(
            wrap("Amazon Kinesis Data Streams", 16),
            vec!["Amazon Kinesis", "Data Streams"]
        );
        assert_eq!(wrap("a\nb", 30), vec!["a", "b"]);
        assert_eq!(clean("a\u{1}b\r\nc\td"), "ab\nc\td");
        assert_eq!(
            wrap("Supercalifragilistic x", 5),
            vec!["Supercalifragilistic", "x"]
        );
    }

    #[test]
    fn group_styles_parse_with_aliases() {
        assert_eq!(GroupStyle::parse("AZ"), Some(GroupStyle::AvailabilityZone));
        assert_eq!(
            GroupStyle::parse("availability-zone"),
            Some(GroupStyle::AvailabilityZone)
        );
        assert_eq!(
            GroupStyle::parse("public-subnet"),
            Some(GroupStyle::PublicSubnet)
        );
        assert_eq!(GroupStyle::parse("category"), None);
        assert_eq!(Direction::parse("tb"), Some(Direction::TB));
        assert_eq!(Direction::parse("up"), None);
    }
}
