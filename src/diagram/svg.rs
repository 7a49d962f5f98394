//! [`Diagram`] → SVG. The one part of the diagram stage that runs another program.
//!
//! Graphviz `dot` draws the real picture (clusters, labels, good edge routing). When it
//! is not installed, the pure-Rust `layout-rs` crate draws a simpler one so that
//! `--format svg` still works; the caller prints [`FALLBACK_WARNING`]. A `dot` that
//! fails or hangs is an error, never a fallback: a broken Graphviz should be noticed.
//!
//! `AWSGRAPH_DOT` names the `dot` binary (tests point it at missing, failing and hanging
//! programs) and `AWSGRAPH_DOT_TIMEOUT` the time limit in seconds.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use layout::adt::dag::NodeHandle;
use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

use super::theme::{self, FONT};
use super::{Arrows, Diagram, DiagramError, Direction, LineStyle, wrap};

/// Environment variable naming the Graphviz `dot` program.
pub const DOT_ENV: &str = "AWSGRAPH_DOT";
/// Environment variable with the time limit for `dot`, in seconds.
pub const TIMEOUT_ENV: &str = "AWSGRAPH_DOT_TIMEOUT";
/// Large graphs take Graphviz a few seconds; twenty means something is wrong.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// Printed (as one line) when the SVG comes from the built-in layout.
pub const FALLBACK_WARNING: &str = "warning: Graphviz `dot` not found; drew the SVG with the built-in layout, which flattens clusters (groups) and leaves out the title. Install Graphviz for the full picture (apt-get install graphviz, brew install graphviz or winget install graphviz) or point AWSGRAPH_DOT at `dot`.";

/// An SVG picture and how it was made.
#[derive(Debug)]
pub struct Svg {
    pub bytes: Vec<u8>,
    /// True when Graphviz was missing and the built-in layout drew it.
    pub fallback: bool,
}

/// Draws the diagram with Graphviz, or with the built-in layout when `dot` is missing.
pub fn render(d: &Diagram) -> Result<Svg, DiagramError> {
    match run_dot(&dot_program(), &super::dot::render(d), timeout()) {
        Ok(bytes) => Ok(Svg {
            bytes,
            fallback: false,
        }),
        Err(DotRun::Missing) => Ok(Svg {
            bytes: fallback(d)?.into_bytes(),
            fallback: true,
        }),
        Err(DotRun::Failed(e)) => Err(e),
    }
}

/// The `dot` program to run: `$AWSGRAPH_DOT`, else `dot` from `PATH`.
pub fn dot_program() -> OsString {
    std::env::var_os(DOT_ENV)
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| OsString::from("dot"))
}

fn timeout() -> Duration {
    std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0 && *s < 86_400.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(DEFAULT_TIMEOUT)
}

/// Why `dot` gave no SVG.
#[derive(Debug)]
pub enum DotRun {
    /// The program does not exist: fall back.
    Missing,
    /// It exists but failed, hung or printed no SVG: report.
    Failed(DiagramError),
}

/// Runs `program -Tsvg` on `source`, killing it after `limit`.
pub fn run_dot(program: &OsStr, source: &str, limit: Duration) -> Result<Vec<u8>, DotRun> {
    let name = program.to_string_lossy().into_owned();
    let io_error = |message: String| {
        DotRun::Failed(DiagramError::DotIo {
            program: name.clone(),
            message,
        })
    };
    let mut child = match Command::new(program)
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(DotRun::Missing),
        Err(e) => return Err(io_error(format!("cannot start it: {e}"))),
    };
    // Feeding stdin and draining stdout/stderr on their own threads: a large graph fills
    // the pipe buffers, and doing either on this thread could deadlock with `dot`.
    let stdin = child.stdin.take();
    let input = source.as_bytes().to_vec();
    std::thread::spawn(move || {
        if let Some(mut s) = stdin {
            // A `dot` that exits early closes the pipe; its exit status tells why.
            let _ = s.write_all(&input);
        }
    });
    let out_rx = drain(child.stdout.take());
    let err_rx = drain(child.stderr.take());
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(DotRun::Failed(DiagramError::DotTimeout {
                    program: name,
                    seconds: limit.as_secs_f64().ceil() as u64,
                }));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(io_error(format!("cannot wait for it: {e}")));
            }
        }
    };
    // The pipes close when `dot` exits, unless a child of its own still holds them;
    // that must not hang us, so the readers get a short grace period.
    let grace = Duration::from_secs(2);
    let out = out_rx.recv_timeout(grace).unwrap_or_default();
    let err = err_rx.recv_timeout(grace).unwrap_or_default();
    if !status.success() {
        return Err(DotRun::Failed(DiagramError::DotFailed {
            program: name,
            status: describe(status),
            stderr: first_lines(&String::from_utf8_lossy(&err)),
        }));
    }
    let head = String::from_utf8_lossy(&out[..out.len().min(4096)]).into_owned();
    if !head.contains("<svg") {
        return Err(io_error("exited successfully but printed no SVG".into()));
    }
    Ok(out)
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        let _ = tx.send(buf);
    });
    rx
}

