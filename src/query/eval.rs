//! AST + graph → [`Answer`]. The fourth stage: it resolves names and relation phrases
//! against the loaded graph and builds the plain answer value that renderers print.
//!
//! Name and phrase resolution happen here rather than in the parser because the
//! vocabulary is data (`graph/relations.yaml`), and a parser that knew it could not be
//! tested or reused on another knowledge directory.

use std::collections::{BTreeMap, BTreeSet};

use super::ast::*;
use crate::answer::*;
use crate::graph::{Direction, KnowledgeGraph, Link, NodeKey};
use crate::model::{Kind, Node, Property, Source};
use crate::value::{Value, compare_quantities};

/// Errors of the evaluator; each points at the part of the query it is about.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalError {
    /// No node has this id, name or alias.
    #[error("no node named `{name}`")]
    UnknownNode {
        name: String,
        span: Span,
        suggestions: Vec<String>,
    },
    /// The phrase is not a relation of the vocabulary, forwards or backwards.
    #[error("`{phrase}` is not a relation")]
    UnknownRelation {
        phrase: String,
        span: Span,
        suggestions: Vec<String>,
    },
    /// No node has a property of this name.
    #[error("no node has a property `{name}`")]
    UnknownProperty {
        name: String,
        span: Span,
        suggestions: Vec<String>,
    },
    /// The comparison cannot mean anything (`<` on text, bytes against seconds).
    #[error("{message}")]
    BadComparison { message: String, span: Span },
}

impl EvalError {
    pub fn span(&self) -> Span {
        match self {
            EvalError::UnknownNode { span, .. }
            | EvalError::UnknownRelation { span, .. }
            | EvalError::UnknownProperty { span, .. }
            | EvalError::BadComparison { span, .. } => *span,
        }
    }

    pub fn help(&self) -> Option<String> {
        let list = |s: &[String]| crate::load::did_you_mean(s);
        match self {
            EvalError::UnknownNode { suggestions, .. } => list(suggestions)
                .or_else(|| Some("`list nodes` shows every node; `find where name contains ...` searches".into())),
            EvalError::UnknownRelation { suggestions, .. } => {
                list(suggestions).or_else(|| Some("`list relations` shows the vocabulary".into()))
            }
            EvalError::UnknownProperty { suggestions, .. } => list(suggestions).or_else(|| {
                Some("`list properties` shows every property; node fields are id, name, kind, category, summary, alias".into())
            }),
            EvalError::BadComparison { .. } => None,
        }
    }

    /// Exit status for the CLI: an unknown node is "not found" (1); the rest are
    /// mistakes in the query (2).
    pub fn exit_code(&self) -> u8 {
        match self {
            EvalError::UnknownNode { .. } => 1,
            _ => 2,
        }
    }
}

