//! The keys a node can be found by, and the two sorted indexes built from them.
//!
//! Shared by `graph` (for graphs loaded from YAML) and, through `#[path]`, by `build.rs`,
//! which stores the indexes of the built-in graph in its snapshot so that a start does not
//! lower-case every name of every node. One definition of the keys is what keeps a name
//! resolving to the same node however the graph was loaded.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::model::Node;

/// The form a typed name is looked up in: trimmed and lowercased.
pub fn lookup_key(name: &str) -> String {
    let mut key = String::new();
    lookup_key_into(&mut key, name);
    key
}

/// [`lookup_key`] written into a reused buffer: a large directory looks up millions of
/// names, and most are ASCII, which needs no allocation.
pub fn lookup_key_into(buf: &mut String, name: &str) {
    buf.clear();
    // Names rarely have surrounding space; checking the two ends as bytes first skips
    // decoding them, which showed in loads with millions of lookups.
    let name = match (name.as_bytes().first(), name.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => name,
        _ => name.trim(),
    };
    if name.is_ascii() {
        buf.push_str(name);
        buf.make_ascii_lowercase();
    } else {
        buf.push_str(&name.to_lowercase());
    }
}

/// Letters and digits only, lowercased, without a leading `amazon` or `aws`, so
/// `Step Functions`, `step-functions` and `Snow Family` find `StepFunctions` and
/// `AWS Snow Family`.
pub fn compact_key(name: &str) -> String {
    let mut key = String::new();
    compact_key_into(&mut key, name);
    key
}

/// [`compact_key`] written into a reused buffer.
pub fn compact_key_into(buf: &mut String, name: &str) {
    buf.clear();
    if name.is_ascii() {
        // Filtered in place as bytes and checked once as a whole: pushing a `char` at a
        // time was a fifth of the cost of building a large load's name indexes.
        let mut bytes = std::mem::take(buf).into_bytes();
        bytes.extend_from_slice(name.as_bytes());
        bytes.retain(u8::is_ascii_alphanumeric);
        bytes.make_ascii_lowercase();
        *buf = String::from_utf8(bytes).expect("ASCII letters and digits");
    } else {
        buf.extend(
            name.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase),
        );
    }
    for prefix in ["amazon", "aws"] {
        if buf.len() > prefix.len() && buf.starts_with(prefix) {
            buf.drain(..prefix.len());
            return;
        }
    }
}

/// A node's position in the graph, in an [`Index`] of the compact keys, for a key that
/// two nodes share.
pub const AMBIGUOUS: u32 = u32::MAX;

/// Name indexes over nodes numbered by their position.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Indexes {
    /// Lookup key of every id, name and alias → the first node that has it.
    pub names: Index<'static>,
    /// The compact form of the same keys → its node, or [`AMBIGUOUS`].
    pub compact: Index<'static>,
}

/// `indexes` if a load built them, or both built now from `nodes`: for the few callers
/// that need them from a load that may have left them out
/// (`load::QueryIndexes::OnFirstUse`).
pub fn built_or_build<'a>(indexes: &'a Option<Indexes>, nodes: &[Node]) -> Cow<'a, Indexes> {
    match indexes {
        Some(indexes) => Cow::Borrowed(indexes),
        None => Cow::Owned(build(nodes)),
    }
}

/// Builds both indexes; `nodes` are the nodes in position order, owned or borrowed.
pub fn build<N: std::borrow::Borrow<Node>>(nodes: &[N]) -> Indexes {
    // Every key is written into one shared buffer and sorted as a slice of it with its
    // node: a graph loaded from a large directory has hundreds of thousands of keys, and
    // a `String` each made allocating and freeing them most of the index's cost.
    let count = nodes.iter().map(|n| 2 + n.borrow().aliases.len()).sum();
    let bytes = nodes
        .iter()
        .map(N::borrow)
        .map(|n| n.id.len() + n.name.len() + n.aliases.iter().map(String::len).sum::<usize>())
        .sum();
    let mut names = Keys::with_capacity(count, bytes);
    let mut compact = Keys::with_capacity(count, bytes);
    let (mut lower, mut squeezed) = (String::new(), String::new());
    for (i, node) in nodes.iter().map(N::borrow).enumerate() {
        let i = u32::try_from(i).expect("node positions fit in 32 bits (the graph's index type)");
        let keys = std::iter::once(&node.id)
            .chain(std::iter::once(&node.name))
            .chain(node.aliases.iter());
        for key in keys {
            lookup_key_into(&mut lower, key);
            names.push(&lower, i);
            compact_key_into(&mut squeezed, &lower);
            compact.push(&squeezed, i);
        }
    }
    // Ties go to the lowest node position: a name belongs to the first node that has it.
    let (names, compact) = rayon::join(
        || names.into_index(|group| group[0].3),
        || {
            compact.into_index(|group| {
                let node = group[0].3;
                if group.iter().all(|e| e.3 == node) {
                    node
                } else {
                    AMBIGUOUS
                }
            })
        },
    );
    Indexes { names, compact }
}

