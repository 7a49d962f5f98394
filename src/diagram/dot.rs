//! [`Diagram`] → Graphviz DOT, built as a `graphviz-rust` syntax tree and printed by its
//! printer.
//!
//! Graphviz reads ids and labels with different rules, so each goes through one function
//! here: ids are quoted strings ([`quoted`]), labels are HTML-like labels ([`html_text`]).
//! HTML labels are used for every label because their escaping is plain XML (no
//! `\N`-style escapes, no entity surprises) and they allow a bold name over a smaller
//! detail line, like the AWS icon captions.

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::theme::{self, FONT, INK};
use super::{Arrows, Diagram, Direction, LineStyle, wrap};

/// Label lines are wrapped at about this many characters.
const WRAP: usize = 22;

/// The diagram as DOT source, ending with a newline.
pub fn render(d: &Diagram) -> String {
    let mut ctx = PrinterContext::default();
    let mut s = build(d).print(&mut ctx);
    s.push('\n');
    s
}

/// The diagram as a `graphviz-rust` graph.
pub fn build(d: &Diagram) -> Graph {
    let mut stmts: Vec<Stmt> = Vec::new();
    let rankdir = match d.direction {
        Direction::LR => "LR",
        Direction::TB => "TB",
        Direction::RL => "RL",
        Direction::BT => "BT",
    };
    let mut graph_attrs = vec![
        attr("rankdir", plain(rankdir)),
        attr("fontname", quoted(FONT)),
        attr("fontsize", plain("18")),
        attr("fontcolor", quoted(INK)),
        attr("labelloc", plain("t")),
        attr("labeljust", plain("l")),
        attr("pad", quoted("0.4")),
        attr("nodesep", quoted("0.45")),
        attr("ranksep", quoted("0.75")),
        attr("newrank", plain("true")),
        attr("compound", plain("true")),
    ];
    if let Some(t) = d.title.as_deref().filter(|t| !t.trim().is_empty()) {
        graph_attrs.push(attr("label", html(&format!("<b>{}</b>", html_text(t)))));
    }
    stmts.push(Stmt::GAttribute(GraphAttributes::Graph(graph_attrs)));
    stmts.push(Stmt::GAttribute(GraphAttributes::Node(vec![
        attr("shape", plain("box")),
        attr("style", quoted("rounded,filled")),
        attr("fontname", quoted(FONT)),
        attr("fontsize", plain("12")),
        attr("margin", quoted("0.18,0.1")),
        attr("penwidth", quoted("1.4")),
    ])));
    stmts.push(Stmt::GAttribute(GraphAttributes::Edge(vec![
        attr("fontname", quoted(FONT)),
        attr("fontsize", plain("10")),
        attr("color", quoted(theme::EDGE)),
        attr("fontcolor", quoted(theme::EDGE)),
        attr("arrowsize", quoted("0.8")),
        attr("penwidth", quoted("1.3")),
    ])));

    let nodes = d.nodes_by_group();
    let groups = d.groups_by_parent();
    emit_members(d, None, &nodes, &groups, &mut stmts);

    for e in &d.drawn_edges() {
        let mut attrs = Vec::new();
        if let Some(l) = e.label.as_deref().filter(|l| !l.trim().is_empty()) {
            // Wrapped in a tag: graphviz-rust's parser only accepts HTML labels that end
            // with one, and reading our DOT back is how the tests check it.
            attrs.push(attr(
                "label",
                html(&format!(
                    "<font point-size=\"10\">{}</font>",
                    lines(l, WRAP)
                )),
            ));
        }
        match e.style {
            LineStyle::Solid => {}
            other => attrs.push(attr("style", plain(other.as_str()))),
        }
        if e.arrows != Arrows::Forward {
            attrs.push(attr("dir", plain(e.arrows.as_str())));
        }
        stmts.push(Stmt::Edge(Edge {
            ty: EdgeTy::Pair(Vertex::N(node_id(&e.from)), Vertex::N(node_id(&e.to))),
            attributes: attrs,
        }));
    }
    Graph::DiGraph {
        id: quoted("awsgraph"),
        strict: false,
        stmts,
    }
}

