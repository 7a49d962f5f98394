//! Generates `graph/catalog/aws-services.yaml`, the catalog of every AWS service API, from
//! the botocore service table (`../shared/data/aws-services.tsv`) and the maintained
//! category/override table `examples/catalog-mapping.tsv`. See `docs/catalog.md`.
//!
//! ```text
//! cargo run --example gen_catalog -- [TSV] [OUT]
//! ```
//!
//! Each TSV row becomes one `catalog:` entry. A row is `covered_by` a curated node when the
//! mapping says so or when one of its names (service_id, full name, abbreviation, botocore
//! name) resolves to a curated node; otherwise it creates a catalog-only node. The curated
//! graph is loaded from `graph/` without the existing output file, so a re-run gives the
//! same file. The output is sorted by botocore name and every string is quoted.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use awsgraph::KnowledgeGraph;
use awsgraph::load::{self, Diagnostic, LoadError, Report, SourceFile};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const DEFAULT_TSV: &str = "../shared/data/aws-services.tsv";
const DEFAULT_OUT: &str = "graph/catalog/aws-services.yaml";
const MAPPING: &str = "examples/catalog-mapping.tsv";
const TSV_COLUMNS: [&str; 10] = [
    "botocore_name",
    "service_id",
    "full_name",
    "abbreviation",
    "endpoint_prefix",
    "protocol",
    "api_version",
    "operations",
    "regions",
    "summary",
];

/// One row of the botocore service table.
#[derive(Debug, Clone)]
struct Service {
    botocore: String,
    service_id: String,
    full_name: String,
    abbreviation: String,
    endpoint_prefix: String,
    protocol: String,
    api_version: String,
    operations: u32,
    regions: u32,
    summary: String,
}

impl Service {
    /// The names the loader gives the row's node, in the loader's order.
    fn names(&self) -> impl Iterator<Item = &str> {
        [
            &self.service_id,
            &self.full_name,
            &self.abbreviation,
            &self.botocore,
        ]
        .into_iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    }
}

/// One row of `examples/catalog-mapping.tsv`.
#[derive(Debug, Clone, Default)]
struct Mapping {
    category: String,
    /// `Some("-")` forbids covering.
    covered_by: Option<String>,
    part_of: Option<String>,
    /// Flag `skip-summary`: the TSV summary is not used even when it looks useful.
    skip_summary: bool,
    /// Flag `primary`: supplies the api_* properties when several rows share a node.
    primary: bool,
    name: Option<String>,
}