/// A key's [`prefix`], its start and end in [`Keys::text`], and its node.
type Entry = (u64, u32, u32, u32);

/// Keys with their node, the key texts one after another in `text`.
///
/// The indexes are built beside the edge pass of a large load, at the process's peak
/// memory. There `usize` offsets and a sorted `(&str, u32)` copy of the entries came to
/// 48 bytes a key for each of the two indexes, over 40 MB at a million edges. An entry
/// here is 24 bytes, and the radix sort borrows as many again while it runs: the
/// prefix in each entry lets it sort without reading the key text, which a comparison
/// sort did at every step (most of the time of building the indexes). For the same
/// reason each buffer is sized once, from the raw names (a key is no longer than its
/// name but for a few non-ASCII letters): growing by doubling would hold the old and
/// new buffers at once.
struct Keys {
    text: String,
    entries: Vec<Entry>,
}

impl Keys {
    fn with_capacity(count: usize, bytes: usize) -> Keys {
        Keys {
            text: String::with_capacity(bytes),
            entries: Vec::with_capacity(count),
        }
    }

    fn push(&mut self, key: &str, node: u32) {
        // A node's id and name often share a key (`StepFunctions`, `AWS Step Functions`);
        // a second copy changes neither index and would only be sorted. Looking back a
        // few keys bounds the cost for a node with very many aliases.
        let mut own = self
            .entries
            .iter()
            .rev()
            .take_while(|e| e.3 == node)
            .take(4);
        if own.any(|e| self.key_bytes(e) == key.as_bytes()) {
            return;
        }
        let start = self.end();
        self.text.push_str(key);
        self.entries
            .push((prefix(key.as_bytes()), start, self.end(), node));
    }

    fn end(&self) -> u32 {
        u32::try_from(self.text.len()).expect("key text under 4 GB: each file is capped at 32 MB")
    }

    fn key_bytes(&self, &(_, start, end, _): &Entry) -> &[u8] {
        &self.text.as_bytes()[start as usize..end as usize]
    }

    /// Each key once, in order, with the value `pick` makes of its entries (in node
    /// order). The keys are freed as soon as their index is made.
    fn into_index(mut self, pick: impl Fn(&[Entry]) -> u32) -> Index<'static> {
        let text = self.text.as_bytes();
        let key = |&(_, start, end, _): &Entry| &text[start as usize..end as usize];
        // A radix sort by prefix, then the few runs of a shared prefix by the whole key.
        // Both sorts are stable, and the entries were pushed in node order, so each key's
        // entries stay in node order.
        radsort::sort_by_key(&mut self.entries, |e| e.0);
        for run in self.entries.chunk_by_mut(|a, b| a.0 == b.0) {
            if run.len() > 1 {
                run.sort_by(|a, b| key(a).cmp(key(b)));
            }
        }
        let groups = self.entries.chunk_by(|a, b| key(a) == key(b)).map(|group| {
            let (_, start, end, _) = group[0];
            (&self.text[start as usize..end as usize], pick(group))
        });
        Index::from_sorted(groups, self.text.len(), self.entries.len())
    }
}

/// A key's first eight bytes as one big-endian word, zero-padded: where two differ, they
/// order their keys as the keys' bytes do, so most keys are sorted without reading them.
fn prefix(key: &[u8]) -> u64 {
    let mut word = [0; 8];
    let n = key.len().min(8);
    word[..n].copy_from_slice(&key[..n]);
    u64::from_be_bytes(word)
}

