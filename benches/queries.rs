//! Warm-query benchmarks on the shipped graph (`cargo bench --bench queries`): parse plus
//! evaluate, with the graph loaded once, as a REPL session or a long-lived caller sees it.
//! Targets and results are in `docs/performance.md`; they are measured here rather than
//! asserted in tests because timings on a shared 2-core machine are not stable enough to
//! fail a build on.

use std::hint::black_box;

use awsgraph::KnowledgeGraph;
use awsgraph::query::{eval, parser};
use criterion::{Criterion, criterion_group, criterion_main};

const QUERIES: &[(&str, &str)] = &[
    ("describe", "describe DynamoDB"),
    ("compare", "compare NACL SecurityGroup"),
    ("compare3", "compare RDS Aurora DynamoDB"),
    ("what", "what consumes KDS"),
    ("find", "find where retention >= 30 days"),
    ("path", "path DMS to Redshift"),
    ("neighbors3", "neighbors VPC depth 3"),
    ("suggest", "describe DynamoBD"),
];

fn queries(c: &mut Criterion) {
    let Ok(graph) = KnowledgeGraph::builtin() else {
        eprintln!("the built-in graph does not load; run `awsgraph check`");
        return;
    };
    let mut group = c.benchmark_group("warm");
    for (name, text) in QUERIES {
        group.bench_function(*name, |b| {
            b.iter(|| {
                let answer = parser::parse(black_box(text))
                    .ok()
                    .map(|q| eval::eval(&graph, &q));
                black_box(answer)
            })
        });
    }
    group.finish();
    c.bench_function("load/builtin-snapshot", |b| {
        b.iter(|| black_box(KnowledgeGraph::builtin().is_ok()))
    });
}

criterion_group!(benches, queries);
criterion_main!(benches);
