//! JSON output for scripts. The shape is the serde form of the answer types, with the
//! answer's `type` tag; it is documented in `docs/json-output.md` and kept stable.

use crate::answer::Answer;

pub fn render(answer: &Answer) -> String {
    // Serialising plain structs of strings, numbers and vectors cannot fail.
    let mut s = serde_json::to_string_pretty(answer).unwrap_or_else(|e| {
        serde_json::json!({"type": "error", "message": e.to_string()}).to_string()
    });
    s.push('\n');
    s
}
