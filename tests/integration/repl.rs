//! The shell (`awsgraph`, `awsgraph repl`): piped input through assert_cmd, and one real
//! session on a pseudo-terminal that uses Tab completion, Ctrl-C, Ctrl-D and history.
//!
//! Both run against a small knowledge directory written here, so completion results do
//! not move when the shipped knowledge grows.

use std::path::Path;

use crate::common::awsgraph;

const RELATIONS: &str = "relations:
  - id: part-of
    description: The source is a part of the target.
    inverse: has part
    verb: be part of
  - id: monitors
    description: The source watches the target.
    inverse: monitored by
    verb: monitor
";

const NODES: &str = "category: test
nodes:
  - id: VPC
    name: Amazon Virtual Private Cloud
    kind: service
    summary: A private network.
    sources: [notes]
  - id: VPCEndpoint
    name: VPC endpoint
    kind: component
    summary: A private door to a service.
    sources: [notes]
    relations: {part-of: [VPC]}
  - id: CloudWatch
    name: Amazon CloudWatch
    kind: service
    summary: Metrics, logs and alarms.
    properties: {stateful: true}
    sources: [notes]
    relations: {monitors: [VPC]}
";

/// A knowledge directory with three nodes; `extra` adds one more node file.
fn knowledge(dir: &Path, extra: Option<&str>) {
    std::fs::create_dir_all(dir.join("services")).unwrap();
    std::fs::write(dir.join("relations.yaml"), RELATIONS).unwrap();
    std::fs::write(dir.join("services/test.yaml"), NODES).unwrap();
    if let Some(text) = extra {
        std::fs::write(dir.join("services/extra.yaml"), text).unwrap();
    }
}

/// Pipes `input` into `awsgraph <args>`: (status, stdout, stderr).
fn piped(args: &[&str], input: &str) -> (i32, String, String) {
    let out = awsgraph()
        .args(args)
        .write_stdin(input)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn piped_lines_run_as_queries_without_prompt_or_colour() {
    let dir = tempfile::tempdir().unwrap();
    knowledge(dir.path(), None);
    let g = dir.path().to_str().unwrap();
    for args in [vec!["repl", "--graph", g], vec!["--graph", g]] {
        let (code, out, err) = piped(&args, "describe VPC\nwhat monitors VPC\n");
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(
            out.starts_with("VPC — Amazon Virtual Private Cloud"),
            "{out}"
        );
        assert!(out.contains("CloudWatch"), "{out}");
        assert!(
            !out.contains("awsgraph>") && !out.contains('\x1b'),
            "{out:?}"
        );
        assert!(err.is_empty(), "{err}");
    }
}

#[test]
fn piped_output_matches_ask() {
    let dir = tempfile::tempdir().unwrap();
    knowledge(dir.path(), None);
    let g = dir.path().to_str().unwrap();
    let asked = awsgraph()
        .args(["--graph", g, "ask", "neighbors VPC depth 1"])
        .output()
        .unwrap();
    let (_, out, _) = piped(&["--graph", g], "neighbors VPC \\\n  depth 1\n");
    assert_eq!(
        out,
        String::from_utf8_lossy(&asked.stdout),
        "a continued line is one query"
    );
}

#[test]
fn the_worst_status_is_the_exit_status_and_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    knowledge(dir.path(), None);
    let g = dir.path().to_str().unwrap();
    let (code, out, err) = piped(
        &["--graph", g],
        "describe VPC\ndescribe Nope\n# a comment\n\nlist kinds\n",
    );
    assert_eq!(code, 1, "an unknown node is 1: {err}");
    assert!(
        out.contains("VPC — ") && out.contains("service"),
        "later lines still run: {out}"
    );
    assert!(
        err.contains("error at <stdin>:2") && err.contains("no node named `Nope`"),
        "{err}"
    );
    let (code, _, err) = piped(
        &["--graph", g],
        "describe Nope\ndescrbe VPC\ndescribe VPC\n",
    );
    assert_eq!(code, 2, "a syntax error beats a missing node: {err}");
    assert!(err.contains("did you mean `describe`"), "{err}");
}

#[test]
fn dot_commands_in_piped_input() {
    let dir = tempfile::tempdir().unwrap();
    knowledge(dir.path(), None);
    let g = dir.path().to_str().unwrap();
    let (code, out, err) = piped(&["--graph", g], ".format json\n.timing on\ndescribe VPC\n");
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("stdout is only the JSON answer");
    assert_eq!(v["id"], "VPC", "{v}");
    assert!(
        err.contains("format: json") && err.contains("Time: "),
        "{err}"
    );

    let (code, out, err) = piped(
        &["--graph", g],
        ".formt json\ndescribe VPC\n.quit\ndescrbe VPC\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("unknown command `.formt`") && err.contains("did you mean `.format`"),
        "{err}"
    );
    assert!(
        out.contains("VPC — "),
        "the shell goes on after a bad command: {out}"
    );
    assert!(!err.contains("descrbe"), "nothing runs after .quit: {err}");
}

