//! The command line as a user drives it: the examples, output formats, error
//! exits and their messages.

use crate::common::{ask, awsgraph};

#[test]
fn compare_nacl_security_group_side_by_side() {
    let (code, out, _) = ask("compare NACL SecurityGroup", &[]);
    assert_eq!(code, 0);
    for want in [
        "NACL",
        "SecurityGroup",
        "stateful",
        "allow and deny",
        "allow only",
        "≠",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    // The two are alternatives: the answer says how they relate to each other.
    assert!(out.contains("NACL alternative-to SecurityGroup"), "{out}");
    let row = out
        .lines()
        .find(|l| l.contains("┆ stateful "))
        .expect("stateful row");
    assert!(row.contains("no") && row.contains("yes"), "{row}");
}

#[test]
fn describe_resolves_ids_aliases_and_full_names_case_insensitively() {
    for q in [
        "describe DynamoDB",
        "describe dynamodb",
        "show \"Amazon DynamoDB\"",
        "describe DDB",
    ] {
        let (code, out, err) = ask(q, &[]);
        assert_eq!(code, 0, "{q}: {err}");
        assert!(out.contains("400 KB"), "{q}: {out}");
        assert!(out.starts_with("DynamoDB — Amazon DynamoDB"), "{q}: {out}");
    }
}

#[test]
fn describe_json_has_the_documented_shape() {
    let (code, out, _) = ask("describe SecurityGroup", &["--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    for key in [
        "id",
        "name",
        "kind",
        "category",
        "summary",
        "aliases",
        "properties",
        "facts",
        "relations",
        "sources",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    assert_eq!(v["type"], "describe");
    assert_eq!(v["id"], "SecurityGroup");
    let stateful = v["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "stateful")
        .unwrap();
    assert_eq!(stateful["value"], true);
    assert_eq!(stateful["type"], "bool");
    let rel = v["relations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["relation"] == "protects")
        .unwrap();
    assert_eq!(rel["direction"], "outgoing");
    assert!(rel["target"].is_string());
    assert!(v["aliases"].as_array().unwrap().iter().any(|a| a == "SG"));
}

#[test]
fn quantities_in_json_carry_units_and_base_values() {
    let (_, out, _) = ask("describe DynamoDB", &["-f", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let p = v["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "max_item_size")
        .unwrap();
    assert_eq!(p["unit"], "KB");
    assert_eq!(p["base"], 409600.0);
    assert_eq!(p["dimension"], "bytes");
}

#[test]
fn what_in_both_directions() {
    let (code, out, _) = ask("what monitors Lambda", &[]);
    assert_eq!(code, 0);
    assert!(out.contains("CloudWatch"), "{out}");
    let (code, out, _) = ask("what does CloudWatch monitor", &[]);
    assert_eq!(code, 0);
    assert!(out.contains("Lambda") && out.contains("DynamoDB"), "{out}");
    // The inverse phrase reads the same edges backwards.
    let (_, inv, _) = ask("what is monitored by CloudWatch", &[]);
    assert!(inv.contains("Lambda") && inv.contains("DynamoDB"), "{inv}");
}

#[test]
fn path_labels_each_hop() {
    let (code, out, _) = ask("path DMS to Redshift", &[]);
    assert_eq!(code, 0);
    assert!(out.contains("DMS —migrates-to→ Redshift"), "{out}");
    let (code, out, _) = ask("path Subnet NACL", &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("protected by"), "{out}");
}

#[test]
fn neighbors_with_depth_and_via() {
    let (code, out, _) = ask("neighbors VPC depth 1 via part-of", &[]);
    assert_eq!(code, 0);
    for n in ["Subnet", "NACL", "SecurityGroup", "InternetGateway"] {
        assert!(out.contains(n), "{n} missing: {out}");
    }
    assert!(!out.contains("monitors"), "{out}");
}

#[test]
fn find_compares_quantities_with_units() {
    let (code, out, _) = ask("find where max_item_size < 1 MB", &[]);
    assert_eq!(code, 0);
    assert!(out.contains("DynamoDB"), "{out}");
    let (_, out, _) = ask("find where max_item_size >= 1 MB", &[]);
    assert!(!out.contains("DynamoDB"), "{out}");
}

#[test]
fn find_booleans_and_negation() {
    let (code, out, _) = ask("find where stateful = false", &[]);
    assert_eq!(code, 0);
    assert!(
        out.contains("NACL") && !out.contains("SecurityGroup"),
        "{out}"
    );
    let (_, not_out, _) = ask("find where not stateful", &[]);
    assert!(
        not_out.contains("NACL") && !not_out.contains("SecurityGroup"),
        "{not_out}"
    );
    let (_, yes, _) = ask("find components where stateful", &[]);
    assert!(
        yes.contains("SecurityGroup") && !yes.contains("NACL"),
        "{yes}"
    );
}

#[test]
fn empty_find_exits_one() {
    let (code, out, _) = ask("find where max_item_size > 1 PB", &[]);
    assert_eq!(code, 1);
    assert!(out.contains("no nodes match"), "{out}");
}

#[test]
fn markdown_output() {
    let (code, out, _) = ask("compare NATGateway NATInstance", &["--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("## compare NATGateway vs NATInstance"),
        "{out}"
    );
    assert!(out.contains("| managed_by | AWS | customer | ≠ |"), "{out}");
}

#[test]
fn syntax_error_points_at_the_token_and_exits_two() {
    let (code, out, err) = ask("compare NACL ???", &[]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("unexpected `???`"), "{err}");
    assert!(err.contains("compare NACL ???"), "{err}");
    // The caret line sits under column 14 of the query.
    let caret = err.lines().find(|l| l.contains('┬')).expect("underline");
    let query_line = err
        .lines()
        .find(|l| l.contains("compare NACL ???"))
        .unwrap();
    let col = |l: &str, c: char| l.chars().position(|x| x == c).unwrap();
    assert_eq!(col(caret, '┬') - col(query_line, 'c'), 13 + 1, "{err}");
}

#[test]
fn unknown_verb_gets_a_suggestion() {
    let (code, _, err) = ask("descibe VPC", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `describe`?"), "{err}");
}

#[test]
fn unknown_node_exits_one_with_did_you_mean() {
    let (code, _, err) = ask("describe DynamoBD", &[]);
    assert_eq!(code, 1);
    assert!(err.contains("no node named `DynamoBD`"), "{err}");
    assert!(err.contains("DynamoDB"), "{err}");
}

#[test]
fn unknown_relation_and_property_exit_two() {
    let (code, _, err) = ask("what monitorz Lambda", &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`monitorz` is not a relation") && err.contains("monitors"),
        "{err}"
    );
    let (code, _, err) = ask("find where statefull = true", &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no node has a property `statefull`") && err.contains("`stateful`"),
        "{err}"
    );
}

#[test]
fn query_words_may_be_separate_arguments() {
    let out = awsgraph()
        .args(["ask", "describe", "VPC"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("VPC — Amazon Virtual Private Cloud"));
}

#[test]
fn help_lists_examples() {
    let out = awsgraph().arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("awsgraph ask \"compare NACL SecurityGroup\""),
        "{text}"
    );
    assert!(text.contains("Exit status"), "{text}");
    // No arguments starts the shell; on empty, non-terminal stdin it has nothing to run.
    let out = awsgraph().output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "no arguments runs the shell on empty input"
    );
}

#[test]
fn subcommand_help_keeps_its_description_and_arguments() {
    // The subcommands' arguments are built only when used (`defer` in `src/cli.rs`), and
    // a doc comment on an argument struct would then replace the variant's description.
    for (args, first, argument) in [
        (["ask", "--help"], "Answer one query", "<QUERY>..."),
        (
            ["draw", "--help"],
            "Draw an architecture of graph/architectures/",
            "<NAME>",
        ),
        (
            ["export", "--help"],
            "Export the whole graph",
            "--query <QUERY>",
        ),
        (["list", "--help"], "List the architectures", "<WHAT>..."),
        (
            ["help", "draw"],
            "Draw an architecture of graph/architectures/",
            "<NAME>",
        ),
    ] {
        let out = awsgraph().args(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{args:?}: {text}");
        assert!(text.starts_with(first), "{args:?}: {text}");
        assert!(text.contains(argument), "{args:?}: {text}");
        // The global options are still offered on every subcommand.
        assert!(text.contains("--format <FORMAT>"), "{args:?}: {text}");
    }
}

#[test]
fn help_query_lists_forms() {
    let (code, out, _) = ask("help", &[]);
    assert_eq!(code, 0);
    for verb in [
        "describe",
        "compare",
        "what",
        "path",
        "neighbors",
        "find",
        "list",
    ] {
        assert!(out.contains(verb), "{out}");
    }
}

#[test]
fn list_relations_and_properties() {
    let (code, out, _) = ask("list relations", &[]);
    assert_eq!(code, 0);
    assert!(
        out.contains("monitored by") && out.contains("alternative-to"),
        "{out}"
    );
    let (_, out, _) = ask("list properties", &["-f", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let items = v["items"].as_array().unwrap();
    let stateful = items.iter().find(|i| i["name"] == "stateful").unwrap();
    assert_eq!(stateful["detail"], "bool");
}

#[test]
fn closed_stdout_is_not_an_error() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    // Far more output than a pipe buffers, so the writer really meets a closed pipe.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.aq");
    std::fs::write(&file, "list nodes\n".repeat(200)).unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("awsgraph"))
        .arg("run")
        .arg(&file)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is dropped here: the rest of the output hits a closed pipe.
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
