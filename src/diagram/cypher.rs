//! [`Diagram`] → one Cypher `CREATE` statement, to load into Neo4j (`cypher-shell <
//! graph.cypher`) or Memgraph.
//!
//! One statement, because Cypher variables (`n0`) live only within their statement.
//! Names are string literals, escaped; labels and relationship types are identifiers
//! built from a fixed alphabet, so no name can inject Cypher.

use std::fmt::Write;

use super::Diagram;

/// The diagram as Cypher, ending with a newline.
pub fn render(d: &Diagram) -> String {
    let mut out = String::new();
    let title = super::clean(d.title.as_deref().unwrap_or("awsgraph")).replace('\n', " ");
    writeln!(
        out,
        "// {title}: {} nodes, {} edges, {} groups. Load with: cypher-shell < FILE",
        d.nodes.len(),
        d.edges.len(),
        d.groups.len()
    )
    .ok();
    let mut parts: Vec<String> = Vec::new();
    let index: std::collections::HashMap<&str, usize> = d
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    for (i, g) in d.groups.iter().enumerate() {
        let mut props = vec![("label", g.label.as_str())];
        let style = serde_json::to_value(g.style)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        props.push(("style", &style));
        if let Some(r) = &g.reference {
            props.push(("ref", r));
        }
        parts.push(format!("(g{i}:AwsGroup {})", map(&props)));
    }
    for (i, g) in d.groups.iter().enumerate() {
        if let Some(p) = g.parent.filter(|p| *p < d.groups.len() && *p != i) {
            parts.push(format!("(g{i})-[:IN_GROUP]->(g{p})"));
        }
    }
    for (i, n) in d.nodes.iter().enumerate() {
        let mut labels = String::from(":AwsNode");
        if n.external {
            labels.push_str(":External");
        } else if let Some(k) = &n.kind {
            labels.push(':');
            labels.push_str(&identifier(k));
        }
        let mut props = vec![("id", n.id.as_str()), ("name", n.label.as_str())];
        for (key, v) in [
            ("ref", &n.reference),
            ("kind", &n.kind),
            ("category", &n.category),
            ("detail", &n.detail),
        ] {
            if let Some(v) = v {
                props.push((key, v));
            }
        }
        parts.push(format!("(n{i}{labels} {})", map(&props)));
        if let Some(g) = n.group.filter(|g| *g < d.groups.len()) {
            parts.push(format!("(n{i})-[:IN_GROUP]->(g{g})"));
        }
    }
    for e in &d.edges {
        let (Some(a), Some(b)) = (index.get(e.from.as_str()), index.get(e.to.as_str())) else {
            continue;
        };
        let ty = identifier(e.relation.as_deref().unwrap_or("flows-to")).to_uppercase();
        let mut props = Vec::new();
        if let Some(l) = &e.label {
            props.push(("label", l.as_str()));
        }
        let props = if props.is_empty() {
            String::new()
        } else {
            format!(" {}", map(&props))
        };
        parts.push(format!("(n{a})-[:{ty}{props}]->(n{b})"));
    }
    if parts.is_empty() {
        out.push_str("// nothing to create\n");
        return out;
    }
    out.push_str("CREATE\n  ");
    out.push_str(&parts.join(",\n  "));
    out.push_str(";\n");
    out
}

/// `{key: 'value', ...}` with escaped values; keys are fixed identifiers.
fn map(props: &[(&str, &str)]) -> String {
    let inner: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}: {}", string(v)))
        .collect();
    format!("{{{}}}", inner.join(", "))
}

/// A single-quoted Cypher string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                write!(out, "\\u{:04X}", c as u32).ok();
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A label or relationship type: ASCII letters, digits and `_`, starting with a letter
/// (`part-of` → `part_of`, `service` → `Service`).
pub fn identifier(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "X_");
    }
    let mut chars = out.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => "X".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_identifiers_are_inert() {
        assert_eq!(string("it's \\ \"x\"\n"), "'it\\'s \\\\ \\\"x\\\"\\n'");
        assert_eq!(string("a\u{1}"), "'a\\u0001'");
        assert_eq!(identifier("part-of").to_uppercase(), "PART_OF");
        assert_eq!(identifier("service"), "Service");
        assert_eq!(
            identifier("`) DETACH DELETE n //"),
            "X____DETACH_DELETE_n___"
        );
        assert_eq!(identifier(""), "X_");
    }
}
