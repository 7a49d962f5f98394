//! Property tests for the query language: no input makes the parser or the evaluator
//! panic, and every syntax tree prints (Display) to text that parses back to itself.

use std::sync::OnceLock;

use awsgraph::KnowledgeGraph;
use awsgraph::model::Kind;
use awsgraph::query::ast::*;
use awsgraph::query::{eval, parse};
use awsgraph::render::{Format, Style, render};
use awsgraph::value::parse_quantity;
use proptest::prelude::*;

fn graph() -> &'static KnowledgeGraph {
    static G: OnceLock<KnowledgeGraph> = OnceLock::new();
    G.get_or_init(|| KnowledgeGraph::builtin().expect("shipped graph loads"))
}

/// Parses, evaluates and renders; only a panic can fail this.
fn exercise(text: &str) {
    if let Ok(q) = parse(text)
        && let Ok(a) = eval(graph(), &q)
    {
        for f in [Format::Table, Format::Json, Format::Markdown] {
            let _ = render(&a, f, Style::default());
        }
    }
}

const S: Span = Span { start: 0, end: 0 };

fn name() -> impl Strategy<Value = Name> {
    prop_oneof![
        prop::sample::select(vec![
            "VPC", "Lambda", "DynamoDB", "S3", "sam-cli", "NACL", "x.y", "KDS", "EC2"
        ])
        .prop_map(String::from),
        "[A-Za-z][A-Za-z0-9_.-]{0,12}",
        any::<String>(),
        "[ -~]{0,20}",
    ]
    .prop_map(|text| Name { text, span: S })
}

fn phrase() -> impl Strategy<Value = Phrase> {
    let word = "[a-z][a-z-]{0,8}".prop_filter("reserved in phrases", |w| {
        !matches!(w.as_str(), "depth" | "via" | "does")
    });
    prop::collection::vec(word, 1..4).prop_map(|w| Phrase {
        text: w.join(" "),
        span: S,
    })
}

fn literal() -> impl Strategy<Value = Literal> {
    let number = (
        0u32..100_000,
        prop::sample::select(vec![
            "",
            " KB",
            " MB",
            " GB",
            " ms",
            " s",
            " min",
            " days",
            "%",
            " MB/s",
            " Gbps",
            " layers",
            " records/s",
        ]),
        any::<bool>(),
        prop::option::of(0u32..100_000),
    )
        .prop_map(|(n, unit, approx, hi)| {
            let text = match hi {
                Some(h) => format!("{}{}-{}{unit}", if approx { "~" } else { "" }, n, n + h),
                None => format!("{}{n}{unit}", if approx { "~" } else { "" }),
            };
            LiteralValue::Number(parse_quantity(&text).unwrap().unwrap())
        });
    prop_oneof![
        any::<bool>().prop_map(LiteralValue::Bool),
        number,
        any::<String>().prop_map(LiteralValue::Text),
        "[a-z][a-z_]{0,10}".prop_map(LiteralValue::Text),
    ]
    .prop_map(|value| Literal { value, span: S })
}

fn op() -> impl Strategy<Value = Op> {
    prop::sample::select(vec![
        Op::Eq,
        Op::Ne,
        Op::Lt,
        Op::Le,
        Op::Gt,
        Op::Ge,
        Op::Contains,
    ])
}

/// Conditions shaped the way the grammar parses them: `or` and `and` chains fold to the
/// left, and anything nested under `not` or inside an operand is a `not_cond`.
fn cond() -> impl Strategy<Value = Cond> {
    let atom = prop_oneof![
        name().prop_map(Cond::Truthy),
        (name(), op(), literal()).prop_map(|(field, op, value)| Cond::Compare { field, op, value }),
    ];
    atom.prop_recursive(4, 32, 4, |inner| {
        let not_cond = prop_oneof![
            inner.clone().prop_map(|c| match c {
                c @ (Cond::Truthy(_) | Cond::Compare { .. } | Cond::Not(..) | Cond::Group(..)) =>
                    Cond::Not(Box::new(c), S),
                c => Cond::Group(Box::new(c), S),
            }),
            inner.clone().prop_map(|c| Cond::Group(Box::new(c), S)),
            inner.clone().prop_filter("a not_cond", |c| matches!(
                c,
                Cond::Truthy(_) | Cond::Compare { .. } | Cond::Not(..) | Cond::Group(..)
            )),
        ];
        let and_chain = prop::collection::vec(not_cond, 1..4).prop_map(|v| {
            v.into_iter()
                .reduce(|a, b| Cond::And(Box::new(a), Box::new(b)))
                .unwrap()
        });
        prop::collection::vec(and_chain, 1..4).prop_map(|v| {
            v.into_iter()
                .reduce(|a, b| Cond::Or(Box::new(a), Box::new(b)))
                .unwrap()
        })
    })
}

