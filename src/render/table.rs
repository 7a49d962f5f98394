//! Human-readable output: headings, short lines and tables (`render::grid`). The default
//! format, on a terminal and in the golden files under `queries/`.

use std::collections::BTreeMap;
use std::fmt::Write;

use anstyle::{AnsiColor, Effects, Style as AStyle};

use super::Style;
use super::grid::{Grid, cell, right};
use crate::answer::*;
use crate::graph::Direction;

const BOLD: AStyle = AStyle::new().effects(Effects::BOLD);
const DIM: AStyle = AStyle::new().effects(Effects::DIMMED);
const NAME: AStyle = AStyle::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)))
    .effects(Effects::BOLD);
const WARN: AStyle = AStyle::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));

fn line(out: &mut String, s: &str) {
    out.push_str(s);
    out.push('\n');
}

fn title(style: Style, h: &NodeHeader) -> String {
    let name = if h.name != h.id {
        format!(" — {}", h.name)
    } else {
        String::new()
    };
    format!("{}{name}", style.paint(NAME, &h.id))
}

pub fn render(answer: &Answer, style: Style) -> String {
    let mut out = String::new();
    match answer {
        Answer::Describe(d) => describe(&mut out, d, style),
        Answer::Compare(c) => compare(&mut out, c, style),
        Answer::Nodes(l) => nodes(&mut out, l, style),
        Answer::Path(p) => path(&mut out, p, style),
        Answer::Neighbors(n) => neighbors(&mut out, n, style),
        Answer::Relations(r) => {
            let mut t = Grid::new(
                style,
                &["relation", "inverse", "symmetric", "edges", "description"],
            );
            for r in &r.relations {
                t.row([
                    cell(&*r.id),
                    cell(&*r.inverse),
                    cell(if r.symmetric { "yes" } else { "no" }),
                    right(r.edges.to_string()),
                    cell(&*r.description),
                ]);
            }
            t.render_into(&mut out);
        }
        Answer::Counts(c) => {
            let has_detail = c.items.iter().any(|i| i.detail.is_some());
            let head: Vec<&str> = if has_detail {
                vec![c.title.as_str(), "nodes", "types"]
            } else {
                vec![c.title.as_str(), "nodes"]
            };
            let mut t = Grid::new(style, &head);
            for i in &c.items {
                let mut r = vec![cell(&*i.name), right(i.count.to_string())];
                if has_detail {
                    r.push(cell(i.detail.as_deref().unwrap_or("")));
                }
                t.row(r);
            }
            t.render_into(&mut out);
        }
        Answer::Help(h) => line(&mut out, &h.text),
    }
    out
}

fn describe(out: &mut String, d: &NodeDetail, style: Style) {
    line(out, &title(style, &d.header));
    let mut meta = format!("{} · {}", d.header.kind, d.header.category);
    if !d.aliases.is_empty() {
        write!(meta, " · also: {}", d.aliases.join(", ")).ok();
    }
    line(out, &style.paint(DIM, &meta));
    if !d.summary.is_empty() {
        line(out, &d.summary);
    }
    if !d.curated {
        line(
            out,
            &style.paint(
                WARN,
                "This service is known only from the AWS service catalog: no curated facts yet.",
            ),
        );
    }
    if !d.properties.is_empty() {
        out.push('\n');
        let mut t = Grid::new(style, &["property", "value", "note"]);
        for p in &d.properties {
            let mut note = p.note.as_deref().unwrap_or_default().to_string();
            if let Some(s) = &p.source {
                if !note.is_empty() {
                    note.push(' ');
                }
                write!(note, "[{s}]").ok();
            }
            t.row([cell(&*p.name), cell(&*p.display), cell(note)]);
        }
        t.render_into(out);
    }
    if !d.facts.is_empty() {
        out.push('\n');
        line(out, &style.paint(BOLD, "Facts"));
        for f in &d.facts {
            match &f.source {
                Some(s) => line(out, &format!("  • {} [{s}]", f.text)),
                None => line(out, &format!("  • {}", f.text)),
            }
        }
    }
    if !d.relations.is_empty() {
        out.push('\n');
        let mut groups: Vec<(String, Direction, Vec<String>)> = Vec::new();
        for r in &d.relations {
            let label = match &r.note {
                Some(n) => format!("{} ({n})", r.target),
                None => r.target.to_string(),
            };
            match groups
                .iter_mut()
                .find(|g| g.0 == r.phrase && g.1 == r.direction)
            {
                Some(g) => g.2.push(label),
                None => groups.push((r.phrase.to_string(), r.direction, vec![label])),
            }
        }
        let mut t = Grid::new(style, &["relation", "nodes"]);
        for (phrase, dir, targets) in groups {
            let arrow = match dir {
                Direction::Outgoing => "→",
                Direction::Incoming => "←",
            };
            t.row([cell(format!("{phrase} {arrow}")), cell(targets.join(", "))]);
        }
        t.render_into(out);
    }
    if !d.sources.is_empty() {
        out.push('\n');
        line(out, &style.paint(BOLD, "Sources"));
        for s in &d.sources {
            line(out, &format!("  {s}"));
        }
    }
}