/// What the generator decided for one row.
#[derive(Debug, Clone)]
enum Decision {
    Covered(String),
    New {
        id: String,
        name: String,
        part_of: Option<String>,
    },
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gen_catalog: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let root = PathBuf::from(ROOT);
    let mut args = std::env::args().skip(1);
    let tsv = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(DEFAULT_TSV));
    let out = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(DEFAULT_OUT));
    if args.next().is_some() {
        return Err("usage: gen_catalog [TSV] [OUT]".into());
    }

    let services = read_services(&tsv)?;
    let mapping = read_mapping(&root.join(MAPPING))?;
    let graph = load_curated(&root.join("graph"), &out)?;
    let mut problems: Vec<String> = Vec::new();
    let mut notices: Vec<String> = Vec::new();

    for b in mapping.keys() {
        if !services.iter().any(|s| &s.botocore == b) {
            notices.push(format!("mapping row `{b}` matches no TSV row (stale?)"));
        }
    }

    // 1. Rows covered by curated nodes: the override table first, then name resolution.
    let curated_ids: HashSet<&str> = graph.nodes().map(|(_, n)| n.id.as_str()).collect();
    let mut decided: BTreeMap<String, Decision> = BTreeMap::new();
    let mut deferred: Vec<&Service> = Vec::new();
    for s in &services {
        let m = mapping.get(&s.botocore);
        if m.is_none() {
            notices.push(format!(
                "`{}` has no row in {MAPPING}; generated as `uncategorised`",
                s.botocore
            ));
        }
        let resolved: Vec<String> = {
            let mut ids: Vec<String> = s
                .names()
                .filter_map(|n| graph.resolve(n))
                .map(|k| graph.node(k).id.clone())
                .collect();
            ids.sort();
            ids.dedup();
            ids
        };
        match m.and_then(|m| m.covered_by.as_deref()) {
            Some("-") => {
                if !resolved.is_empty() {
                    notices.push(format!(
                        "`{}` is marked never-covered, but its names resolve to {resolved:?}",
                        s.botocore
                    ));
                }
            }
            Some(id) if curated_ids.contains(id) => {
                if resolved.iter().any(|r| r != id) {
                    notices.push(format!(
                        "`{}` is covered by `{id}` (override), but its names also resolve to {resolved:?}",
                        s.botocore
                    ));
                }
                decided.insert(s.botocore.clone(), Decision::Covered(id.to_string()));
            }
            Some(_) => deferred.push(s),
            None => match resolved.as_slice() {
                [] => {}
                [id] => {
                    let kind = graph.node(graph.resolve(id).expect("resolved")).kind;
                    notices.push(format!(
                        "`{}` resolves to curated `{id}` ({kind}); covered (add it to the mapping to make it explicit)",
                        s.botocore
                    ));
                    decided.insert(s.botocore.clone(), Decision::Covered(id.clone()));
                }
                many => problems.push(format!(
                    "`{}`: its names resolve to several curated nodes {many:?}; set covered_by in {MAPPING}",
                    s.botocore
                )),
            },
        }
    }

    // 2. Catalog-only nodes, with ids derived from the service_id.
    let mut taken: HashSet<String> = graph
        .nodes()
        .flat_map(|(_, n)| {
            std::iter::once(&n.id)
                .chain(std::iter::once(&n.name))
                .chain(n.aliases.iter())
                .map(|s| s.to_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut new_ids: HashMap<String, String> = HashMap::new(); // id -> botocore
    let deferred_names: HashSet<&str> = deferred.iter().map(|s| s.botocore.as_str()).collect();
    let fresh = |s: &Service, taken: &mut HashSet<String>, problems: &mut Vec<String>| {
        let m = mapping.get(&s.botocore).cloned().unwrap_or_default();
        let base = derive_id(&s.service_id);
        let id = [base.clone(), format!("{base}Api")]
            .into_iter()
            .find(|id| !taken.contains(&id.to_lowercase()))
            .unwrap_or_else(|| {
                problems.push(format!(
                    "`{}`: no free node id (tried `{base}`)",
                    s.botocore
                ));
                base.clone()
            });
        taken.insert(id.to_lowercase());
        let name = m.name.clone().unwrap_or_else(|| s.full_name.clone());
        Decision::New {
            id,
            name,
            part_of: m.part_of.clone(),
        }
    };
    for s in &services {
        if decided.contains_key(&s.botocore) || deferred_names.contains(s.botocore.as_str()) {
            continue;
        }
        let d = fresh(s, &mut taken, &mut problems);
        if let Decision::New { id, .. } = &d {
            new_ids.insert(id.clone(), s.botocore.clone());
        }
        decided.insert(s.botocore.clone(), d);
    }
    // Overrides naming another row's catalog node, or a curated node not written yet.
    let mut missing_targets: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in deferred {
        let target = mapping[&s.botocore].covered_by.clone().expect("deferred");
        if new_ids.contains_key(&target) {
            decided.insert(s.botocore.clone(), Decision::Covered(target));
        } else {
            missing_targets
                .entry(target)
                .or_default()
                .push(s.botocore.clone());
            let d = fresh(s, &mut taken, &mut problems);
            if let Decision::New { id, .. } = &d {
                new_ids.insert(id.clone(), s.botocore.clone());
            }
            decided.insert(s.botocore.clone(), d);
        }
    }

    // 3. Names: a new node's names must be new to the graph and to the other new nodes.
    let by_botocore: HashMap<&str, &Service> =
        services.iter().map(|s| (s.botocore.as_str(), s)).collect();
    let mut owner: HashMap<String, String> = HashMap::new(); // lowercase name -> node id
    for (b, d) in &decided {
        if let Decision::New { id, name, .. } = d {
            let s = by_botocore[b.as_str()];
            let names: Vec<&str> = [id.as_str(), name.as_str()]
                .into_iter()
                .chain(s.names())
                .collect();
            for n in names {
                let key = n.to_lowercase();
                if let Some(k) = graph.resolve(n) {
                    problems.push(format!(
                        "`{b}`: name `{n}` already belongs to curated `{}`; set covered_by in {MAPPING}",
                        graph.node(k).id
                    ));
                    continue;
                }
                match owner.get(&key) {
                    Some(other) if other != id => problems.push(format!(
                        "`{b}`: name `{n}` is also a name of catalog node `{other}`; cover one row by the other (covered_by in {MAPPING})"
                    )),
                    Some(_) => {}
                    None => {
                        owner.insert(key, id.clone());
                    }
                }
            }
        }
    }

    // 4. part_of targets must exist (curated or new).
    let mut dropped_part_of: Vec<String> = Vec::new();
    for (b, d) in decided.iter_mut() {
        if let Decision::New { part_of, .. } = d
            && let Some(p) = part_of.clone()
            && !curated_ids.contains(p.as_str())
            && !new_ids.contains_key(&p)
        {
            dropped_part_of.push(format!("{b} -> {p}"));
            *part_of = None;
        }
    }
    for (b, m) in &mapping {
        if m.part_of.is_some() && matches!(decided.get(b), Some(Decision::Covered(_))) {
            notices.push(format!(
                "`{b}` is covered, so its part_of `{}` is not used",
                m.part_of.as_deref().unwrap_or_default()
            ));
        }
    }

    // Several rows on one node: one of them should be marked `primary`.
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (b, d) in &decided {
        let node = match d {
            Decision::Covered(id) => id.as_str(),
            Decision::New { id, .. } => id.as_str(),
        };
        groups.entry(node).or_default().push(b.as_str());
    }
    for (node, rows) in groups.iter().filter(|(_, rows)| rows.len() > 1) {
        let primaries: Vec<&&str> = rows
            .iter()
            .filter(|b| mapping.get(**b).is_some_and(|m| m.primary))
            .collect();
        match primaries.len() {
            1 => {}
            0 => notices.push(format!(
                "{rows:?} all land on `{node}` and none is flagged `primary`; the newest API gives its properties"
            )),
            _ => problems.push(format!("{primaries:?} are all flagged `primary` for `{node}`")),
        }
    }

    if !problems.is_empty() {
        for p in &problems {
            eprintln!("error: {p}");
        }
        return Err(format!(
            "{} problem(s); nothing written (fix {MAPPING} or the curated graph)",
            problems.len()
        ));
    }

    // 5. Write.
    let yaml = render(&services, &mapping, &decided, &tsv);
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&out, &yaml).map_err(|e| format!("{}: {e}", out.display()))?;

    // 6. Report.
    for n in &notices {
        eprintln!("note: {n}");
    }
    for (target, rows) in &missing_targets {
        eprintln!(
            "warning: covered_by target `{target}` is not in the graph yet; {} stay catalog-only until it exists and the generator is re-run",
            rows.join(", ")
        );
    }
    for d in &dropped_part_of {
        eprintln!("warning: part_of target missing, edge left out: {d}");
    }
    print_summary(&services, &mapping, &decided, &graph);
    println!("wrote {} ({} entries)", out.display(), services.len());

    // 7. Check that the whole graph loads with the new catalog in place of the old one.
    match load_with(&root.join("graph"), &out, &yaml) {
        Ok(g) => {
            let catalog_warnings: Vec<String> = g
                .report()
                .warnings()
                .filter(|d| d.file.ends_with(CATALOG_NAME))
                .map(|d| d.to_string())
                .collect();
            for w in &catalog_warnings {
                eprintln!("{w}");
            }
            println!(
                "graph loads: {} nodes ({} catalog-only), {} edges; {} catalog warning(s)",
                g.node_count(),
                g.nodes().filter(|(_, n)| !n.curated).count(),
                g.edge_count(),
                catalog_warnings.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(LoadError::Invalid(report)) => {
            print_errors(&report);
            eprintln!("the graph does not load with the new catalog (see above)");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Diagnostics name the new catalog like this.
const CATALOG_NAME: &str = "graph/catalog/aws-services.yaml";

/// The curated files of `dir` (without `out`) plus the new catalog text.
fn load_with(dir: &Path, out: &Path, yaml: &str) -> Result<KnowledgeGraph, LoadError> {
    let (mut files, problems) = curated_files(dir, out)?;
    files.push(SourceFile {
        name: CATALOG_NAME.into(),
        text: yaml.into(),
    });
    Ok(KnowledgeGraph::from_knowledge(load::load_files(
        &files, problems,
    )?))
}

fn print_errors(report: &Report) {
    for d in report.errors() {
        eprintln!("{d}");
        if let Some(h) = &d.help {
            eprintln!("  help: {h}");
        }
    }
}

/// Every knowledge file under `dir` except the generated catalog (`out`, and the default
/// output path when `out` is elsewhere).
fn curated_files(dir: &Path, out: &Path) -> Result<(Vec<SourceFile>, Vec<Diagnostic>), LoadError> {
    let (files, problems) = load::read_dir(dir)?;
    let base = dir.parent().unwrap_or(Path::new(""));
    let skip: Vec<PathBuf> = [out.to_path_buf(), Path::new(ROOT).join(DEFAULT_OUT)]
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    let files = files
        .into_iter()
        .filter(|f| {
            base.join(&f.name)
                .canonicalize()
                .map_or(true, |p| !skip.contains(&p))
        })
        .collect();
    Ok((files, problems))
}

/// The curated graph: every knowledge file under `dir` except the generated `out`.
fn load_curated(dir: &Path, out: &Path) -> Result<KnowledgeGraph, String> {
    let (files, problems) = curated_files(dir, out).map_err(|e| e.to_string())?;
    match load::load_files(&files, problems) {
        Ok(k) => Ok(KnowledgeGraph::from_knowledge(k)),
        Err(LoadError::Invalid(report)) => {
            print_errors(&report);
            Err("the curated graph has errors; fix them first (awsgraph check)".into())
        }
        Err(e) => Err(e.to_string()),
    }
}

fn read_services(path: &Path) -> Result<Vec<Service>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    if header != TSV_COLUMNS {
        return Err(format!(
            "{}: unexpected header {header:?} (expected {TSV_COLUMNS:?})",
            path.display()
        ));
    }
    let mut out = Vec::new();
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let c: Vec<&str> = line.split('\t').collect();
        let at = || format!("{}:{}", path.display(), i + 2);
        if c.len() != TSV_COLUMNS.len() {
            return Err(format!(
                "{}: expected {} columns, got {}",
                at(),
                TSV_COLUMNS.len(),
                c.len()
            ));
        }
        let int = |s: &str| {
            s.trim()
                .parse::<u32>()
                .map_err(|e| format!("{}: `{s}`: {e}", at()))
        };
        out.push(Service {
            botocore: c[0].trim().to_string(),
            service_id: c[1].trim().to_string(),
            full_name: c[2].trim().to_string(),
            abbreviation: c[3].trim().to_string(),
            endpoint_prefix: c[4].trim().to_string(),
            protocol: c[5].trim().to_string(),
            api_version: c[6].trim().to_string(),
            operations: int(c[7])?,
            regions: int(c[8])?,
            summary: c[9].trim().to_string(),
        });
    }
    out.sort_by(|a, b| a.botocore.cmp(&b.botocore));
    Ok(out)
}

fn read_mapping(path: &Path) -> Result<BTreeMap<String, Mapping>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with("botocore_name\t") {
            continue;
        }
        let c: Vec<&str> = line.split('\t').map(str::trim).collect();
        let col = |n: usize| {
            c.get(n)
                .copied()
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let at = format!("{}:{}", path.display(), i + 1);
        let Some(botocore) = col(0) else {
            return Err(format!("{at}: empty botocore_name"));
        };
        let (mut skip_summary, mut primary) = (false, false);
        for flag in col(5).iter().flat_map(|f| f.split(',')).map(str::trim) {
            match flag {
                "skip-summary" => skip_summary = true,
                "primary" => primary = true,
                "" => {}
                other => {
                    return Err(format!(
                        "{at}: unknown flag `{other}` (flags are `skip-summary`, `primary`)"
                    ));
                }
            }
        }
        let m = Mapping {
            category: col(1).ok_or_else(|| format!("{at}: `{botocore}` has no category"))?,
            covered_by: col(2),
            part_of: col(3),
            skip_summary,
            primary,
            name: col(6),
        };
        if out.insert(botocore.clone(), m).is_some() {
            return Err(format!("{at}: `{botocore}` is mapped twice"));
        }
    }
    Ok(out)
}

/// `Abuse Signal` → `AbuseSignal`; a short lowercase service_id is an acronym (`ivs` → `IVS`).
fn derive_id(service_id: &str) -> String {
    let s = service_id.trim();
    if s.len() <= 4
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return s.to_ascii_uppercase();
    }
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut chars = p.chars();
            let first = chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .unwrap_or_default();
            format!("{first}{}", chars.as_str())
        })
        .collect()
}

