//! Typed property values: the one place that turns text such as `400 KB`, `~200 ms` or
//! `1-365 days` into numbers with a dimension.
//!
//! It sits under both the loader (property values written in YAML) and the query parser
//! (literals in `find where max_item_size >= 1 MB`), so that a value means the same thing
//! wherever it is written and `400 KB` compares correctly against `1 MB`.

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

/// What a unit is: its spelling, what it measures, and the factor that converts it to the
/// dimension's base unit. Reached through [`Unit`], which derefs to it.
#[derive(Debug, PartialEq)]
pub struct UnitDef {
    /// The canonical spelling shown to users (`KB`, `ms`, `days`, `records/s`, or empty).
    pub symbol: &'static str,
    pub dimension: Dimension,
    /// Multiply an amount in this unit by `factor` to get base units.
    pub factor: f64,
}

/// A unit as written: its definition, shared by every quantity in it. A large directory
/// has hundreds of thousands of quantities in a few dozen units; with the symbol and
/// factor in each, a `Value` was 64 bytes and a `Property` 136, a fifth of a million-edge
/// load's memory (docs/performance.md). The units of the tables below are statics; a
/// unit they do not list (`5 layers`, `1000 records/s`) is made once per process, the
/// first time it is read, and kept.
#[derive(Clone, Copy)]
pub struct Unit(&'static UnitDef);

impl std::ops::Deref for Unit {
    type Target = UnitDef;
    fn deref(&self) -> &UnitDef {
        self.0
    }
}

impl PartialEq for Unit {
    fn eq(&self, other: &Unit) -> bool {
        self.0 == other.0
    }
}

/// As the struct of three fields it was, so that logs and test failures read the same.
impl fmt::Debug for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unit")
            .field("symbol", &self.symbol)
            .field("dimension", &self.dimension)
            .field("factor", &self.factor)
            .finish()
    }
}

/// Written as the struct of three fields it was (JSON output, the built-in snapshot).
impl Serialize for Unit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Unit", 3)?;
        st.serialize_field("symbol", self.symbol)?;
        st.serialize_field("dimension", &self.dimension)?;
        st.serialize_field("factor", &self.factor)?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Unit, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename = "Unit")]
        struct Fields {
            symbol: String,
            dimension: Dimension,
            factor: f64,
        }
        let f = Fields::deserialize(d)?;
        Ok(Unit::of(&f.symbol, f.dimension, f.factor))
    }
}

impl Unit {
    /// The unit with these fields: a static one when a table lists it, otherwise one
    /// made the first time and kept for the rest of the process.
    pub fn of(symbol: &str, dimension: Dimension, factor: f64) -> Unit {
        let wanted = |d: &UnitDef| {
            d.symbol == symbol && d.dimension == dimension && d.factor.to_bits() == factor.to_bits()
        };
        if let Some(d) = static_units().find(|d| wanted(d)) {
            return Unit(d);
        }
        let mut made = MADE_UNITS.lock().unwrap_or_else(|e| e.into_inner());
        let defs = made.entry_ref(symbol).or_default();
        if let Some(d) = defs.iter().copied().find(|d| wanted(d)) {
            return Unit(d);
        }
        // Leaked on purpose: one per distinct unit the process reads, shared by every
        // quantity in it, so a unit is never freed while a value could point at it.
        let def: &'static UnitDef = Box::leak(Box::new(UnitDef {
            symbol: Box::leak(symbol.into()),
            dimension,
            factor,
        }));
        defs.push(def);
        Unit(def)
    }
}

/// The units made by [`Unit::of`] (those no table lists), by symbol.
static MADE_UNITS: std::sync::LazyLock<
    std::sync::Mutex<
        hashbrown::HashMap<String, Vec<&'static UnitDef>, foldhash::fast::RandomState>,
    >,
> = std::sync::LazyLock::new(Default::default);

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

const fn unit_def(symbol: &'static str, dimension: Dimension, factor: f64) -> UnitDef {
    UnitDef {
        symbol,
        dimension,
        factor,
    }
}

