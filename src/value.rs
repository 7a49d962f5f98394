//! Typed property values: the one place that turns text such as `400 KB`, `~200 ms` or
//! `1-365 days` into numbers with a dimension.
//!
//! It sits under both the loader (property values written in YAML) and the query parser
//! (literals in `find where max_item_size >= 1 MB`), so that a value means the same thing
//! wherever it is written and `400 KB` compares correctly against `1 MB`.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

/// What a quantity measures. Only quantities of the same dimension compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dimension {
    /// A plain number, optionally with a noun (`5 layers`).
    Count,
    /// Sizes; base unit is the byte, with binary multiples as AWS quotas use them.
    Bytes,
    /// Durations; base unit is the second.
    Duration,
    /// Percentages.
    Percent,
    /// Bytes per second (`1 MB/s`).
    ByteRate,
    /// Things per second (`1000 records/s`).
    CountRate,
}

impl Dimension {
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Count => "count",
            Dimension::Bytes => "bytes",
            Dimension::Duration => "duration",
            Dimension::Percent => "percent",
            Dimension::ByteRate => "byte-rate",
            Dimension::CountRate => "count-rate",
        }
    }
}

/// A unit as written, with the factor that converts it to the dimension's base unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// The canonical spelling shown to users (`KB`, `ms`, `days`, `records/s`, or empty).
    /// Borrowed from the unit tables for every unit they list: a large directory has
    /// hundreds of thousands of quantities, and a string for each was as many allocations.
    pub symbol: Cow<'static, str>,
    pub dimension: Dimension,
    /// Multiply an amount in this unit by `factor` to get base units.
    pub factor: f64,
}

/// A number with a unit, possibly approximate (`~200 ms`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    pub amount: f64,
    pub unit: Unit,
    pub approx: bool,
}

/// An inclusive range with one unit (`1-365 days`, `512-10240 MB`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Range {
    pub low: f64,
    pub high: f64,
    pub unit: Unit,
    pub approx: bool,
}

/// A property value after typing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Bool(bool),
    Quantity(Quantity),
    Range(Range),
    Text(String),
    List(Vec<String>),
}

impl Value {
    /// The type name used in JSON output and error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Bool(_) => "bool",
            Value::Quantity(_) => "quantity",
            Value::Range(_) => "range",
            Value::Text(_) => "text",
            Value::List(_) => "list",
        }
    }

    pub fn dimension(&self) -> Option<Dimension> {
        match self {
            Value::Quantity(q) => Some(q.unit.dimension),
            Value::Range(r) => Some(r.unit.dimension),
            _ => None,
        }
    }
}

impl Quantity {
    /// The amount in the dimension's base unit (bytes, seconds, ...).
    pub fn base(&self) -> f64 {
        self.amount * self.unit.factor
    }
}

impl Range {
    pub fn base_low(&self) -> f64 {
        self.low * self.unit.factor
    }
    pub fn base_high(&self) -> f64 {
        self.high * self.unit.factor
    }
}

/// Why a string that looks like a quantity is not one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QuantityError {
    /// The unit is close to a known unit but not one (`400 KBB`), so it is almost
    /// certainly a typo rather than a noun.
    #[error("unknown unit `{unit}` in `{text}`")]
    UnknownUnit {
        text: String,
        unit: String,
        suggestion: Option<&'static str>,
    },
    /// The number part does not parse (`1.2.3 MB`).
    #[error("malformed number `{number}` in `{text}`")]
    BadNumber { text: String, number: String },
    /// A range whose low end is above its high end (`365-1 days`).
    #[error("range `{text}` goes down: its low end is above its high end")]
    InvertedRange { text: String },
}

impl QuantityError {
    pub fn help(&self) -> String {
        match self {
            QuantityError::UnknownUnit { suggestion, .. } => {
                let mut help = String::new();
                if let Some(s) = suggestion {
                    help.push_str(&format!("did you mean `{s}`? "));
                }
                help.push_str(
                    "units: B KB MB GB TB PB, ms s min h day week year, %, KB/s MB/s ..., \
                     Mbps Gbps, noun/s",
                );
                help
            }
            QuantityError::BadNumber { .. } => {
                "write the number as digits, optionally with `,` thousands separators and one `.`"
                    .to_string()
            }
            QuantityError::InvertedRange { .. } => {
                "write ranges low-high, e.g. `1-365 days`".into()
            }
        }
    }
}

