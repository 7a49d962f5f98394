//! Diagrams and exports: DOT read back with graphviz-rust's parser, SVG read as XML
//! (through Graphviz and through the built-in fallback), hostile names in every format,
//! the shipped architectures, and atomic `-o` writes when Graphviz fails.
//!
//! Tests that need Graphviz skip when `dot` is missing, except in CI (`CI` set), where
//! a missing `dot` fails them: CI installs Graphviz.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use awsgraph::KnowledgeGraph;
use awsgraph::cli::Outcome;
use awsgraph::diagram::{Clustering, Diagram, wrap};
use graphviz_rust::dot_structures::{EdgeTy, Graph, Id, Stmt, Vertex};

use crate::common::awsgraph;

/// (status, stdout, stderr) of one run.
fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, Vec<u8>, String) {
    let mut c = awsgraph();
    c.env_remove("AWSGRAPH_DOT")
        .env_remove("AWSGRAPH_DOT_TIMEOUT");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn text_of(args: &[&str]) -> String {
    let (code, out, err) = run(args, &[]);
    assert_eq!(code, 0, "{args:?}: {err}");
    String::from_utf8(out).expect("UTF-8 output")
}

/// True when Graphviz is installed. Without it the test is skipped locally, and fails
/// in CI, where it must be installed.
fn have_dot() -> bool {
    let ok = std::process::Command::new("dot")
        .arg("-V")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "Graphviz `dot` must be installed in CI (apt-get install graphviz)"
        );
        eprintln!("skipping: Graphviz `dot` is not installed");
    }
    ok
}

/// Nodes, edges (as quoted id pairs) and clusters of a DOT text.
struct DotCounts {
    nodes: Vec<String>,
    edges: Vec<(String, String)>,
    clusters: usize,
}

fn id_text(id: &Id) -> String {
    match id {
        Id::Html(s) | Id::Escaped(s) | Id::Plain(s) | Id::Anonymous(s) => s.clone(),
    }
}

fn parse_dot(text: &str) -> DotCounts {
    let g =
        graphviz_rust::parse(text).unwrap_or_else(|e| panic!("DOT does not parse: {e}\n{text}"));
    let mut c = DotCounts {
        nodes: Vec::new(),
        edges: Vec::new(),
        clusters: 0,
    };
    fn walk(stmts: &[Stmt], c: &mut DotCounts) {
        for s in stmts {
            match s {
                Stmt::Node(n) => c.nodes.push(id_text(&n.id.0)),
                Stmt::Edge(e) => {
                    if let EdgeTy::Pair(Vertex::N(a), Vertex::N(b)) = &e.ty {
                        c.edges.push((id_text(&a.0), id_text(&b.0)));
                    } else {
                        panic!("unexpected edge shape {e:?}");
                    }
                }
                Stmt::Subgraph(sg) => {
                    c.clusters += 1;
                    walk(&sg.stmts, c);
                }
                _ => {}
            }
        }
    }
    match &g {
        Graph::DiGraph { stmts, .. } => walk(stmts, &mut c),
        Graph::Graph { .. } => panic!("expected a digraph"),
    }
    c
}

