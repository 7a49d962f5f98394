//! The keys a node can be found by, and the two sorted indexes built from them.
//!
//! Shared by `graph` (for graphs loaded from YAML) and, through `#[path]`, by `build.rs`,
//! which stores the indexes of the built-in graph in its snapshot so that a start does not
//! lower-case every name of every node. One definition of the keys is what keeps a name
//! resolving to the same node however the graph was loaded.

use std::collections::BTreeMap;

use crate::model::Node;

/// The form a typed name is looked up in: trimmed and lowercased.
pub fn lookup_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Letters and digits only, lowercased, without a leading `amazon` or `aws`, so
/// `Step Functions`, `step-functions` and `Snow Family` find `StepFunctions` and
/// `AWS Snow Family`.
pub fn compact_key(name: &str) -> String {
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

/// Name indexes over nodes numbered by their position, each sorted by key so that a
/// lookup is a binary search.
#[derive(Debug, Default, PartialEq)]
pub struct Indexes {
    /// Lookup key of every id, name and alias → the first node that has it.
    pub names: Vec<(String, u32)>,
    /// The compact form of the same keys → its node, or `None` when two nodes share it.
    pub compact: Vec<(String, Option<u32>)>,
}

pub fn build<'a>(nodes: impl IntoIterator<Item = &'a Node>) -> Indexes {
    let mut names: BTreeMap<String, u32> = BTreeMap::new();
    let mut compact: BTreeMap<String, Option<u32>> = BTreeMap::new();
    for (i, node) in nodes.into_iter().enumerate() {
        let i = i as u32;
        let keys = std::iter::once(&node.id)
            .chain(std::iter::once(&node.name))
            .chain(node.aliases.iter())
            .map(|s| lookup_key(s));
        for key in keys {
            let c = compact_key(&key);
            match compact.get(&c) {
                None => {
                    compact.insert(c, Some(i));
                }
                Some(Some(j)) if *j != i => {
                    compact.insert(c, None);
                }
                _ => {}
            }
            names.entry(key).or_insert(i);
        }
    }
    Indexes {
        names: names.into_iter().collect(),
        compact: compact.into_iter().collect(),
    }
}

/// The value of `key` in an index sorted by key.
pub fn find<K: AsRef<str>, V: Copy>(index: &[(K, V)], key: &str) -> Option<V> {
    index
        .binary_search_by(|(k, _)| k.as_ref().cmp(key))
        .ok()
        .map(|i| index[i].1)
}