/// The TSV summary with the model documentation's leftovers removed, if it says what the
/// service is; `None` when it is empty, cut off, or only points at a reference guide.
fn useful_summary(raw: &str) -> Option<String> {
    let mut s = raw.trim().trim_matches('"').trim().to_string();
    for prefix in ["Overview ", "Introduction "] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.to_string();
        }
    }
    // "Cases actions Cases data types With Connect Customer Cases, ..." (section headings).
    if let Some(pos) = s.find(" data types ")
        && let Some((a, b)) = s[..pos].split_once(" actions ")
        && a == b
    {
        s = s[pos + " data types ".len()..].to_string();
    }
    let s = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" .", ".")
        .replace(" ,", ",");
    let lower = s.to_lowercase();
    const UNHELPFUL_START: &[&str] = &[
        "this is",
        "this guide",
        "this document",
        "this section",
        "this reference",
        "this api",
        "welcome to",
        "for more information",
        "for information",
        "defines the public",
        "definition of the public",
    ];
    const UNHELPFUL: &[&str] = &[
        "api reference",
        "reference guide",
        "interface reference",
        "documentation",
        "no longer",
        "discontinue",
        "will not be updated",
    ];
    let useful = s.ends_with('.')
        && s.split_whitespace().count() >= 7
        && !UNHELPFUL_START.iter().any(|p| lower.starts_with(p))
        && !UNHELPFUL.iter().any(|p| lower.contains(p));
    useful.then_some(s)
}