/// Evaluates one query against the graph.
pub fn eval(g: &KnowledgeGraph, q: &Query) -> Result<Answer, EvalError> {
    match &q.kind {
        QueryKind::Describe(n) => Ok(Answer::Describe(describe(g, resolve(g, n)?))),
        QueryKind::Compare(names) => {
            let keys = names
                .iter()
                .map(|n| resolve(g, n))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Answer::Compare(compare(g, &keys)))
        }
        QueryKind::WhatPointsAt { relation, target } => {
            let m = relation_of(g, relation)?;
            let key = resolve(g, target)?;
            // `what monitors X`: who has an edge into X. `what is monitored by X`: the
            // phrase reads backwards, so it is X's outgoing edges.
            let want = if m.inverse {
                Direction::Outgoing
            } else {
                Direction::Incoming
            };
            Ok(Answer::Nodes(what(
                g,
                key,
                m.relation,
                want,
                &relation.text,
            )))
        }
        QueryKind::WhatDoes { subject, relation } => {
            let key = resolve(g, subject)?;
            let m = relation_of(g, relation)?;
            let want = if m.inverse {
                Direction::Incoming
            } else {
                Direction::Outgoing
            };
            Ok(Answer::Nodes(what(
                g,
                key,
                m.relation,
                want,
                &relation.text,
            )))
        }
        QueryKind::Path { from, to } => {
            let (a, b) = (resolve(g, from)?, resolve(g, to)?);
            Ok(Answer::Path(path(g, a, b)))
        }
        QueryKind::Neighbors { center, depth, via } => {
            let key = resolve(g, center)?;
            let rels = via
                .iter()
                .map(|p| relation_of(g, p).map(|m| m.relation))
                .collect::<Result<Vec<_>, _>>()?;
            let depth = depth.map(|d| d.0).unwrap_or(1);
            let via = if rels.is_empty() {
                None
            } else {
                Some(&rels[..])
            };
            // Depth beyond the node count cannot find more; capping keeps the number
            // meaningful in output without bounding what is reachable.
            let eff = (depth as usize).min(g.node_count());
            let (nodes, edges) = g.neighborhood(key, eff, via);
            Ok(Answer::Neighbors(Neighborhood {
                center: header(g.node(key)),
                depth,
                nodes: nodes
                    .into_iter()
                    .map(|(k, d)| NeighborNode {
                        header: header(g.node(k)),
                        distance: d,
                    })
                    .collect(),
                edges: edges
                    .into_iter()
                    .map(|e| EdgeLine {
                        from: g.node(e.from).id.clone(),
                        relation: e.relation.id.clone(),
                        to: g.node(e.to).id.clone(),
                        note: e.note.map(str::to_string),
                    })
                    .collect(),
            }))
        }
        QueryKind::Find { kind, filter } => find(g, kind.map(|k| k.0), filter.as_ref(), q),
        QueryKind::List(target, _) => Ok(list(g, *target)),
        QueryKind::Help => Ok(Answer::Help(HelpText {
            text: HELP.trim().to_string(),
        })),
    }
}

fn resolve(g: &KnowledgeGraph, n: &Name) -> Result<NodeKey, EvalError> {
    g.resolve(&n.text).ok_or_else(|| EvalError::UnknownNode {
        name: n.text.clone(),
        span: n.span,
        suggestions: g.suggest(&n.text),
    })
}

fn relation_of<'g>(
    g: &'g KnowledgeGraph,
    p: &Phrase,
) -> Result<crate::graph::RelationMatch<'g>, EvalError> {
    g.resolve_relation(&p.text)
        .ok_or_else(|| EvalError::UnknownRelation {
            phrase: p.text.clone(),
            span: p.span,
            suggestions: crate::load::suggest(
                &crate::graph::normalize_phrase(&p.text),
                g.relation_phrases(),
            )
            .into_iter()
            .map(str::to_string)
            .collect(),
        })
}

pub(crate) fn header(n: &Node) -> NodeHeader {
    NodeHeader {
        id: n.id.clone(),
        name: n.name.clone(),
        kind: n.kind.to_string(),
        category: n.category.clone(),
    }
}

fn row(n: &Node) -> NodeRow {
    NodeRow {
        header: header(n),
        summary: n.summary.clone(),
        values: Vec::new(),
        note: None,
    }
}

fn phrase_of(l: &Link) -> String {
    match l.direction {
        Direction::Outgoing => l.relation.id.clone(),
        Direction::Incoming => l.relation.inverse.clone(),
    }
}

pub(crate) fn property_view(p: &Property) -> PropertyView {
    use serde_json::json;
    let (value, unit, dimension, base, approximate) = match &p.value {
        Value::Bool(b) => (json!(b), None, None, None, false),
        Value::Text(t) => (json!(t), None, None, None, false),
        Value::List(l) => (json!(l), None, None, None, false),
        Value::Quantity(q) => (
            json!(q.amount),
            Some(q.unit.symbol.clone()).filter(|s| !s.is_empty()),
            Some(q.unit.dimension.as_str().to_string()),
            Some(json!(q.base())),
            q.approx,
        ),
        Value::Range(r) => (
            json!([r.low, r.high]),
            Some(r.unit.symbol.clone()).filter(|s| !s.is_empty()),
            Some(r.unit.dimension.as_str().to_string()),
            Some(json!([r.base_low(), r.base_high()])),
            r.approx,
        ),
    };
    PropertyView {
        name: p.name.clone(),
        display: p.value.to_string(),
        value_type: p.value.type_name().to_string(),
        value,
        unit,
        dimension,
        base,
        approximate,
        note: p.note.clone(),
        source: p.source.as_ref().map(Source::to_string),
    }
}

