//! Every AWS service API resolves (issue 3): the generated `graph/catalog/aws-services.yaml`
//! maps each botocore client either to a curated node (`covered_by`) or to a catalog-only
//! node. The TSV-driven test reads `../shared/data/aws-services.tsv` when it is there; the
//! others need only the repository.

use std::path::PathBuf;

use awsgraph::KnowledgeGraph;
use awsgraph::graph::Direction;
use awsgraph::value::Value;

use crate::common::ask;

/// Rows of the botocore 1.44.8 service table the catalog was generated from.
const ROWS: usize = 445;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn builtin() -> KnowledgeGraph {
    KnowledgeGraph::builtin().expect("the shipped knowledge loads")
}

/// The SDK clients a node carries, from its `sdk_name` property.
fn sdk_names(g: &KnowledgeGraph, name: &str) -> Vec<String> {
    let key = g
        .resolve(name)
        .unwrap_or_else(|| panic!("`{name}` resolves"));
    match g.node(key).property("sdk_name").map(|p| &p.value) {
        Some(Value::Text(t)) => vec![t.clone()],
        Some(Value::List(l)) => l.clone(),
        other => panic!("`{name}` has no sdk_name: {other:?}"),
    }
}

#[test]
fn generated_catalog_holds_every_row_once() {
    let path = manifest_dir().join("graph/catalog/aws-services.yaml");
    let text = std::fs::read_to_string(&path).expect("the generated catalog is committed");
    let entries = text
        .lines()
        .filter(|l| l.starts_with("  - botocore: "))
        .count();
    assert_eq!(entries, ROWS, "{}", path.display());

    // Each entry lands on exactly one node and lists its client there.
    let g = builtin();
    let mut clients: Vec<String> = g
        .nodes()
        .filter_map(|(_, n)| n.property("sdk_name"))
        .flat_map(|p| match &p.value {
            Value::Text(t) => vec![t.clone()],
            Value::List(l) => l.clone(),
            other => panic!("sdk_name is text or a list, not {other:?}"),
        })
        .collect();
    let total = clients.len();
    clients.sort();
    clients.dedup();
    assert_eq!((total, clients.len()), (ROWS, ROWS));
}

#[test]
fn generated_catalog_loads_without_warnings() {
    let g = builtin();
    let warnings: Vec<String> = g
        .report()
        .warnings()
        .filter(|d| d.file.contains("catalog/"))
        .map(|d| d.to_string())
        .collect();
    assert!(warnings.is_empty(), "{warnings:#?}");
    assert!(
        g.nodes().filter(|(_, n)| !n.curated).count() > 300,
        "catalog-only nodes are part of the shipped graph"
    );
}

#[test]
fn every_service_of_the_tsv_resolves() {
    let tsv = manifest_dir().join("../shared/data/aws-services.tsv");
    let Ok(text) = std::fs::read_to_string(&tsv) else {
        eprintln!("skipped: {} is not there", tsv.display());
        return;
    };
    let g = builtin();
    let mut rows = 0;
    let mut unresolved = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let c: Vec<&str> = line.split('\t').collect();
        let (botocore, service_id, full_name, abbreviation) = (c[0], c[1], c[2], c[3]);
        rows += 1;
        for name in [service_id, full_name, abbreviation, botocore] {
            if !name.trim().is_empty() && g.resolve(name).is_none() {
                unresolved.push(format!("{botocore}: `{name}`"));
            }
        }
        // The botocore name finds the node that carries that client.
        if g.resolve(botocore).is_some() {
            assert!(
                sdk_names(&g, botocore).iter().any(|s| s == botocore),
                "`{botocore}` resolves to a node without that sdk_name"
            );
        }
    }
    assert_eq!(rows, ROWS);
    assert!(unresolved.is_empty(), "{unresolved:#?}");
}

#[test]
fn out_of_date_full_names_reach_the_current_service() {
    let g = builtin();
    let id = |name: &str| {
        g.resolve(name)
            .map(|k| g.node(k).id.clone())
            .unwrap_or_else(|| panic!("`{name}` resolves"))
    };
    for name in ["Amazon Kinesis Firehose", "firehose", "Firehose"] {
        assert_eq!(id(name), "Firehose", "{name}");
    }
    for name in [
        "Amazon Kinesis Analytics",
        "kinesisanalytics",
        "kinesisanalyticsv2",
    ] {
        assert_eq!(id(name), "ManagedFlink", "{name}");
    }
    assert_eq!(id("Amazon Elasticsearch Service"), "OpenSearch");
    assert!(g.node(g.resolve("firehose").unwrap()).curated);
}

#[test]
fn covered_curated_node_shows_catalog_properties() {
    for query in [r#"describe "Amazon Kinesis Firehose""#, "describe firehose"] {
        let (code, out, err) = ask(query, &[]);
        assert_eq!(code, 0, "{query}: {err}");
        assert!(out.starts_with("Firehose"), "{query}: {out}");
        assert!(out.contains("api_operations"), "{query}: {out}");
        assert!(out.contains("sdk_name"), "{query}: {out}");
        assert!(!out.contains("no curated facts"), "{query}: {out}");
    }
}

#[test]
fn catalog_only_node_says_it_has_no_curated_facts() {
    let (code, out, err) = ask("describe sagemaker-runtime", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("known only from the AWS service catalog: no curated facts yet"),
        "{out}"
    );
    assert!(out.contains("api_operations"), "{out}");

    // A runtime client is part of its service.
    let g = builtin();
    let key = g.resolve("sagemaker-runtime").expect("resolves");
    assert!(!g.node(key).curated);
    let sagemaker = g.resolve("SageMaker").expect("resolves");
    assert!(
        g.links(key).iter().any(|l| l.relation.id == "part-of"
            && l.direction == Direction::Outgoing
            && l.other == sagemaker),
        "sagemaker-runtime is part-of SageMaker"
    );
}