static COUNT: UnitDef = unit_def("", Dimension::Count, 1.0);
static PERCENT: UnitDef = unit_def("%", Dimension::Percent, 1.0);

static B: UnitDef = unit_def("B", Dimension::Bytes, 1.0);
static KB: UnitDef = unit_def("KB", Dimension::Bytes, 1024.0);
static MB: UnitDef = unit_def("MB", Dimension::Bytes, 1048576.0);
static GB: UnitDef = unit_def("GB", Dimension::Bytes, 1073741824.0);
static TB: UnitDef = unit_def("TB", Dimension::Bytes, 1099511627776.0);
static PB: UnitDef = unit_def("PB", Dimension::Bytes, 1125899906842624.0);

/// Each byte unit per second.
static BYTE_RATES: [UnitDef; 6] = [
    unit_def("B/s", Dimension::ByteRate, 1.0),
    unit_def("KB/s", Dimension::ByteRate, 1024.0),
    unit_def("MB/s", Dimension::ByteRate, 1048576.0),
    unit_def("GB/s", Dimension::ByteRate, 1073741824.0),
    unit_def("TB/s", Dimension::ByteRate, 1099511627776.0),
    unit_def("PB/s", Dimension::ByteRate, 1125899906842624.0),
];

static MS: UnitDef = unit_def("ms", Dimension::Duration, 0.001);
static S: UnitDef = unit_def("s", Dimension::Duration, 1.0);
static MIN: UnitDef = unit_def("min", Dimension::Duration, 60.0);
static H: UnitDef = unit_def("h", Dimension::Duration, 3600.0);
static DAYS: UnitDef = unit_def("days", Dimension::Duration, 86400.0);
static WEEKS: UnitDef = unit_def("weeks", Dimension::Duration, 604800.0);
static YEARS: UnitDef = unit_def("years", Dimension::Duration, 31536000.0);

// Network bandwidth is quoted in bits; it converts to bytes so it compares with MB/s.
static BPS: UnitDef = unit_def("bps", Dimension::ByteRate, 0.125);
static KBPS: UnitDef = unit_def("Kbps", Dimension::ByteRate, 125.0);
static MBPS: UnitDef = unit_def("Mbps", Dimension::ByteRate, 125_000.0);
static GBPS: UnitDef = unit_def("Gbps", Dimension::ByteRate, 125_000_000.0);
static TBPS: UnitDef = unit_def("Tbps", Dimension::ByteRate, 125_000_000_000.0);

static BYTE_UNITS: &[(&str, &UnitDef)] = &[
    ("B", &B),
    ("byte", &B),
    ("bytes", &B),
    ("KB", &KB),
    ("KiB", &KB),
    ("MB", &MB),
    ("MiB", &MB),
    ("GB", &GB),
    ("GiB", &GB),
    ("TB", &TB),
    ("TiB", &TB),
    ("PB", &PB),
    ("PiB", &PB),
];

static DURATION_UNITS: &[(&str, &UnitDef)] = &[
    ("ms", &MS),
    ("s", &S),
    ("sec", &S),
    ("second", &S),
    ("seconds", &S),
    ("min", &MIN),
    ("minute", &MIN),
    ("minutes", &MIN),
    ("h", &H),
    ("hr", &H),
    ("hour", &H),
    ("hours", &H),
    ("day", &DAYS),
    ("days", &DAYS),
    ("week", &WEEKS),
    ("weeks", &WEEKS),
    ("year", &YEARS),
    ("years", &YEARS),
    ("yr", &YEARS),
    ("yrs", &YEARS),
];

static BIT_RATE_UNITS: &[(&str, &UnitDef)] = &[
    ("bps", &BPS),
    ("Kbps", &KBPS),
    ("Mbps", &MBPS),
    ("Gbps", &GBPS),
    ("Tbps", &TBPS),
];

/// The spelling tables, one after another.
fn spelled_units() -> impl Iterator<Item = &'static (&'static str, &'static UnitDef)> {
    BYTE_UNITS
        .iter()
        .chain(DURATION_UNITS)
        .chain(BIT_RATE_UNITS)
}

