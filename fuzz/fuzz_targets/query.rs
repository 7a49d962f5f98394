//! Arbitrary bytes as a query: parsing and evaluating against the shipped graph must never
//! panic, and every query that parses must print back (Display) to text that parses to
//! the same syntax tree.
#![no_main]

use std::sync::OnceLock;

use awsgraph::KnowledgeGraph;
use awsgraph::render::{Format, Style, render};
use libfuzzer_sys::fuzz_target;

fn graph() -> &'static KnowledgeGraph {
    static G: OnceLock<KnowledgeGraph> = OnceLock::new();
    G.get_or_init(|| KnowledgeGraph::builtin().expect("shipped graph loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(query) = awsgraph::query::parse(text) else { return };
    let printed = query.to_string();
    let again = awsgraph::query::parse(&printed).expect("Display output parses");
    assert_eq!(query, again, "round trip of {text:?} via {printed:?}");
    if let Ok(answer) = awsgraph::query::eval(graph(), &query) {
        for f in [Format::Table, Format::Json, Format::Markdown] {
            let _ = render(&answer, f, Style::default());
        }
    }
});
