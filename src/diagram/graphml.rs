//! [`Diagram`] → GraphML, the XML graph format Gephi, yEd and Cytoscape import.
//!
//! The graph is flat (every tool reads that); a node's group shows as a `group` attribute
//! holding the path of group labels. Gephi colours nodes from the `r`, `g`, `b`
//! attributes, so those carry the category colour.

use std::fmt::Write;

use super::theme;
use super::{Arrows, Diagram};

/// Node and edge attributes: (key id, applies to, name, type).
const KEYS: &[(&str, &str, &str, &str)] = &[
    ("label", "node", "label", "string"),
    ("detail", "node", "detail", "string"),
    ("ref", "node", "ref", "string"),
    ("kind", "node", "kind", "string"),
    ("category", "node", "category", "string"),
    ("group", "node", "group", "string"),
    ("external", "node", "external", "boolean"),
    ("r", "node", "r", "int"),
    ("g", "node", "g", "int"),
    ("b", "node", "b", "int"),
    ("elabel", "edge", "label", "string"),
    ("relation", "edge", "relation", "string"),
    ("style", "edge", "style", "string"),
];

/// The diagram as a GraphML document, ending with a newline.
pub fn render(d: &Diagram) -> String {
    let mut out = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" ",
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ",
        "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns ",
        "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
    ));
    for (id, on, name, ty) in KEYS {
        writeln!(
            out,
            "  <key id=\"{id}\" for=\"{on}\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
        )
        .ok();
    }
    let title = d.title.as_deref().unwrap_or("awsgraph");
    writeln!(
        out,
        "  <graph id=\"{}\" edgedefault=\"directed\">",
        xml_escape(title)
    )
    .ok();
    for n in &d.nodes {
        writeln!(out, "    <node id=\"{}\">", xml_escape(&n.id)).ok();
        let mut data = |key: &str, value: &str| {
            writeln!(
                out,
                "      <data key=\"{key}\">{}</data>",
                xml_escape(value)
            )
            .ok();
        };
        data("label", &n.label);
        if let Some(v) = &n.detail {
            data("detail", v);
        }
        if let Some(v) = &n.reference {
            data("ref", v);
        }
        if let Some(v) = &n.kind {
            data("kind", v);
        }
        if let Some(v) = &n.category {
            data("category", v);
        }
        if let Some(g) = n.group {
            data("group", &d.group_path(g).join(" / "));
        }
        data("external", if n.external { "true" } else { "false" });
        let color = match (&n.category, n.external) {
            (Some(c), false) => theme::category_color(c),
            _ => theme::NEUTRAL,
        };
        let (r, g, b) = theme::rgb(color).unwrap_or((125, 137, 152));
        data("r", &r.to_string());
        data("g", &g.to_string());
        data("b", &b.to_string());
        writeln!(out, "    </node>").ok();
    }
    for (i, e) in d.edges.iter().enumerate() {
        writeln!(
            out,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\"{}>",
            xml_escape(&e.from),
            xml_escape(&e.to),
            if e.arrows == Arrows::None {
                " directed=\"false\""
            } else {
                ""
            }
        )
        .ok();
        if let Some(l) = &e.label {
            writeln!(out, "      <data key=\"elabel\">{}</data>", xml_escape(l)).ok();
        }
        if let Some(r) = &e.relation {
            writeln!(out, "      <data key=\"relation\">{}</data>", xml_escape(r)).ok();
        }
        writeln!(out, "      <data key=\"style\">{}</data>", e.style.as_str()).ok();
        writeln!(out, "    </edge>").ok();
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

/// Escapes text for XML content and attribute values. Characters XML 1.0 cannot hold
/// at all (most control characters) are dropped; newlines and tabs become character
/// references so that attribute normalisation keeps them.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in super::clean(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_invalid_characters() {
        assert_eq!(
            xml_escape("<a b=\"c\">&'</a>"),
            "&lt;a b=&quot;c&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(xml_escape("x\u{0}\u{1b}y\nz"), "xy&#10;z");
    }
}
