//! Every statement of the source notes must be answerable. `tests/notes-facts/*.tsv`
//! pairs a query with text its answer must contain (one pair per line, tab-separated,
//! `#` comments); this test runs them all against the shipped graph.

use std::path::PathBuf;

use awsgraph::KnowledgeGraph;
use awsgraph::cli::{Outcome, answer};
use awsgraph::render::{Format, Style, render};

#[test]
fn notes_statements_are_answerable() {
    let graph = KnowledgeGraph::builtin().expect("shipped graph loads");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/notes-facts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut checked = 0;
    let mut failures = Vec::new();
    for f in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
    {
        let text = std::fs::read_to_string(f).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((query, want)) = line.split_once('\t') else {
                failures.push(format!("{}:{}: no tab in {line:?}", f.display(), i + 1));
                continue;
            };
            checked += 1;
            match answer(&graph, query.trim()) {
                Outcome::Answer(a) => {
                    let out = render(&a, Format::Table, Style::default());
                    // Tables wrap long cells, so compare with whitespace folded.
                    let fold = |s: &str| {
                        s.split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .to_lowercase()
                    };
                    let flat = fold(&out.replace(['│', '┆'], " "));
                    // Long cells wrap in tables; the JSON form has every text whole.
                    let json = fold(&render(&a, Format::Json, Style::default()));
                    if !flat.contains(&fold(want)) && !json.contains(&fold(want)) {
                        failures.push(format!(
                            "{}:{}: `{query}` does not mention {want:?}",
                            f.display(),
                            i + 1
                        ));
                    }
                }
                _ => failures.push(format!("{}:{}: `{query}` failed", f.display(), i + 1)),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        checked >= 60,
        "only {checked} facts from the notes are checked; the bar is 60"
    );
}
