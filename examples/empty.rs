//! The floor for cold-start measurements: an empty program built with the same profile as
//! `awsgraph`, so `docs/performance.md` can compare a whole `awsgraph ask` process with
//! the cost of starting any Rust binary on the machine.

fn main() {}
