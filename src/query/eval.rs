//! AST + graph → [`Answer`]. The fourth stage: it resolves names and relation phrases
//! against the loaded graph and builds the plain answer value that renderers print.
//!
//! Name and phrase resolution happen here rather than in the parser because the
//! vocabulary is data (`graph/relations.yaml`), and a parser that knew it could not be
//! tested or reused on another knowledge directory.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::ast::*;
use crate::answer::*;
use crate::graph::{Bound, Direction, KnowledgeGraph, Link, NodeKey};
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
pub fn eval<'g>(g: &'g KnowledgeGraph, q: &Query) -> Result<Answer<'g>, EvalError> {
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
                        from: Cow::Borrowed(g.node_id(e.from)),
                        relation: Cow::Borrowed(&e.relation.id),
                        to: Cow::Borrowed(g.node_id(e.to)),
                        note: e.note.map(Cow::Borrowed),
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

pub(crate) fn header(n: &Node) -> NodeHeader<'_> {
    NodeHeader {
        id: Cow::Borrowed(&n.id),
        name: Cow::Borrowed(&n.name),
        kind: Cow::Borrowed(n.kind.as_str()),
        category: Cow::Borrowed(&n.category),
    }
}

fn row(n: &Node) -> NodeRow<'_> {
    NodeRow {
        header: header(n),
        summary: Cow::Borrowed(&n.summary),
        values: Vec::new(),
        note: None,
    }
}

fn phrase_of<'g>(l: &Link<'g>) -> Text<'g> {
    match l.direction {
        Direction::Outgoing => Cow::Borrowed(&l.relation.id),
        Direction::Incoming => Cow::Borrowed(&l.relation.inverse),
    }
}

pub(crate) fn property_view(p: &Property) -> PropertyView<'_> {
    use serde_json::json;
    let (value, unit, dimension, base, approximate) = match &p.value {
        Value::Bool(b) => (json!(b), None, None, None, false),
        Value::Text(t) => (json!(t), None, None, None, false),
        Value::List(l) => (json!(l), None, None, None, false),
        Value::Quantity(q) => (
            json!(q.amount),
            Some(Cow::Borrowed(q.unit.symbol)).filter(|s| !s.is_empty()),
            Some(Cow::Borrowed(q.unit.dimension.as_str())),
            Some(json!(q.base())),
            q.approx,
        ),
        Value::Range(r) => (
            json!([r.low, r.high]),
            Some(Cow::Borrowed(r.unit.symbol)).filter(|s| !s.is_empty()),
            Some(Cow::Borrowed(r.unit.dimension.as_str())),
            Some(json!([r.base_low(), r.base_high()])),
            r.approx,
        ),
    };
    PropertyView {
        name: Cow::Borrowed(&p.name),
        display: p.value.to_string(),
        value_type: Cow::Borrowed(p.value.type_name()),
        value,
        unit,
        dimension,
        base,
        approximate,
        note: p.note.as_deref().map(Cow::Borrowed),
        source: p.source.as_ref().map(Source::to_string),
    }
}

fn describe(g: &KnowledgeGraph, key: NodeKey) -> NodeDetail<'_> {
    let n = g.node(key);
    // Group by relation as the vocabulary orders it, outgoing before incoming. The
    // relation's place is looked up once per link rather than at every comparison.
    let mut relations: Vec<(bool, usize, RelationView<'_>)> = g
        .links(key)
        .iter()
        .map(|l| {
            let order = g
                .relations()
                .iter()
                .position(|r| r.id == l.relation.id)
                .unwrap_or(usize::MAX);
            let other = g.node(l.other);
            let view = RelationView {
                relation: Cow::Borrowed(&l.relation.id),
                phrase: phrase_of(l),
                direction: l.direction,
                target: Cow::Borrowed(&other.id),
                other: header(other),
                note: l.note.map(Cow::Borrowed),
            };
            (l.direction == Direction::Incoming, order, view)
        })
        .collect();
    relations.sort_by(|a, b| (a.0, a.1, &a.2.target).cmp(&(b.0, b.1, &b.2.target)));
    NodeDetail {
        header: header(n),
        summary: Cow::Borrowed(&n.summary),
        aliases: n.aliases.clone(),
        curated: n.curated,
        properties: n.properties.iter().map(property_view).collect(),
        facts: n
            .facts
            .iter()
            .map(|f| FactView {
                text: Cow::Borrowed(&f.text),
                source: f.source.as_ref().map(Source::to_string),
            })
            .collect(),
        relations: relations.into_iter().map(|(_, _, v)| v).collect(),
        sources: n.sources.iter().map(Source::to_string).collect(),
    }
}