/// Every unit spelling, for suggestions and completion.
pub fn unit_spellings() -> impl Iterator<Item = &'static str> {
    spelled_units().map(|(s, _)| *s).chain(["%"])
}

/// Every static unit, for [`Unit::of`]: those the tables spell (some more than once),
/// the count and the percentage, and the byte rates.
fn static_units() -> impl Iterator<Item = &'static UnitDef> {
    spelled_units()
        .map(|(_, def)| *def)
        .chain([&COUNT, &PERCENT])
        .chain(&BYTE_RATES)
}

fn lookup(table: &[(&str, &'static UnitDef)], word: &str) -> Option<&'static UnitDef> {
    table
        .iter()
        .find(|(s, _)| *s == word)
        .or_else(|| table.iter().find(|(s, _)| s.eq_ignore_ascii_case(word)))
        .map(|(_, def)| *def)
}

fn parse_unit(word: &str, text: &str) -> Result<Unit, QuantityError> {
    if word.is_empty() {
        return Ok(Unit(&COUNT));
    }
    if word == "%" {
        return Ok(Unit(&PERCENT));
    }
    if let Some(def) = lookup(BYTE_UNITS, word) {
        return Ok(Unit(def));
    }
    if let Some(def) = lookup(DURATION_UNITS, word) {
        return Ok(Unit(def));
    }
    if let Some(def) = lookup(BIT_RATE_UNITS, word) {
        return Ok(Unit(def));
    }
    if let Some(per) = word.strip_suffix("/s") {
        if let Some(def) = lookup(BYTE_UNITS, per) {
            let rate = BYTE_RATES
                .iter()
                .find(|r| r.symbol.strip_suffix("/s") == Some(def.symbol))
                .expect("every byte unit has a rate");
            return Ok(Unit(rate));
        }
        if per.chars().all(|c| c.is_ascii_alphabetic()) {
            return Ok(Unit::of(word, Dimension::CountRate, 1.0));
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
    Ok(Unit::of(word, Dimension::Count, 1.0))
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
    match unit.symbol {
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

    /// A unit is one word wherever it is kept, so a million-edge load's half a million
    /// quantities do not each carry a symbol and a factor; `Property` relies on this to
    /// stay at 96 bytes.
    #[test]
    fn values_and_properties_stay_small() {
        assert_eq!(std::mem::size_of::<Unit>(), 8);
        assert!(std::mem::size_of::<Value>() <= 32);
        assert!(std::mem::size_of::<crate::model::Property>() <= 96);
    }

    /// Table units are the tables' statics; another unit is made once and then shared,
    /// whether it comes from text or from the snapshot's and JSON's three fields.
    #[test]
    fn units_are_shared_and_keep_their_fields() {
        let same = |a: Unit, b: Unit| std::ptr::eq(a.0, b.0);
        assert!(same(q("1 KiB").unit, q("3 KB").unit));
        assert!(same(
            q("2 MB/s").unit,
            Unit::of("MB/s", Dimension::ByteRate, 1048576.0)
        ));
        let layers = q("5 layers").unit;
        assert!(same(layers, q("7 layers").unit));
        assert!(same(layers, Unit::of("layers", Dimension::Count, 1.0)));
        assert!(!same(layers, q("7 layers/s").unit));
        assert_eq!(q("7 layers/s").unit.dimension, Dimension::CountRate);
        for unit in [q("3 KB").unit, layers, q("1 Gbps").unit, q("12%").unit] {
            let json = serde_json::to_value(unit).unwrap();
            assert_eq!(json["symbol"], unit.symbol);
            assert_eq!(json["factor"], unit.factor);
            let back: Unit = serde_json::from_value(json).unwrap();
            assert!(same(back, unit), "{unit:?}");
        }
        assert_eq!(
            format!("{:?}", q("3 KB").unit),
            "Unit { symbol: \"KB\", dimension: Bytes, factor: 1024.0 }"
        );
    }

    #[test]
    fn amounts_format_like_the_docs() {
        assert_eq!(format_amount(10240.0), "10,240");
        assert_eq!(format_amount(1000.0), "1000");
        assert_eq!(format_amount(2.5), "2.5");
    }
}
