//! Writes a synthetic knowledge directory for the scale benchmarks in
//! `docs/performance.md`: `cargo run --release --example gen_graph -- --nodes N --edges M DIR`.
//!
//! The shipped graph is a few hundred nodes, too small to show how loading and queries
//! grow. This generator makes a directory of the same shape at any size: the real relation
//! vocabulary (a copy of `graph/relations.yaml`), AWS-like names, typed properties
//! (quantities, ranges, bools, text), facts and sources, spread over many files so that
//! parallel parsing has something to share out. It is deterministic (a fixed-seed
//! xorshift), so two runs give the same files and numbers stay comparable.

use std::fmt::Write as _;
use std::path::PathBuf;

const RELATIONS: &str = include_str!("../graph/relations.yaml");
const NODES_PER_FILE: usize = 1000;

const PREFIXES: &[&str] = &[
    "Elastic",
    "Managed",
    "Serverless",
    "Global",
    "Private",
    "Cloud",
    "Data",
    "Stream",
    "Secure",
    "Edge",
    "Batch",
    "Graph",
    "Quantum",
    "Hybrid",
    "Lake",
    "Instant",
];
const STEMS: &[&str] = &[
    "Compute", "Storage", "Queue", "Cache", "Gateway", "Registry", "Catalog", "Firewall", "Ledger",
    "Pipeline", "Monitor", "Vault", "Router", "Index", "Notebook", "Broker",
];
const KINDS: &[&str] = &["service", "component", "feature", "concept"];
const CATEGORIES: &[&str] = &[
    "compute",
    "storage",
    "database",
    "networking",
    "analytics",
    "security",
    "management",
    "machine-learning",
];
const UNITS: &[&str] = &[
    "KB",
    "MB",
    "GB",
    "ms",
    "s",
    "days",
    "MB/s",
    "records/s",
    "%",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// (id, symmetric) for every relation in the vocabulary, read from the YAML text without
/// a YAML parser: the file's layout is fixed (`  - id:` and `    symmetric: true`).
fn vocabulary() -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for line in RELATIONS.lines() {
        if let Some(id) = line.trim_start().strip_prefix("- id:") {
            out.push((id.trim().to_string(), false));
        } else if line.trim() == "symmetric: true"
            && let Some(last) = out.last_mut()
        {
            last.1 = true;
        }
    }
    out
}

fn id_of(i: usize) -> String {
    format!(
        "{}{}{i}",
        PREFIXES[i % PREFIXES.len()],
        STEMS[(i / PREFIXES.len()) % STEMS.len()]
    )
}

fn usage() -> ! {
    eprintln!("usage: gen_graph [--nodes N] [--edges M] DIR");
    std::process::exit(2)
}

fn main() -> std::io::Result<()> {
    let mut nodes = 100_000usize;
    let mut edges = 1_000_000usize;
    let mut dir = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut number = || {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| usage())
        };
        match a.as_str() {
            "--nodes" => nodes = number(),
            "--edges" => edges = number(),
            _ if dir.is_none() && !a.starts_with('-') => dir = Some(PathBuf::from(a)),
            _ => usage(),
        }
    }
    let Some(dir) = dir else { usage() };
    if nodes < 2 {
        usage()
    }
    let vocab = vocabulary();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);

    // Edges first, grouped by source node, so each node's file lists its own relations.
    // Symmetric relations are stored once, so their pair is kept in one orientation.
    let mut seen = std::collections::HashSet::with_capacity(edges);
    let mut out_edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nodes];
    let max = nodes * (nodes - 1);
    while seen.len() < edges.min(max / 2) {
        let from = rng.below(nodes);
        // Mostly near neighbours with some long jumps: paths then have a realistic length
        // instead of the two or three hops of a uniform random graph.
        let to = if rng.below(4) == 0 {
            rng.below(nodes)
        } else {
            (from + 1 + rng.below(64)) % nodes
        };
        let rel = rng.below(vocab.len());
        if from == to {
            continue;
        }
        let key = if vocab[rel].1 {
            (from.min(to), from.max(to), rel)
        } else {
            (from, to, rel)
        };
        if seen.insert(key) {
            out_edges[key.0].push((key.1, rel));
        }
    }

    std::fs::create_dir_all(dir.join("services"))?;
    std::fs::write(dir.join("relations.yaml"), RELATIONS)?;
    let mut text = String::new();
    for (file_no, start) in (0..nodes).step_by(NODES_PER_FILE).enumerate() {
        text.clear();
        let category = CATEGORIES[file_no % CATEGORIES.len()];
        let _ = writeln!(
            text,
            "# Synthetic knowledge, file {file_no}.\ncategory: {category}\nnodes:"
        );
        for i in start..(start + NODES_PER_FILE).min(nodes) {
            let id = id_of(i);
            let kind = KINDS[rng.below(KINDS.len())];
            let _ = writeln!(text, "  - id: {id}");
            let _ = writeln!(
                text,
                "    name: Amazon {} {} {i}",
                PREFIXES[i % PREFIXES.len()],
                STEMS[(i / PREFIXES.len()) % STEMS.len()]
            );
            let _ = writeln!(text, "    kind: {kind}");
            let _ = writeln!(text, "    aliases: [{id} alias, Synthetic {i}]");
            let _ = writeln!(
                text,
                "    summary: A synthetic {kind} number {i} that stands in for a real AWS {kind} in scale tests."
            );
            let _ = writeln!(text, "    properties:");
            let unit = UNITS[rng.below(UNITS.len())];
            let _ = writeln!(
                text,
                "      max_size: {{value: {} {unit}, note: \"per request\"}}",
                1 + rng.below(10_000)
            );
            let _ = writeln!(
                text,
                "      latency: {{value: ~{} ms, source: notes}}",
                1 + rng.below(500)
            );
            let low = 1 + rng.below(100);
            let _ = writeln!(
                text,
                "      retention: {}-{} days",
                low,
                low + rng.below(365)
            );
            let _ = writeln!(text, "      serverless: {}", rng.below(2) == 0);
            let _ = writeln!(
                text,
                "      pricing_model: {{text: \"pay per request and per GB stored\"}}"
            );
            let _ = writeln!(
                text,
                "    facts:\n      - text: \"Synthetic fact about {id}.\"\n        source: notes"
            );
            let _ = writeln!(
                text,
                "    sources: [notes, \"https://docs.aws.amazon.com/synthetic/{i}.html\"]"
            );
            if !out_edges[i].is_empty() {
                let _ = writeln!(text, "    relations:");
                out_edges[i].sort_by_key(|&(_, rel)| rel);
                let mut k = 0;
                while k < out_edges[i].len() {
                    let rel = out_edges[i][k].1;
                    let _ = write!(text, "      {}: [", vocab[rel].0);
                    let mut first = true;
                    while k < out_edges[i].len() && out_edges[i][k].1 == rel {
                        if !first {
                            text.push_str(", ");
                        }
                        first = false;
                        text.push_str(&id_of(out_edges[i][k].0));
                        k += 1;
                    }
                    text.push_str("]\n");
                }
            }
        }
        std::fs::write(
            dir.join("services").join(format!("part-{file_no:04}.yaml")),
            &text,
        )?;
    }
    eprintln!(
        "wrote {nodes} nodes and {} edges under {}",
        seen.len(),
        dir.display()
    );
    Ok(())
}