fn describe(g: &KnowledgeGraph, key: NodeKey) -> NodeDetail {
    let n = g.node(key);
    let mut relations: Vec<RelationView> = g
        .links(key)
        .iter()
        .map(|l| RelationView {
            relation: l.relation.id.clone(),
            phrase: phrase_of(l),
            direction: l.direction,
            target: g.node(l.other).id.clone(),
            other: header(g.node(l.other)),
            note: l.note.map(str::to_string),
        })
        .collect();
    // Group by relation as the vocabulary orders it, outgoing before incoming.
    let order = |id: &str| {
        g.relations()
            .iter()
            .position(|r| r.id == id)
            .unwrap_or(usize::MAX)
    };
    relations.sort_by(|a, b| {
        (
            a.direction == Direction::Incoming,
            order(&a.relation),
            &a.target,
        )
            .cmp(&(
                b.direction == Direction::Incoming,
                order(&b.relation),
                &b.target,
            ))
    });
    NodeDetail {
        header: header(n),
        summary: n.summary.clone(),
        aliases: n.aliases.clone(),
        curated: n.curated,
        properties: n.properties.iter().map(property_view).collect(),
        facts: n
            .facts
            .iter()
            .map(|f| FactView {
                text: f.text.clone(),
                source: f.source.as_ref().map(Source::to_string),
            })
            .collect(),
        relations,
        sources: n.sources.iter().map(Source::to_string).collect(),
    }
}