const BYTE_UNITS: &[(&str, &str, f64)] = &[
    ("B", "B", 1.0),
    ("byte", "B", 1.0),
    ("bytes", "B", 1.0),
    ("KB", "KB", 1024.0),
    ("KiB", "KB", 1024.0),
    ("MB", "MB", 1048576.0),
    ("MiB", "MB", 1048576.0),
    ("GB", "GB", 1073741824.0),
    ("GiB", "GB", 1073741824.0),
    ("TB", "TB", 1099511627776.0),
    ("TiB", "TB", 1099511627776.0),
    ("PB", "PB", 1125899906842624.0),
    ("PiB", "PB", 1125899906842624.0),
];

const DURATION_UNITS: &[(&str, &str, f64)] = &[
    ("ms", "ms", 0.001),
    ("s", "s", 1.0),
    ("sec", "s", 1.0),
    ("second", "s", 1.0),
    ("seconds", "s", 1.0),
    ("min", "min", 60.0),
    ("minute", "min", 60.0),
    ("minutes", "min", 60.0),
    ("h", "h", 3600.0),
    ("hr", "h", 3600.0),
    ("hour", "h", 3600.0),
    ("hours", "h", 3600.0),
    ("day", "days", 86400.0),
    ("days", "days", 86400.0),
    ("week", "weeks", 604800.0),
    ("weeks", "weeks", 604800.0),
    ("year", "years", 31536000.0),
    ("years", "years", 31536000.0),
    ("yr", "years", 31536000.0),
    ("yrs", "years", 31536000.0),
];

const BIT_RATE_UNITS: &[(&str, &str, f64)] = &[
    ("bps", "bps", 0.125),
    ("Kbps", "Kbps", 125.0),
    ("Mbps", "Mbps", 125_000.0),
    ("Gbps", "Gbps", 125_000_000.0),
    ("Tbps", "Tbps", 125_000_000_000.0),
];

/// Every unit spelling, for suggestions and completion.
pub fn unit_spellings() -> impl Iterator<Item = &'static str> {
    BYTE_UNITS
        .iter()
        .chain(DURATION_UNITS)
        .chain(BIT_RATE_UNITS)
        .map(|(s, _, _)| *s)
        .chain(["%"])
}

