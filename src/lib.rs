//! awsgraph: a knowledge graph of AWS services with a small query language.
//!
//! The pipeline, one module per stage:
//! [`model`] (types) → [`load`] (YAML → validated model) → [`graph`] (petgraph wrapper)
//! → [`query`] (`ast`, `parser`, `eval`) → [`answer`] (one result value) → [`render`]
//! (table, JSON, Markdown, diagnostics). [`cli`] wires them to the command line.

pub mod answer;
pub mod cli;
pub mod graph;
pub mod load;
pub mod model;
pub mod query;
pub mod render;
pub mod value;

pub use answer::Answer;
pub use graph::KnowledgeGraph;
