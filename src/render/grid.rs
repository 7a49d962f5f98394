//! The tables of the `table` format. `render::table` fills a [`Grid`] with rows of
//! text. Plain tables (no colour: piped output, files, the golden outputs) are laid out
//! and drawn here, by comfy-table's rules; coloured ones, and the few plain ones whose
//! layout would need more than those rules as written here, by comfy-table itself.
//!
//! Why not comfy-table for all. It keeps every cell as its own list of lines, pads each
//! line into a new string and joins them. A large answer, such as `neighbors X depth 3`
//! on a 10,000-edge graph (4,000 rows), took 11–12 ms to draw that way, against about
//! 1 ms for the same bytes here; and a one-shot `compare`'s table was a quarter of its
//! instructions (docs/performance.md, "Cold start"). comfy-table 8's layout of a table
//! without column constraints at a fixed width is its dynamic arrangement (columns that
//! fit the average space get their widest text, then columns that would waste 3 or more
//! of it once wrapped get their longest wrapped line, the rest share what is left) and
//! its word wrapping, both followed here statement by statement. Measuring uses the same
//! `unicode-width`; wrapping is done here only for printable ASCII, as comfy-table cuts
//! other text between grapheme clusters. Text with control characters (several lines in
//! a cell) and rows of another length than the header go to comfy-table too. A property
//! test checks the two drawings byte for byte, and that every table of printable ASCII
//! is drawn here.

use std::borrow::Cow;

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use unicode_width::UnicodeWidthStr;

use super::Style;

/// Width of tables when stdout is not a terminal (files, pipes, golden outputs).
const PIPED_WIDTH: u16 = 110;

/// A text's width as comfy-table measures it (`unicode-width`), which for ASCII is its
/// length: texts with control characters are never measured here.
fn width(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.width()
    }
}

/// `n` spaces.
fn spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// One cell: its text, and whether it is aligned right (numbers).
pub struct GridCell<'a> {
    text: Cow<'a, str>,
    right: bool,
}

/// A left-aligned cell.
pub fn cell<'a>(text: impl Into<Cow<'a, str>>) -> GridCell<'a> {
    GridCell {
        text: text.into(),
        right: false,
    }
}

/// A right-aligned cell, for numbers.
pub fn right<'a>(text: impl Into<Cow<'a, str>>) -> GridCell<'a> {
    GridCell {
        text: text.into(),
        right: true,
    }
}

/// A table being filled: a header and rows of cells.
pub struct Grid<'a> {
    style: Style,
    header: Vec<GridCell<'a>>,
    rows: Vec<Vec<GridCell<'a>>>,
}

