//! The validated knowledge model: what a node, a property, a fact and a relation are once
//! the loader has checked them.
//!
//! These types are the contract between `load` (which builds them from YAML), `graph`
//! (which stores them) and everything downstream. They carry no YAML or petgraph types so
//! that each stage can change on its own.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::value::Value;

/// What sort of thing a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A service with its own name and console/API (DynamoDB, VPC).
    Service,
    /// A part of a service (a subnet, an EMR core node, a sort key).
    Component,
    /// A capability of a service (DynamoDB Streams, PITR, job bookmarks).
    Feature,
    /// An idea that services relate to (an index, ACID transactions).
    Concept,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Service, Kind::Component, Kind::Feature, Kind::Concept];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Service => "service",
            Kind::Component => "component",
            Kind::Feature => "feature",
            Kind::Concept => "concept",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Kind::Service => "services",
            Kind::Component => "components",
            Kind::Feature => "features",
            Kind::Concept => "concepts",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = ();
    /// Accepts the singular and the plural, in any case (`services` reads naturally in
    /// `find services where ...`).
    fn from_str(s: &str) -> Result<Self, ()> {
        let lower = s.to_ascii_lowercase();
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == lower || k.plural() == lower)
            .ok_or(())
    }
}

/// Where a statement comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum Source {
    /// The source study notes in `shared/notes/`.
    Notes,
    /// The generated AWS service catalog (botocore service models).
    Catalog,
    /// A page of AWS documentation.
    Url(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Notes => f.write_str("notes"),
            Source::Catalog => f.write_str("catalog"),
            Source::Url(u) => f.write_str(u),
        }
    }
}

/// The inverse of `Display`, so the built-in snapshot (`graph::snapshot`) can store a
/// source as the same string the JSON output shows.
impl From<String> for Source {
    fn from(s: String) -> Source {
        match s.as_str() {
            "notes" => Source::Notes,
            "catalog" => Source::Catalog,
            _ => Source::Url(s),
        }
    }
}

impl From<Source> for String {
    fn from(s: Source) -> String {
        s.to_string()
    }
}

/// A named, typed attribute of a node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Property {
    /// snake_case name, the same across nodes so that `compare` lines them up.
    pub name: String,
    pub value: Value,
    /// Overrides the node's sources for this one value.
    pub source: Option<Source>,
    /// A qualification shown beside the value ("per shard"). A box rather than a
    /// `String`: with a one-word `Unit` this keeps a `Property` at 96 bytes, and five of
    /// them in one allocation of 512 (docs/performance.md).
    pub note: Option<Box<str>>,
}

/// A short statement about a node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub text: String,
    /// `None` means the node's own sources back it.
    pub source: Option<Source>,
}

/// One entry of the relation vocabulary (`graph/relations.yaml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelationDef {
    /// kebab-case id, also the forward phrase once dashes become spaces (`part-of`).
    pub id: String,
    pub description: String,
    /// How the relation reads backwards (`monitored by`).
    pub inverse: String,
    /// Base verb for `what does X <verb>` (`monitor`), when it differs from the id.
    pub verb: Option<String>,
    /// Holds both ways (`alternative-to`): stored once, traversed in both directions.
    pub symmetric: bool,
}

impl RelationDef {
    /// The forward phrase with spaces (`part of`).
    pub fn phrase(&self) -> String {
        self.id.replace('-', " ")
    }
}

/// A node of the knowledge graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub category: String,
    pub aliases: Vec<String>,
    pub summary: String,
    pub properties: Vec<Property>,
    pub facts: Vec<Fact>,
    pub sources: Vec<Source>,
    /// False for entries that only the generated AWS catalog knows about.
    pub curated: bool,
    /// The file the node was defined in, for diagnostics and `describe`.
    pub file: String,
}

impl Node {
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }
}

/// A relation instance between two nodes, as stored on a graph edge. Kept small: a large
/// directory has millions of them, all held while the graph is built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeData {
    /// Index into the graph's relation vocabulary.
    pub relation: u32,
    /// Index of the note written on the edge into the notes kept beside the edges
    /// (`load::Knowledge::notes`), or [`EdgeData::NO_NOTE`]. Few edges have one; an
    /// `Option<Box<str>>` in every edge was half of a large directory's edge list.
    pub note: u32,
}

impl EdgeData {
    /// [`EdgeData::note`] of an edge without a note.
    pub const NO_NOTE: u32 = u32::MAX;
}
