//! Architecture diagrams: `graph/architectures/*.yaml` → validated [`Architecture`]s,
//! each holding a ready [`Diagram`]. Runs after the knowledge graph is built, because
//! every architecture node that is not `external` must name a node of that graph.
//!
//! Like the knowledge loader, this is two passes: serde reads each file into plain
//! structs that keep source locations (`serde_saphyr::Spanned`), then one validation
//! pass checks references, styles and edges and collects *every* problem as a
//! [`load::Diagnostic`] with `file:line:col`, so `awsgraph check` shows knowledge and
//! architecture errors the same way. The format is documented in `docs/diagrams.md`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use serde_saphyr::{Location, Spanned};

use crate::diagram::{
    Arrows, Diagram, DiagramEdge, DiagramNode, Direction, Group, GroupStyle, LineStyle,
};
use crate::graph::KnowledgeGraph;
use crate::load::{self, Diagnostic, LoadError, Report, Severity, SourceFile};

/// Errors of the architecture stage.
#[derive(Debug, thiserror::Error)]
pub enum ArchitectureError {
    /// `draw NAME` names no architecture file.
    #[error("no architecture named `{name}`")]
    NotFound {
        name: String,
        /// Close names, best first.
        suggestions: Vec<String>,
        /// Every architecture there is.
        available: Vec<String>,
    },
    /// The files were read but do not validate; every problem is listed.
    #[error("the architecture files have {} error(s)", .0.errors().count())]
    Invalid(Box<Report>),
    /// The knowledge directory could not be read.
    #[error(transparent)]
    Read(#[from] LoadError),
    /// An architecture file given by path could not be read.
    #[error("cannot read {path}: {message}")]
    File { path: String, message: String },
}

/// One validated architecture.
#[derive(Debug, Clone)]
pub struct Architecture {
    /// The file name without extension: what `awsgraph draw NAME` takes.
    pub name: String,
    /// The file as shown in diagnostics (`graph/architectures/streaming.yaml`).
    pub file: String,
    pub title: String,
    pub description: Option<String>,
    pub diagram: Diagram,
}

/// True for files that hold architectures rather than knowledge nodes: anything under a
/// directory called `architectures`. The knowledge loader skips them.
pub fn is_architecture_file(name: &str) -> bool {
    let name = name.replace('\\', "/");
    name.starts_with("architectures/") || name.contains("/architectures/")
}

// ---------------------------------------------------------------------------------------
// Raw serde structs: the YAML shape, nothing checked beyond types.
// ---------------------------------------------------------------------------------------

mod raw {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct File {
        pub title: Option<Spanned<String>>,
        pub description: Option<Spanned<String>>,
        pub direction: Option<Spanned<String>>,
        #[serde(default)]
        pub nodes: Vec<Spanned<Node>>,
        #[serde(default)]
        pub groups: Vec<Spanned<Group>>,
        #[serde(default)]
        pub edges: Vec<Spanned<Edge>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Node {
        pub id: Option<Spanned<String>>,
        /// The knowledge-graph node; defaults to `id`.
        #[serde(rename = "ref")]
        pub reference: Option<Spanned<String>>,
        pub label: Option<Spanned<String>>,
        #[serde(default)]
        pub external: bool,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Group {
        pub label: Option<Spanned<String>>,
        pub style: Option<Spanned<String>>,
        #[serde(rename = "ref")]
        pub reference: Option<Spanned<String>>,
        #[serde(default)]
        pub nodes: Vec<Spanned<Node>>,
        #[serde(default)]
        pub groups: Vec<Spanned<Group>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Edge {
        pub from: Option<Spanned<String>>,
        pub to: Option<Spanned<String>>,
        pub label: Option<Spanned<String>>,
        pub style: Option<Spanned<String>>,
        pub arrows: Option<Spanned<String>>,
    }
}

// ---------------------------------------------------------------------------------------
// Finding the files
// ---------------------------------------------------------------------------------------

/// The architecture files of a knowledge directory, or of the built-in graph when `dir`
/// is `None`, with problems found while reading them.
pub fn sources(
    dir: Option<&Path>,
) -> Result<(Vec<SourceFile>, Vec<Diagnostic>), ArchitectureError> {
    let Some(dir) = dir else {
        let files = crate::graph::embedded::FILES
            .iter()
            .filter(|(name, _)| is_architecture_file(name))
            .map(|(name, text)| SourceFile {
                name: format!("graph/{name}"),
                text: (*text).into(),
            })
            .collect();
        return Ok((files, Vec::new()));
    };
    // Only architecture files are read: the knowledge files of a large directory were
    // already read once by the loader.
    let (files, problems) = match load::read_dir_where(dir, is_architecture_file) {
        Ok(read) => read,
        Err(LoadError::Empty(_)) => (Vec::new(), Vec::new()),
        Err(e) => return Err(e.into()),
    };
    Ok((
        files
            .into_iter()
            .filter(|f| is_architecture_file(&f.name))
            .collect(),
        problems
            .into_iter()
            .filter(|d| is_architecture_file(&d.file))
            .collect(),
    ))
}

/// Reads and validates every architecture of a knowledge directory (or the built-in
/// ones), sorted by name.
pub fn load_all(
    dir: Option<&Path>,
    graph: &KnowledgeGraph,
) -> Result<Vec<Architecture>, ArchitectureError> {
    let (files, problems) = sources(dir)?;
    validate(&files, problems, graph)
}

/// Reads and validates one architecture file given by path (`awsgraph draw my.yaml`).
pub fn load_file(path: &Path, graph: &KnowledgeGraph) -> Result<Architecture, ArchitectureError> {
    // The knowledge files' reader: the same 32 MB limit, kept also by a file with no
    // size to go by (`draw /dev/zero`), and no copy of the text.
    let text = match load::read_text(path) {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(offset)) => Err(load::not_utf8(offset)),
        Err(e) => Err(e.to_string()),
    };
    let text = text.map_err(|message| ArchitectureError::File {
        path: path.display().to_string(),
        message,
    })?;
    let file = SourceFile {
        name: path.display().to_string(),
        text,
    };
    let mut all = validate(std::slice::from_ref(&file), Vec::new(), graph)?;
    all.pop().ok_or_else(|| ArchitectureError::File {
        path: file.name,
        message: "holds no architecture".into(),
    })
}

/// Reads and validates the architecture called `name` (its file stem). Only that file
/// is validated, so one broken architecture does not stop drawing the others.
pub fn load_named(
    dir: Option<&Path>,
    name: &str,
    graph: &KnowledgeGraph,
) -> Result<Architecture, ArchitectureError> {
    let (files, problems) = sources(dir)?;
    let wanted = name
        .trim()
        .trim_end_matches(".yaml")
        .trim_end_matches(".yml");
    let stems: Vec<String> = files.iter().map(|f| stem(&f.name)).collect();
    let Some(i) = stems.iter().position(|s| s.eq_ignore_ascii_case(wanted)) else {
        return Err(not_found(name, &stems));
    };
    let file = &files[i];
    let pre = problems
        .into_iter()
        .filter(|d| d.file == file.name)
        .collect();
    validate(std::slice::from_ref(file), pre, graph)?
        .pop()
        .ok_or_else(|| not_found(name, &stems))
}

/// "No such architecture", with close names: by spelling, else by substring
/// (`draw migration` → `database-migration`).
fn not_found(name: &str, stems: &[String]) -> ArchitectureError {
    let wanted = name
        .trim()
        .trim_end_matches(".yaml")
        .trim_end_matches(".yml")
        .to_lowercase();
    let mut suggestions: Vec<String> = load::suggest(&wanted, stems.iter().map(String::as_str))
        .into_iter()
        .map(String::from)
        .collect();
    if suggestions.is_empty() && !wanted.is_empty() {
        suggestions = stems
            .iter()
            .filter(|s| s.to_lowercase().contains(&wanted))
            .take(3)
            .cloned()
            .collect();
    }
    let mut available = stems.to_vec();
    available.sort();
    ArchitectureError::NotFound {
        name: name.to_string(),
        suggestions,
        available,
    }
}

// ---------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------

/// Parses and validates architecture files against `graph`. Returns every architecture,
/// sorted by name, or every problem of every file.
pub fn validate(
    files: &[SourceFile],
    pre: Vec<Diagnostic>,
    graph: &KnowledgeGraph,
) -> Result<Vec<Architecture>, ArchitectureError> {
    let mut diags = pre;
    let mut out = Vec::new();
    let mut seen_names: HashMap<String, String> = HashMap::new();
    for file in files {
        let name = stem(&file.name);
        if let Some(prev) = seen_names.insert(name.to_lowercase(), file.name.clone()) {
            diags.push(located(
                file,
                None,
                Severity::Error,
                format!("architecture name `{name}` is also used by {prev}"),
                Some("`awsgraph draw NAME` takes the file name; rename one of them".into()),
            ));
            continue;
        }
        if let Some(a) = check_file(file, &name, graph, &mut diags) {
            out.push(a);
        }
    }
    let mut sources = HashMap::new();
    for f in files {
        sources.insert(f.name.clone(), Arc::clone(&f.text));
    }
    let report = Report {
        diagnostics: diags,
        sources,
    };
    if report.errors().next().is_some() {
        return Err(ArchitectureError::Invalid(Box::new(report)));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn stem(name: &str) -> String {
    Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string())
}

/// A diagnostic at `loc` in `file`; `None` for the file as a whole.
fn located(
    file: &SourceFile,
    loc: Option<Location>,
    severity: Severity,
    message: String,
    help: Option<String>,
) -> Diagnostic {
    let (line, column) = loc
        .map(|l| (l.line() as usize, l.column() as usize))
        .unwrap_or((0, 0));
    let offset = load::byte_offset(&file.text, line, column);
    let len = if line == 0 {
        0
    } else {
        load::token_len(&file.text, offset)
    };
    Diagnostic {
        severity,
        file: file.name.clone(),
        line,
        column,
        message,
        help,
        offset,
        len,
    }
}

/// The validation state of one file.
struct Check<'a> {
    file: &'a SourceFile,
    graph: &'a KnowledgeGraph,
    diags: &'a mut Vec<Diagnostic>,
    diagram: Diagram,
    /// Architecture node id → where it was defined.
    defined: HashMap<String, Location>,
}

impl Check<'_> {
    fn error(&mut self, loc: Location, message: String, help: Option<String>) {
        self.diags.push(located(
            self.file,
            Some(loc),
            Severity::Error,
            message,
            help,
        ));
    }