fn compare<'g>(g: &'g KnowledgeGraph, keys: &[NodeKey]) -> Comparison<'g> {
    let nodes: Vec<&Node> = keys.iter().map(|k| g.node(*k)).collect();
    let mut rows = Vec::new();
    type Field = for<'n> fn(&'n Node) -> &'n str;
    let fixed: [(&str, Field); 3] = [
        ("kind", |n| n.kind.as_str()),
        ("category", |n| &n.category),
        ("summary", |n| &n.summary),
    ];
    for (name, get) in fixed {
        let values: Vec<Option<Text<'g>>> =
            nodes.iter().map(|n| Some(Cow::Borrowed(get(n)))).collect();
        rows.push(CompareRow {
            property: Cow::Borrowed(name),
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
        let values: Vec<Option<Text<'g>>> = nodes
            .iter()
            .map(|n| n.property(name).map(|p| Cow::Owned(p.value.to_string())))
            .collect();
        rows.push(CompareRow {
            property: Cow::Borrowed(name),
            differs: differs(&values),
            values,
        });
    }

    let mut between: Vec<EdgeLine<'g>> = Vec::new();
    // Sorted, deduplicated vectors rather than `BTreeSet`s: the same order, without a
    // tree node allocated per link.
    let mut link_sets: Vec<Vec<LinkLine<'g>>> = Vec::with_capacity(keys.len());
    for &k in keys {
        let links = g.links(k);
        let mut set = Vec::with_capacity(links.len());
        for l in links {
            if keys.contains(&l.other) {
                let (from, to) = match l.direction {
                    Direction::Outgoing => (k, l.other),
                    Direction::Incoming => (l.other, k),
                };
                let e = EdgeLine {
                    from: Cow::Borrowed(g.node_id(from)),
                    relation: Cow::Borrowed(&l.relation.id),
                    to: Cow::Borrowed(g.node_id(to)),
                    note: l.note.map(Cow::Borrowed),
                };
                let dup = between.iter().any(|b| {
                    b.relation == e.relation
                        && ((b.from == e.from && b.to == e.to)
                            || (l.relation.symmetric && b.from == e.to && b.to == e.from))
                });
                if !dup {
                    between.push(e);
                }
                continue;
            }
            set.push(LinkLine {
                phrase: phrase_of(&l),
                target: Cow::Borrowed(g.node_id(l.other)),
            });
        }
        set.sort_unstable();
        set.dedup();
        link_sets.push(set);
    }
    let shared: Vec<LinkLine<'g>> = match link_sets.split_first() {
        Some((first, rest)) => first
            .iter()
            .filter(|l| rest.iter().all(|s| s.binary_search(l).is_ok()))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    // `shared` is sorted (it comes from a sorted set), so membership is a binary search.
    let unique = keys
        .iter()
        .zip(&link_sets)
        .map(|(k, set)| UniqueLinks {
            node: Cow::Borrowed(g.node_id(*k)),
            links: set
                .iter()
                .filter(|l| shared.binary_search(l).is_err())
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

fn differs(values: &[Option<Text<'_>>]) -> bool {
    values.windows(2).any(|w| w[0] != w[1])
}

fn what<'g>(
    g: &'g KnowledgeGraph,
    key: NodeKey,
    rel: &'g crate::model::RelationDef,
    want: Direction,
    phrase: &str,
) -> NodeList<'g> {
    let me = g.node(key);
    let mut nodes: Vec<NodeRow> = g
        .links(key)
        .into_iter()
        .filter(|l| l.relation.id == rel.id && (rel.symmetric || l.direction == want))
        .map(|l| NodeRow {
            note: l.note.map(Cow::Borrowed),
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
        relation: Some(Cow::Borrowed(&rel.id)),
        anchor_is_source: want == Direction::Outgoing,
    }
}

fn path(g: &KnowledgeGraph, a: NodeKey, b: NodeKey) -> PathAnswer<'_> {
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
                        relation: Cow::Borrowed(&h.edge.relation.id),
                        phrase: Cow::Borrowed(if h.forward || h.edge.relation.symmetric {
                            &h.edge.relation.id
                        } else {
                            &h.edge.relation.inverse
                        }),
                        to: header(g.node(to)),
                        forward: h.forward,
                    }
                })
                .collect()
        }),
    }
}