/// A DOT quoted id as our DOT writes it (`"a\"b"`), for comparing with parsed ids.
fn q(s: &str) -> String {
    format!(
        "\"{}\"",
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

/// Every text of an SVG (one entry per `<text>` element, its spans joined), after the
/// XML parser has decoded entities. Panics when the SVG is not well-formed XML.
fn svg_texts(svg: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(svg).expect("SVG is UTF-8");
    // Graphviz writes an SVG 1.1 DOCTYPE.
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options)
        .unwrap_or_else(|e| panic!("SVG is not XML: {e}\n{text}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    assert!(
        doc.descendants().all(|n| n.tag_name().name() != "script"),
        "an SVG must never contain a script element"
    );
    doc.descendants()
        .filter(|n| n.tag_name().name() == "text")
        .map(|n| n.descendants().filter_map(|d| d.text()).collect::<String>())
        .collect()
}

/// Asserts that every line of every label shows up in the SVG text. Labels are
/// wrapped at 22 characters as the diagrams wrap node and edge labels; the pieces of a
/// wider wrap (titles, group labels) are substrings of these lines' concatenation, so
/// the check holds for them too as long as each piece is found.
fn assert_labels_in(svg: &[u8], labels: &[String]) {
    let texts = svg_texts(svg).join("\n");
    for label in labels {
        for line in wrap(label, 22) {
            let line = line.replace('\t', " ");
            assert!(
                texts.contains(line.trim()),
                "label line {line:?} missing from SVG texts:\n{texts}"
            );
        }
    }
}

fn builtin() -> KnowledgeGraph {
    KnowledgeGraph::builtin().expect("the shipped knowledge validates")
}

fn diagram_of<'g>(g: &'g KnowledgeGraph, query: &str) -> (Diagram, awsgraph::answer::Subgraph<'g>) {
    let Outcome::Answer(a) = awsgraph::cli::answer(g, query) else {
        panic!("{query} does not answer")
    };
    let d = Diagram::from_answer(&a, Clustering::Category, g.relations()).expect("drawable");
    (d, a.subgraph())
}

const QUERIES: &[&str] = &[
    "neighbors VPC depth 2",
    "path DMS Redshift",
    "compare NACL SecurityGroup",
    "describe KDS",
    "what monitors Lambda",
    "find services where serverless = true",
];

#[test]
fn query_dot_reads_back_with_every_node_and_edge() {
    let g = builtin();
    for query in QUERIES {
        let text = text_of(&["ask", query, "--format", "dot"]);
        let dot = parse_dot(&text);
        let (d, sub) = diagram_of(&g, query);
        assert!(!sub.nodes.is_empty(), "{query}");
        let nodes: HashSet<String> = dot.nodes.iter().cloned().collect();
        assert_eq!(
            dot.nodes.len(),
            sub.nodes.len(),
            "{query}: one DOT node per answer node\n{text}"
        );
        for n in &sub.nodes {
            assert!(
                nodes.contains(&q(&n.id)),
                "{query}: node {} missing\n{text}",
                n.id
            );
        }
        // Parallel edges of a pair are drawn as one line; every answer edge is there.
        assert_eq!(dot.edges.len(), d.drawn_edges().len(), "{query}");
        for (from, _, to) in &sub.edges {
            let (a, b) = (q(from), q(to));
            assert!(
                dot.edges
                    .iter()
                    .any(|e| *e == (a.clone(), b.clone()) || *e == (b.clone(), a.clone())),
                "{query}: edge {from} -> {to} missing\n{text}"
            );
        }
        // Category clusters: one per category present.
        let cats: HashSet<&str> = sub
            .nodes
            .iter()
            .map(|n| &*n.category)
            .filter(|c| !c.is_empty())
            .collect();
        if sub.nodes.len() > 1 {
            assert_eq!(dot.clusters, cats.len(), "{query}");
        }
    }
}

#[test]
fn part_of_clusters_nest_parts_in_their_whole() {
    let text = text_of(&[
        "ask",
        "neighbors VPC depth 1 via part-of",
        "--format",
        "dot",
        "--cluster",
        "part-of",
    ]);
    let dot = parse_dot(&text);
    assert!(dot.clusters >= 1, "{text}");
    let inside = cluster_members(&text, "Amazon Virtual Private Cloud");
    for part in ["Subnet", "NACL", "SecurityGroup", "InternetGateway", "VPC"] {
        assert!(
            inside.contains(&q(part)),
            "{part} is drawn inside the VPC cluster\n{text}"
        );
    }
    assert!(
        !inside.contains(&q("EC2")),
        "the whole is outside its part\n{text}"
    );
    let none = text_of(&[
        "ask",
        "neighbors VPC depth 1",
        "--format",
        "dot",
        "--cluster",
        "none",
    ]);
    assert_eq!(parse_dot(&none).clusters, 0);
}

/// The node ids inside the cluster whose label contains `label`, nested ones included.
fn cluster_members(text: &str, label: &str) -> Vec<String> {
    fn nodes(stmts: &[Stmt], out: &mut Vec<String>) {
        for s in stmts {
            match s {
                Stmt::Node(n) => out.push(id_text(&n.id.0)),
                Stmt::Subgraph(sg) => nodes(&sg.stmts, out),
                _ => {}
            }
        }
    }
    fn find(stmts: &[Stmt], label: &str, out: &mut Vec<String>) -> bool {
        for s in stmts {
            let Stmt::Subgraph(sg) = s else { continue };
            let labelled = sg.stmts.iter().any(|st| match st {
                Stmt::GAttribute(graphviz_rust::dot_structures::GraphAttributes::Graph(attrs)) => {
                    attrs
                        .iter()
                        .any(|a| id_text(&a.0) == "label" && id_text(&a.1).contains(label))
                }
                _ => false,
            });
            if labelled {
                nodes(&sg.stmts, out);
                return true;
            }
            if find(&sg.stmts, label, out) {
                return true;
            }
        }
        false
    }
    let Graph::DiGraph { stmts, .. } = graphviz_rust::parse(text).unwrap() else {
        panic!("expected a digraph")
    };
    let mut out = Vec::new();
    assert!(
        find(&stmts, label, &mut out),
        "no cluster labelled {label:?}\n{text}"
    );
    out
}

#[test]
fn query_svg_through_dot_shows_every_label() {
    if !have_dot() {
        return;
    }
    let g = builtin();
    for query in [
        "neighbors VPC depth 1",
        "path DMS Redshift",
        "compare NACL SecurityGroup",
    ] {
        let (code, svg, err) = run(&["ask", query, "--format", "svg"], &[]);
        assert_eq!(code, 0, "{query}: {err}");
        assert!(err.is_empty(), "no warning when Graphviz is there: {err}");
        let (d, _) = diagram_of(&g, query);
        let mut labels: Vec<String> = d.nodes.iter().map(|n| n.label.clone()).collect();
        labels.extend(d.drawn_edges().into_iter().filter_map(|e| e.label));
        labels.extend(d.groups.iter().map(|g| g.label.clone()));
        assert_labels_in(&svg, &labels);
    }
}

#[test]
fn query_svg_falls_back_without_graphviz() {
    let g = builtin();
    let (code, svg, err) = run(
        &["ask", "neighbors VPC depth 1", "--format", "svg"],
        &[("AWSGRAPH_DOT", "/nonexistent/graphviz/dot")],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.lines().count(), 1, "exactly one warning line: {err}");
    assert!(
        err.starts_with("warning:")
            && err.contains("flattens clusters")
            && err.contains("install graphviz"),
        "{err}"
    );
    let (d, _) = diagram_of(&g, "neighbors VPC depth 1");
    let mut labels: Vec<String> = d.nodes.iter().map(|n| n.label.clone()).collect();
    labels.extend(d.drawn_edges().into_iter().filter_map(|e| e.label));
    assert_labels_in(&svg, &labels);
}

// ---------------------------------------------------------------------------------------
// Hostile names
// ---------------------------------------------------------------------------------------

const HOSTILE: &[&str] = &[
    "Say \"hi\" \\ back\\slash\\",
    "<script>alert(1)</script>",
    "Tom & Jerry's <b>bold</b> &amp;",
    "line one\nline two",
    "ünïcødé → 🚀 日本語",
    "end",
    "a -> b [color=red]",
    "'); MATCH (n) DETACH DELETE n //",
    "#35; #quot; `code` | pipe",
];

/// A knowledge directory whose node names are hostile, plus an architecture whose
/// labels are.
fn hostile_graph() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("graph");
    std::fs::create_dir_all(root.join("services")).unwrap();
    std::fs::create_dir_all(root.join("architectures")).unwrap();
    let rels = Path::new(env!("CARGO_MANIFEST_DIR")).join("graph/relations.yaml");
    std::fs::copy(rels, root.join("relations.yaml")).unwrap();
    let mut nodes = String::from("category: networking\nnodes:\n");
    for (i, name) in HOSTILE.iter().enumerate() {
        let name = serde_json::to_string(name).unwrap();
        nodes.push_str(&format!(
            "  - id: H{i}\n    name: {name}\n    kind: component\n    summary: Hostile {i}.\n    sources: [notes]\n"
        ));
        if i > 0 {
            nodes.push_str(&format!("    relations:\n      uses: [H{}]\n", i - 1));
        }
    }
    std::fs::write(root.join("services/hostile.yaml"), nodes).unwrap();
    let mut arch = String::from("title: \"T <script> & \\\"q\\\"\"\nnodes:\n");
    for (i, name) in HOSTILE.iter().enumerate() {
        let label = serde_json::to_string(name).unwrap();
        arch.push_str(&format!(
            "  - {{id: x{i}, external: true, label: {label}}}\n"
        ));
    }
    arch.push_str("groups:\n  - label: \"<group> & \\\"g\\\"\"\n    style: vpc\n    nodes:\n      - {id: H0, label: \"inside <g>\"}\nedges:\n");
    for (i, name) in HOSTILE.iter().enumerate().skip(1) {
        let label = serde_json::to_string(name).unwrap();
        arch.push_str(&format!(
            "  - {{from: x{}, to: x{i}, label: {label}}}\n",
            i - 1
        ));
    }
    std::fs::write(root.join("architectures/hostile.yaml"), arch).unwrap();
    dir
}