    /// Resolves a knowledge-graph reference; errors name the fix.
    fn reference(&mut self, what: &str, target: &Spanned<String>) -> Option<String> {
        let wanted = target.value.trim();
        match self.graph.resolve(wanted) {
            Some(key) => {
                let node = self.graph.node(key);
                if node.id == wanted {
                    return Some(node.id.clone());
                }
                let id = node.id.clone();
                self.error(
                    target.referenced,
                    format!("{what} refers to `{wanted}`, which is a name of `{id}`, not its id"),
                    Some(format!(
                        "architectures name knowledge nodes by id: write `{id}`"
                    )),
                );
                None
            }
            None => {
                let close = self.graph.suggest(wanted);
                let refs: Vec<&str> = close.iter().map(String::as_str).collect();
                let help = match load::did_you_mean(&refs) {
                    Some(h) => format!("{h} (or mark it `external: true` if it is outside the knowledge graph)"),
                    None => "mark it `external: true` (with a `label`) if it is outside the knowledge graph".into(),
                };
                self.error(
                    target.referenced,
                    format!("{what} refers to unknown node `{wanted}`"),
                    Some(help),
                );
                None
            }
        }
    }

    fn node(&mut self, n: &Spanned<raw::Node>, group: Option<usize>) {
        let raw = &n.value;
        let Some(id) = &raw.id else {
            self.error(
                n.referenced,
                "node is missing required field `id`".into(),
                Some("e.g. `- id: KDS` or `- {id: users, external: true, label: Users}`".into()),
            );
            return;
        };
        let local = id.value.trim().to_string();
        if local.is_empty()
            || !local
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            self.error(
                id.referenced,
                format!(
                    "node id `{}` may only hold letters, digits, `-`, `_` and `.`",
                    id.value
                ),
                Some("put the text to show in `label:`".into()),
            );
            return;
        }
        if let Some(prev) = self.defined.get(&local) {
            let prev = format!("{}:{}", self.file.name, prev.line());
            self.error(
                id.referenced,
                format!("duplicate node id `{local}` (first defined at {prev})"),
                Some("give each box its own id and point `ref:` at the knowledge node".into()),
            );
            return;
        }
        self.defined.insert(local.clone(), id.referenced);
        let label = raw
            .label
            .as_ref()
            .map(|l| l.value.trim().to_string())
            .filter(|l| !l.is_empty());
        let mut node = DiagramNode {
            id: local.clone(),
            label: label.clone().unwrap_or_else(|| local.clone()),
            detail: None,
            reference: None,
            kind: None,
            category: None,
            external: raw.external,
            focus: false,
            group,
        };
        if raw.external {
            if let Some(r) = &raw.reference {
                self.error(
                    r.referenced,
                    format!("external node `{local}` cannot have `ref`"),
                    Some("external nodes are outside the knowledge graph: drop `ref:` or `external: true`".into()),
                );
            }
            if label.is_none() {
                self.error(
                    id.referenced,
                    format!("external node `{local}` needs a `label`"),
                    Some("e.g. `label: On-premises database`".into()),
                );
            }
        } else {
            let target = raw.reference.as_ref().unwrap_or(id);
            let what = format!("node `{local}`");
            if let Some(gid) = self.reference(&what, target) {
                let k = self.graph.resolve(&gid);
                if let Some(k) = k {
                    let g = self.graph.node(k);
                    node.reference = Some(g.id.clone());
                    node.kind = Some(g.kind.to_string());
                    node.category = Some(g.category.clone()).filter(|c| !c.is_empty());
                    match label {
                        // The service's name as a second line, unless the label already
                        // says it ("Data Firehose" for "Amazon Data Firehose").
                        Some(l) if !g.name.to_lowercase().contains(&l.to_lowercase()) => {
                            node.detail = Some(g.name.clone())
                        }
                        Some(_) => {}
                        None => node.label = g.name.clone(),
                    }
                }
            }
        }
        self.diagram.nodes.push(node);
    }

