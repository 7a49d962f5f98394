//! Embeds the knowledge under `graph/` into the binary, so `awsgraph` answers from any
//! directory after `cargo install`. Generates a table of (relative path, contents) and,
//! when the files validate, a postcard snapshot of the validated knowledge and its name
//! indexes, so that a start decodes only what a query touches instead of parsing YAML
//! (see `src/snapshot.rs`).
//!
//! The loader itself is compiled into this script from `src/` so the build validates with
//! exactly the rules `awsgraph check` applies. An invalid graph does not fail the build:
//! the snapshot is left out and the binary validates the embedded YAML at run time, where
//! `check` reports every problem with its file:line:col.

use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "src/fast_yaml.rs"]
mod fast_yaml;
#[allow(dead_code)]
#[path = "src/load.rs"]
mod load;
#[allow(dead_code)]
#[path = "src/model.rs"]
mod model;
#[allow(dead_code)]
#[path = "src/names.rs"]
mod names;
#[path = "src/ordered.rs"]
mod ordered;
#[allow(dead_code)]
#[path = "src/snapshot.rs"]
mod snapshot;
#[allow(dead_code)]
#[path = "src/value.rs"]
mod value;

/// The one item `load` needs from `architecture`, which is too entangled with the graph
/// and renderers to build here. The snapshot-equals-YAML test catches any drift.
mod architecture {
    pub fn is_architecture_file(name: &str) -> bool {
        let name = name.replace('\\', "/");
        name.starts_with("architectures/") || name.contains("/architectures/")
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            out.push(p);
        }
    }
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("graph");
    println!("cargo:rerun-if-changed=graph");
    for module in ["fast_yaml", "load", "model", "names", "snapshot", "value"] {
        println!("cargo:rerun-if-changed=src/{module}.rs");
    }
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut code = String::from("pub static FILES: &[(&str, &str)] = &[\n");
    let mut sources = Vec::new();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&root)
            .expect("under graph/")
            .to_string_lossy()
            .replace('\\', "/");
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
        // An unreadable file is left to the run-time load, which reports it.
        if let Ok(text) = std::fs::read_to_string(f) {
            sources.push(load::SourceFile {
                name: format!("graph/{rel}"),
                text: text.into(),
            });
        }
    }
    code.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    let snapshot = (sources.len() == files.len())
        .then(|| load::load_files(&sources, Vec::new()).ok())
        .flatten()
        .and_then(|k| snapshot::encode(&k).ok());
    match snapshot {
        Some(bytes) => {
            std::fs::write(out_dir.join("snapshot.bin"), bytes).expect("OUT_DIR is writable");
            code.push_str(
                "pub static SNAPSHOT: Option<&[u8]> = Some(include_bytes!(concat!(env!(\"OUT_DIR\"), \"/snapshot.bin\")));\n",
            );
        }
        None => {
            println!(
                "cargo:warning=graph/ does not validate; embedding YAML only (run `awsgraph check`)"
            );
            code.push_str("pub static SNAPSHOT: Option<&[u8]> = None;\n");
        }
    }
    std::fs::write(out_dir.join("embedded_graph.rs"), code).expect("OUT_DIR is writable");
}