fn compare(g: &KnowledgeGraph, keys: &[NodeKey]) -> Comparison {
    let nodes: Vec<&Node> = keys.iter().map(|k| g.node(*k)).collect();
    let mut rows = Vec::new();
    type Field = fn(&Node) -> String;
    let fixed: [(&str, Field); 3] = [
        ("kind", |n| n.kind.to_string()),
        ("category", |n| n.category.clone()),
        ("summary", |n| n.summary.clone()),
    ];
    for (name, get) in fixed {
        let values: Vec<Option<String>> = nodes.iter().map(|n| Some(get(n))).collect();
        rows.push(CompareRow {
            property: name.to_string(),
            differs: differs(&values),
            values,
        });
    }
    // Properties in first-seen order across the compared nodes.
    let mut names: Vec<&str> = Vec::new();
    for n in &nodes {
        for p in &n.properties {
            if !names.contains(&p.name.as_str()) {
                names.push(&p.name);
            }
        }
    }
    for name in names {
        let values: Vec<Option<String>> = nodes
            .iter()
            .map(|n| n.property(name).map(|p| p.value.to_string()))
            .collect();
        rows.push(CompareRow {
            property: name.to_string(),
            differs: differs(&values),
            values,
        });
    }

    let mut between = Vec::new();
    let mut link_sets: Vec<BTreeSet<LinkLine>> = Vec::new();
    for &k in keys {
        let mut set = BTreeSet::new();
        for l in g.links(k) {
            if keys.contains(&l.other) {
                let (from, to) = match l.direction {
                    Direction::Outgoing => (k, l.other),
                    Direction::Incoming => (l.other, k),
                };
                let e = EdgeLine {
                    from: g.node(from).id.clone(),
                    relation: l.relation.id.clone(),
                    to: g.node(to).id.clone(),
                    note: l.note.map(str::to_string),
                };
                let dup = between.iter().any(|b: &EdgeLine| {
                    b.relation == e.relation
                        && ((b.from == e.from && b.to == e.to)
                            || (l.relation.symmetric && b.from == e.to && b.to == e.from))
                });
                if !dup {
                    between.push(e);
                }
                continue;
            }
            set.insert(LinkLine {
                phrase: phrase_of(&l),
                target: g.node(l.other).id.clone(),
            });
        }
        link_sets.push(set);
    }
    let shared: Vec<LinkLine> = match link_sets.split_first() {
        Some((first, rest)) => first
            .iter()
            .filter(|l| rest.iter().all(|s| s.contains(l)))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    let unique = keys
        .iter()
        .zip(&link_sets)
        .map(|(k, set)| UniqueLinks {
            node: g.node(*k).id.clone(),
            links: set
                .iter()
                .filter(|l| !shared.contains(l))
                .cloned()
                .collect(),
        })
        .collect();
    Comparison {
        nodes: nodes.iter().map(|n| header(n)).collect(),
        rows,
        between,
        shared,
        unique,
    }
}

fn differs(values: &[Option<String>]) -> bool {
    values.windows(2).any(|w| w[0] != w[1])
}

fn what(
    g: &KnowledgeGraph,
    key: NodeKey,
    rel: &crate::model::RelationDef,
    want: Direction,
    phrase: &str,
) -> NodeList {
    let me = g.node(key);
    let mut nodes: Vec<NodeRow> = g
        .links(key)
        .into_iter()
        .filter(|l| l.relation.id == rel.id && (rel.symmetric || l.direction == want))
        .map(|l| NodeRow {
            note: l.note.map(str::to_string),
            ..row(g.node(l.other))
        })
        .collect();
    nodes.sort_by_key(|n| n.header.id.to_lowercase());
    nodes.dedup_by(|a, b| a.header.id == b.header.id);
    let title = match want {
        Direction::Incoming => format!("what {phrase} {}", me.id),
        Direction::Outgoing => format!("what does {} {phrase}", me.id),
    };
    NodeList {
        title,
        columns: Vec::new(),
        nodes,
        anchor: Some(header(me)),
        relation: Some(rel.id.clone()),
        anchor_is_source: want == Direction::Outgoing,
    }
}

fn path(g: &KnowledgeGraph, a: NodeKey, b: NodeKey) -> PathAnswer {
    let hops = g.shortest_path(a, b);
    let directed = hops
        .as_ref()
        .is_some_and(|h| h.iter().all(|h| h.forward || h.edge.relation.symmetric));
    PathAnswer {
        from: header(g.node(a)),
        to: header(g.node(b)),
        directed,
        hops: hops.map(|hs| {
            hs.iter()
                .map(|h| {
                    let (from, to) = if h.forward {
                        (h.edge.from, h.edge.to)
                    } else {
                        (h.edge.to, h.edge.from)
                    };
                    HopView {
                        from: header(g.node(from)),
                        relation: h.edge.relation.id.clone(),
                        phrase: if h.forward || h.edge.relation.symmetric {
                            h.edge.relation.id.clone()
                        } else {
                            h.edge.relation.inverse.clone()
                        },
                        to: header(g.node(to)),
                        forward: h.forward,
                    }
                })
                .collect()
        }),
    }
}

/// Node fields that `find` can test besides properties.
pub const FIELDS: &[&str] = &["id", "name", "kind", "category", "summary", "alias"];

fn find(
    g: &KnowledgeGraph,
    kind: Option<Kind>,
    filter: Option<&Cond>,
    q: &Query,
) -> Result<Answer, EvalError> {
    let mut columns: Vec<String> = Vec::new();
    if let Some(c) = filter {
        check_cond(g, c, &mut columns)?;
    }
    let mut nodes = Vec::new();
    for (_, n) in g.nodes() {
        if kind.is_some_and(|k| n.kind != k) {
            continue;
        }
        if let Some(c) = filter
            && test(n, c)? != Some(true)
        {
            continue;
        }
        let mut r = row(n);
        r.values = columns.iter().map(|c| field_text(n, c)).collect();
        nodes.push(r);
    }
    let title = q.to_string().trim_start_matches("find").trim().to_string();
    Ok(Answer::Nodes(NodeList {
        title: if title.is_empty() {
            "all nodes".into()
        } else {
            title
        },
        columns,
        nodes,
        anchor: None,
        relation: None,
        anchor_is_source: false,
    }))
}

fn field_text(n: &Node, field: &str) -> Option<String> {
    match field {
        "id" => Some(n.id.clone()),
        "name" => Some(n.name.clone()),
        "kind" => Some(n.kind.to_string()),
        "category" => Some(n.category.clone()),
        "summary" => Some(n.summary.clone()),
        "alias" => Some(n.aliases.join(", ")),
        p => n.property(p).map(|p| p.value.to_string()),
    }
}

/// Checks every field of a condition exists somewhere, before testing any node, so a
/// typo is an error rather than an empty result. Collects the property columns to show.
fn check_cond(g: &KnowledgeGraph, c: &Cond, columns: &mut Vec<String>) -> Result<(), EvalError> {
    match c {
        Cond::Or(a, b) | Cond::And(a, b) => {
            check_cond(g, a, columns)?;
            check_cond(g, b, columns)
        }
        Cond::Not(c, _) | Cond::Group(c, _) => check_cond(g, c, columns),
        Cond::Truthy(f) | Cond::Compare { field: f, .. } => {
            let name = f.text.to_lowercase();
            if !FIELDS.contains(&name.as_str()) {
                let exists = g.nodes().any(|(_, n)| n.property(&name).is_some());
                if !exists {
                    let mut all: BTreeSet<&str> = FIELDS.iter().copied().collect();
                    for (_, n) in g.nodes() {
                        all.extend(n.properties.iter().map(|p| p.name.as_str()));
                    }
                    return Err(EvalError::UnknownProperty {
                        name: f.text.clone(),
                        span: f.span,
                        suggestions: crate::load::suggest(&name, all)
                            .into_iter()
                            .map(str::to_string)
                            .collect(),
                    });
                }
                if !columns.contains(&name) {
                    columns.push(name);
                }
            }
            if let Cond::Compare { op, value, .. } = c
                && matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge)
                && !matches!(value.value, LiteralValue::Number(_))
            {
                return Err(EvalError::BadComparison {
                    message: format!(
                        "`{}` needs a number, e.g. `{} 1 MB`",
                        op.as_str(),
                        op.as_str()
                    ),
                    span: value.span,
                });
            }
            Ok(())
        }
    }
}