fn graph_arg(dir: &tempfile::TempDir) -> String {
    dir.path().join("graph").display().to_string()
}

#[test]
fn hostile_names_validate_and_architecture_is_not_a_node_file() {
    let dir = hostile_graph();
    let g = graph_arg(&dir);
    let (code, out, err) = run(&["check", "--graph", &g], &[]);
    assert_eq!(code, 0, "{err}");
    let out = String::from_utf8_lossy(&out);
    assert!(
        out.contains(&format!("ok: {} nodes", HOSTILE.len())),
        "{out}"
    );
    assert!(out.contains("architectures: 1 valid (hostile)"), "{out}");
}

#[test]
fn hostile_names_in_dot_stay_one_node_each() {
    let dir = hostile_graph();
    let g = graph_arg(&dir);
    let text = text_of(&["export", "--graph", &g, "--format", "dot"]);
    let dot = parse_dot(&text);
    assert_eq!(dot.nodes.len(), HOSTILE.len(), "{text}");
    assert_eq!(dot.edges.len(), HOSTILE.len() - 1);
    let arch = text_of(&["draw", "hostile", "--graph", &g, "--format", "dot"]);
    let dot = parse_dot(&arch);
    assert_eq!(dot.nodes.len(), HOSTILE.len() + 1, "{arch}");
    assert_eq!(dot.edges.len(), HOSTILE.len() - 1);
    assert_eq!(dot.clusters, 1);
    for (i, _) in HOSTILE.iter().enumerate() {
        assert!(dot.nodes.contains(&q(&format!("x{i}"))));
    }
}