/// The nodes and sub-clusters of one group (or of the top level, `None`).
fn emit_members(
    d: &Diagram,
    group: Option<usize>,
    nodes: &std::collections::HashMap<Option<usize>, Vec<usize>>,
    groups: &std::collections::HashMap<Option<usize>, Vec<usize>>,
    out: &mut Vec<Stmt>,
) {
    for &i in nodes.get(&group).map(Vec::as_slice).unwrap_or(&[]) {
        out.push(Stmt::Node(node(d, i)));
    }
    for &g in groups.get(&group).map(Vec::as_slice).unwrap_or(&[]) {
        let grp = &d.groups[g];
        let look = theme::group_look(grp.style, grp.category.as_deref(), d.depth(g));
        let mut style = vec!["rounded"];
        if look.line != "solid" {
            style.push(look.line);
        }
        let mut attrs = vec![
            attr("label", html(&format!("<b>{}</b>", lines(&grp.label, 40)))),
            attr("fontname", quoted(FONT)),
            attr("fontsize", plain("12")),
            attr("fontcolor", quoted(&look.font)),
            attr("labeljust", plain("l")),
            attr("color", quoted(&look.border)),
            attr("penwidth", quoted(&look.pen_width.to_string())),
            attr("margin", plain("14")),
        ];
        if let Some(fill) = &look.fill {
            style.push("filled");
            attrs.push(attr("fillcolor", quoted(fill)));
        }
        attrs.push(attr("style", quoted(&style.join(","))));
        let mut inner = vec![Stmt::GAttribute(GraphAttributes::Graph(attrs))];
        emit_members(d, Some(g), nodes, groups, &mut inner);
        out.push(Stmt::Subgraph(Subgraph {
            // Graphviz draws a subgraph as a box only when its name starts with
            // "cluster"; the index keeps names unique whatever the labels are.
            id: plain(&format!("cluster_{g}")),
            stmts: inner,
        }));
    }
}

fn node(d: &Diagram, i: usize) -> Node {
    let n = &d.nodes[i];
    let look = theme::node_look(n.category.as_deref(), n.kind.as_deref(), n.external);
    let mut label = format!("<b>{}</b>", lines(&n.label, WRAP));
    if let Some(detail) = n.detail.as_deref().filter(|s| !s.trim().is_empty()) {
        label.push_str(&format!(
            "<br/><font point-size=\"9\">{}</font>",
            lines(detail, WRAP + 8)
        ));
    }
    let tooltip = match (&n.reference, &n.category) {
        (Some(r), Some(c)) => format!("{r} ({c})"),
        (Some(r), None) => r.clone(),
        _ => n.label.clone(),
    };
    let mut attrs = vec![
        attr("label", html(&label)),
        attr("style", quoted(look.style)),
        attr("fillcolor", quoted(&look.fill)),
        attr("color", quoted(&look.border)),
        attr("fontcolor", quoted(&look.font)),
        attr("tooltip", quoted(&tooltip)),
    ];
    if n.focus {
        attrs.push(attr("penwidth", quoted("3")));
        attrs.push(attr("color", quoted(INK)));
    }
    Node {
        id: node_id(&n.id),
        attributes: attrs,
    }
}

fn attr(key: &str, value: Id) -> Attribute {
    Attribute(Id::Plain(key.to_string()), value)
}

fn plain(s: &str) -> Id {
    Id::Plain(s.to_string())
}

fn node_id(id: &str) -> NodeId {
    NodeId(quoted(id), None)
}

/// An HTML-like label. It must end with a closing tag: graphviz-rust's parser takes
/// `>>` as the end of an HTML id, so bare text would swallow the statements after it.
fn html(inner: &str) -> Id {
    if inner.ends_with('>') {
        Id::Html(format!("<{inner}>"))
    } else {
        Id::Html(format!("<<font>{inner}</font>>"))
    }
}

/// A DOT quoted string. Inside quotes DOT gives meaning only to `\"` and a trailing
/// `\`; escaping every backslash too keeps the mapping one-to-one, so two different
/// names can never print as the same id and no name can end the string early.
/// Newlines become `\n` so that the DOT file stays one statement per line.
pub fn quoted(s: &str) -> Id {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in super::clean(s).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    Id::Escaped(out)
}

