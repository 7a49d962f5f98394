//! Scale benchmark over a generated knowledge directory (`examples/gen_graph.rs`):
//! `AWSGRAPH_SCALE_DIR=/tmp/g cargo bench --bench scale`. Loads the directory once,
//! timing the load, then times each query on the loaded graph, so loading and querying
//! are reported separately (`docs/performance.md`). Without the variable it does nothing,
//! so `cargo bench` stays quick on a fresh checkout.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use awsgraph::KnowledgeGraph;
use awsgraph::query::{eval, parser};

// The allocator `awsgraph` itself runs with, switched to mimalloc for a directory as
// `cli::load_graph` does: the figures are the command line's, not the system allocator's.
#[global_allocator]
static ALLOCATOR: awsgraph::allocator::Allocator = awsgraph::allocator::Allocator;

/// The median of `runs` timed evaluations of one query, and the first run's time, which
/// includes building any index the query uses and touching the graph's memory cold.
fn median(graph: &KnowledgeGraph, text: &str, runs: usize) -> (Duration, Duration, bool) {
    let mut times = Vec::with_capacity(runs);
    let mut ok = false;
    for _ in 0..runs {
        let start = Instant::now();
        let answer = parser::parse(text).ok().map(|q| eval::eval(graph, &q));
        times.push(start.elapsed());
        ok = matches!(answer, Some(Ok(_)));
        black_box(answer);
    }
    let first = times[0];
    times.sort();
    (times[times.len() / 2], first, ok)
}

fn main() {
    let Some(dir) = std::env::var_os("AWSGRAPH_SCALE_DIR").map(PathBuf::from) else {
        eprintln!("scale: set AWSGRAPH_SCALE_DIR to a directory made by examples/gen_graph");
        return;
    };
    awsgraph::allocator::use_mimalloc();
    let start = Instant::now();
    let graph = match KnowledgeGraph::load_dir(&dir) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("scale: {} does not load: {e}", dir.display());
            return;
        }
    };
    println!(
        "load {}: {} nodes, {} edges in {:.1} ms",
        dir.display(),
        graph.node_count(),
        graph.edge_count(),
        start.elapsed().as_secs_f64() * 1e3
    );
    // Node ids as gen_graph writes them: the first, and one half-way through the file
    // order, which the mostly-local edges put many hops apart.
    let ids: Vec<&str> = graph.nodes().map(|(_, n)| n.id.as_str()).collect();
    let (first, middle) = (ids[0], ids[ids.len() / 2]);
    let queries = [
        format!("path {first} to {middle}"),
        "find where max_size >= 9000 MB".to_string(),
        format!("neighbors {first} depth 3"),
        format!("describe {middle}"),
    ];
    println!("   median     first");
    let ms = |d: Duration| format!("{:>9.3}", d.as_secs_f64() * 1e3);
    for q in &queries {
        let (t, cold, ok) = median(&graph, q, 21);
        println!(
            "{} {} ms  {q}{}",
            ms(t),
            ms(cold),
            if ok { "" } else { "  (error answer)" }
        );
    }
}