/// Three-valued test: `None` when the node lacks the field, so that `not stateful`
/// lists stateless nodes rather than every node that never mentions state.
fn test(n: &Node, c: &Cond) -> Result<Option<bool>, EvalError> {
    Ok(match c {
        Cond::Or(a, b) => match (test(n, a)?, test(n, b)?) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        Cond::And(a, b) => match (test(n, a)?, test(n, b)?) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        Cond::Not(c, _) => test(n, c)?.map(|b| !b),
        Cond::Group(c, _) => test(n, c)?,
        Cond::Truthy(f) => match n.property(&f.text.to_lowercase()).map(|p| &p.value) {
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => Some(true),
            None => None,
        },
        Cond::Compare { field, op, value } => {
            let name = field.text.to_lowercase();
            if FIELDS.contains(&name.as_str()) {
                let texts: Vec<String> = match name.as_str() {
                    "alias" => n.aliases.clone(),
                    _ => field_text(n, &name).into_iter().collect(),
                };
                let v = Value::List(texts);
                return compare_value(&v, *op, value);
            }
            match n.property(&name) {
                Some(p) => compare_value(&p.value, *op, value)?,
                None => None,
            }
        }
    })
}

fn literal_text(l: &Literal) -> String {
    match &l.value {
        LiteralValue::Bool(b) => b.to_string(),
        LiteralValue::Number(v) => v.to_string(),
        LiteralValue::Text(t) => t.clone(),
    }
}