    fn group(&mut self, g: &Spanned<raw::Group>, parent: Option<usize>) {
        let raw = &g.value;
        let label = match &raw.label {
            Some(l) if !l.value.trim().is_empty() => l.value.trim().to_string(),
            _ => {
                self.error(
                    g.referenced,
                    "group is missing required field `label`".into(),
                    Some("e.g. `label: Private subnet (AZ a)`".into()),
                );
                String::new()
            }
        };
        let style = match &raw.style {
            None => GroupStyle::Generic,
            Some(s) => match GroupStyle::parse(&s.value) {
                Some(style) => style,
                None => {
                    let names: Vec<&str> = GroupStyle::WRITABLE.iter().map(|(n, _)| *n).collect();
                    let close = load::did_you_mean(&load::suggest(&s.value, names.iter().copied()));
                    self.error(
                        s.referenced,
                        format!("unknown group style `{}`", s.value),
                        Some(format!(
                            "{}style is one of {}",
                            close.map(|c| c + " ").unwrap_or_default(),
                            names.join(", ")
                        )),
                    );
                    GroupStyle::Generic
                }
            },
        };
        let reference = raw
            .reference
            .as_ref()
            .and_then(|r| self.reference(&format!("group `{label}`"), r));
        if raw.nodes.is_empty() && raw.groups.is_empty() {
            self.error(
                g.referenced,
                format!("group `{label}` is empty"),
                Some("add `nodes:` or `groups:`, or delete the group".into()),
            );
        }
        let index = self.diagram.groups.len();
        self.diagram.groups.push(Group {
            label,
            style,
            parent,
            category: None,
            reference,
        });
        for n in &raw.nodes {
            self.node(n, Some(index));
        }
        for child in &raw.groups {
            self.group(child, Some(index));
        }
    }