fn describe(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exit status {code}"),
        None => "killed by a signal".into(),
    }
}

/// The start of `dot`'s error output, enough to see what went wrong.
fn first_lines(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(4)
        .collect();
    if lines.is_empty() {
        return "no error message".into();
    }
    let s = lines.join(" | ");
    match s.char_indices().nth(400) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

/// The built-in layout: nodes and labelled edges, no clusters and no title box (the
/// title goes into the SVG `<title>`). Pure Rust, used when Graphviz is missing.
pub fn fallback(d: &Diagram) -> Result<String, DiagramError> {
    if d.nodes.is_empty() {
        return Ok(message_svg(d.title.as_deref().unwrap_or("nothing to draw")));
    }
    let orientation = match d.direction {
        Direction::LR | Direction::RL => Orientation::LeftToRight,
        Direction::TB | Direction::BT => Orientation::TopToBottom,
    };
    let mut vg = VisualGraph::new(orientation);
    let mut handles: HashMap<&str, NodeHandle> = HashMap::new();
    for n in &d.nodes {
        if handles.contains_key(n.id.as_str()) {
            continue;
        }
        let color = match (&n.category, n.external) {
            (Some(c), false) => theme::category_color(c),
            _ => theme::NEUTRAL,
        };
        let fill = if n.external {
            "#FFFFFF".to_string()
        } else {
            theme::tint(color, 0.82)
        };
        let mut text = wrap(&n.label, 22).join("\n");
        if let Some(detail) = n.detail.as_deref().filter(|s| !s.trim().is_empty()) {
            text.push('\n');
            text.push_str(&wrap(detail, 30).join("\n"));
        }
        let look = StyleAttr::new(web_color(color), 2, Some(web_color(&fill)), 8, 13);
        let shape = ShapeKind::new_box(&text);
        // layout-rs sizes boxes at a full font size per character, which makes them
        // twice as wide as the text; this fits 13 px sans-serif with a margin.
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(1) as f64;
        let lines = text.lines().count().max(1) as f64;
        let size = Point::new(widest * 7.5 + 30.0, lines * 17.0 + 24.0);
        handles.insert(
            &n.id,
            vg.add_node(Element::create(shape, look, orientation, size)),
        );
    }
    for e in &d.drawn_edges() {
        let (Some(&a), Some(&b)) = (handles.get(e.from.as_str()), handles.get(e.to.as_str()))
        else {
            continue;
        };
        let line = match e.style {
            LineStyle::Solid => LineStyleKind::Normal,
            LineStyle::Dashed => LineStyleKind::Dashed,
            LineStyle::Dotted => LineStyleKind::Dotted,
        };
        let (start, end) = match e.arrows {
            Arrows::Forward => (LineEndKind::None, LineEndKind::Arrow),
            Arrows::Back => (LineEndKind::Arrow, LineEndKind::None),
            Arrows::Both => (LineEndKind::Arrow, LineEndKind::Arrow),
            Arrows::None => (LineEndKind::None, LineEndKind::None),
        };
        let label = super::clean(e.label.as_deref().unwrap_or("")).replace('\n', " ");
        let look = StyleAttr::new(web_color(theme::EDGE), 1, None, 0, 11);
        vg.add_edge(
            Arrow::new(start, end, line, &label, &look, &None, &None),
            a,
            b,
        );
    }
    let mut writer = SVGWriter::new();
    // layout-rs asserts on graphs it cannot handle; a panic there must become an error
    // message, not a crash of the whole command.
    let laid_out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        vg.do_it(false, false, false, &mut writer);
        writer.finalize()
    }));
    let svg = laid_out.map_err(|p| {
        let why = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "internal error".into());
        DiagramError::Layout(why)
    })?;
    let svg = svg.replace("font-family: Times, serif", &format!("font-family: {FONT}"));
    Ok(with_title(svg, d.title.as_deref()))
}

fn web_color(hex: &str) -> Color {
    Color::from_name(hex).unwrap_or_else(|| Color::fast("black"))
}

/// Adds `<title>` right after the opening `<svg …>` tag, for viewers and screen readers.
fn with_title(svg: String, title: Option<&str>) -> String {
    let Some(t) = title.filter(|t| !t.trim().is_empty()) else {
        return svg;
    };
    let Some(open) = svg.find("<svg") else {
        return svg;
    };
    let Some(end) = svg[open..].find('>') else {
        return svg;
    };
    let at = open + end + 1;
    format!(
        "{}\n<title>{}</title>{}",
        &svg[..at],
        xml_text(t),
        &svg[at..]
    )
}

