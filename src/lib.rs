//! awsgraph: a knowledge graph of AWS services with a small query language.
//!
//! The pipeline, one module per stage:
//! [`model`] (types) → [`load`] (YAML → validated model) → [`graph`] (petgraph wrapper)
//! → [`query`] (`ast`, `parser`, `eval`) → [`answer`] (one result value) → [`render`]
//! (table, JSON, Markdown, diagnostics). [`cli`] wires them to the command line;
//! [`repl`] is the interactive shell over the same stages.
//! Beside `render`, [`diagram`] turns answers, the whole graph and the [`architecture`]
//! files into DOT, SVG, Mermaid, GraphML, Cypher and JSON; [`output`] writes files
//! atomically.

pub mod allocator;
pub mod answer;
pub mod architecture;
pub mod cli;
pub mod diagram;
mod fast_yaml;
pub mod graph;
pub mod load;
pub mod model;
mod names;
mod ordered;
pub mod output;
pub mod query;
pub mod render;
pub mod repl;
pub mod snapshot;
pub mod value;

pub use answer::Answer;
pub use graph::KnowledgeGraph;
