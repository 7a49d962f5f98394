//! The query language: text → [`ast::Query`] ([`parser`]) → [`Answer`](crate::answer::Answer)
//! ([`eval`]). Shared by `awsgraph ask`, `awsgraph run` and the REPL.

pub mod ast;
pub mod eval;
pub mod parser;

pub use ast::Query;
pub use eval::{EvalError, eval};
pub use parser::{SyntaxError, parse};
