//! Arbitrary bytes as a knowledge file next to a valid vocabulary: loading must report
//! errors, never panic.
#![no_main]

use awsgraph::load::{SourceFile, load_files};
use libfuzzer_sys::fuzz_target;

const RELATIONS: &str = "relations:\n  - id: monitors\n    description: d\n    inverse: monitored by\n  - id: alternative-to\n    description: d\n    inverse: alternative to\n    symmetric: true\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let files = [
        SourceFile { name: "graph/relations.yaml".into(), text: RELATIONS.into() },
        SourceFile { name: "graph/services/fuzz.yaml".into(), text: text.into() },
    ];
    let _ = load_files(&files, Vec::new());
});