#[test]
fn hostile_names_in_svg_are_text_through_dot_and_fallback() {
    let dir = hostile_graph();
    let g = graph_arg(&dir);
    let labels: Vec<String> = HOSTILE.iter().map(|s| s.to_string()).collect();
    let mut envs: Vec<Vec<(&str, &str)>> = vec![vec![("AWSGRAPH_DOT", "/nonexistent/dot")]];
    if have_dot() {
        envs.push(Vec::new());
    }
    for env in envs {
        for args in [
            vec!["export", "--graph", &g, "--format", "svg"],
            vec!["draw", "hostile", "--graph", &g, "--format", "svg"],
        ] {
            let (code, svg, err) = run(&args, &env);
            assert_eq!(code, 0, "{args:?} {env:?}: {err}");
            assert_labels_in(&svg, &labels);
        }
    }
}

#[test]
fn hostile_names_in_mermaid_stay_inside_quotes() {
    let dir = hostile_graph();
    let g = graph_arg(&dir);
    for args in [
        vec!["export", "--graph", &g, "--format", "mermaid"],
        vec!["draw", "hostile", "--graph", &g, "--format", "mermaid"],
    ] {
        let text = text_of(&args);
        check_mermaid(&text);
        // The title sits in YAML front matter as a JSON-style string, which Mermaid
        // draws as plain text; everything after it escapes markup.
        let (front, body) = match text.strip_prefix("---\n") {
            Some(rest) => rest.split_once("\n---\n").expect("front matter ends"),
            None => ("", text.as_str()),
        };
        if let Some(title) = front.strip_prefix("title: ") {
            let title: String = serde_json::from_str(title).expect("title is a quoted string");
            assert!(
                title == "T <script> & \"q\"" || title == "awsgraph",
                "{title}"
            );
        }
        assert!(
            !body.contains("<script>") && !body.contains("<b>bold"),
            "{text}"
        );
        assert!(text.contains("#60;script#62;"), "{text}");
        // Every quoted label holds no raw quote: the characters between the quotes of
        // `["..."]` and `|"..."|` are the whole label.
        for line in text.lines().map(str::trim) {
            if let Some(start) = line.find("[\"") {
                let rest = &line[start + 2..];
                let end = rest
                    .rfind("\"]")
                    .unwrap_or_else(|| panic!("unterminated label: {line}"));
                assert!(!rest[..end].contains('"'), "raw quote in {line}");
            }
        }
    }
}

