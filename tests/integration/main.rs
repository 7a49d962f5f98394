//! Integration tests: one binary, one module per area. They run the real `awsgraph`
//! binary (assert_cmd) or the library against the shipped knowledge.

mod broken;
mod cli;
mod common;
mod exam;
mod golden;
mod notes_facts;