fn query() -> impl Strategy<Value = Query> {
    let kind = prop::option::of(prop::sample::select(Kind::ALL.to_vec()).prop_map(|k| (k, S)));
    prop_oneof![
        name().prop_map(QueryKind::Describe),
        prop::collection::vec(name(), 2..5).prop_map(QueryKind::Compare),
        (phrase(), name())
            .prop_map(|(relation, target)| QueryKind::WhatPointsAt { relation, target }),
        (name(), phrase())
            .prop_map(|(subject, relation)| QueryKind::WhatDoes { subject, relation }),
        (name(), name()).prop_map(|(from, to)| QueryKind::Path { from, to }),
        (
            name(),
            prop::option::of(any::<u32>().prop_map(|d| (d, S))),
            prop::collection::vec(phrase(), 0..3)
        )
            .prop_map(|(center, depth, via)| QueryKind::Neighbors { center, depth, via }),
        (kind, prop::option::of(cond()))
            .prop_map(|(kind, filter)| QueryKind::Find { kind, filter }),
        prop::sample::select(ListTarget::ALL.to_vec()).prop_map(|t| QueryKind::List(t, S)),
        Just(QueryKind::Help),
    ]
    .prop_map(|kind| Query { kind, span: S })
}

/// Tokens of the grammar's own vocabulary, for soups that get past the first word.
const TOKENS: &[&str] = &[
    "describe",
    "show",
    "compare",
    "what",
    "does",
    "path",
    "from",
    "to",
    "neighbors",
    "depth",
    "via",
    "find",
    "where",
    "and",
    "or",
    "not",
    "(",
    ")",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "contains",
    "list",
    "services",
    "nodes",
    "relations",
    "help",
    "vs",
    ",",
    "VPC",
    "Lambda",
    "DynamoDB",
    "\"Amazon DynamoDB\"",
    "\"",
    "monitors",
    "monitored",
    "by",
    "part-of",
    "stateful",
    "max_item_size",
    "400",
    "KB",
    "1-365",
    "days",
    "~200ms",
    "true",
    "false",
    "2",
    "999999999999",
    "components",
    "\\",
    "é",
    "",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn display_parses_back_to_the_same_tree(q in query()) {
        let printed = q.to_string();
        let back = parse(&printed);
        prop_assert!(back.is_ok(), "{printed:?} does not parse: {:?}", back.err());
        prop_assert_eq!(back.unwrap(), q, "printed as {:?}", printed);
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        exercise(&text);
    }

    #[test]
    fn token_soups_never_panic_and_round_trip(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..12)) {
        let text = tokens.join(" ");
        exercise(&text);
        if let Ok(q) = parse(&text) {
            prop_assert_eq!(parse(&q.to_string()).ok(), Some(q));
        }
    }
}

#[test]
fn pathological_queries_answer_quickly() {
    use std::time::{Duration, Instant};
    let deep = format!(
        "find where {}stateful{}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let long = format!("describe {}", "x".repeat(1 << 20));
    for q in [
        deep.as_str(),
        long.as_str(),
        "neighbors VPC depth 1000000",
        "path VPC to Macie",
        "find where name contains \"\"",
    ] {
        let start = Instant::now();
        exercise(q);
        // Generous for a debug build on a loaded CI machine; the point is "not hung".
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{} took {:?}",
            &q[..q.len().min(40)],
            start.elapsed()
        );
    }
}