#[test]
fn hostile_names_in_json_graphml_and_cypher_round_trip() {
    let dir = hostile_graph();
    let g = graph_arg(&dir);
    // JSON: the names come back exactly.
    let json: serde_json::Value =
        serde_json::from_str(&text_of(&["export", "--graph", &g, "--format", "json"])).unwrap();
    let labels: Vec<&str> = json["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, HOSTILE);
    assert_eq!(json["edges"].as_array().unwrap().len(), HOSTILE.len() - 1);

    // GraphML: well-formed XML whose label data are the names.
    let xml = text_of(&["export", "--graph", &g, "--format", "graphml"]);
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let names: Vec<String> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "data" && n.attribute("key") == Some("label"))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect();
    assert_eq!(names, HOSTILE);

    // Cypher: every string literal decodes to what was meant, and nothing outside the
    // literals comes from a name.
    let cypher = text_of(&["export", "--graph", &g, "--format", "cypher"]);
    let literals = cypher_strings(&cypher);
    for name in HOSTILE {
        assert!(
            literals.iter().any(|l| l == name),
            "{name:?} not among {literals:?}"
        );
    }
    let outside = strip_cypher_strings(&cypher);
    assert!(
        !outside.contains("DETACH") && !outside.contains("MATCH"),
        "{outside}"
    );
    assert_eq!(outside.matches("CREATE").count(), 1, "{outside}");
    assert!(outside.trim_end().ends_with(';'));
}

/// The decoded single-quoted string literals of a Cypher text.
fn cypher_strings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut s = String::new();
        loop {
            match chars.next().expect("unterminated string literal") {
                '\'' => break,
                '\\' => match chars.next().expect("dangling escape") {
                    'n' => s.push('\n'),
                    't' => s.push('\t'),
                    'r' => s.push('\r'),
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        s.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                    }
                    other => s.push(other),
                },
                other => s.push(other),
            }
        }
        out.push(s);
    }
    out
}

fn strip_cypher_strings(text: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '\'' {
                in_string = false;
            }
        } else if c == '\'' {
            in_string = true;
        } else {
            out.push(c);
        }
    }
    // Comment lines (the header) are not statements.
    out.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Structural checks of a Mermaid flowchart: header, balanced subgraphs, generated ids.
fn check_mermaid(text: &str) {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .peekable();
    if lines.peek() == Some(&"---") {
        lines.next();
        assert!(lines.next().unwrap().starts_with("title: \""));
        assert_eq!(lines.next(), Some("---"));
    }
    let header = lines.next().unwrap();
    assert!(header.starts_with("flowchart "), "{header}");
    let mut depth = 0i32;
    for l in lines {
        if l.starts_with("subgraph g") {
            depth += 1;
        } else if l == "end" {
            depth -= 1;
            assert!(depth >= 0, "`end` without `subgraph`");
        } else {
            let first = l.split([' ', '[']).next().unwrap();
            assert!(
                first.starts_with('n') || ["classDef", "class", "style"].contains(&first),
                "unexpected statement {l:?}"
            );
        }
    }
    assert_eq!(depth, 0, "unbalanced subgraphs");
}