impl<'a> Grid<'a> {
    pub fn new(style: Style, header: &[&'a str]) -> Self {
        Grid {
            style,
            header: header.iter().map(|h| cell(*h)).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: impl IntoIterator<Item = GridCell<'a>>) {
        self.rows.push(cells.into_iter().collect());
    }

    /// Appends the drawn table and a newline to `out`.
    pub fn render_into(&self, out: &mut String) {
        if self.style.color || !self.draw_plain(out) {
            out.push_str(&self.to_comfy().to_string());
        }
        out.push('\n');
    }

    /// The table as comfy-table draws it.
    fn to_comfy(&self) -> Table {
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners());
        if self.style.color {
            t.set_content_arrangement(ContentArrangement::Dynamic);
            t.enforce_styling();
        } else {
            // Piped output must not depend on the width of whatever terminal is around,
            // so it wraps at a fixed width instead.
            t.force_no_tty();
            t.set_width(PIPED_WIDTH);
            t.set_content_arrangement(ContentArrangement::Dynamic);
        }
        t.set_header(self.header.iter().map(|h| {
            let c = Cell::new(&h.text);
            if self.style.color {
                c.add_attribute(comfy_table::Attribute::Bold)
            } else {
                c
            }
        }));
        for row in &self.rows {
            t.add_row(row.iter().map(|c| {
                let cell = Cell::new(&c.text);
                if c.right {
                    cell.set_alignment(CellAlignment::Right)
                } else {
                    cell
                }
            }));
        }
        t
    }

    /// Draws the table the way comfy-table would, if its layout can be worked out here
    /// (see the module documentation); returns false, having written nothing, otherwise.
    fn draw_plain(&self, out: &mut String) -> bool {
        let columns = self.header.len();
        if columns == 0 || self.rows.iter().any(|r| r.len() != columns) {
            return false;
        }
        let rows = || std::iter::once(&self.header).chain(&self.rows);
        // Each cell's width as comfy-table measures it, by Unicode width rules, row by
        // row; and each column's widest.
        let mut cell_widths = Vec::with_capacity((self.rows.len() + 1) * columns);
        let mut widest = vec![1usize; columns];
        for row in rows() {
            for (i, c) in row.iter().enumerate() {
                if c.text.chars().any(char::is_control) {
                    return false;
                }
                let w = width(&c.text);
                widest[i] = widest[i].max(w);
                cell_widths.push(w);
            }
        }
        let column = |i: usize| {
            rows()
                .zip(cell_widths.chunks(columns))
                .map(move |(r, w)| (&*r[i].text, w[i]))
        };
        let Some(widths) = arrange(&widest, column) else {
            return false;
        };
        // Every cell's lines, wrapped as comfy-table wraps them, with their widths, and
        // where each cell's lines start and end among them; all before anything is
        // written, as a line that cannot be wrapped here leaves the table to comfy-table.
        let mut lines: Vec<(&str, usize)> = Vec::with_capacity(cell_widths.len());
        let mut spans = Vec::with_capacity(cell_widths.len());
        let mut wrapped = Vec::new();
        for (row, row_widths) in rows().zip(cell_widths.chunks(columns)) {
            for (i, (c, &w)) in row.iter().zip(row_widths).enumerate() {
                let start = lines.len();
                if w <= widths[i] {
                    lines.push((&c.text, w));
                } else if split_line(&c.text, widths[i], &mut wrapped) {
                    // Printable ASCII: as many columns wide as it is long.
                    lines.extend(wrapped.iter().map(|l| (*l, l.len())));
                } else {
                    return false;
                }
                spans.push(start..lines.len());
            }
        }

        let rule = |out: &mut String, [left, fill, junction, end]: [char; 4]| {
            out.push(left);
            for (i, w) in widths.iter().enumerate() {
                if i > 0 {
                    out.push(junction);
                }
                out.extend(std::iter::repeat_n(fill, w + 2));
            }
            out.push(end);
            out.push('\n');
        };
        rule(out, ['╭', '─', '┬', '╮']);
        for (r, (row, cells)) in rows().zip(spans.chunks(columns)).enumerate() {
            let height = cells.iter().map(|s| s.len()).max().unwrap_or(0);
            for l in 0..height {
                out.push('│');
                for (i, (c, span)) in row.iter().zip(cells).enumerate() {
                    if i > 0 {
                        out.push('┆');
                    }
                    if l < span.len() {
                        let (text, w) = lines[span.start + l];
                        let pad = widths[i].saturating_sub(w);
                        spaces(out, 1 + if c.right { pad } else { 0 });
                        out.push_str(text);
                        spaces(out, 1 + if c.right { 0 } else { pad });
                    } else {
                        // A cell with fewer lines than its row is blank below them.
                        spaces(out, widths[i] + 2);
                    }
                }
                out.push('│');
                out.push('\n');
            }
            if r == 0 {
                rule(out, ['╞', '═', '╪', '╡']);
            }
        }
        rule(out, ['╰', '─', '┴', '╯']);
        // comfy-table's drawing has no newline after its last line.
        out.pop();
        true
    }
}

/// comfy-table's dynamic arrangement (`utils/arrangement/dynamic.rs` in comfy-table 8)
/// for a table of `widest.len()` columns at the piped width, with its default padding
/// and borders and no column constraints: each column's content width. `widest[i]` is
/// the widest text of column `i` (at least 1), and `column(i)` its texts with their
/// widths, header first.
/// `None` where it would have to wrap a text this module does not wrap.
fn arrange<'t, C, I>(widest: &[usize], column: C) -> Option<Vec<usize>>
where
    C: Fn(usize) -> I,
    I: Iterator<Item = (&'t str, usize)>,
{
    let n = widest.len();
    let mut decided: Vec<Option<usize>> = vec![None; n];
    // The width less the borders (one between and one around the columns) and a space
    // of padding on either side of each column.
    let mut remaining = usize::from(PIPED_WIDTH)
        .saturating_sub(n + 1)
        .saturating_sub(2 * n);
    let mut undecided = n;
    let average =
        |remaining: usize, undecided: usize| remaining.checked_div(undecided).unwrap_or(0);
    // Columns whose widest text fits the average space left are given that width, until
    // none does.
    let mut found = true;
    while found && undecided > 0 && average(remaining, undecided) > 0 {
        found = false;
        for i in 0..n {
            if decided[i].is_none() && widest[i] <= average(remaining, undecided) {
                decided[i] = Some(widest[i]);
                remaining = remaining.saturating_sub(widest[i]);
                undecided -= 1;
                if undecided == 0 {
                    break;
                }
                found = true;
            }
        }
    }
    // Columns that, wrapped at the average space, would leave 3 or more of it unused are
    // given the width of their longest wrapped line.
    found = undecided > 0;
    let mut parts = Vec::new();
    while found {
        found = false;
        for (i, d) in decided.iter_mut().enumerate() {
            if d.is_some() {
                continue;
            }
            let avg = average(remaining, undecided);
            let mut longest = 0;
            for (text, w) in column(i) {
                if w > avg {
                    if !split_line(text, avg.max(1), &mut parts) {
                        return None;
                    }
                    // Wrapped lines are printable ASCII: their length is their width.
                    longest = parts.iter().map(|p| p.len()).fold(longest, usize::max);
                } else {
                    longest = longest.max(w);
                }
            }
            if avg.saturating_sub(longest) >= 3 {
                *d = Some(longest.max(1));
                remaining = remaining.saturating_sub(longest);
                undecided -= 1;
                if undecided == 0 {
                    break;
                }
                found = true;
            }
        }
    }
    // The rest share what is left evenly, the first of them a column more.
    if undecided > 0 {
        let share = remaining.max(undecided);
        let (each, extra) = (share / undecided, share % undecided);
        for (k, d) in decided.iter_mut().filter(|d| d.is_none()).enumerate() {
            *d = Some(each + usize::from(k < extra));
        }
    }
    decided.into_iter().collect()
}

/// comfy-table's `split_line` (`utils/formatting/content_split/mod.rs`) for a line that
/// is too wide for `width`: the line's words (split at each space) are packed into lines,
/// a word too long for any line is cut, and a line with 2 or fewer columns left is ended.
/// Into `lines` (cleared first). Returns false for a line with characters other than
/// printable ASCII, whose long words comfy-table cuts between grapheme clusters.
fn split_line<'t>(line: &'t str, width: usize, lines: &mut Vec<&'t str>) -> bool {
    const MIN_FREE_CHARS: usize = 2;
    lines.clear();
    if !line.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return false;
    }
    // Printable ASCII: a character is a byte and a column. Words are the pieces between
    // single spaces, so a line packed from consecutive words, joined by spaces, is a
    // slice of the input; so is a cut word's head or tail.
    let at = |s: &str| s.as_ptr() as usize - line.as_ptr() as usize;
    // The slice from the start of `a` to the end of `b`.
    let join = |a: &'t str, b: &'t str| &line[at(a)..at(b) + b.len()];
    let mut words: Vec<&'t str> = line.split(' ').collect();
    words.reverse();
    let mut current: &'t str = "";
    // comfy-table's loop, statement by statement.
    while let Some(next) = words.pop() {
        let mut added = next.len() + current.len();
        if !current.is_empty() {
            added += 1;
        }
        let mut room = width - current.len();
        if !current.is_empty() {
            room = room.saturating_sub(1);
        }
        if added <= width {
            current = if current.is_empty() {
                next
            } else {
                join(current, next)
            };
            if current.len() > width.saturating_sub(MIN_FREE_CHARS) {
                lines.push(std::mem::take(&mut current));
            }
            continue;
        }
        if !current.is_empty() && room <= MIN_FREE_CHARS {
            words.push(next);
            lines.push(std::mem::take(&mut current));
            continue;
        }
        if next.len() > width {
            let (head, tail) = next.split_at(next.len().min(room));
            if current.is_empty() && head.is_empty() {
                let (first, rest) = tail.split_at(1);
                lines.push(first);
                words.push(rest);
            } else {
                // Joined by a space to a line that is not empty, as comfy-table does
                // even when the head is empty.
                lines.push(if current.is_empty() {
                    head
                } else {
                    &line[at(current)..at(next) + head.len()]
                });
                words.push(tail);
            }
            current = "";
            continue;
        }
        lines.push(current);
        current = next;
        if current.len() > width.saturating_sub(MIN_FREE_CHARS) {
            lines.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn plain(g: &Grid) -> Option<String> {
        let mut out = String::new();
        g.draw_plain(&mut out).then_some(out)
    }

    fn grid<'a>(header: &[&'a str], rows: &'a [Vec<(String, bool)>]) -> Grid<'a> {
        let mut g = Grid::new(Style { color: false }, header);
        for r in rows {
            g.row(r.iter().map(|(t, r)| {
                if *r {
                    right(t.as_str())
                } else {
                    cell(t.as_str())
                }
            }));
        }
        g
    }

    /// Cell text: words of varied length (some longer than any column), runs of spaces,
    /// empty cells, and now and then a character wider or other than ASCII.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "([a-z]{1,9}|[A-Za-z0-9.,()-]{10,40}| {1,3}){0,14}",
            2 => "[ -~]{0,80}",
            1 => Just(String::new()),
            1 => "(≠|→|naïve|日本語|[a-z]{1,6}| ){1,12}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        /// The direct drawing is comfy-table's, byte for byte, whenever it is used, and it
        /// is used for every table of printable ASCII: with wrapping, cut words, empty
        /// cells, right alignment, and from one column to seven.
        #[test]
        fn the_direct_drawing_is_comfy_tables(
            columns in 1usize..8,
            rows in proptest::collection::vec(
                proptest::collection::vec((text(), any::<bool>()), 7),
                0..6,
            ),
        ) {
            let header = ["distance", "id", "", "kind", "a b", "x", "note"];
            let rows: Vec<Vec<(String, bool)>> =
                rows.into_iter().map(|mut r| { r.truncate(columns); r }).collect();
            let g = grid(&header[..columns], &rows);
            let ascii = rows.iter().flatten().all(|(t, _)| t.bytes().all(|b| (b' '..=b'~').contains(&b)));
            match plain(&g) {
                Some(direct) => prop_assert_eq!(direct, g.to_comfy().to_string()),
                None => prop_assert!(!ascii, "printable ASCII left to comfy-table"),
            }
        }
    }