/// Text for an HTML-like label: XML-escaped, newlines as `<br/>`.
pub fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in super::clean(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br/>"),
            // Graphviz would otherwise collapse a tab into nothing.
            '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `s` wrapped and escaped, lines joined by `<br/>`.
fn lines(s: &str, width: usize) -> String {
    wrap(s, width)
        .iter()
        .map(|l| html_text(l))
        .collect::<Vec<_>>()
        .join("<br/>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::{DiagramEdge, DiagramNode, Group, GroupStyle};

    fn node(id: &str, label: &str) -> DiagramNode {
        DiagramNode {
            id: id.into(),
            label: label.into(),
            detail: Some(format!("{id} · service")),
            reference: Some(id.into()),
            kind: Some("service".into()),
            category: Some("networking".into()),
            external: false,
            focus: false,
            group: None,
        }
    }

    fn count(g: &Graph) -> (usize, usize, usize) {
        fn walk(stmts: &[Stmt], acc: &mut (usize, usize, usize)) {
            for s in stmts {
                match s {
                    Stmt::Node(_) => acc.0 += 1,
                    Stmt::Edge(_) => acc.1 += 1,
                    Stmt::Subgraph(sg) => {
                        acc.2 += 1;
                        walk(&sg.stmts, acc);
                    }
                    _ => {}
                }
            }
        }
        let mut acc = (0, 0, 0);
        match g {
            Graph::DiGraph { stmts, .. } | Graph::Graph { stmts, .. } => walk(stmts, &mut acc),
        }
        acc
    }

    #[test]
    fn hostile_names_stay_one_node_each() {
        let names = [
            "Network ACL",
            "say \"hi\"",
            "back\\slash\\",
            "<script>alert(1)</script>",
            "a & b",
            "line\nbreak",
            "ünïcødé 🚀",
            "x\" -> \"y",
            "trailing\\",
            "tab\there",
            "ctl\u{7}bell",
            "># comment",
            "a>>b > >c",
        ];
        let mut d = Diagram::default();
        for (i, n) in names.iter().enumerate() {
            d.nodes.push(node(n, n));
            if i > 0 {
                d.edges.push(DiagramEdge {
                    from: names[i - 1].into(),
                    to: (*n).into(),
                    label: Some((*n).into()),
                    relation: None,
                    style: LineStyle::Solid,
                    arrows: Arrows::Forward,
                });
            }
        }
        d.groups.push(Group {
            label: "<b>\"grp\"</b> & co".into(),
            style: GroupStyle::Generic,
            parent: None,
            category: None,
            reference: None,
        });
        d.nodes[0].group = Some(0);
        d.title = Some("title \"with\" <html> & \\".into());
        let text = render(&d);
        let parsed = graphviz_rust::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(count(&parsed), (names.len(), names.len() - 1, 1), "{text}");
        // Every name comes back as exactly its own node id.
        let mut ids: Vec<Id> = Vec::new();
        fn collect(stmts: &[Stmt], ids: &mut Vec<Id>) {
            for s in stmts {
                match s {
                    Stmt::Node(n) => ids.push(n.id.0.clone()),
                    Stmt::Subgraph(sg) => collect(&sg.stmts, ids),
                    _ => {}
                }
            }
        }
        if let Graph::DiGraph { stmts, .. } = &parsed {
            collect(stmts, &mut ids);
        }
        let mut want: Vec<Id> = names.iter().map(|n| quoted(n)).collect();
        let key = |i: &Id| format!("{i:?}");
        ids.sort_by_key(key);
        want.sort_by_key(key);
        assert_eq!(ids, want);
        // Labels are HTML: markup in a name is escaped, never emitted.
        assert!(
            !text.contains("<b><script>") && text.contains("&lt;script&gt;"),
            "{text}"
        );
        assert!(!text.contains('\u{7}'));
    }

    #[test]
    fn quoting_is_one_to_one() {
        let q = |s: &str| match quoted(s) {
            Id::Escaped(v) => v,
            _ => unreachable!(),
        };
        assert_eq!(q("Network ACL"), "\"Network ACL\"");
        assert_eq!(q("a\"b"), "\"a\\\"b\"");
        assert_eq!(q("a\\"), "\"a\\\\\"");
        assert_ne!(q("a\\nb"), q("a\nb"));
        assert_eq!(
            html_text("<a href='x'>&</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn clusters_nest_and_edges_keep_style() {
        let mut d = Diagram::default();
        d.groups.push(Group {
            label: "VPC".into(),
            style: GroupStyle::Vpc,
            parent: None,
            category: None,
            reference: Some("VPC".into()),
        });
        d.groups.push(Group {
            label: "Public subnet".into(),
            style: GroupStyle::PublicSubnet,
            parent: Some(0),
            category: None,
            reference: None,
        });
        let mut a = node("a", "A");
        a.group = Some(1);
        d.nodes.push(a);
        d.nodes.push(node("b", "B"));
        d.edges.push(DiagramEdge {
            from: "a".into(),
            to: "b".into(),
            label: None,
            relation: None,
            style: LineStyle::Dashed,
            arrows: Arrows::None,
        });
        let text = render(&d);
        let parsed = graphviz_rust::parse(&text).unwrap();
        assert_eq!(count(&parsed), (2, 1, 2));
        let inner = text.find("cluster_1").unwrap();
        let outer = text.find("cluster_0").unwrap();
        assert!(outer < inner);
        assert!(text.contains("#7AA116"), "public subnet border: {text}");
        assert!(
            text.contains("style=dashed") && text.contains("dir=none"),
            "{text}"
        );
    }
}