// ---------------------------------------------------------------------------------------
// Exports of the shipped graph
// ---------------------------------------------------------------------------------------

#[test]
fn graphml_export_is_the_whole_graph() {
    let g = builtin();
    let xml = text_of(&["export", "--format", "graphml"]);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let keys: HashSet<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("key"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    let node_ids: HashSet<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("node"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    assert_eq!(node_ids.len(), g.node_count());
    let edges: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("edge"))
        .collect();
    assert_eq!(edges.len(), g.edge_count());
    for e in &edges {
        assert!(node_ids.contains(e.attribute("source").unwrap()));
        assert!(node_ids.contains(e.attribute("target").unwrap()));
    }
    for d in doc.descendants().filter(|n| n.has_tag_name("data")) {
        assert!(keys.contains(d.attribute("key").unwrap()), "undeclared key");
    }
}

#[test]
fn mermaid_export_of_a_query_is_structured() {
    let text = text_of(&[
        "export",
        "--query",
        "neighbors VPC depth 1",
        "--format",
        "mermaid",
    ]);
    check_mermaid(&text);
    let g = builtin();
    let (d, _) = diagram_of(&g, "neighbors VPC depth 1");
    let node_lines = text
        .lines()
        .filter(|l| l.trim_start().starts_with('n') && l.contains("[\""))
        .count();
    assert_eq!(node_lines, d.nodes.len());
    let arrows = ["-->", "---", "<-->", "-.->", "-.-", "<-.->"];
    let edge_lines = text
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .nth(1)
                .is_some_and(|t| arrows.iter().any(|a| t.starts_with(a)))
        })
        .count();
    assert_eq!(edge_lines, d.edges.len());
    assert_eq!(text.matches("subgraph g").count(), d.groups.len());
}

#[test]
fn output_format_follows_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).display().to_string();
    for (file, check) in [
        ("a.dot", "digraph"),
        ("a.gv", "digraph"),
        ("a.mmd", "flowchart LR"),
        ("a.graphml", "<graphml"),
        ("a.cypher", "CREATE"),
        ("a.json", "\"type\": \"neighbors\""),
        ("a.md", "## neighbors of VPC"),
        ("a.txt", "neighbors of VPC (depth 1)"),
    ] {
        let (code, out, err) = run(&["ask", "neighbors VPC depth 1", "-o", &p(file)], &[]);
        assert_eq!(code, 0, "{file}: {err}");
        assert!(out.is_empty(), "{file}: nothing on stdout");
        let written = std::fs::read_to_string(p(file)).unwrap();
        assert!(written.contains(check), "{file}: {written}");
    }
    // --format wins over the extension; `-` is standard output.
    let (_, _, _) = run(
        &["ask", "describe VPC", "-f", "mermaid", "-o", &p("b.dot")],
        &[],
    );
    assert!(
        std::fs::read_to_string(p("b.dot"))
            .unwrap()
            .contains("flowchart")
    );
    let (code, out, _) = run(&["ask", "describe VPC", "-f", "dot", "-o", "-"], &[]);
    assert_eq!(code, 0);
    assert!(String::from_utf8_lossy(&out).starts_with("digraph"));
}