/// A YAML double-quoted scalar: safe for `:`, `#`, quotes and anything else.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn render(
    services: &[Service],
    mapping: &BTreeMap<String, Mapping>,
    decided: &BTreeMap<String, Decision>,
    tsv: &Path,
) -> String {
    let source = tsv
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# GENERATED by examples/gen_catalog.rs from {source} (botocore service models) and\n\
         # examples/catalog-mapping.tsv. Do not edit by hand: change the mapping and re-run\n\
         #   cargo run --example gen_catalog -- ../shared/data/aws-services.tsv graph/catalog/aws-services.yaml\n\
         # (docs/catalog.md). One entry per AWS service API, sorted by botocore name.\n\
         catalog:"
    );
    for s in services {
        let m = mapping.get(&s.botocore);
        let category = m.map_or("uncategorised", |m| m.category.as_str());
        let _ = writeln!(y, "  - botocore: {}", q(&s.botocore));
        let _ = writeln!(y, "    service_id: {}", q(&s.service_id));
        let _ = writeln!(y, "    full_name: {}", q(&s.full_name));
        if !s.abbreviation.is_empty() {
            let _ = writeln!(y, "    abbreviation: {}", q(&s.abbreviation));
        }
        let _ = writeln!(y, "    endpoint_prefix: {}", q(&s.endpoint_prefix));
        let _ = writeln!(y, "    protocol: {}", q(&s.protocol));
        let _ = writeln!(y, "    api_version: {}", q(&s.api_version));
        let _ = writeln!(y, "    operations: {}", s.operations);
        let _ = writeln!(y, "    regions: {}", s.regions);
        let _ = writeln!(y, "    category: {}", q(category));
        let primary = m.is_some_and(|m| m.primary);
        match &decided[&s.botocore] {
            Decision::Covered(id) => {
                let _ = writeln!(y, "    covered_by: {}", q(id));
                if primary {
                    let _ = writeln!(y, "    primary: true");
                }
            }
            Decision::New { id, name, part_of } => {
                let _ = writeln!(y, "    id: {}", q(id));
                let _ = writeln!(y, "    name: {}", q(name));
                if let Some(p) = part_of {
                    let _ = writeln!(y, "    part_of: {}", q(p));
                }
                if primary {
                    let _ = writeln!(y, "    primary: true");
                }
                let skip = m.is_some_and(|m| m.skip_summary);
                if let Some(summary) = useful_summary(&s.summary).filter(|_| !skip) {
                    let _ = writeln!(y, "    summary: {}", q(&summary));
                }
            }
        }
    }
    y
}

