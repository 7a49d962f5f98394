//! Mutation fuzzing of the shipped knowledge: take each curated file, apply random byte
//! and line mutations, and load it beside the real vocabulary. Errors are expected;
//! panics are not. Deterministic (fixed seeds), so a failure reproduces.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use awsgraph::load::{LoadError, SourceFile, load_files};

/// xorshift64*: enough randomness for mutations, no dependency, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that matter to YAML and to the loader's own parsing.
const INTERESTING: &[&[u8]] = &[
    b":",
    b"-",
    b" ",
    b"\t",
    b"\n",
    b"\"",
    b"'",
    b"[",
    b"]",
    b"{",
    b"}",
    b"#",
    b"&a",
    b"*a",
    b"!!str",
    b"~",
    b"|",
    b">",
    b"0",
    b"400 KBB",
    b"1-365 days",
    b"~200 ms",
    b"\xff",
    b"\xc3",
    b"\x00",
    b"\x1b",
    b"\\",
    b"%",
    b"null",
];

fn mutate(text: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut t = text.to_vec();
    for _ in 0..1 + rng.below(4) {
        let lines: Vec<&[u8]> = t.split_inclusive(|b| *b == b'\n').collect();
        let pos = rng.below(t.len());
        t = match rng.below(8) {
            0 => {
                // delete a line
                let i = rng.below(lines.len());
                lines
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .flat_map(|(_, l)| l.iter().copied())
                    .collect()
            }
            1 => {
                // duplicate a line
                let i = rng.below(lines.len());
                let mut out: Vec<u8> = Vec::new();
                for (j, l) in lines.iter().enumerate() {
                    out.extend_from_slice(l);
                    if j == i {
                        out.extend_from_slice(l);
                    }
                }
                out
            }
            2 => {
                // swap two lines
                let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                let mut ls = lines.clone();
                ls.swap(a, b);
                ls.concat()
            }
            3 => {
                let mut x = t.clone();
                if !x.is_empty() {
                    x[pos] = rng.next() as u8;
                }
                x
            }
            4 => {
                let mut x = t.clone();
                let ins = INTERESTING[rng.below(INTERESTING.len())];
                x.splice(pos..pos, ins.iter().copied());
                x
            }
            5 => {
                let mut x = t.clone();
                let end = (pos + 1 + rng.below(40)).min(x.len());
                x.drain(pos..end);
                x
            }
            6 => t[..pos].to_vec(),
            _ => {
                // re-indent a line by one space either way
                let i = rng.below(lines.len());
                let mut ls: Vec<Vec<u8>> = lines.iter().map(|l| l.to_vec()).collect();
                if rng.below(2) == 0 {
                    ls[i].insert(0, b' ');
                } else if ls[i].first() == Some(&b' ') {
                    ls[i].remove(0);
                }
                ls.concat()
            }
        };
    }
    t
}

#[test]
fn mutated_knowledge_files_never_panic_the_loader() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("graph");
    let relations = std::fs::read_to_string(root.join("relations.yaml")).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("services"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let name_of = |p: &PathBuf| {
        format!(
            "graph/services/{}",
            p.file_name().unwrap().to_string_lossy()
        )
    };
    // Each mutation is loaded with stand-ins for the nodes of every other curated file,
    // so cross-file references resolve and only the mutation can make the load fail;
    // stand-ins parse far faster than the real files.
    let intact: Vec<SourceFile> = std::iter::once(SourceFile {
        name: "graph/relations.yaml".into(),
        text: relations.as_str().into(),
    })
    .chain(files.iter().map(|p| SourceFile {
        name: name_of(p),
        text: std::fs::read_to_string(p).unwrap().into(),
    }))
    .collect();
    let all = load_files(&intact, Vec::new()).expect("the intact files load");
    let stubs = |file: &str| -> String {
        let mut y = String::from("nodes:\n");
        for n in all.nodes.iter().filter(|n| n.file != file) {
            y.push_str(&format!("  - id: {}\n    name: stand-in for {}\n    kind: concept\n    category: stub\n    summary: s\n    sources: [notes]\n", n.id, n.id));
        }
        y
    };
    let with = |i: usize, text: &str| -> Vec<SourceFile> {
        vec![
            SourceFile {
                name: "graph/relations.yaml".into(),
                text: relations.as_str().into(),
            },
            SourceFile {
                name: "graph/stubs.yaml".into(),
                text: stubs(&name_of(&files[i])).into(),
            },
            SourceFile {
                name: name_of(&files[i]),
                text: text.into(),
            },
        ]
    };
    for (i, path) in files.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(
            load_files(&with(i, &text), Vec::new()).is_ok(),
            "{} loads beside stand-ins",
            path.display()
        );
    }
    let per_file = 3000 / files.len().max(1);
    let mut total = 0;
    let mut rejected = 0;
    for (f, path) in files.iter().enumerate() {
        let original = std::fs::read(path).unwrap();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (f as u64 + 1));
        for case in 0..per_file {
            let bytes = mutate(&original, &mut rng);
            // The loader takes text; bytes that are not UTF-8 are refused before it (and
            // are covered by the broken corpus), so feed the lossy text instead.
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let sources = with(f, &text);
            let result = catch_unwind(AssertUnwindSafe(|| load_files(&sources, Vec::new())));
            match result {
                Ok(Err(LoadError::Invalid(report))) => {
                    rejected += 1;
                    // Every error is located in a file that was given.
                    for d in report.errors() {
                        assert!(d.file.starts_with("graph/"), "{d}");
                    }
                }
                Ok(_) => {}
                Err(_) => {
                    let dump =
                        std::env::temp_dir().join(format!("awsgraph-mutation-{f}-{case}.yaml"));
                    std::fs::write(&dump, &text).unwrap();
                    panic!(
                        "loader panicked on a mutation of {}; input saved to {}",
                        path.display(),
                        dump.display()
                    );
                }
            }
            total += 1;
        }
    }
    assert!(total >= 2500, "ran {total} mutations");
    // Many mutations are harmless (a changed letter in a summary), but a mutator that
    // rarely breaks anything would test nothing.
    assert!(
        rejected * 4 > total,
        "only {rejected} of {total} mutations were rejected"
    );
    eprintln!("{total} mutations, {rejected} rejected with located errors, none panicked");
}