#[test]
fn answers_without_nodes_cannot_be_drawn() {
    let (code, _, err) = run(&["ask", "list categories", "-f", "dot"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("has no nodes to draw"), "{err}");
    let (code, _, err) = run(
        &["ask", "find where max_item_size > 100 PB", "-f", "svg"],
        &[],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nothing to draw"), "{err}");
    let (code, _, err) = run(&["export", "-f", "markdown"], &[]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(&["check", "-o", "x.txt"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("--output works with"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Architectures
// ---------------------------------------------------------------------------------------

fn shipped() -> Vec<awsgraph::architecture::Architecture> {
    awsgraph::architecture::load_all(None, &builtin()).expect("shipped architectures validate")
}

#[test]
fn the_brief_architectures_are_shipped() {
    let names: Vec<String> = shipped().into_iter().map(|a| a.name).collect();
    for want in [
        "streaming",
        "data-lake",
        "vpc",
        "database-migration",
        "batch-etl",
    ] {
        assert!(
            names.iter().any(|n| n == want),
            "{want} missing from {names:?}"
        );
    }
    let out = text_of(&["list", "architectures"]);
    for n in &names {
        assert!(out.contains(n.as_str()), "{out}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&text_of(&["list", "architectures", "-f", "json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), names.len());
    // `list` also runs the query language's list forms.
    assert!(text_of(&["list", "categories"]).contains("networking"));
}

#[test]
fn each_shipped_architecture_renders_in_every_format() {
    let dot_ok = have_dot();
    let dir = tempfile::tempdir().unwrap();
    for a in shipped() {
        let dot = parse_dot(&text_of(&["draw", &a.name]));
        assert_eq!(dot.nodes.len(), a.diagram.nodes.len(), "{}", a.name);
        assert_eq!(dot.edges.len(), a.diagram.drawn_edges().len(), "{}", a.name);
        assert_eq!(dot.clusters, a.diagram.groups.len(), "{}", a.name);
        check_mermaid(&text_of(&["draw", &a.name, "-f", "mermaid"]));
        let json: serde_json::Value =
            serde_json::from_str(&text_of(&["draw", &a.name, "-f", "json"])).unwrap();
        assert_eq!(
            json["nodes"].as_array().unwrap().len(),
            a.diagram.nodes.len()
        );
        roxmltree::Document::parse(&text_of(&["draw", &a.name, "-f", "graphml"])).unwrap();
        let mut labels: Vec<String> = a.diagram.nodes.iter().map(|n| n.label.clone()).collect();
        labels.extend(a.diagram.drawn_edges().into_iter().filter_map(|e| e.label));
        let fallback: PathBuf = dir.path().join(format!("{}-fallback.svg", a.name));
        let (code, _, err) = run(
            &["draw", &a.name, "-o", &fallback.display().to_string()],
            &[("AWSGRAPH_DOT", "/nonexistent/dot")],
        );
        assert_eq!(code, 0, "{err}");
        assert_labels_in(&std::fs::read(&fallback).unwrap(), &labels);
        if dot_ok {
            let path = dir.path().join(format!("{}.svg", a.name));
            let (code, _, err) = run(&["draw", &a.name, "-o", &path.display().to_string()], &[]);
            assert_eq!(code, 0, "{err}");
            labels.extend(a.diagram.groups.iter().map(|g| g.label.clone()));
            labels.push(a.title.clone());
            assert_labels_in(&std::fs::read(&path).unwrap(), &labels);
        }
    }
}

#[test]
fn docs_pictures_match_the_shipped_architectures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/diagrams.md")).expect("docs/diagrams.md");
    for a in shipped() {
        let picture = format!("diagrams/{}.svg", a.name);
        assert!(
            doc.contains(&picture),
            "docs/diagrams.md does not show {picture}"
        );
        let svg = std::fs::read(root.join("docs").join(&picture))
            .unwrap_or_else(|e| panic!("docs/{picture}: {e}"));
        let texts = svg_texts(&svg).join("\n");
        assert!(
            texts.contains(&a.title),
            "docs/{picture} is out of date: redraw it (see docs/diagrams.md)"
        );
        for n in &a.diagram.nodes {
            let first = wrap(&n.label, 22).remove(0);
            assert!(
                texts.contains(&first),
                "docs/{picture} lacks {first:?}: redraw it"
            );
        }
    }
}

#[test]
fn unknown_architecture_suggests_names() {
    let (code, _, err) = run(&["draw", "straeming"], &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("no architecture named `straeming`")
            && err.contains("did you mean `streaming`"),
        "{err}"
    );
    let (code, _, err) = run(&["draw", "no-such-file/x.yaml"], &[]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn invalid_architecture_is_reported_with_location_by_draw_and_check() {
    let dir = hostile_graph();
    let g = graph_arg(&dir);
    let bad = dir.path().join("graph/architectures/bad.yaml");
    std::fs::write(&bad, "title: Bad\nnodes:\n  - {id: H00}\n  - {id: ok, ref: H1}\nedges:\n  - {from: ok, to: nowhere}\n").unwrap();
    let (code, _, err) = run(&["check", "--graph", &g], &[]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("bad.yaml:3:10") && err.contains("unknown node `H00`"),
        "{err}"
    );
    assert!(err.contains("did you mean"), "{err}");
    assert!(
        err.contains("bad.yaml:6:20") && err.contains("`nowhere`"),
        "{err}"
    );
    assert!(
        err.contains("2 problem(s) in the architecture files"),
        "{err}"
    );
    let (code, out, err) = run(&["draw", "bad", "--graph", &g], &[]);
    assert_eq!(code, 3, "{err}");
    assert!(out.is_empty());
    // The other architecture still draws: draw validates only the one asked for.
    let (code, _, err) = run(&["draw", "hostile", "--graph", &g], &[]);
    assert_eq!(code, 0, "{err}");
    // A file given by path is validated the same way.
    let (code, _, err) = run(&["draw", &bad.display().to_string(), "--graph", &g], &[]);
    assert_eq!(code, 3, "{err}");
}

// ---------------------------------------------------------------------------------------
// Graphviz failures and atomic writes
// ---------------------------------------------------------------------------------------

#[cfg(unix)]
fn script(dir: &Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p.display().to_string()
}

#[cfg(unix)]
#[test]
fn failing_dot_keeps_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("streaming.svg");
    std::fs::write(&out, "old picture").unwrap();
    let fail = script(
        dir.path(),
        "dot-fail",
        "cat >/dev/null\necho 'Error: <stdin>: syntax error in line 3' >&2\nexit 1",
    );
    let (code, stdout, err) = run(
        &["draw", "streaming", "-o", &out.display().to_string()],
        &[("AWSGRAPH_DOT", &fail)],
    );
    assert_eq!(code, 4, "{err}");
    assert!(stdout.is_empty());
    assert!(
        err.contains("failed (exit status 1)") && err.contains("syntax error in line 3"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old picture");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        2,
        "no temporary file is left: {leftovers:?}"
    );
    // And when nothing existed, nothing is created.
    let fresh = dir.path().join("fresh.svg");
    let (code, _, _) = run(
        &["draw", "streaming", "-o", &fresh.display().to_string()],
        &[("AWSGRAPH_DOT", &fail)],
    );
    assert_eq!(code, 4);
    assert!(!fresh.exists());
}

#[cfg(unix)]
#[test]
fn hanging_dot_is_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let hang = script(dir.path(), "dot-hang", "exec sleep 60");
    let out = dir.path().join("x.svg");
    std::fs::write(&out, "old").unwrap();
    let start = std::time::Instant::now();
    let (code, _, err) = run(
        &["ask", "describe VPC", "-o", &out.display().to_string()],
        &[("AWSGRAPH_DOT", &hang), ("AWSGRAPH_DOT_TIMEOUT", "1")],
    );
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("did not finish within 1 s"), "{err}");
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
}

#[test]
fn unwritable_output_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/x.dot");
    let (code, _, err) = run(&["draw", "vpc", "-o", &missing.display().to_string()], &[]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("cannot write"), "{err}");
}

/// `draw FILE` of a named pipe is refused, not left waiting for a writer.
#[cfg(unix)]
#[test]
fn draw_refuses_a_named_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("arch.yaml");
    crate::common::make_fifo(&pipe);
    let out = awsgraph()
        .arg("draw")
        .arg(&pipe)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("draw finished");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.contains("it is a named pipe or a socket, not a file"),
        "{err}"
    );
}

/// `draw FILE` reads its file as the loader reads knowledge files: a file with no size to
/// go by is refused at the 32 MB limit instead of being read until memory runs out.
#[cfg(unix)]
#[test]
fn draw_refuses_an_endless_file_at_the_limit() {
    let (code, out, err) = run(&["draw", "/dev/zero"], &[]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("cannot read /dev/zero: file is larger than 32 MB"),
        "{err}"
    );
}