/// Nodes that include every node for which `c` holds, in node order, when an index can
/// tell; `None` when every node has to be tested.
fn candidates(g: &KnowledgeGraph, c: &Cond) -> Option<Vec<NodeKey>> {
    match c {
        Cond::Group(c, _) => candidates(g, c),
        // Both sides must hold, so either side's candidates will do; the fewer the better.
        Cond::And(a, b) => match (candidates(g, a), candidates(g, b)) {
            (Some(x), Some(y)) => Some(if x.len() <= y.len() { x } else { y }),
            (x, y) => x.or(y),
        },
        Cond::Or(a, b) => {
            let (mut x, y) = (candidates(g, a)?, candidates(g, b)?);
            x.extend(y);
            x.sort_unstable();
            x.dedup();
            Some(x)
        }
        Cond::Compare {
            field,
            op,
            value:
                Literal {
                    value: LiteralValue::Number(Value::Quantity(x)),
                    ..
                },
        } => {
            let name = lowercase(&field.text);
            if FIELDS.contains(&name.as_ref()) {
                return None;
            }
            let bound = match op {
                Op::Gt => Bound::Above { inclusive: false },
                Op::Ge => Bound::Above { inclusive: true },
                Op::Lt => Bound::Below { inclusive: false },
                Op::Le => Bound::Below { inclusive: true },
                _ => return None,
            };
            Some(g.quantity_candidates(&name, x.unit.dimension, x.base(), bound))
        }
        // `not` holds where its operand fails, which the index does not list.
        Cond::Not(..) | Cond::Truthy(_) | Cond::Compare { .. } => None,
    }
}

