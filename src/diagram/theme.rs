//! Colours and group styles shared by every diagram backend (DOT, SVG fallback,
//! Mermaid, GraphML), so a service looks the same in each.
//!
//! The category colours follow the AWS Architecture Icons palette, which is what readers
//! of AWS diagrams already associate with each family of services.

use super::GroupStyle;

/// Fill for nodes outside the knowledge graph and for unknown categories.
pub const NEUTRAL: &str = "#7D8998";
/// AWS "squid ink": titles and dark text.
pub const INK: &str = "#232F3E";
/// Edges and their labels.
pub const EDGE: &str = "#545B64";
/// One font list for all backends; Graphviz takes the first it finds.
pub const FONT: &str = "Helvetica,Arial,sans-serif";

/// The icon colour of a category (`analytics` → purple).
pub fn category_color(category: &str) -> &'static str {
    match category {
        "analytics" => "#8C4FFF",
        "application-integration" => "#E7157B",
        "compute" | "containers" => "#ED7100",
        "cost-management" => "#7AA116",
        "database" => "#C925D1",
        "developer-tools" => "#C925D1",
        "machine-learning" => "#01A88D",
        "management-governance" => "#E7157B",
        "migration-transfer" => "#01A88D",
        "networking" => "#8C4FFF",
        "security-identity-compliance" => "#DD344C",
        "storage" => "#7AA116",
        _ => NEUTRAL,
    }
}

/// The display name of a category, as AWS writes it.
pub fn category_title(category: &str) -> String {
    match category {
        "analytics" => "Analytics".into(),
        "application-integration" => "Application Integration".into(),
        "compute" => "Compute".into(),
        "containers" => "Containers".into(),
        "cost-management" => "Cloud Financial Management".into(),
        "database" => "Database".into(),
        "developer-tools" => "Developer Tools".into(),
        "machine-learning" => "Machine Learning".into(),
        "management-governance" => "Management & Governance".into(),
        "migration-transfer" => "Migration & Transfer".into(),
        "networking" => "Networking & Content Delivery".into(),
        "security-identity-compliance" => "Security, Identity & Compliance".into(),
        "storage" => "Storage".into(),
        "" => "Other".into(),
        other => other.replace('-', " "),
    }
}

/// `color` mixed with white; `amount` 0.0 keeps the colour, 1.0 gives white. Used for
/// cluster shading and for the lighter fill of components and concepts.
pub fn tint(color: &str, amount: f64) -> String {
    let Some((r, g, b)) = rgb(color) else {
        return color.to_string();
    };
    let mix = |c: u8| {
        let c = f64::from(c);
        (c + (255.0 - c) * amount.clamp(0.0, 1.0)).round() as u8
    };
    format!("#{:02X}{:02X}{:02X}", mix(r), mix(g), mix(b))
}

/// `color` darkened towards black by `amount`, for borders of filled boxes.
pub fn shade(color: &str, amount: f64) -> String {
    let Some((r, g, b)) = rgb(color) else {
        return color.to_string();
    };
    let mix = |c: u8| (f64::from(c) * (1.0 - amount.clamp(0.0, 1.0))).round() as u8;
    format!("#{:02X}{:02X}{:02X}", mix(r), mix(g), mix(b))
}

/// `#RRGGBB` → components.
pub fn rgb(color: &str) -> Option<(u8, u8, u8)> {
    let hex = color.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((c(0)?, c(2)?, c(4)?))
}

/// How a group is drawn: border colour, border style, fill.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupLook {
    pub border: String,
    /// Graphviz style words: `solid`, `dashed`, `dotted`, plus `rounded`/`filled`.
    pub line: &'static str,
    pub fill: Option<String>,
    pub font: String,
    pub pen_width: f64,
}

