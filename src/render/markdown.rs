//! GitHub-flavoured Markdown output, for pasting answers into notes, issues and wikis.
//! Cell text is escaped so that a `|` or a newline in a fact cannot break a table.

use std::fmt::Write;

use crate::answer::*;
use crate::graph::Direction;

/// Escapes text for a Markdown table cell or paragraph: pipes, HTML and line breaks.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        // GitHub never reads an underscore inside a word as emphasis, so `max_item_size`
        // stays readable; one at a word's edge could start emphasis and is escaped.
        let inside_word = |j: Option<&char>| j.is_some_and(|c| c.is_alphanumeric());
        if c == '_'
            && inside_word(i.checked_sub(1).and_then(|j| chars.get(j)))
            && inside_word(chars.get(i + 1))
        {
            out.push('_');
            continue;
        }
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '*' | '_' | '`' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

fn table(out: &mut String, head: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    let h: Vec<String> = head.iter().map(|h| escape(h)).collect();
    writeln!(out, "| {} |", h.join(" | ")).ok();
    writeln!(out, "|{}", "---|".repeat(head.len())).ok();
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| escape(c)).collect();
        writeln!(out, "| {} |", cells.join(" | ")).ok();
    }
    out.push('\n');
}

pub fn render(answer: &Answer) -> String {
    let mut out = String::new();
    match answer {
        Answer::Describe(d) => {
            writeln!(
                out,
                "## {} — {}\n",
                escape(&d.header.id),
                escape(&d.header.name)
            )
            .ok();
            writeln!(
                out,
                "*{}* · *{}*",
                escape(&d.header.kind),
                escape(&d.header.category)
            )
            .ok();
            if !d.aliases.is_empty() {
                let a: Vec<String> = d.aliases.iter().map(|a| escape(a)).collect();
                writeln!(out, " · also: {}", a.join(", ")).ok();
            }
            writeln!(out, "\n{}\n", escape(&d.summary)).ok();
            if !d.curated {
                writeln!(
                    out,
                    "> Known only from the AWS service catalog: no curated facts yet.\n"
                )
                .ok();
            }
            if !d.properties.is_empty() {
                table(
                    &mut out,
                    &["property", "value", "note"],
                    d.properties.iter().map(|p| {
                        let mut note = p.note.as_deref().unwrap_or_default().to_string();
                        if let Some(s) = &p.source {
                            write!(note, " [{s}]").ok();
                        }
                        vec![
                            p.name.to_string(),
                            p.display.clone(),
                            note.trim().to_string(),
                        ]
                    }),
                );
            }
            if !d.facts.is_empty() {
                writeln!(out, "### Facts\n").ok();
                for f in &d.facts {
                    match &f.source {
                        Some(s) => writeln!(out, "- {} ({})", escape(&f.text), escape(s)),
                        None => writeln!(out, "- {}", escape(&f.text)),
                    }
                    .ok();
                }
                out.push('\n');
            }
            if !d.relations.is_empty() {
                table(
                    &mut out,
                    &["relation", "direction", "node"],
                    d.relations.iter().map(|r| {
                        vec![
                            r.phrase.to_string(),
                            match r.direction {
                                Direction::Outgoing => "outgoing".into(),
                                Direction::Incoming => "incoming".into(),
                            },
                            r.target.to_string(),
                        ]
                    }),
                );
            }
            if !d.sources.is_empty() {
                writeln!(out, "### Sources\n").ok();
                for s in &d.sources {
                    writeln!(out, "- {}", escape(s)).ok();
                }
                out.push('\n');
            }
        }
        Answer::Compare(c) => {
            let ids: Vec<&str> = c.nodes.iter().map(|n| &*n.id).collect();
            writeln!(out, "## compare {}\n", escape(&ids.join(" vs "))).ok();
            let mut head = vec!["property"];
            head.extend(ids.iter().copied());
            head.push("differs");
            table(
                &mut out,
                &head,
                c.rows.iter().map(|r| {
                    let mut row = vec![r.property.to_string()];
                    row.extend(
                        r.values
                            .iter()
                            .map(|v| v.as_deref().unwrap_or("-").to_string()),
                    );
                    row.push(if r.differs {
                        "≠".into()
                    } else {
                        String::new()
                    });
                    row
                }),
            );
            for e in &c.between {
                writeln!(
                    out,
                    "- {} *{}* {}",
                    escape(&e.from),
                    escape(&e.relation),
                    escape(&e.to)
                )
                .ok();
            }
            if !c.shared.is_empty() {
                writeln!(
                    out,
                    "\n**Shared:** {}",
                    c.shared
                        .iter()
                        .map(|l| escape(&format!("{} {}", l.phrase, l.target)))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
                .ok();
            }
            for u in &c.unique {
                if !u.links.is_empty() {
                    writeln!(
                        out,
                        "\n**Only {}:** {}",
                        escape(&u.node),
                        u.links
                            .iter()
                            .map(|l| escape(&format!("{} {}", l.phrase, l.target)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                    .ok();
                }
            }
            out.push('\n');
        }
        Answer::Nodes(l) => {
            writeln!(out, "## {} ({})\n", escape(&l.title), l.nodes.len()).ok();
            let mut head = vec!["id", "name", "kind", "category"];
            head.extend(l.columns.iter().map(String::as_str));
            table(
                &mut out,
                &head,
                l.nodes.iter().map(|n| {
                    let mut r = vec![
                        n.header.id.to_string(),
                        n.header.name.to_string(),
                        n.header.kind.to_string(),
                        n.header.category.to_string(),
                    ];
                    r.extend(
                        n.values
                            .iter()
                            .map(|v| v.clone().unwrap_or_else(|| "-".into())),
                    );
                    r
                }),
            );
        }
        Answer::Path(p) => {
            writeln!(
                out,
                "## path {} → {}\n",
                escape(&p.from.id),
                escape(&p.to.id)
            )
            .ok();
            match &p.hops {
                None => writeln!(out, "Not connected.\n").map(|_| ()).unwrap_or(()),
                Some(h) => table(
                    &mut out,
                    &["from", "relation", "to"],
                    h.iter().map(|h| {
                        vec![
                            h.from.id.to_string(),
                            h.phrase.to_string(),
                            h.to.id.to_string(),
                        ]
                    }),
                ),
            }
        }
        Answer::Neighbors(n) => {
            writeln!(
                out,
                "## neighbors of {} (depth {})\n",
                escape(&n.center.id),
                n.depth
            )
            .ok();
            table(
                &mut out,
                &["distance", "id", "name", "kind"],
                n.nodes.iter().skip(1).map(|m| {
                    vec![
                        m.distance.to_string(),
                        m.header.id.to_string(),
                        m.header.name.to_string(),
                        m.header.kind.to_string(),
                    ]
                }),
            );
            table(
                &mut out,
                &["from", "relation", "to"],
                n.edges
                    .iter()
                    .map(|e| vec![e.from.to_string(), e.relation.to_string(), e.to.to_string()]),
            );
        }
        Answer::Relations(r) => table(
            &mut out,
            &["relation", "inverse", "symmetric", "edges", "description"],
            r.relations.iter().map(|r| {
                vec![
                    r.id.clone(),
                    r.inverse.clone(),
                    r.symmetric.to_string(),
                    r.edges.to_string(),
                    r.description.clone(),
                ]
            }),
        ),
        Answer::Counts(c) => table(
            &mut out,
            &[c.title.as_str(), "nodes", "types"],
            c.items.iter().map(|i| {
                vec![
                    i.name.clone(),
                    i.count.to_string(),
                    i.detail.clone().unwrap_or_default(),
                ]
            }),
        ),
        Answer::Help(h) => {
            writeln!(out, "```\n{}\n```", h.text).ok();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_inert() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<script>&"), "&lt;script&gt;&amp;");
        assert_eq!(escape("x\ny"), "x<br>y");
        assert_eq!(escape("max_item_size"), "max_item_size");
        assert_eq!(escape("_em_ *b*"), "\\_em\\_ \\*b\\*");
    }
}
