//! The tables of the `table` format. `render::table` fills a [`Grid`] with rows of
//! text; comfy-table lays them out and draws them, except in the one case where its
//! layout is plain arithmetic, which is drawn here directly.
//!
//! Why the exception. A large answer is mostly tables that need no wrapping:
//! `neighbors X depth 3` on a 10,000-edge graph is 4,000 rows of ids and names. comfy-table
//! keeps every cell as its own list of lines, pads each line into a new string and
//! joins them; that took 11–12 ms of a 22–33 ms load-and-three-queries job, against
//! about 1 ms to write the same bytes directly (docs/performance.md). When the output is
//! plain (no colour), every cell is one line of printable ASCII and the widest cell of
//! each column fits the fixed piped width, comfy-table's dynamic arrangement gives each
//! column exactly its widest cell, and its output is the borders below around cells
//! padded with spaces. Anything else (colour, wrapping, other characters, whose width
//! comfy-table measures by Unicode rules) goes to comfy-table. A property test checks
//! that the direct drawing is comfy-table's, byte for byte.

use std::borrow::Cow;

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};

use super::Style;

/// Width of tables when stdout is not a terminal (files, pipes, golden outputs).
const PIPED_WIDTH: u16 = 110;

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
    header: Vec<&'a str>,
    rows: Vec<Vec<GridCell<'a>>>,
}

impl<'a> Grid<'a> {
    pub fn new(style: Style, header: &[&'a str]) -> Self {
        Grid {
            style,
            header: header.to_vec(),
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
            let c = Cell::new(h);
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

    /// Draws the table the way comfy-table would, if that needs no wrapping and no
    /// Unicode width rules (see the module documentation); returns false, having written
    /// nothing, otherwise.
    fn draw_plain(&self, out: &mut String) -> bool {
        let columns = self.header.len();
        // comfy-table gives an empty column one space of content.
        let mut widths = vec![1usize; columns];
        let printable = |s: &str| s.bytes().all(|b| (b' '..=b'~').contains(&b));
        for (i, h) in self.header.iter().enumerate() {
            if !printable(h) {
                return false;
            }
            widths[i] = widths[i].max(h.len());
        }
        for row in &self.rows {
            if row.len() != columns {
                return false;
            }
            for (i, c) in row.iter().enumerate() {
                if !printable(&c.text) {
                    return false;
                }
                widths[i] = widths[i].max(c.text.len());
            }
        }
        // The dynamic arrangement's budget: the width, less a border between and around
        // the columns and a space of padding on either side of each. When the widest
        // cells fit it, every column is given its widest cell.
        let budget = usize::from(PIPED_WIDTH).saturating_sub(3 * columns + 1);
        if columns == 0 || widths.iter().sum::<usize>() > budget {
            return false;
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
        let line = |out: &mut String, cells: &mut dyn Iterator<Item = (&str, bool)>| {
            out.push('│');
            for (i, (text, right)) in cells.enumerate() {
                if i > 0 {
                    out.push('┆');
                }
                let pad = widths[i] - text.len();
                out.push(' ');
                if right {
                    out.extend(std::iter::repeat_n(' ', pad));
                    out.push_str(text);
                } else {
                    out.push_str(text);
                    out.extend(std::iter::repeat_n(' ', pad));
                }
                out.push(' ');
            }
            out.push('│');
            out.push('\n');
        };
        out.reserve((self.rows.len() + 4) * (widths.iter().sum::<usize>() + 3 * columns + 8));
        rule(out, ['╭', '─', '┬', '╮']);
        line(out, &mut self.header.iter().map(|h| (*h, false)));
        rule(out, ['╞', '═', '╪', '╡']);
        for row in &self.rows {
            line(out, &mut row.iter().map(|c| (&*c.text, c.right)));
        }
        rule(out, ['╰', '─', '┴', '╯']);
        // comfy-table's drawing has no newline after its last line.
        out.pop();
        true
    }
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

    proptest! {
        /// Whenever the direct drawing is used, it is comfy-table's, byte for byte: with
        /// empty cells, right alignment, and widths up to and past the piped width.
        #[test]
        fn the_direct_drawing_is_comfy_tables(
            columns in 1usize..7,
            rows in proptest::collection::vec(
                proptest::collection::vec(("[ -~]{0,30}", any::<bool>()), 7),
                0..8,
            ),
        ) {
            let header = ["distance", "id", "", "kind", "a b", "x", "note"];
            let rows: Vec<Vec<(String, bool)>> =
                rows.into_iter().map(|mut r| { r.truncate(columns); r }).collect();
            let g = grid(&header[..columns], &rows);
            if let Some(direct) = plain(&g) {
                prop_assert_eq!(direct, g.to_comfy().to_string());
            }
        }
    }

    /// The widest table drawn directly is exactly the piped width; one more character
    /// and comfy-table wraps it, so it is left to comfy-table.
    #[test]
    fn tables_up_to_the_piped_width_are_drawn_directly() {
        // Three columns: 10 border and padding characters, so 100 of content fit.
        let fits = vec![vec![
            ("a".repeat(40), false),
            ("b".repeat(40), true),
            ("c".repeat(20), false),
        ]];
        let g = grid(&["x", "y", "z"], &fits);
        let direct = plain(&g).expect("fits the piped width");
        assert_eq!(direct, g.to_comfy().to_string());
        assert!(direct.lines().all(|l| l.chars().count() == 110));

        let wider = vec![vec![
            ("a".repeat(41), false),
            ("b".repeat(40), true),
            ("c".repeat(20), false),
        ]];
        let g = grid(&["x", "y", "z"], &wider);
        assert_eq!(plain(&g), None);
        assert!(
            g.to_comfy().to_string().lines().count() > 5,
            "comfy-table wraps it"
        );
    }

    /// Text whose width takes Unicode rules, several lines in a cell, a row of another
    /// length than the header, and colour all go to comfy-table.
    #[test]
    fn anything_else_goes_to_comfy_table() {
        for text in ["≠", "naïve", "two\nlines", "tab\there"] {
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
        let direct = plain(&g).expect("fits");
        assert_eq!(direct, g.to_comfy().to_string());
        assert_eq!(direct.lines().count(), 4);
    }
}
