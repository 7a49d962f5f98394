//! The corpus of broken knowledge directories under `tests/broken/`: each must fail to
//! load with its expected diagnostics (file:line:col), exit status 3 and no panic. Cases
//! that cannot live in git (a 50 MB file, a symlink loop, an unreadable file, binary
//! garbage) are built at run time.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::awsgraph;

const RELATIONS: &str =
    "relations:\n  - id: monitors\n    description: watches\n    inverse: monitored by\n";
const NODE: &str = "nodes:\n  - id: A\n    name: A node\n    kind: service\n    category: x\n    summary: s\n    sources: [notes]\n";

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_name() != "expect.txt" {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Runs `check` on `dir` and asserts the failure mode every broken input must have.
fn check_fails_with(dir: &Path, expected: &[String]) {
    let start = Instant::now();
    // A case that hangs fails here rather than stalling the suite.
    let out = awsgraph()
        .arg("check")
        .arg("--graph")
        .arg(dir)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap_or_else(|e| panic!("{}: did not finish: {e}", dir.display()));
    let elapsed = start.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    let name = dir.display();
    assert_eq!(out.status.code(), Some(3), "{name}: exit status\n{err}");
    assert!(!err.contains("panicked"), "{name}: panic\n{err}");
    assert!(
        out.stdout.is_empty(),
        "{name}: printed a summary despite errors"
    );
    for want in expected {
        assert!(
            err.contains(want.as_str()),
            "{name}: missing {want:?} in\n{err}"
        );
    }
    assert!(elapsed < Duration::from_secs(5), "{name}: took {elapsed:?}");
}

#[test]
fn every_committed_case_fails_with_its_diagnostics() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/broken");
    let mut cases: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 25,
        "the corpus should hold at least 25 cases, has {}",
        cases.len()
    );
    let tmp = tempfile::tempdir().unwrap();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expect = fs::read_to_string(case.join("expect.txt"))
            .unwrap_or_else(|_| panic!("{name}/expect.txt"));
        let lines: Vec<String> = expect
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| format!("{name}/{l}"))
            .collect();
        assert!(!lines.is_empty(), "{name}: empty expect.txt");
        let dir = tmp.path().join(&name);
        copy_dir(case, &dir);
        check_fails_with(&dir, &lines);
    }
}

fn case_dir(tmp: &Path, name: &str) -> PathBuf {
    let dir = tmp.join(name);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("relations.yaml"), RELATIONS).unwrap();
    dir
}

#[test]
fn a_50_mb_file_is_refused_without_parsing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = case_dir(tmp.path(), "huge");
    let mut text = String::from(NODE);
    text.push_str("    facts:\n");
    let line = format!("      - \"{}\"\n", "x".repeat(1000));
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&line);
    }
    fs::write(dir.join("big.yaml"), text).unwrap();
    check_fails_with(&dir, &["huge/big.yaml: file is larger than 32 MB".into()]);
}

/// A file with no size to go by (a device behind a symlink) is read only up to the
/// limit, not until memory runs out.
#[cfg(unix)]
#[test]
fn an_endless_file_is_refused_at_the_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = case_dir(tmp.path(), "endless");
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.yaml")).unwrap();
    check_fails_with(
        &dir,
        &["endless/zero.yaml: file is larger than 32 MB".into()],
    );
}

/// A named pipe called `*.yaml` is refused: opening it would wait for a writer forever.
#[cfg(unix)]
#[test]
fn a_named_pipe_is_refused_not_waited_for() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = case_dir(tmp.path(), "pipe");
    fs::write(dir.join("n.yaml"), NODE).unwrap();
    crate::common::make_fifo(&dir.join("p.yaml"));
    check_fails_with(
        &dir,
        &["pipe/p.yaml: cannot read file: it is a named pipe or a socket, not a file".into()],
    );
}

#[test]
fn binary_garbage_is_reported_not_parsed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = case_dir(tmp.path(), "garbage");
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8 | 0x80)
        .collect();
    fs::write(dir.join("junk.yaml"), bytes).unwrap();
    check_fails_with(&dir, &["garbage/junk.yaml: file is not UTF-8 text".into()]);
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_unreadable_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = case_dir(tmp.path(), "links");
    fs::write(dir.join("n.yaml"), NODE).unwrap();
    // A directory that links back to its parent: walked once, not forever.
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
    // A file that cannot be read (root can read any mode, so use a dangling link).
    std::os::unix::fs::symlink(dir.join("missing-target"), dir.join("gone.yaml")).unwrap();
    check_fails_with(&dir, &["gone.yaml: cannot read file".into()]);
    // Without the unreadable file the loop alone is harmless: the directory loads.
    fs::remove_file(dir.join("gone.yaml")).unwrap();
    let out = awsgraph()
        .arg("check")
        .arg("--graph")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