/// The look of a group. `category` colours category clusters; `depth` (0 for a top-level
/// group) shades nested part-of clusters progressively darker.
pub fn group_look(style: GroupStyle, category: Option<&str>, depth: usize) -> GroupLook {
    let look = |border: &str, line, fill: Option<&str>, width| GroupLook {
        border: border.to_string(),
        line,
        fill: fill.map(str::to_string),
        font: border.to_string(),
        pen_width: width,
    };
    match style {
        GroupStyle::Cloud => GroupLook {
            font: INK.into(),
            ..look(INK, "solid", Some("#FFFFFF"), 1.5)
        },
        GroupStyle::Region => look("#00A4A6", "dotted", None, 2.0),
        GroupStyle::AvailabilityZone => look("#00A4A6", "dashed", Some("#F7FBFB"), 1.5),
        GroupStyle::Vpc => look("#8C4FFF", "solid", Some("#FCFAFF"), 1.5),
        GroupStyle::PublicSubnet => look("#7AA116", "solid", Some("#F2F6E8"), 1.5),
        GroupStyle::PrivateSubnet => look("#147EBA", "solid", Some("#E6F2F8"), 1.5),
        GroupStyle::SecurityGroup => look("#DD344C", "solid", None, 1.5),
        GroupStyle::AutoScaling => look("#ED7100", "dashed", None, 1.5),
        GroupStyle::OnPremises => GroupLook {
            font: INK.into(),
            ..look(NEUTRAL, "solid", Some("#F4F5F6"), 1.5)
        },
        GroupStyle::Generic => GroupLook {
            font: INK.into(),
            ..look(NEUTRAL, "dashed", None, 1.2)
        },
        GroupStyle::Category => {
            let c = category_color(category.unwrap_or(""));
            look(c, "solid", Some(&tint(c, 0.93)), 1.2)
        }
        GroupStyle::Component => {
            let level = 0.97 - 0.04 * depth.min(5) as f64;
            GroupLook {
                font: INK.into(),
                ..look("#AAB7B8", "solid", Some(&tint("#000000", level)), 1.0)
            }
        }
    }
}

/// Fill, border and text colour of a node box.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeLook {
    pub fill: String,
    pub border: String,
    pub font: String,
    /// Graphviz style words.
    pub style: &'static str,
}

/// Services are solid boxes in their category colour (like AWS icons); components,
/// features and concepts are light boxes with a coloured border, so the services stand
/// out; external things are plain white dashed boxes.
pub fn node_look(category: Option<&str>, kind: Option<&str>, external: bool) -> NodeLook {
    if external {
        return NodeLook {
            fill: "#FFFFFF".into(),
            border: NEUTRAL.into(),
            font: INK.into(),
            style: "rounded,filled,dashed",
        };
    }
    let c = category_color(category.unwrap_or(""));
    match kind {
        Some("service") | None => NodeLook {
            fill: c.into(),
            border: shade(c, 0.25),
            font: "#FFFFFF".into(),
            style: "rounded,filled",
        },
        Some(_) => NodeLook {
            fill: tint(c, 0.85),
            border: c.into(),
            font: INK.into(),
            style: "rounded,filled",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tint_and_shade_mix_towards_white_and_black() {
        assert_eq!(tint("#000000", 0.5), "#808080");
        assert_eq!(tint("#8C4FFF", 0.0), "#8C4FFF");
        assert_eq!(tint("#8C4FFF", 1.0), "#FFFFFF");
        assert_eq!(shade("#FFFFFF", 0.5), "#808080");
        assert_eq!(tint("red", 0.5), "red");
    }

    #[test]
    fn every_category_of_the_brief_has_an_aws_colour() {
        for c in [
            "analytics",
            "application-integration",
            "compute",
            "containers",
            "cost-management",
            "database",
            "developer-tools",
            "machine-learning",
            "management-governance",
            "migration-transfer",
            "networking",
            "security-identity-compliance",
            "storage",
        ] {
            assert_ne!(category_color(c), NEUTRAL, "{c}");
            assert!(!category_title(c).contains('-'), "{c}");
        }
    }

    #[test]
    fn subnets_are_green_and_blue() {
        assert_eq!(
            group_look(GroupStyle::PublicSubnet, None, 0).border,
            "#7AA116"
        );
        assert_eq!(
            group_look(GroupStyle::PrivateSubnet, None, 0).border,
            "#147EBA"
        );
        assert_eq!(group_look(GroupStyle::Region, None, 0).line, "dotted");
        assert_eq!(
            group_look(GroupStyle::AvailabilityZone, None, 0).line,
            "dashed"
        );
    }
}