    /// Up to the piped width a table's columns are as wide as their widest cells; one
    /// character more and the widest column wraps, the same as comfy-table wraps it.
    #[test]
    fn tables_wider_than_the_piped_width_wrap() {
        // Three columns: 10 border and padding characters, so 100 of content fit.
        let cells = |a: usize| {
            vec![vec![
                (format!("{} end", "a".repeat(a - 4)), false),
                ("b".repeat(40), true),
                ("c".repeat(20), false),
            ]]
        };
        let fits = cells(40);
        let g = grid(&["x", "y", "z"], &fits);
        let direct = plain(&g).expect("drawn directly");
        assert_eq!(direct, g.to_comfy().to_string());
        assert!(direct.lines().all(|l| l.chars().count() == 110));
        assert_eq!(direct.lines().count(), 5);

        let wider = cells(41);
        let g = grid(&["x", "y", "z"], &wider);
        let direct = plain(&g).expect("drawn directly");
        assert_eq!(direct, g.to_comfy().to_string());
        assert_eq!(direct.lines().count(), 6, "{direct}");
    }

    /// A character with Unicode width rules is measured as comfy-table measures it; a
    /// line of such text that must wrap, several lines in one cell, a row of another
    /// length than the header, and colour go to comfy-table.
    #[test]
    fn what_is_left_to_comfy_table() {
        let rows = vec![vec![("≠".to_string(), false), ("日本語".to_string(), true)]];
        let g = grid(&["", "name"], &rows);
        assert_eq!(plain(&g), Some(g.to_comfy().to_string()));

        let long = vec![vec![(format!("{}naïve", "word ".repeat(30)), false)]];
        assert_eq!(plain(&grid(&["h"], &long)), None);
        for text in ["two\nlines", "tab\there"] {
            let rows = vec![vec![(text.to_string(), false)]];
            assert_eq!(plain(&grid(&["h"], &rows)), None, "{text:?}");
        }
        let short = vec![vec![("a".to_string(), false)]];
        assert_eq!(plain(&grid(&["h", "i"], &short)), None);

        let mut out = String::new();
        let mut g = Grid::new(Style { color: true }, &["h"]);
        g.row([cell("a")]);
        g.render_into(&mut out);
        assert!(out.contains("\u{1b}["), "{out:?}");
    }

    /// An empty table is its header alone, drawn directly as comfy-table draws it.
    #[test]
    fn a_table_without_rows_is_its_header() {
        let g = grid(&["id", "name"], &[]);
        let direct = plain(&g).expect("drawn directly");
        assert_eq!(direct, g.to_comfy().to_string());
        assert_eq!(direct.lines().count(), 4);
    }
}