fn lookup(table: &[(&str, &'static str, f64)], word: &str) -> Option<(&'static str, f64)> {
    table
        .iter()
        .find(|(s, _, _)| *s == word)
        .or_else(|| table.iter().find(|(s, _, _)| s.eq_ignore_ascii_case(word)))
        .map(|(_, canon, f)| (*canon, *f))
}

fn parse_unit(word: &str, text: &str) -> Result<Unit, QuantityError> {
    let unit = |symbol: Cow<'static, str>, dimension, factor| Unit {
        symbol,
        dimension,
        factor,
    };
    if word.is_empty() {
        return Ok(unit("".into(), Dimension::Count, 1.0));
    }
    if word == "%" {
        return Ok(unit("%".into(), Dimension::Percent, 1.0));
    }
    if let Some((canon, f)) = lookup(BYTE_UNITS, word) {
        return Ok(unit(canon.into(), Dimension::Bytes, f));
    }
    if let Some((canon, f)) = lookup(DURATION_UNITS, word) {
        return Ok(unit(canon.into(), Dimension::Duration, f));
    }
    // Network bandwidth is quoted in bits; it converts to bytes so it compares with MB/s.
    if let Some((canon, f)) = lookup(BIT_RATE_UNITS, word) {
        return Ok(unit(canon.into(), Dimension::ByteRate, f));
    }
    if let Some(per) = word.strip_suffix("/s") {
        if let Some((canon, f)) = lookup(BYTE_UNITS, per) {
            return Ok(unit(format!("{canon}/s").into(), Dimension::ByteRate, f));
        }
        if per.chars().all(|c| c.is_ascii_alphabetic()) {
            return Ok(unit(word.to_string().into(), Dimension::CountRate, 1.0));
        }
    }
    // A word far from every unit is a noun that names what is counted (`5 layers`);
    // one a letter away from a unit is a typo and must not pass silently.
    let lower = word.to_ascii_lowercase();
    let near = unit_spellings()
        .filter(|u| u.len() > 1 || lower.len() <= 2)
        .map(|u| (strsim::levenshtein(&lower, &u.to_ascii_lowercase()), u))
        .min_by_key(|(d, _)| *d);
    let typo = match near {
        Some((d, _)) => d <= 1 && lower.len() <= 4,
        None => false,
    };
    if typo
        || !word
            .chars()
            .all(|c| c.is_alphabetic() || c == '-' || c == '_')
    {
        return Err(QuantityError::UnknownUnit {
            text: text.to_string(),
            unit: word.to_string(),
            suggestion: near.filter(|(d, _)| *d <= 2).map(|(_, u)| u),
        });
    }
    Ok(unit(word.to_string().into(), Dimension::Count, 1.0))
}

fn parse_number(s: &str, text: &str) -> Result<f64, QuantityError> {
    // Most numbers have no separators to drop, and need no copy.
    let cleaned: std::borrow::Cow<str> = if s.contains([',', '_']) {
        s.chars()
            .filter(|c| *c != ',' && *c != '_')
            .collect::<String>()
            .into()
    } else {
        s.into()
    };
    let ok = !cleaned.is_empty()
        && cleaned.chars().filter(|c| *c == '.').count() <= 1
        && !cleaned.starts_with('.')
        && !cleaned.ends_with('.');
    match cleaned.parse::<f64>() {
        Ok(n) if ok && n.is_finite() => Ok(n),
        _ => Err(QuantityError::BadNumber {
            text: text.to_string(),
            number: s.to_string(),
        }),
    }
}

fn is_number_char(c: char) -> bool {
    c.is_ascii_digit() || c == '.' || c == ',' || c == '_'
}

/// Reads text as a quantity or range if it looks like one.
///
/// Returns `Ok(None)` for text that is not numeric at all (`near real time`, `$5 per TB`,
/// `2 DPUs minimum`), which the caller keeps as text; `Err` for text that is clearly meant
/// as a quantity but is wrong (`400 KBB`).
pub fn parse_quantity(text: &str) -> Result<Option<Value>, QuantityError> {
    let t = text.trim();
    let (approx, body) = match t.strip_prefix('~') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t),
    };
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        return Ok(None);
    }
    let num_end = body
        .find(|c: char| !is_number_char(c))
        .unwrap_or(body.len());
    let first = &body[..num_end];
    let mut rest = body[num_end..].trim_start();
    let mut second = None;
    if let Some(after) = rest.strip_prefix('-').or_else(|| rest.strip_prefix('–')) {
        let after = after.trim_start();
        if after.starts_with(|c: char| c.is_ascii_digit()) {
            let end = after
                .find(|c: char| !is_number_char(c))
                .unwrap_or(after.len());
            second = Some(&after[..end]);
            rest = after[end..].trim_start();
        }
    }
    if rest.contains(char::is_whitespace) {
        return Ok(None);
    }
    let unit = parse_unit(rest, t)?;
    let low = parse_number(first, t)?;
    match second {
        None => Ok(Some(Value::Quantity(Quantity {
            amount: low,
            unit,
            approx,
        }))),
        Some(s) => {
            let high = parse_number(s, t)?;
            if high < low {
                return Err(QuantityError::InvertedRange {
                    text: t.to_string(),
                });
            }
            Ok(Some(Value::Range(Range {
                low,
                high,
                unit,
                approx,
            })))
        }
    }
}

/// Formats an amount without a trailing `.0` and with `,` between thousands, the way the
/// AWS documentation writes quotas (`10,240 MB`).
pub fn format_amount(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        let digits = format!("{}", n.abs() as u64);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 && digits.len() > 4 {
                out.push(',');
            }
            out.push(c);
        }
        if n < 0.0 {
            out.insert(0, '-');
        }
        out
    } else {
        let s = format!("{n}");
        s
    }
}

