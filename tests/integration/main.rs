//! Integration tests: one binary, one module per area. They run the real `awsgraph`
//! binary (assert_cmd) or the library against the shipped knowledge.

mod broken;
mod broken_corpus;
mod catalog;
mod cli;
mod common;
mod diagrams;
mod exam;
mod golden;
mod hostile;
mod mutation;
mod notes_facts;
mod props;
mod repl;
