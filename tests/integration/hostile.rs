//! Hostile text in the knowledge (quotes, backslashes, markup, newlines, unicode) comes
//! out correct and inert in every text format; control characters are refused at load.

use std::fs;

use crate::common::awsgraph;

const RELATIONS: &str =
    "relations:\n  - id: monitors\n    description: watches\n    inverse: monitored by\n";
const EVIL: &str = "Evil \"quoted\" \\ <script>alert(1)</script> & co\nnext line ünïcødé 🚀";

fn graph_with(name_yaml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("relations.yaml"), RELATIONS).unwrap();
    fs::write(
        dir.path().join("n.yaml"),
        format!(
            "category: test\nnodes:\n  - id: Evil\n    name: {name_yaml}\n    kind: service\n    aliases: [\"a|b\"]\n    summary: \"<b>bold</b> | pipe & amp\"\n    sources: [notes]\n    facts:\n      - \"fact with `ticks` and *stars* and [link](x)\"\n    relations:\n      monitors: [Plain]\n  - id: Plain\n    name: Plain node\n    kind: concept\n    summary: s\n    sources: [notes]\n"
        ),
    )
    .unwrap();
    dir
}

fn ask(dir: &std::path::Path, query: &str, format: &str) -> String {
    let out = awsgraph()
        .args(["ask", query, "--format", format, "--graph"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn evil_yaml() -> String {
    serde_json::to_string(EVIL).unwrap()
}

#[test]
fn json_keeps_the_exact_text() {
    let dir = graph_with(&evil_yaml());
    let v: serde_json::Value =
        serde_json::from_str(&ask(dir.path(), "describe Evil", "json")).unwrap();
    assert_eq!(v["name"], EVIL);
    assert_eq!(v["summary"], "<b>bold</b> | pipe & amp");
}

#[test]
fn markdown_escapes_markup_pipes_and_newlines() {
    let dir = graph_with(&evil_yaml());
    let md = ask(dir.path(), "describe Evil", "markdown");
    assert!(!md.contains("<script>") && !md.contains("<b>"), "{md}");
    assert!(
        md.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co<br>next line ünïcødé 🚀"),
        "{md}"
    );
    assert!(md.contains("a\\|b"), "{md}");
    assert!(
        md.contains("\\`ticks\\`") && md.contains("\\*stars\\*") && md.contains("\\[link\\](x)"),
        "{md}"
    );
    // Every table row still has the same number of cells.
    let cells = |l: &str| l.matches(" | ").count();
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).collect();
    assert!(
        rows.windows(2)
            .all(|w| cells(w[0]) == cells(w[1]) || w[1].starts_with("| relation")),
        "{md}"
    );
}

#[test]
fn table_shows_the_text_as_text() {
    let dir = graph_with(&evil_yaml());
    let t = ask(dir.path(), "describe Evil", "table");
    assert!(t.contains("<script>alert(1)</script> & co"), "{t}");
    assert!(t.contains("next line ünïcødé 🚀"), "{t}");
    assert!(!t.contains('\x1b'), "no terminal escapes when piped");
}

#[test]
fn control_characters_are_refused_with_their_location() {
    let dir = graph_with("\"red \\e[31m text\"");
    let out = awsgraph()
        .args(["check", "--graph"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("n.yaml:3:9: node `Evil`: name contains the control character U+001B"),
        "{err}"
    );
}