fn compare(out: &mut String, c: &Comparison, style: Style) {
    let ids: Vec<&str> = c.nodes.iter().map(|n| &*n.id).collect();
    line(
        out,
        &format!("{} {}", style.paint(BOLD, "compare"), ids.join(" vs ")),
    );
    let mut head = vec!["", "property"];
    head.extend(ids.iter().copied());
    let mut t = Grid::new(style, &head);
    for r in &c.rows {
        let mut cells = vec![cell(if r.differs { "≠" } else { "" }), cell(&*r.property)];
        cells.extend(r.values.iter().map(|v| cell(v.as_deref().unwrap_or("-"))));
        t.row(cells);
    }
    t.render_into(out);
    line(
        out,
        &style.paint(
            DIM,
            "≠ marks rows where the values differ; - means not stated",
        ),
    );
    if !c.between.is_empty() {
        out.push('\n');
        line(out, &style.paint(BOLD, "Related to each other"));
        for e in &c.between {
            let note = e
                .note
                .as_ref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            line(out, &format!("  {} {} {}{note}", e.from, e.relation, e.to));
        }
    }
    let fmt_links = |links: &[LinkLine]| {
        let mut by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for l in links {
            by.entry(&l.phrase).or_default().push(&l.target);
        }
        by.into_iter()
            .map(|(p, ts)| format!("{p}: {}", ts.join(", ")))
            .collect::<Vec<_>>()
    };
    if !c.shared.is_empty() {
        out.push('\n');
        line(out, &style.paint(BOLD, "Shared relations"));
        for l in fmt_links(&c.shared) {
            line(out, &format!("  {l}"));
        }
    }
    if c.unique.iter().any(|u| !u.links.is_empty()) {
        out.push('\n');
        line(out, &style.paint(BOLD, "Only one of them"));
        for u in &c.unique {
            for l in fmt_links(&u.links) {
                line(out, &format!("  {}: {l}", u.node));
            }
        }
    }
}

fn nodes(out: &mut String, l: &NodeList, style: Style) {
    line(
        out,
        &format!("{} ({})", style.paint(BOLD, &l.title), l.nodes.len()),
    );
    if l.nodes.is_empty() {
        line(out, &style.paint(DIM, "no nodes match"));
        return;
    }
    let has_note = l.nodes.iter().any(|n| n.note.is_some());
    let mut head = vec!["id", "name", "kind", "category"];
    head.extend(l.columns.iter().map(String::as_str));
    if has_note {
        head.push("note");
    }
    let mut t = Grid::new(style, &head);
    for n in &l.nodes {
        let mut cells = vec![
            cell(&*n.header.id),
            cell(&*n.header.name),
            cell(&*n.header.kind),
            cell(&*n.header.category),
        ];
        cells.extend(n.values.iter().map(|v| cell(v.as_deref().unwrap_or("-"))));
        if has_note {
            cells.push(cell(n.note.as_deref().unwrap_or("")));
        }
        t.row(cells);
    }
    t.render_into(out);
}

fn path(out: &mut String, p: &PathAnswer, style: Style) {
    let head = format!("path {} → {}", p.from.id, p.to.id);
    line(out, &style.paint(BOLD, &head));
    match &p.hops {
        None => line(out, &style.paint(DIM, "not connected")),
        Some(hops) if hops.is_empty() => line(out, "same node"),
        Some(hops) => {
            if !p.directed {
                line(
                    out,
                    &style.paint(DIM, "no chain this short follows edge directions; this one reads some edges backwards"),
                );
            }
            let mut t = Grid::new(style, &["#", "from", "relation", "to"]);
            for (i, h) in hops.iter().enumerate() {
                t.row([
                    cell((i + 1).to_string()),
                    cell(&*h.from.id),
                    cell(&*h.phrase),
                    cell(&*h.to.id),
                ]);
            }
            t.render_into(out);
            let mut chain = hops[0].from.id.to_string();
            for h in hops {
                write!(chain, " —{}→ {}", h.phrase, h.to.id).ok();
            }
            line(out, &chain);
        }
    }
}

fn neighbors(out: &mut String, n: &Neighborhood, style: Style) {
    line(
        out,
        &format!(
            "{} {} (depth {}): {} nodes, {} edges",
            style.paint(BOLD, "neighbors of"),
            n.center.id,
            n.depth,
            n.nodes.len().saturating_sub(1),
            n.edges.len()
        ),
    );
    let mut t = Grid::new(style, &["distance", "id", "name", "kind", "category"]);
    for m in n.nodes.iter().skip(1) {
        t.row([
            right(m.distance.to_string()),
            cell(&*m.header.id),
            cell(&*m.header.name),
            cell(&*m.header.kind),
            cell(&*m.header.category),
        ]);
    }
    t.render_into(out);
    let mut e = Grid::new(style, &["from", "relation", "to"]);
    for x in &n.edges {
        e.row([cell(&*x.from), cell(&*x.relation), cell(&*x.to)]);
    }
    e.render_into(out);
}
