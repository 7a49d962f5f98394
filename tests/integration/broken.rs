//! `check` and `--graph` on knowledge directories with mistakes: every error reported at
//! once with file:line:col, exit status 3, nothing loaded.

use std::fs;
use std::path::Path;

use crate::common::awsgraph;

const RELATIONS: &str =
    "relations:\n  - id: monitors\n    description: watches\n    inverse: monitored by\n";

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn check(dir: &Path) -> (i32, String, String) {
    let out = awsgraph()
        .arg("check")
        .arg("--graph")
        .arg(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_error_of_a_broken_directory_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("graph");
    write(&g, "relations.yaml", RELATIONS);
    write(
        &g,
        "services/a.yaml",
        "category: x\nnodes:\n  - id: A\n    name: A node\n    kind: service\n    summary: s\n    properties:\n      size: 400 KBB\n    relations:\n      monitors: [B]\n      watches: [A]\n",
    );
    write(
        &g,
        "services/b.yaml",
        "nodes:\n  - id: A\n    name: Again\n    kind: servce\n    summary: s\n    category: x\n",
    );
    write(&g, "services/c.yaml", "nodes:\n  - id: C\n\tname: tab\n");
    write(&g, "services/d.yaml", "");
    let (code, out, err) = check(&g);
    assert_eq!(code, 3, "{out}{err}");
    for want in [
        "graph/services/a.yaml:8:13: property `size`: unknown unit `KBB`",
        "graph/services/a.yaml:10:18: `A` monitors unknown node `B`",
        "graph/services/a.yaml:11:7: relation `watches` is not declared",
        "graph/services/b.yaml:2:9: duplicate node id `A` (first defined at graph/services/a.yaml:3)",
        "graph/services/b.yaml:4:11: unknown kind `servce`",
        "graph/services/c.yaml:2:9: while scanning a plain scalar, found a tab",
        "graph/services/d.yaml:1:1: file is empty",
        "did you mean `service`?",
        "problem(s) in the knowledge files",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
}

#[test]
fn a_valid_directory_checks_ok_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path();
    write(g, "relations.yaml", RELATIONS);
    write(
        g,
        "nodes.yaml",
        "category: demo\nnodes:\n  - id: Watcher\n    name: The watcher\n    kind: service\n    summary: Watches.\n    sources: [notes]\n    relations:\n      monitors: [Thing]\n  - id: Thing\n    name: A thing\n    kind: concept\n    summary: Is watched.\n    sources: [notes]\n",
    );
    let (code, out, _) = check(g);
    assert_eq!(code, 0);
    assert!(out.starts_with("ok: 2 nodes (1 service, 0 components, 0 features, 1 concept), 1 edges, 1 relations, 1 categories"), "{out}");
    assert!(
        out.contains("service `Watcher` has only 1 relation(s)"),
        "{out}"
    );
    let out = awsgraph()
        .args(["ask", "what monitors Thing", "--graph"])
        .arg(g)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Watcher"));
}

#[test]
fn missing_directory_is_a_clear_error() {
    let (code, _, err) = check(Path::new("/nonexistent/awsgraph"));
    assert_eq!(code, 3);
    assert!(
        err.contains("`/nonexistent/awsgraph` does not exist"),
        "{err}"
    );
}

#[test]
fn builtin_graph_checks_clean() {
    let out = awsgraph().arg("check").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("ok: "), "{text}");
}
