//! Golden queries: each `queries/*.aq` file is run with `awsgraph run` and its output
//! compared with the `.out` file beside it. After an intended change, regenerate with
//! `UPDATE_GOLDEN=1 cargo test --test integration golden` and review the diff.

use std::path::PathBuf;

use crate::common::awsgraph;

#[test]
fn query_files_match_their_expected_output() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("queries");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "aq"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 3,
        "expected query files in {}",
        dir.display()
    );
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for aq in &files {
        let out = awsgraph()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("run")
            .arg(aq.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap())
            .output()
            .unwrap();
        let actual = String::from_utf8(out.stdout).unwrap();
        let expected_path = aq.with_extension("out");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
            panic!(
                "{} is missing; run with UPDATE_GOLDEN=1",
                expected_path.display()
            )
        });
        if actual != expected {
            let first = actual
                .lines()
                .zip(expected.lines())
                .position(|(a, e)| a != e)
                .unwrap_or(actual.lines().count().min(expected.lines().count()));
            failures.push(format!(
                "{}: first difference at line {}:\n  expected: {:?}\n  actual:   {:?}",
                aq.display(),
                first + 1,
                expected.lines().nth(first).unwrap_or("<end>"),
                actual.lines().nth(first).unwrap_or("<end>")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(UPDATE_GOLDEN=1 regenerates)",
        failures.join("\n")
    );
}