/// A small SVG holding one line of text, for diagrams with nothing to lay out.
pub fn message_svg(text: &str) -> String {
    let t = xml_text(text);
    let width = 40 + 8 * text.chars().count().min(200);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"60\" viewBox=\"0 0 {width} 60\">\n<title>{t}</title>\n<text x=\"20\" y=\"35\" font-family=\"{FONT}\" font-size=\"14\">{t}</text>\n</svg>\n"
    )
}

fn xml_text(s: &str) -> String {
    super::graphml::xml_escape(&super::clean(s).replace('\n', " "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::{DiagramEdge, DiagramNode};

    fn diagram(n: usize, edges: &[(usize, usize)]) -> Diagram {
        let mut d = Diagram::default();
        for i in 0..n {
            d.nodes.push(DiagramNode {
                id: format!("n{i}"),
                label: format!("Node <{i}> & \"co\""),
                detail: Some("detail".into()),
                reference: None,
                kind: Some("service".into()),
                category: Some("analytics".into()),
                external: i == 0,
                focus: false,
                group: None,
            });
        }
        for (a, b) in edges {
            d.edges.push(DiagramEdge {
                from: format!("n{a}"),
                to: format!("n{b}"),
                label: Some(format!("e{a}{b}")),
                relation: None,
                style: LineStyle::Solid,
                arrows: Arrows::ALL[(a + b) % 4],
            });
        }
        d
    }

    #[test]
    fn fallback_survives_awkward_shapes() {
        let cases: Vec<(usize, Vec<(usize, usize)>)> = vec![
            (1, vec![]),
            (2, vec![(0, 1), (1, 0)]),
            (3, vec![(0, 1), (0, 1), (1, 2), (2, 0)]),
            (4, vec![]),
            (6, vec![(0, 5), (1, 5), (2, 5), (3, 4), (4, 3)]),
            (
                8,
                (0..8)
                    .flat_map(|a| (0..8).filter(move |b| *b != a).map(move |b| (a, b)))
                    .collect(),
            ),
        ];
        for (n, edges) in cases {
            let mut d = diagram(n, &edges);
            d.title = Some("T & <t>".into());
            let svg = fallback(&d).unwrap_or_else(|e| panic!("{n} {edges:?}: {e}"));
            let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
            let text: String = doc.descendants().filter_map(|x| x.text()).collect();
            assert!(text.contains("Node <0> & \"co\""), "{text}");
            assert!(text.contains("T & <t>"));
        }
    }

    #[test]
    fn empty_diagram_gives_valid_svg() {
        let svg = fallback(&Diagram::default()).unwrap();
        assert!(roxmltree::Document::parse(&svg).is_ok());
        let m = message_svg("<bad> & \u{1}");
        assert!(roxmltree::Document::parse(&m).is_ok(), "{m}");
    }

    #[test]
    fn missing_program_is_reported_as_missing() {
        let r = run_dot(
            OsStr::new("/nonexistent/awsgraph-test-dot"),
            "digraph {}",
            Duration::from_secs(5),
        );
        assert!(matches!(r, Err(DotRun::Missing)));
    }

    #[cfg(unix)]
    #[test]
    fn failing_and_hanging_programs_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let script = |name: &str, body: &str| {
            use std::os::unix::fs::PermissionsExt;
            let p = dir.path().join(name);
            std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
            p
        };
        let fail = script(
            "fail",
            "cat >/dev/null; echo 'Error: syntax error in line 1' >&2; exit 3",
        );
        match run_dot(fail.as_os_str(), "digraph {}", Duration::from_secs(10)) {
            Err(DotRun::Failed(DiagramError::DotFailed { status, stderr, .. })) => {
                assert_eq!(status, "exit status 3");
                assert!(stderr.contains("syntax error"), "{stderr}");
            }
            other => panic!("{other:?}"),
        }
        let hang = script("hang", "exec sleep 30");
        let start = Instant::now();
        let r = run_dot(hang.as_os_str(), "digraph {}", Duration::from_millis(300));
        assert!(
            matches!(r, Err(DotRun::Failed(DiagramError::DotTimeout { .. }))),
            "{r:?}"
        );
        assert!(start.elapsed() < Duration::from_secs(10));
        let silent = script("silent", "cat >/dev/null; exit 0");
        let r = run_dot(silent.as_os_str(), "digraph {}", Duration::from_secs(10));
        assert!(
            matches!(r, Err(DotRun::Failed(DiagramError::DotIo { .. }))),
            "{r:?}"
        );
    }
}