fn compare_value(v: &Value, op: Op, lit: &Literal) -> Result<Option<bool>, EvalError> {
    use std::cmp::Ordering::*;
    let ord_ok = |o: std::cmp::Ordering| match op {
        Op::Eq => o == Equal,
        Op::Ne => o != Equal,
        Op::Lt => o == Less,
        Op::Le => o != Greater,
        Op::Gt => o == Greater,
        Op::Ge => o != Less,
        Op::Contains => o == Equal,
    };
    Ok(match (v, &lit.value) {
        (Value::Bool(b), LiteralValue::Bool(x)) => Some(ord_ok(b.cmp(x))),
        (Value::Bool(b), LiteralValue::Text(t)) => match t.to_lowercase().as_str() {
            "yes" | "on" => Some(ord_ok(b.cmp(&true))),
            "no" | "off" => Some(ord_ok(b.cmp(&false))),
            _ => Some(op == Op::Ne),
        },
        (Value::Quantity(q), LiteralValue::Number(Value::Quantity(x))) => {
            compare_quantities(q, x).map(ord_ok)
        }
        (Value::Range(r), LiteralValue::Number(Value::Quantity(x))) => {
            if r.unit.dimension != x.unit.dimension {
                None
            } else {
                // A range matches when some value in it does: `retention >= 7 days`
                // holds for `1-365 days`, because retention can be set that high.
                let (lo, hi, v) = (r.base_low(), r.base_high(), x.base());
                Some(match op {
                    Op::Eq | Op::Contains => lo <= v && v <= hi,
                    Op::Ne => !(lo == v && hi == v),
                    Op::Lt => lo < v,
                    Op::Le => lo <= v,
                    Op::Gt => hi > v,
                    Op::Ge => hi >= v,
                })
            }
        }
        (Value::Quantity(q), LiteralValue::Number(Value::Range(r)))
            if op == Op::Eq || op == Op::Contains =>
        {
            (q.unit.dimension == r.unit.dimension)
                .then(|| r.base_low() <= q.base() && q.base() <= r.base_high())
        }
        (Value::Range(a), LiteralValue::Number(Value::Range(b)))
            if a.unit.dimension == b.unit.dimension =>
        {
            Some(match op {
                Op::Eq => a.base_low() == b.base_low() && a.base_high() == b.base_high(),
                Op::Ne => !(a.base_low() == b.base_low() && a.base_high() == b.base_high()),
                Op::Contains => a.base_low() <= b.base_low() && b.base_high() <= a.base_high(),
                _ => return Ok(None),
            })
        }
        (Value::List(items), _) => {
            let needle = literal_text(lit).to_lowercase();
            let hit = match op {
                Op::Contains => items.iter().any(|i| i.to_lowercase().contains(&needle)),
                Op::Eq | Op::Ne => items.iter().any(|i| i.to_lowercase() == needle),
                _ => return Ok(None),
            };
            Some(if op == Op::Ne { !hit } else { hit })
        }
        (v, _) => {
            let text = v.to_string().to_lowercase();
            let needle = literal_text(lit).to_lowercase();
            match op {
                Op::Contains => Some(text.contains(&needle)),
                Op::Eq => Some(text == needle),
                Op::Ne => Some(text != needle),
                _ => None,
            }
        }
    })
}

fn list(g: &KnowledgeGraph, target: ListTarget) -> Answer {
    let node_list = |title: &str, pred: &dyn Fn(&Node) -> bool| {
        let mut nodes: Vec<NodeRow> = g
            .nodes()
            .filter(|(_, n)| pred(n))
            .map(|(_, n)| row(n))
            .collect();
        nodes.sort_by_key(|n| n.header.id.to_lowercase());
        Answer::Nodes(NodeList {
            title: title.to_string(),
            columns: Vec::new(),
            nodes,
            anchor: None,
            relation: None,
            anchor_is_source: false,
        })
    };
    match target {
        ListTarget::Services => node_list("services", &|n| n.kind == Kind::Service),
        ListTarget::Nodes => node_list("nodes", &|_| true),
        ListTarget::Relations => {
            let mut counts = vec![0usize; g.relations().len()];
            for e in g.edges() {
                if let Some(i) = g.relations().iter().position(|r| r.id == e.relation.id) {
                    counts[i] += 1;
                }
            }
            Answer::Relations(RelationList {
                relations: g
                    .relations()
                    .iter()
                    .zip(counts)
                    .map(|(r, c)| RelationRow {
                        id: r.id.clone(),
                        inverse: r.inverse.clone(),
                        symmetric: r.symmetric,
                        description: r.description.clone(),
                        edges: c,
                    })
                    .collect(),
            })
        }
        ListTarget::Categories => counts(
            "categories",
            g.nodes().map(|(_, n)| (n.category.clone(), None)),
        ),
        ListTarget::Kinds => counts("kinds", g.nodes().map(|(_, n)| (n.kind.to_string(), None))),
        ListTarget::Properties => counts(
            "properties",
            g.nodes().flat_map(|(_, n)| {
                n.properties.iter().map(|p| {
                    let t = match p.value.dimension() {
                        Some(d) => format!("{} ({})", p.value.type_name(), d.as_str()),
                        None => p.value.type_name().to_string(),
                    };
                    (p.name.clone(), Some(t))
                })
            }),
        ),
    }
}