/// The unit as shown after `amount`: `1 year` but `2 years`, `50%` without a space.
fn unit_suffix(unit: &Unit, amount: f64) -> String {
    match &*unit.symbol {
        "" => String::new(),
        "%" => "%".to_string(),
        s @ ("days" | "weeks" | "years") if amount == 1.0 => format!(" {}", &s[..s.len() - 1]),
        s => format!(" {s}"),
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tilde = if self.approx { "~" } else { "" };
        write!(
            f,
            "{tilde}{}{}",
            format_amount(self.amount),
            unit_suffix(&self.unit, self.amount)
        )
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tilde = if self.approx { "~" } else { "" };
        write!(
            f,
            "{tilde}{}-{}{}",
            format_amount(self.low),
            format_amount(self.high),
            unit_suffix(&self.unit, self.high)
        )
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{}", if *b { "yes" } else { "no" }),
            Value::Quantity(q) => q.fmt(f),
            Value::Range(r) => r.fmt(f),
            Value::Text(t) => f.write_str(t),
            Value::List(items) => f.write_str(&items.join(", ")),
        }
    }
}

/// Orders two quantities of the same dimension; `None` when they measure different things.
pub fn compare_quantities(a: &Quantity, b: &Quantity) -> Option<Ordering> {
    if a.unit.dimension != b.unit.dimension {
        return None;
    }
    a.base().partial_cmp(&b.base())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        match parse_quantity(s) {
            Ok(Some(Value::Quantity(q))) => q,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn bytes_compare_across_units() {
        assert_eq!(
            compare_quantities(&q("400 KB"), &q("1 MB")),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare_quantities(&q("10,240 MB"), &q("10 GB")),
            Some(Ordering::Equal)
        );
        assert_eq!(compare_quantities(&q("1 GB"), &q("1 s")), None);
    }

    #[test]
    fn attached_and_approximate_units() {
        let v = q("~200ms");
        assert!(v.approx);
        assert_eq!(v.unit.symbol, "ms");
        assert_eq!(v.to_string(), "~200 ms");
        assert_eq!(q("400KB").base(), 409600.0);
        assert_eq!(q("50%").to_string(), "50%");
        assert_eq!(q("1 year").to_string(), "1 year");
        assert_eq!(q("1 years").to_string(), "1 year");
        assert_eq!(q("2 day").to_string(), "2 days");
    }

    #[test]
    fn ranges_keep_their_unit() {
        match parse_quantity("1-365 days") {
            Ok(Some(Value::Range(r))) => {
                assert_eq!((r.low, r.high), (1.0, 365.0));
                assert_eq!(r.base_high(), 365.0 * 86400.0);
                assert_eq!(r.to_string(), "1-365 days");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_quantity("365-1 days"),
            Err(QuantityError::InvertedRange { .. })
        ));
    }

    #[test]
    fn counts_with_nouns_and_rates() {
        let v = q("5 layers");
        assert_eq!(v.unit.dimension, Dimension::Count);
        assert_eq!(v.to_string(), "5 layers");
        assert_eq!(q("1 MB/s").unit.dimension, Dimension::ByteRate);
        assert_eq!(q("1000 records/s").unit.dimension, Dimension::CountRate);
        assert_eq!(q("3").unit.dimension, Dimension::Count);
        assert_eq!(
            compare_quantities(&q("1.25 Gbps"), &q("100 MB/s")),
            Some(Ordering::Greater)
        );
    }

    #[test]
    fn typo_units_are_errors_with_suggestion() {
        match parse_quantity("400 KBB") {
            Err(QuantityError::UnknownUnit {
                unit, suggestion, ..
            }) => {
                assert_eq!(unit, "KBB");
                assert_eq!(suggestion, Some("KB"));
            }
            other => panic!("{other:?}"),
        }
        assert!(parse_quantity("5 GBs").is_err());
        assert!(parse_quantity("1.2.3 MB").is_err());
    }

    #[test]
    fn prose_stays_text() {
        assert_eq!(parse_quantity("near real time"), Ok(None));
        assert_eq!(parse_quantity("2 DPUs minimum for Spark"), Ok(None));
        assert_eq!(parse_quantity("$5 per TB scanned"), Ok(None));
    }

    #[test]
    fn amounts_format_like_the_docs() {
        assert_eq!(format_amount(10240.0), "10,240");
        assert_eq!(format_amount(1000.0), "1000");
        assert_eq!(format_amount(2.5), "2.5");
    }
}
