//! The `awsgraph` binary: parse arguments, run the library, map the result to an exit
//! status. A closed stdout (`awsgraph ... | head -1`) is a normal end, not an error.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

// The system allocator until a knowledge directory is loaded, mimalloc from then on.
#[global_allocator]
static ALLOCATOR: awsgraph::allocator::Allocator = awsgraph::allocator::Allocator;

fn main() -> ExitCode {
    let cli = awsgraph::cli::Cli::from_env();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let (out_tty, err_tty) = (stdout.is_terminal(), stderr.is_terminal());
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = stderr.lock();
    let result = awsgraph::cli::run(&cli, &mut out, &mut err, out_tty, err_tty)
        .and_then(|code| out.flush().map(|()| code));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(err, "error: cannot write output: {e}");
            ExitCode::from(awsgraph::cli::exit::USAGE)
        }
    }
}