fn print_summary(
    services: &[Service],
    mapping: &BTreeMap<String, Mapping>,
    decided: &BTreeMap<String, Decision>,
    graph: &KnowledgeGraph,
) {
    let mut covered_curated = 0;
    let mut covered_catalog = 0;
    let mut new = 0;
    let mut part_of = 0;
    let mut with_summary = 0;
    let mut categories: BTreeMap<&str, (usize, usize)> = BTreeMap::new(); // (rows, new nodes)
    for s in services {
        let m = mapping.get(&s.botocore);
        let cat = categories
            .entry(m.map_or("uncategorised", |m| m.category.as_str()))
            .or_default();
        cat.0 += 1;
        match &decided[&s.botocore] {
            Decision::Covered(id) if graph.resolve(id).is_some() => covered_curated += 1,
            Decision::Covered(_) => covered_catalog += 1,
            Decision::New { part_of: p, .. } => {
                new += 1;
                cat.1 += 1;
                part_of += usize::from(p.is_some());
                let skip = m.is_some_and(|m| m.skip_summary);
                with_summary += usize::from(!skip && useful_summary(&s.summary).is_some());
            }
        }
    }
    println!(
        "rows: {}; covered by curated nodes: {covered_curated}; covered by another row's catalog node: {covered_catalog}; catalog-only nodes: {new} ({part_of} part_of, {with_summary} with the TSV summary)",
        services.len()
    );
    println!("categories (rows / catalog-only nodes):");
    for (c, (rows, nodes)) in categories {
        println!("  {c:<30} {rows:>4} / {nodes:>4}");
    }
}