#[test]
fn a_broken_graph_directory_keeps_the_one_in_use() {
    let good = tempfile::tempdir().unwrap();
    knowledge(good.path(), None);
    let broken = tempfile::tempdir().unwrap();
    knowledge(
        broken.path(),
        Some("nodes:\n  - id: Bad\n    kind: nonsense\n"),
    );
    let input = format!(".graph {}\ndescribe CloudWatch\n", broken.path().display());
    let (code, out, err) = piped(&["--graph", good.path().to_str().unwrap()], &input);
    assert_eq!(code, 3, "invalid knowledge: {err}");
    assert!(
        err.contains("extra.yaml") && err.contains("unchanged"),
        "{err}"
    );
    assert!(
        out.starts_with("CloudWatch — Amazon CloudWatch"),
        "the old graph still answers: {out}"
    );
}

#[test]
fn no_arguments_and_empty_input_is_a_quiet_success() {
    let out = awsgraph().write_stdin("").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A real terminal session: Tab completes a verb and a node, the query runs, Ctrl-C drops
/// a line, `.quit` leaves with 0, and the history file holds what ran.
#[cfg(unix)]
#[test]
fn terminal_session_completes_runs_and_keeps_history() -> Result<(), rexpect::error::Error> {
    use rexpect::process::WaitStatus;
    use rexpect::session::{Options, spawn_with_options};

    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("knowledge");
    knowledge(&graph, None);
    let history = dir.path().join("state/history");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("awsgraph"));
    cmd.arg("repl")
        .arg("--graph")
        .arg(&graph)
        .arg("--history")
        .arg(&history)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CLICOLOR_FORCE");
    // Generous for a loaded CI machine; every step normally takes milliseconds.
    let options = Options::new()
        .timeout_ms(Some(15_000))
        .strip_ansi_escape_codes(true);
    let mut p = spawn_with_options(cmd, options)?;
    p.exp_string("3 nodes")?;
    p.exp_string("awsgraph> ")?;

    p.send("descr\t")?;
    p.flush()?;
    p.exp_string("describe ")?;
    p.send("Cloud\t")?;
    p.flush()?;
    p.exp_string("describe CloudWatch ")?;
    p.send("\r")?;
    p.flush()?;
    // rexpect reads bytes as Latin-1, so only ASCII is matched: not the title's dash.
    p.exp_string("Amazon CloudWatch\r\n")?;
    p.exp_string("Metrics, logs and alarms.")?;
    p.exp_string("awsgraph> ")?;

    // Ctrl-C drops the line: it neither runs nor enters the history.
    p.send("describe Forgotten")?;
    p.send_control('c')?;
    p.exp_string("awsgraph> ")?;
    p.send(".quit\r")?;
    p.flush()?;
    p.exp_eof()?;
    assert!(matches!(p.process().wait()?, WaitStatus::Exited(_, 0)));

    let saved = std::fs::read_to_string(&history).expect("the history file is written");
    assert!(saved.lines().any(|l| l == "describe CloudWatch"), "{saved}");
    assert!(saved.lines().any(|l| l == ".quit"), "{saved}");
    assert!(!saved.contains("Forgotten"), "{saved}");
    Ok(())
}

/// Ctrl-D on an empty line leaves with status 0 even after a failed query, and a second
/// session finds the first one's history.
#[cfg(unix)]
#[test]
fn terminal_session_ctrl_d_exits_zero_and_recalls_history() -> Result<(), rexpect::error::Error> {
    use rexpect::process::WaitStatus;
    use rexpect::session::{Options, spawn_with_options};

    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("knowledge");
    knowledge(&graph, None);
    let history = dir.path().join("history");
    std::fs::write(&history, "#V2\nwhat monitors VPC\n").unwrap();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("awsgraph"));
    cmd.arg("--graph")
        .arg(&graph)
        .arg("repl")
        .arg("--history")
        .arg(&history)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CLICOLOR_FORCE");
    let options = Options::new()
        .timeout_ms(Some(15_000))
        .strip_ansi_escape_codes(true);
    let mut p = spawn_with_options(cmd, options)?;
    p.exp_string("awsgraph> ")?;
    p.send("descrbe VPC\r")?;
    p.flush()?;
    p.exp_string("did you mean `describe`")?;
    p.exp_string("awsgraph> ")?;
    // Up twice: past the failed line to the one the file brought.
    p.send("\x1b[A\x1b[A\r")?;
    p.flush()?;
    p.exp_string("CloudWatch")?;
    p.exp_string("awsgraph> ")?;
    p.send_control('d')?;
    p.exp_eof()?;
    assert!(matches!(p.process().wait()?, WaitStatus::Exited(_, 0)));
    Ok(())
}