fn counts(title: &str, items: impl Iterator<Item = (String, Option<String>)>) -> Answer {
    let mut map: BTreeMap<String, (usize, BTreeSet<String>)> = BTreeMap::new();
    for (name, detail) in items {
        let e = map.entry(name).or_default();
        e.0 += 1;
        e.1.extend(detail);
    }
    Answer::Counts(CountList {
        title: title.to_string(),
        items: map
            .into_iter()
            .map(|(name, (count, details))| CountItem {
                name,
                count,
                detail: (!details.is_empty())
                    .then(|| details.into_iter().collect::<Vec<_>>().join(", ")),
            })
            .collect(),
    })
}

const HELP: &str = r#"
Queries (names are ids, aliases or "quoted full names"; case does not matter):
  describe X                 everything about a node (alias: show X)
  compare X Y [Z ...]        side by side: properties, then shared and unique relations
  what <relation> X          who points at X:        what monitors Lambda
  what does X <relation>     where X points:         what does CloudWatch monitor
  path X [to] Y              shortest chain of relations between two nodes
  neighbors X [depth N] [via rel, rel]
  find [kind] [where cond]   find services where stateful = false
                             find where max_item_size >= 1 MB and not serverless
  list services|nodes|relations|categories|properties|kinds
  help

Conditions: = != < <= > >= contains, and/or/not, parentheses. A bare property means
`= true`. Quantities compare with units (400 KB < 1 MB; 200 ms < 1 s).
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parser::parse;

    fn lit(s: &str) -> Literal {
        let q = parse(&format!("find where x = {s}")).unwrap();
        let QueryKind::Find {
            filter: Some(Cond::Compare { value, .. }),
            ..
        } = q.kind
        else {
            panic!()
        };
        value
    }

    fn val(s: &str) -> Value {
        crate::value::parse_quantity(s).unwrap().unwrap()
    }

    #[test]
    fn quantities_compare_with_units() {
        assert_eq!(
            compare_value(&val("400 KB"), Op::Lt, &lit("1 MB")),
            Ok(Some(true))
        );
        assert_eq!(
            compare_value(&val("400 KB"), Op::Ge, &lit("1 MB")),
            Ok(Some(false))
        );
        assert_eq!(
            compare_value(&val("200 ms"), Op::Ge, &lit("1 MB")),
            Ok(None)
        );
    }

    #[test]
    fn ranges_match_when_some_value_does() {
        assert_eq!(
            compare_value(&val("1-365 days"), Op::Ge, &lit("7 days")),
            Ok(Some(true))
        );
        assert_eq!(
            compare_value(&val("1-365 days"), Op::Gt, &lit("1 year")),
            Ok(Some(false))
        );
        assert_eq!(
            compare_value(&val("1-365 days"), Op::Eq, &lit("30 days")),
            Ok(Some(true))
        );
    }

    #[test]
    fn text_and_lists() {
        let l = Value::List(vec!["S3".into(), "Redshift".into()]);
        assert_eq!(compare_value(&l, Op::Contains, &lit("red")), Ok(Some(true)));
        assert_eq!(compare_value(&l, Op::Eq, &lit("s3")), Ok(Some(true)));
        assert_eq!(
            compare_value(
                &Value::Text("near real time".into()),
                Op::Contains,
                &lit("\"real\"")
            ),
            Ok(Some(true))
        );
        assert_eq!(
            compare_value(&Value::Bool(false), Op::Eq, &lit("no")),
            Ok(Some(true))
        );
    }
}