/// Lowercase, without allocating for ASCII names that already are (nearly all of them).
fn lowercase(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// Node fields that `find` can test besides properties.
pub const FIELDS: &[&str] = &["id", "name", "kind", "category", "summary", "alias"];

fn find<'g>(
    g: &'g KnowledgeGraph,
    kind: Option<Kind>,
    filter: Option<&Cond>,
    q: &Query,
) -> Result<Answer<'g>, EvalError> {
    let mut columns: Vec<String> = Vec::new();
    if let Some(c) = filter {
        check_cond(g, c, &mut columns)?;
    }
    let mut nodes = Vec::new();
    // The index narrows the nodes to test; each is still tested with the whole
    // condition, so the answer is the scan's answer, in node order.
    let candidates: Box<dyn Iterator<Item = &Node>> = match filter.and_then(|c| candidates(g, c)) {
        Some(keys) => Box::new(keys.into_iter().map(|k| g.node(k))),
        None => Box::new(g.nodes().map(|(_, n)| n)),
    };
    for n in candidates {
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
        Cond::Truthy(f) => match n.property(&lowercase(&f.text)).map(|p| &p.value) {
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => Some(true),
            None => None,
        },
        Cond::Compare { field, op, value } => {
            let name = lowercase(&field.text);
            if FIELDS.contains(&name.as_ref()) {
                let texts: Vec<String> = match name.as_ref() {
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

fn list(g: &KnowledgeGraph, target: ListTarget) -> Answer<'_> {
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

fn counts(title: &str, items: impl Iterator<Item = (String, Option<String>)>) -> Answer<'static> {
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

    /// Nodes whose `size` is a quantity, a range, text, a bool, or missing, in several
    /// units and dimensions, some with a second `size` property that must be ignored.
    fn synthetic_graph() -> KnowledgeGraph {
        use std::fmt::Write;
        let relations = crate::graph::embedded::FILES
            .iter()
            .find(|(name, _)| *name == "relations.yaml")
            .map(|(_, text)| *text)
            .expect("graph/relations.yaml is embedded");
        let units = ["KB", "MB", "GB", "ms", "s", "days", "%"];
        let mut seed: u64 = 7;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut text = String::from("category: storage\nnodes:\n");
        for i in 0..400 {
            let kind = ["service", "feature", "component"][i % 3];
            let unit = units[next(units.len() as u64) as usize];
            let (a, b) = (1 + next(2000), next(2000));
            let size = match next(8) {
                0 => format!("{a}-{} {unit}", a + b),
                1 => "\"unknown\"".to_string(),
                2 => "true".to_string(),
                3 => String::new(),
                _ => format!("{a} {unit}"),
            };
            write!(
                text,
                "  - id: N{i}\n    name: Node {i}\n    kind: {kind}\n    summary: Node number {i}.\n    sources: [notes]\n"
            )
            .unwrap();
            if !size.is_empty() {
                write!(
                    text,
                    "    properties:\n      size: {size}\n      other: {b} MB\n"
                )
                .unwrap();
            }
        }
        let files = [
            crate::load::SourceFile {
                name: "graph/relations.yaml".into(),
                text: relations.into(),
            },
            crate::load::SourceFile {
                name: "graph/services/synthetic.yaml".into(),
                text: text.into(),
            },
        ];
        KnowledgeGraph::from_knowledge(crate::load::load_files(&files, Vec::new()).unwrap())
    }

    #[test]
    fn indexed_find_answers_what_a_scan_does() {
        let g = synthetic_graph();
        let conditions = [
            ("size >= 500 MB", true),
            ("size > 1 GB", true),
            ("size < 300 KB", true),
            ("size <= 1000 KB", true),
            ("size >= 2 days", true),
            ("size > 50 %", true),
            ("SIZE >= 1000 ms", true),
            ("size >= 1 TB", true),
            ("size >= 500 MB and not other > 1 GB", true),
            ("not other > 1 GB and size < 500 KB", true),
            ("(size > 1 GB) and other < 100 MB", true),
            ("size > 1 GB or size < 2 KB", true),
            ("size > 1 GB or other < 2 MB", true),
            ("size > 1 GB or size", false),
            ("not size > 1 GB", false),
            ("size = 1000 KB", false),
        ];
        let (mut indexed, mut answered) = (0, 0);
        for (kind, kind_filter) in [("", None), ("services ", Some(Kind::Service))] {
            for (cond, uses_index) in conditions {
                let q = parse(&format!("find {kind}where {cond}")).unwrap();
                let QueryKind::Find {
                    filter: Some(c), ..
                } = &q.kind
                else {
                    panic!("{cond}")
                };
                assert_eq!(candidates(&g, c).is_some(), uses_index, "{cond}");
                indexed += usize::from(uses_index);
                let scanned: Vec<&str> = g
                    .nodes()
                    .filter(|(_, n)| kind_filter.is_none_or(|k| n.kind == k))
                    .filter(|(_, n)| test(n, c) == Ok(Some(true)))
                    .map(|(_, n)| n.id.as_str())
                    .collect();
                let Ok(Answer::Nodes(list)) = eval(&g, &q) else {
                    panic!("{cond}")
                };
                let found: Vec<&str> = list.nodes.iter().map(|r| &*r.header.id).collect();
                assert_eq!(found, scanned, "find {kind}where {cond}");
                answered += usize::from(!scanned.is_empty());
            }
        }
        assert!(indexed > 20);
        // Empty answers would agree trivially; nearly every condition must find nodes.
        assert!(answered >= 28, "only {answered} conditions found nodes");
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