    fn edge(
        &mut self,
        e: &Spanned<raw::Edge>,
        seen: &mut HashMap<(String, String, String), Location>,
    ) {
        let raw = &e.value;
        let mut ends = Vec::new();
        for (field, end) in [("from", &raw.from), ("to", &raw.to)] {
            let Some(end) = end else {
                self.error(
                    e.referenced,
                    format!("edge is missing required field `{field}`"),
                    None,
                );
                continue;
            };
            let name = end.value.trim().to_string();
            if self.defined.contains_key(&name) {
                ends.push(name);
                continue;
            }
            // Naming the knowledge node instead of the box is the likely slip.
            let standing_for: Vec<&str> = self
                .diagram
                .nodes
                .iter()
                .filter(|n| n.reference.as_deref() == Some(name.as_str()))
                .map(|n| n.id.as_str())
                .collect();
            let help = if let Some(first) = standing_for.first() {
                Some(format!(
                    "edges name the architecture's node ids: `{first}` stands for `{name}`"
                ))
            } else {
                let ids: Vec<&str> = self.defined.keys().map(String::as_str).collect();
                load::did_you_mean(&load::suggest(&name, ids))
            };
            self.error(
                end.referenced,
                format!("edge `{field}` names no node of this architecture: `{name}`"),
                help,
            );
        }
        let style = match &raw.style {
            None => LineStyle::Solid,
            Some(s) => match LineStyle::ALL
                .into_iter()
                .find(|l| l.as_str() == s.value.trim().to_lowercase())
            {
                Some(l) => l,
                None => {
                    self.error(
                        s.referenced,
                        format!("unknown edge style `{}`", s.value),
                        Some("style is one of solid, dashed, dotted".into()),
                    );
                    LineStyle::Solid
                }
            },
        };
        let arrows = match &raw.arrows {
            None => Arrows::Forward,
            Some(a) => match Arrows::ALL
                .into_iter()
                .find(|x| x.as_str() == a.value.trim().to_lowercase())
            {
                Some(x) => x,
                None => {
                    self.error(
                        a.referenced,
                        format!("unknown arrows `{}`", a.value),
                        Some("arrows is one of forward, back, both, none".into()),
                    );
                    Arrows::Forward
                }
            },
        };
        let [from, to] = <[String; 2]>::try_from(ends).unwrap_or_default();
        if from.is_empty() || to.is_empty() {
            return;
        }
        let at = raw
            .to
            .as_ref()
            .map(|t| t.referenced)
            .unwrap_or(e.referenced);
        if from == to {
            self.error(
                at,
                format!("edge from `{from}` to itself"),
                Some("an edge joins two different nodes".into()),
            );
            return;
        }
        let label = raw
            .label
            .as_ref()
            .map(|l| l.value.trim().to_string())
            .filter(|l| !l.is_empty());
        let key = (from.clone(), to.clone(), label.clone().unwrap_or_default());
        if let Some(prev) = seen.get(&key) {
            let prev = format!("{}:{}", self.file.name, prev.line());
            self.error(
                e.referenced,
                format!("edge `{from}` → `{to}` is listed twice (first at {prev})"),
                None,
            );
            return;
        }
        seen.insert(key, e.referenced);
        self.diagram.edges.push(DiagramEdge {
            from,
            to,
            label,
            relation: None,
            style,
            arrows,
        });
    }
}

fn check_file(
    file: &SourceFile,
    name: &str,
    graph: &KnowledgeGraph,
    diags: &mut Vec<Diagnostic>,
) -> Option<Architecture> {
    if file.text.trim().is_empty() {
        diags.push(located(
            file,
            None,
            Severity::Error,
            "file is empty".into(),
            Some("an architecture needs `title:` and `nodes:` or `groups:`".into()),
        ));
        return None;
    }
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_aliases: 1_000,
            max_depth: 64,
        },
    };
    let parsed = match serde_saphyr::from_str_with_options::<raw::File>(&file.text, options) {
        Ok(f) => f,
        Err(e) => {
            let plain = e.without_snippet().to_string();
            let message = match plain.rsplit_once(" at line ") {
                Some((m, _)) => m.to_string(),
                None => plain,
            };
            let help = message
                .contains("tab")
                .then(|| "YAML indentation must use spaces, not tabs".to_string());
            diags.push(located(file, e.location(), Severity::Error, message, help));
            return None;
        }
    };
    let errors_before = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let mut check = Check {
        file,
        graph,
        diags,
        diagram: Diagram::default(),
        defined: HashMap::new(),
    };
    let title = match &parsed.title {
        Some(t) if !t.value.trim().is_empty() => t.value.trim().to_string(),
        Some(t) => {
            check.error(t.referenced, "`title` is empty".into(), None);
            String::new()
        }
        None => {
            check.diags.push(located(
                file,
                None,
                Severity::Error,
                "architecture is missing required field `title`".into(),
                Some("e.g. `title: Real-time streaming pipeline`".into()),
            ));
            String::new()
        }
    };
    let direction = match &parsed.direction {
        None => Direction::LR,
        Some(d) => Direction::parse(&d.value).unwrap_or_else(|| {
            check.error(
                d.referenced,
                format!("unknown direction `{}`", d.value),
                Some("direction is LR (left to right), TB (top to bottom), RL or BT".into()),
            );
            Direction::LR
        }),
    };
    for n in &parsed.nodes {
        check.node(n, None);
    }
    for g in &parsed.groups {
        check.group(g, None);
    }
    let mut seen = HashMap::new();
    for e in &parsed.edges {
        check.edge(e, &mut seen);
    }
    if check.diagram.nodes.is_empty() && check.defined.is_empty() {
        check.diags.push(located(
            file,
            None,
            Severity::Error,
            "architecture has no nodes".into(),
            Some("list boxes under `nodes:` or inside `groups:`".into()),
        ));
    }
    let Check { diagram, diags, .. } = check;
    if diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
        > errors_before
    {
        return None;
    }
    Some(Architecture {
        name: name.to_string(),
        file: file.name.clone(),
        title: title.clone(),
        description: parsed
            .description
            .map(|d| d.value.trim().to_string())
            .filter(|d| !d.is_empty()),
        diagram: Diagram {
            title: Some(title),
            direction,
            ..diagram
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_files;

    const RELS: &str =
        "relations:\n  - id: part-of\n    description: is a part of\n    inverse: has part\n";
    const NODES: &str = "category: analytics\nnodes:\n  - id: KDS\n    name: Amazon Kinesis Data Streams\n    kind: service\n    aliases: [Kinesis Data Streams]\n    summary: s\n    sources: [notes]\n  - id: Lambda\n    name: AWS Lambda\n    kind: service\n    category: compute\n    summary: s\n    sources: [notes]\n  - id: S3\n    name: Amazon S3\n    kind: service\n    category: storage\n    summary: s\n    sources: [notes]\n  - id: Subnet\n    name: Subnet\n    kind: component\n    category: networking\n    summary: s\n    sources: [notes]\n";

    fn graph() -> KnowledgeGraph {
        let files = vec![
            SourceFile {
                name: "graph/relations.yaml".into(),
                text: RELS.into(),
            },
            SourceFile {
                name: "graph/services/x.yaml".into(),
                text: NODES.into(),
            },
            // The knowledge loader must skip this one.
            SourceFile {
                name: "graph/architectures/ignored.yaml".into(),
                text: "title: not a node file\n".into(),
            },
        ];
        KnowledgeGraph::from_knowledge(load_files(&files, Vec::new()).expect("valid test graph"))
    }

    fn run(text: &str) -> Result<Vec<Architecture>, ArchitectureError> {
        let f = SourceFile {
            name: "graph/architectures/test.yaml".into(),
            text: text.into(),
        };
        validate(&[f], Vec::new(), &graph())
    }

    fn errors(text: &str) -> Vec<String> {
        match run(text) {
            Err(ArchitectureError::Invalid(r)) => r
                .errors()
                .map(|d| format!("{d} [{}]", d.help.clone().unwrap_or_default()))
                .collect(),
            Ok(_) => panic!("expected errors"),
            Err(e) => panic!("{e}"),
        }
    }

    const GOOD: &str = "title: Stream\ndirection: TB\nnodes:\n  - {id: producers, external: true, label: Producers}\ngroups:\n  - label: AWS Cloud\n    style: cloud\n    nodes:\n      - id: KDS\n      - {id: consumer, ref: Lambda, label: Consumer}\n    groups:\n      - label: Private subnet\n        style: private-subnet\n        ref: Subnet\n        nodes: [{id: S3}]\nedges:\n  - {from: producers, to: KDS, label: records}\n  - {from: KDS, to: consumer, style: dashed}\n  - {from: consumer, to: S3}\n";

    #[test]
    fn valid_architecture_becomes_a_diagram() {
        let all = run(GOOD).expect("valid");
        assert_eq!(all.len(), 1);
        let a = &all[0];
        assert_eq!(a.name, "test");
        assert_eq!(a.diagram.direction, Direction::TB);
        assert_eq!(a.diagram.nodes.len(), 4);
        assert_eq!(a.diagram.groups.len(), 2);
        assert_eq!(a.diagram.groups[1].parent, Some(0));
        assert_eq!(a.diagram.groups[1].reference.as_deref(), Some("Subnet"));
        let kds = &a.diagram.nodes[1];
        assert_eq!(
            (kds.label.as_str(), kds.category.as_deref()),
            ("Amazon Kinesis Data Streams", Some("analytics"))
        );
        let consumer = &a.diagram.nodes[2];
        assert_eq!(
            (consumer.label.as_str(), consumer.detail.as_deref()),
            ("Consumer", Some("AWS Lambda"))
        );
        assert_eq!(consumer.group, Some(0));
        assert!(a.diagram.nodes[0].external);
        assert_eq!(a.diagram.edges[1].style, LineStyle::Dashed);
    }

    #[test]
    fn unknown_reference_is_located_with_suggestion() {
        let e = errors(
            &GOOD
                .replace("- id: KDS\n", "- id: KDSS\n")
                .replace("to: KDS", "to: KDSS")
                .replace("{from: KDS,", "{from: KDSS,"),
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].starts_with("graph/architectures/test.yaml:9:13: error: node `KDSS` refers to unknown node `KDSS`"), "{e:?}");
        assert!(e[0].contains("did you mean `KDS`?"), "{e:?}");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = "title: ''\ndirection: sideways\nnodes:\n  - {id: users, external: true}\n  - {id: ext, external: true, ref: S3, label: X}\n  - {id: k, ref: Kinesis Data Streams}\n  - {id: KDS}\n  - {id: KDS}\n  - {id: 'a b'}\n  - {label: nothing}\ngroups:\n  - {label: Empty, style: privat-subnet}\nedges:\n  - {from: users, to: Lambda}\n  - {from: KDS, to: KDS}\n  - {from: KDS, to: users, style: wavy}\n  - {from: KDS, to: users}\n  - {to: users}\n";
        let e = errors(bad);
        let expect = [
            ("1:8", "`title` is empty"),
            ("2:12", "unknown direction `sideways`"),
            ("4:10", "external node `users` needs a `label`"),
            ("5:36", "external node `ext` cannot have `ref`"),
            ("6:18", "which is a name of `KDS`, not its id"),
            (
                "8:10",
                "duplicate node id `KDS` (first defined at graph/architectures/test.yaml:7)",
            ),
            ("9:10", "node id `a b` may only hold"),
            ("10:5", "node is missing required field `id`"),
            ("12:5", "group `Empty` is empty"),
            ("12:27", "unknown group style `privat-subnet`"),
            (
                "14:23",
                "edge `to` names no node of this architecture: `Lambda`",
            ),
            ("15:21", "edge from `KDS` to itself"),
            ("16:35", "unknown edge style `wavy`"),
            ("17:5", "edge `KDS` → `users` is listed twice"),
            ("18:5", "edge is missing required field `from`"),
        ];
        assert_eq!(e.len(), expect.len(), "{e:#?}");
        for (at, msg) in expect {
            let line = e
                .iter()
                .find(|m| m.contains(msg))
                .unwrap_or_else(|| panic!("missing {msg:?} in {e:#?}"));
            assert!(
                line.starts_with(&format!("graph/architectures/test.yaml:{at}: error: ")),
                "{msg}: expected at {at}: {line}"
            );
        }
        assert!(
            e.iter()
                .any(|m| m.contains("did you mean one of `private-subnet`")),
            "{e:#?}"
        );
    }

    #[test]
    fn yaml_and_shape_errors_are_located() {
        let e = errors("title: x\nnodes:\n  - {id: KDS, colour: red}\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains("test.yaml:3:") && e[0].contains("colour"),
            "{e:?}"
        );
        let e = errors("title: [\n");
        assert!(e[0].contains("test.yaml:"), "{e:?}");
        let e = errors("");
        assert!(e[0].contains("file is empty"), "{e:?}");
        let e = errors("title: t\n");
        assert!(e[0].contains("has no nodes"), "{e:?}");
    }

    #[test]
    fn edge_naming_the_knowledge_node_gets_a_pointed_hint() {
        let e = errors(&GOOD.replace("{from: consumer, to: S3}", "{from: Lambda, to: S3}"));
        assert!(e[0].contains("`consumer` stands for `Lambda`"), "{e:?}");
    }

    #[test]
    fn missing_names_get_suggestions() {
        let stems = vec!["streaming".to_string(), "vpc-subnets".to_string()];
        match not_found("straeming", &stems) {
            ArchitectureError::NotFound {
                suggestions,
                available,
                ..
            } => {
                assert_eq!(suggestions, vec!["streaming"]);
                assert_eq!(available, stems);
            }
            other => panic!("{other:?}"),
        }
        match not_found("vpc", &stems) {
            ArchitectureError::NotFound { suggestions, .. } => {
                assert_eq!(suggestions, vec!["vpc-subnets"])
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn architecture_files_are_recognised_by_directory() {
        assert!(is_architecture_file("graph/architectures/streaming.yaml"));
        assert!(is_architecture_file("architectures/x.yml"));
        assert!(is_architecture_file("my\\graph\\architectures\\x.yaml"));
        assert!(!is_architecture_file("graph/services/architectures.yaml"));
    }
}