/// The little-endian `u32` at byte `at`: the word of the flat tables here and in the
/// snapshot.
pub fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut w = [0; 4];
    w.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(w)
}

/// String keys sorted bytewise, each with a `u32`, kept as two flat byte arrays and
/// searched where they lie. The built-in graph's indexes borrow from the snapshot
/// embedded in the binary, so loading them costs nothing whatever their size; decoding
/// 1,600 keys one string at a time was a third of a one-shot `ask`.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Index<'a> {
    /// The keys, one after another.
    #[serde(borrow)]
    keys: Cow<'a, [u8]>,
    /// Per key, as two little-endian `u32`s: where it ends in `keys`, and its value.
    #[serde(borrow)]
    entries: Cow<'a, [u8]>,
}

impl Index<'_> {
    /// From keys in ascending order, at most `len` of them and `key_bytes` long in all:
    /// the arrays are sized once, as growing them by doubling would hold the old and new
    /// ones at once, at the peak of a large load.
    pub fn from_sorted<'k>(
        items: impl IntoIterator<Item = (&'k str, u32)>,
        key_bytes: usize,
        len: usize,
    ) -> Index<'static> {
        let mut keys = Vec::with_capacity(key_bytes);
        let mut entries = Vec::with_capacity(8 * len);
        for (k, v) in items {
            keys.extend_from_slice(k.as_bytes());
            let end = u32::try_from(keys.len()).expect("index under 4 GB");
            entries.extend_from_slice(&end.to_le_bytes());
            entries.extend_from_slice(&v.to_le_bytes());
        }
        Index {
            keys: keys.into(),
            entries: entries.into(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len() / 8
    }

    fn word(&self, at: usize) -> u32 {
        u32_at(&self.entries, at)
    }

    fn key_bytes(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.word(8 * i - 8) };
        &self.keys[start as usize..self.word(8 * i) as usize]
    }

    fn value(&self, i: usize) -> u32 {
        self.word(8 * i + 4)
    }

    /// The value of `key`, by binary search.
    pub fn get(&self, key: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.key_bytes(mid).cmp(key.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(self.value(mid)),
            }
        }
        None
    }

    /// Every (key, value) in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> + '_ {
        (0..self.len()).map(|i| {
            let key = std::str::from_utf8(self.key_bytes(i)).expect("keys are written from strs");
            (key, self.value(i))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;
    use proptest::prelude::*;

    fn node(id: &str, name: &str, aliases: &[&str]) -> Node {
        Node {
            id: id.into(),
            name: name.into(),
            kind: Kind::Service,
            category: "test".into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            summary: String::new(),
            properties: Vec::new(),
            facts: Vec::new(),
            sources: Vec::new(),
            curated: true,
            file: "test.yaml".into(),
        }
    }

    /// The keys as first defined, before the buffer-reusing fast paths.
    fn plain_compact_key(name: &str) -> String {
        let k: String = name
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        for prefix in ["amazon", "aws"] {
            if let Some(rest) = k.strip_prefix(prefix)
                && !rest.is_empty()
            {
                return rest.to_string();
            }
        }
        k
    }

    proptest! {
        #[test]
        fn keys_match_their_plain_definitions(name in "\\PC{0,12}|[ \\t]?[A-Za-z0-9 _.-]{0,12}[ \\t]?") {
            prop_assert_eq!(lookup_key(&name), name.trim().to_lowercase());
            prop_assert_eq!(compact_key(&name), plain_compact_key(&name));
        }
    }

    #[test]
    fn keys_of_unusual_names() {
        assert_eq!(lookup_key("\u{a0}Amazon EC2 "), "amazon ec2");
        assert_eq!(lookup_key("ÄRGER"), "ärger");
        assert_eq!(compact_key("AWS Snow Family"), "snowfamily");
        assert_eq!(compact_key("Amazon"), "amazon");
        assert_eq!(compact_key("Step-Functions"), "stepfunctions");
    }

    #[test]
    fn first_node_wins_a_name_and_a_shared_compact_key_is_ambiguous() {
        let nodes = [
            node("StepFunctions", "Step Functions", &["SFN"]),
            node("Other", "Other", &["step functions", "sfn", "OTHER"]),
            node("Glue", "AWS Glue", &["glue"]),
        ];
        let ix = build(&nodes);
        assert_eq!(ix.names.get("step functions"), Some(0));
        assert_eq!(ix.names.get("sfn"), Some(0));
        assert_eq!(ix.names.get("other"), Some(1));
        assert_eq!(ix.names.get("aws glue"), Some(2));
        assert_eq!(ix.names.get("missing"), None);
        // Two nodes share `stepfunctions`; one node's several spellings of `glue` do not
        // make it ambiguous.
        assert_eq!(ix.compact.get("stepfunctions"), Some(AMBIGUOUS));
        assert_eq!(ix.compact.get("glue"), Some(2));
        let keys: Vec<&str> = ix.names.iter().map(|(k, _)| k).collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(keys, sorted, "keys are stored once each, in order");
    }

    /// The indexes as defined: every key in a map, the first node kept for a name, and
    /// any second node making a compact key ambiguous.
    fn reference_build(nodes: &[Node]) -> Indexes {
        use std::collections::BTreeMap;
        let mut names: BTreeMap<String, u32> = BTreeMap::new();
        let mut compact: BTreeMap<String, u32> = BTreeMap::new();
        for (i, n) in nodes.iter().enumerate() {
            let i = u32::try_from(i).unwrap();
            for key in [&n.id, &n.name].into_iter().chain(&n.aliases) {
                let lower = lookup_key(key);
                compact
                    .entry(compact_key(&lower))
                    .and_modify(|v| {
                        if *v != i {
                            *v = AMBIGUOUS;
                        }
                    })
                    .or_insert(i);
                names.entry(lower).or_insert(i);
            }
        }
        Indexes {
            names: Index::from_sorted(names.iter().map(|(k, &v)| (k.as_str(), v)), 0, 0),
            compact: Index::from_sorted(compact.iter().map(|(k, &v)| (k.as_str(), v)), 0, 0),
        }
    }

    #[test]
    fn build_matches_the_reference() {
        let nodes = [
            node("StepFunctions", "Step Functions", &["SFN", "sfn"]),
            node("Other", "Other", &["step functions", "sfn", "OTHER", ""]),
            node("Glue", "AWS Glue", &["glue", "Glue", "Ärger"]),
            node("Amazon", "Amazon", &["ärger", "amazon", " StepFunctions "]),
        ];
        let ix = build(&nodes);
        assert_eq!(ix, reference_build(&nodes));
        assert_eq!(ix.names.get("stepfunctions"), Some(0));
        assert_eq!(ix.names.get("ärger"), Some(2));
        assert_eq!(ix.compact.get("ärger"), Some(AMBIGUOUS));
        assert_eq!(ix.compact.get("amazon"), Some(3));
        assert_eq!(ix.compact.get("glue"), Some(2));
        assert_eq!(build::<Node>(&[]), Indexes::default());
    }

    /// Names that often collide, whole or compacted, some of them longer than the eight
    /// bytes of a [`prefix`].
    fn colliding_name() -> impl Strategy<Value = String> {
        prop_oneof![
            "[aAbä -]{0,3}",
            "((Amazon|AWS|Step|step|Functions|Ä|a)[ -]?){0,4}"
        ]
    }

    proptest! {
        #[test]
        fn build_matches_the_reference_on_colliding_names(
            specs in prop::collection::vec(
                (colliding_name(), colliding_name(), prop::collection::vec(colliding_name(), 0..8)),
                0..12,
            )
        ) {
            let nodes: Vec<Node> = specs
                .iter()
                .map(|(id, name, aliases)| {
                    let aliases: Vec<&str> = aliases.iter().map(String::as_str).collect();
                    node(id, name, &aliases)
                })
                .collect();
            prop_assert_eq!(build(&nodes), reference_build(&nodes));
        }
    }

    proptest! {
        #[test]
        /// The sort orders keys by prefix first, so prefixes must never contradict the
        /// byte order of their keys; equal prefixes are left to the whole keys.
        fn prefix_order_is_byte_order(
            a in "(ab|ba|a|b|ä|\\x00){0,8}",
            b in "(ab|ba|a|b|ä|\\x00){0,8}",
        ) {
            let (a, b) = (a.as_bytes(), b.as_bytes());
            if prefix(a) != prefix(b) {
                prop_assert_eq!(prefix(a).cmp(&prefix(b)), a.cmp(b));
            }
        }
    }
}
