//! [`Diagram`] → Mermaid flowchart, which GitHub, GitLab and many wikis render inline.
//!
//! Mermaid ids are generated (`n0`, `g0`): real names could be Mermaid keywords (`end`)
//! or contain syntax. Every label is quoted and escaped with Mermaid's `#code;` entities,
//! so quotes, brackets, pipes and HTML in a name stay text.

use std::fmt::Write;

use super::theme;
use super::{Arrows, Diagram, Direction, LineStyle};

/// The diagram as a Mermaid `flowchart`, ending with a newline.
pub fn render(d: &Diagram) -> String {
    let mut out = String::new();
    if let Some(t) = d.title.as_deref().filter(|t| !t.trim().is_empty()) {
        // The front matter is YAML; a JSON string is a valid YAML double-quoted scalar.
        let title = serde_json::to_string(&super::clean(t).replace('\n', " ")).unwrap_or_default();
        writeln!(out, "---\ntitle: {title}\n---").ok();
    }
    let dir = match d.direction {
        Direction::LR => "LR",
        Direction::TB => "TB",
        Direction::RL => "RL",
        Direction::BT => "BT",
    };
    writeln!(out, "flowchart {dir}").ok();
    let ids: std::collections::HashMap<&str, String> = d
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), format!("n{i}")))
        .collect();
    let nodes = d.nodes_by_group();
    let groups = d.groups_by_parent();
    members(d, None, 1, &nodes, &groups, &mut out);
    for e in &d.edges {
        let (Some(a), Some(b)) = (ids.get(e.from.as_str()), ids.get(e.to.as_str())) else {
            continue;
        };
        // Mermaid has no "arrow at the start only": a back edge is drawn reversed.
        let (a, b) = if e.arrows == Arrows::Back {
            (b, a)
        } else {
            (a, b)
        };
        let arrow = match (e.style, e.arrows) {
            (LineStyle::Solid, Arrows::Forward | Arrows::Back) => "-->",
            (LineStyle::Solid, Arrows::Both) => "<-->",
            (LineStyle::Solid, Arrows::None) => "---",
            (_, Arrows::Forward | Arrows::Back) => "-.->",
            (_, Arrows::Both) => "<-.->",
            (_, Arrows::None) => "-.-",
        };
        match e.label.as_deref().filter(|l| !l.trim().is_empty()) {
            Some(l) => writeln!(out, "    {a} {arrow}|\"{}\"| {b}", escape(l)),
            None => writeln!(out, "    {a} {arrow} {b}"),
        }
        .ok();
    }
    // Colours: one class per category, plus external and focus.
    let mut classes: Vec<(String, Vec<String>)> = Vec::new();
    for (i, n) in d.nodes.iter().enumerate() {
        let class = if n.external {
            "external".to_string()
        } else {
            format!(
                "cat_{}",
                class_name(n.category.as_deref().unwrap_or("other"))
            )
        };
        match classes.iter_mut().find(|(c, _)| *c == class) {
            Some((_, v)) => v.push(format!("n{i}")),
            None => {
                let look = theme::node_look(n.category.as_deref(), Some("service"), n.external);
                let dash = if n.external {
                    ",stroke-dasharray:4 3"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "    classDef {class} fill:{},stroke:{},color:{}{dash}",
                    look.fill, look.border, look.font
                )
                .ok();
                classes.push((class, vec![format!("n{i}")]));
            }
        }
    }
    for (class, members) in &classes {
        writeln!(out, "    class {} {class}", members.join(",")).ok();
    }
    let focus: Vec<String> = d
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.focus)
        .map(|(i, _)| format!("n{i}"))
        .collect();
    if !focus.is_empty() {
        writeln!(
            out,
            "    classDef focus stroke:{},stroke-width:3px",
            theme::INK
        )
        .ok();
        writeln!(out, "    class {} focus", focus.join(",")).ok();
    }
    for (g, grp) in d.groups.iter().enumerate() {
        let look = theme::group_look(grp.style, grp.category.as_deref(), d.depth(g));
        let fill = look.fill.as_deref().unwrap_or("none");
        let dash = match look.line {
            "dashed" => ",stroke-dasharray:6 4",
            "dotted" => ",stroke-dasharray:2 3",
            _ => "",
        };
        writeln!(
            out,
            "    style g{g} fill:{fill},stroke:{},color:{}{dash}",
            look.border, look.font
        )
        .ok();
    }
    out
}

fn members(
    d: &Diagram,
    group: Option<usize>,
    depth: usize,
    nodes: &std::collections::HashMap<Option<usize>, Vec<usize>>,
    groups: &std::collections::HashMap<Option<usize>, Vec<usize>>,
    out: &mut String,
) {
    let pad = "    ".repeat(depth);
    for &i in nodes.get(&group).map(Vec::as_slice).unwrap_or(&[]) {
        let n = &d.nodes[i];
        let mut label = format!("<b>{}</b>", escape(&n.label));
        if let Some(detail) = n.detail.as_deref().filter(|s| !s.trim().is_empty()) {
            write!(label, "<br/><small>{}</small>", escape(detail)).ok();
        }
        writeln!(out, "{pad}n{i}[\"{label}\"]").ok();
    }
    for &g in groups.get(&group).map(Vec::as_slice).unwrap_or(&[]) {
        writeln!(
            out,
            "{pad}subgraph g{g}[\"{}\"]",
            escape(&d.groups[g].label)
        )
        .ok();
        members(d, Some(g), depth + 1, nodes, groups, out);
        writeln!(out, "{pad}end").ok();
    }
}

/// Escapes text for a quoted Mermaid label. Inside quotes only `"` ends the text, but
/// Mermaid decodes `#code;` entities, renders HTML and treats backticks as Markdown, so
/// those characters become numeric `#code;` entities too; newlines become `<br/>`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in super::clean(s).chars() {
        match c {
            '"' | '#' | '&' | '<' | '>' | '|' | '`' => {
                write!(out, "#{};", c as u32).ok();
            }
            '\n' => out.push_str("<br/>"),
            '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A category as a CSS-class-safe name.
fn class_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_syntax_characters() {
        let e = escape("say \"hi\" <script>alert(1)</script> & [x]|{y}#`;\nz");
        for bad in ['"', '<', '>', '|', '`', '\n'] {
            // `<br/>` is the only markup we add.
            let stripped = e.replace("<br/>", "");
            assert!(!stripped.contains(bad), "{bad:?} in {e}");
        }
        assert!(e.contains("#34;hi#34;"));
        assert!(e.ends_with("<br/>z"));
    }
}
