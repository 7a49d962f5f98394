//! Helpers shared by the integration test modules.

use assert_cmd::Command;

/// The `awsgraph` binary with colour off, as a script would run it.
pub fn awsgraph() -> Command {
    let mut c = Command::cargo_bin("awsgraph").expect("binary is built");
    c.env("NO_COLOR", "1").env_remove("CLICOLOR_FORCE");
    c
}

/// Runs `awsgraph ask <query>` and returns (exit status, stdout, stderr).
pub fn ask(query: &str, extra: &[&str]) -> (i32, String, String) {
    let out = awsgraph()
        .arg("ask")
        .arg(query)
        .args(extra)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Makes a named pipe at `path`, with the system's `mkfifo`.
#[cfg(unix)]
pub fn make_fifo(path: &std::path::Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(
        made.is_ok_and(|s| s.success()),
        "mkfifo {} failed",
        path.display()
    );
}
