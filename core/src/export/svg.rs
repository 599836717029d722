//! The diagram as a standalone SVG: boundaries as dashed frames, nodes in their conventional
//! shapes ([`crate::diagram`]), flows as arrows labelled with their name and data-class chips,
//! and a severity marker (a colored dot with the count) on every element with open findings.
//!
//! Self-contained: no scripts, no fonts, no images, no external references; colors through
//! presentation attributes (no `style`), so the same markup can be inlined into the HTML
//! report under its Content-Security-Policy. Every user string is XML-escaped.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::check::Report;
use crate::diagram::{
    self, boundary_color, kind_colors, num, severity_color, text_width, tier_colors, truncate, wrap,
};
use crate::finding::{Severity, SubjectKind};
use crate::model::{Model, NodeKind, Rect};
use crate::taxonomy::Taxonomy;

use super::escape::{visible, xml};

/// Space around the drawing.
const PADDING: f64 = 24.0;
const FONT: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const INK: &str = "#0f172a";
const MUTED: &str = "#64748b";
const EDGE: &str = "#64748b";
const LABEL_SIZE: f64 = 10.5;
const CHIP_SIZE: f64 = 9.0;
const CHIP_HEIGHT: f64 = 13.0;
const CHIP_ROW: f64 = 170.0;
/// The size at which to measure 12-unit bold text with [`text_width`].
const BOLD_12: f64 = 12.0 * 1.08;

/// Open findings (not waived) of one element: how many and the worst severity.
#[derive(Clone, Copy)]
struct Marker {
    count: usize,
    worst: Severity,
}

fn markers(report: &Report) -> BTreeMap<(SubjectKind, &str), Marker> {
    let mut markers: BTreeMap<(SubjectKind, &str), Marker> = BTreeMap::new();
    for finding in report.findings.iter().filter(|f| !f.waived) {
        let entry = markers
            .entry((finding.subject.kind, finding.subject.id.as_str()))
            .or_insert(Marker {
                count: 0,
                worst: finding.severity,
            });
        entry.count += 1;
        entry.worst = entry.worst.max(finding.severity);
    }
    markers
}

/// The diagram of a model as an SVG document (no XML declaration, so it can be inlined).
pub fn svg(model: &Model, report: &Report) -> String {
    let scene = diagram::scene(model);
    let taxonomy = Taxonomy::of(model);
    let markers = markers(report);
    let mut body = String::new();
    // Severity markers, drawn last, above everything.
    let mut top = String::new();
    let mut extent = scene.bounds;

    // Frames, outermost first.
    body.push_str("<g class=\"boundaries\">\n");
    for placed in &scene.boundaries {
        let boundary = &model.boundaries[placed.index];
        let color = boundary_color(boundary.kind);
        let r = placed.rect;
        let _ = writeln!(
            body,
            "<g><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"12\" fill=\"{color}\" fill-opacity=\"0.04\" stroke=\"{color}\" stroke-width=\"1.5\" stroke-dasharray=\"7 5\"/>",
            xml(&format!("{} ({}, {})", boundary.name, boundary.id, boundary.kind)),
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h)
        );
        let kind = boundary.kind.as_str();
        let room = (r.w - 24.0 - text_width(kind, 10.0) - 8.0).max(20.0);
        let name = truncate(&visible(&boundary.name), room, BOLD_12);
        let name_width = diagram::bold_width(&name, 12.0);
        let _ = writeln!(
            body,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"600\" fill=\"{color}\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{MUTED}\">{kind}</text>",
            num(r.x + 12.0),
            num(r.y + 19.0),
            xml(&name),
            num(r.x + 12.0 + name_width + 8.0),
            num(r.y + 19.0)
        );
        if let Some(marker) = markers.get(&(SubjectKind::Boundary, boundary.id.as_str())) {
            let at = (
                r.x + 12.0 + name_width + 8.0 + text_width(kind, 10.0) + 14.0,
                r.y + 15.0,
            );
            write_marker(&mut top, *marker, at);
        }
        body.push_str("</g>\n");
    }
    body.push_str("</g>\n");

    // Flow lines (labels come after the nodes, so they stay readable).
    body.push_str("<g class=\"flows\" fill=\"none\">\n");
    for placed in &scene.flows {
        let flow = &model.flows[placed.index];
        let marker = markers.get(&(SubjectKind::Flow, flow.id.as_str()));
        let (color, arrow) = match marker {
            Some(m) => (severity_color(m.worst), format!("fm-arrow-{}", m.worst)),
            None => (EDGE, "fm-arrow".to_owned()),
        };
        let _ = writeln!(
            body,
            "<path d=\"{}\" stroke=\"{color}\" stroke-width=\"1.6\"{} marker-end=\"url(#{arrow})\"><title>{}</title></path>",
            placed.edge.path(),
            if flow.encrypted { "" } else { " stroke-dasharray=\"4 3\"" },
            xml(&flow_title(model, placed.index))
        );
    }
    body.push_str("</g>\n");

    // Nodes.
    body.push_str("<g class=\"nodes\">\n");
    for placed in &scene.nodes {
        let node = &model.nodes[placed.index];
        let (fill, stroke) = kind_colors(node.kind);
        let outline = diagram::node_outline(node.kind, placed.rect);
        let _ = write!(
            body,
            "<g><title>{}</title><path d=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>",
            xml(&format!("{} ({}, {})", node.name, node.id, node.kind)),
            outline.body
        );
        for detail in &outline.details {
            let _ = write!(
                body,
                "<path d=\"{detail}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"1.2\"/>"
            );
        }
        let label = diagram::label_box(node.kind, placed.rect);
        let cx = label.x + label.w / 2.0;
        let caption = match &node.technology {
            Some(t) if !t.trim().is_empty() => format!("{} · {t}", node.kind),
            _ => node.kind.as_str().to_owned(),
        };
        let lines = {
            let lines = wrap(&visible(&node.name), label.w, BOLD_12, 2);
            if lines.is_empty() {
                vec![node.id.clone()]
            } else {
                lines
            }
        };
        let block = lines.len() as f64 * 14.0 + 12.0;
        let mut y = label.y + (label.h - block) / 2.0 + 11.0;
        for line in &lines {
            let _ = write!(
                body,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"600\" fill=\"{INK}\">{}</text>",
                num(cx),
                num(y),
                xml(line)
            );
            y += 14.0;
        }
        let _ = write!(
            body,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"9.5\" fill=\"{MUTED}\">{}</text>",
            num(cx),
            num(y),
            xml(&truncate(&visible(&caption), label.w, 9.5))
        );
        if let Some(marker) = markers.get(&(SubjectKind::Node, node.id.as_str())) {
            let r = placed.rect;
            write_marker(&mut top, *marker, (r.x + r.w - 6.0, r.y + 4.0));
        }
        body.push_str("</g>\n");
    }
    body.push_str("</g>\n");

    // Flow labels: the name, then the declared data classes as chips.
    body.push_str("<g class=\"labels\">\n");
    // Labels avoid the boxes and the labels placed before them.
    let mut obstacles: Vec<Rect> = scene
        .nodes
        .iter()
        .map(|n| diagram::inflate(n.rect, 3.0))
        .collect();
    for placed in &scene.flows {
        let flow = &model.flows[placed.index];
        let name = truncate(&visible(&flow.name), 150.0, LABEL_SIZE);
        let chips: Vec<(String, u8)> = flow
            .data
            .iter()
            .map(|id| {
                let tier = taxonomy.index(id).map_or(0, |c| taxonomy.class(c).tier);
                (id.clone(), tier)
            })
            .collect();
        if name.is_empty() && chips.is_empty() {
            continue;
        }
        // Chips in rows of at most CHIP_ROW units.
        let mut rows: Vec<Vec<(String, u8, f64)>> = Vec::new();
        let mut row_width = 0.0;
        for (id, tier) in chips {
            let label = truncate(&visible(&id), CHIP_ROW - 8.0, CHIP_SIZE);
            let w = text_width(&label, CHIP_SIZE) + 8.0;
            if rows.is_empty() || row_width + w > CHIP_ROW {
                rows.push(Vec::new());
                row_width = 0.0;
            }
            row_width += w + 3.0;
            rows.last_mut()
                .expect("pushed above")
                .push((label, tier, w));
        }
        let row_widths: Vec<f64> = rows
            .iter()
            .map(|r| r.iter().map(|c| c.2 + 3.0).sum::<f64>() - 3.0)
            .collect();
        let name_height = if name.is_empty() { 0.0 } else { 13.0 };
        let width = row_widths
            .iter()
            .copied()
            .fold(text_width(&name, LABEL_SIZE), f64::max)
            + 10.0;
        let height = name_height + rows.len() as f64 * (CHIP_HEIGHT + 2.0) + 4.0;
        let spot = diagram::place_label(&placed.edge, width, height, &obstacles);
        obstacles.push(diagram::inflate(spot, 2.0));
        let (bx, by) = (spot.x, spot.y);
        let mid = diagram::center(spot);
        extent = diagram::union(extent, spot);
        let _ = write!(
            body,
            "<g><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"#ffffff\" fill-opacity=\"0.92\" stroke=\"#e2e8f0\"/>",
            num(bx),
            num(by),
            num(width),
            num(height)
        );
        let mut y = by + 2.0;
        if !name.is_empty() {
            let _ = write!(
                body,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{LABEL_SIZE}\" fill=\"#334155\">{}</text>",
                num(mid.x),
                num(y + 9.5),
                xml(&name)
            );
            y += name_height;
        }
        for (row, row_w) in rows.iter().zip(&row_widths) {
            let mut x = mid.x - row_w / 2.0;
            for (label, tier, w) in row {
                let (background, ink) = tier_colors(*tier);
                let _ = write!(
                    body,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{CHIP_HEIGHT}\" rx=\"6.5\" fill=\"{background}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{CHIP_SIZE}\" font-weight=\"600\" fill=\"{ink}\">{}</text>",
                    num(x),
                    num(y + 1.0),
                    num(*w),
                    num(x + w / 2.0),
                    num(y + 10.5),
                    xml(label)
                );
                x += w + 3.0;
            }
            y += CHIP_HEIGHT + 2.0;
        }
        if let Some(marker) = markers.get(&(SubjectKind::Flow, flow.id.as_str())) {
            write_marker(&mut top, *marker, (bx + width - 2.0, by + 1.0));
        }
        body.push_str("</g>\n");
    }
    body.push_str("</g>\n");

    body.push_str("<g class=\"markers\">\n");
    body.push_str(&top);
    body.push_str("</g>\n");

    // The legend, below the drawing.
    let legend_top = extent.y + extent.h + 28.0;
    let legend_width = write_legend(&mut body, extent.x, legend_top);
    extent = diagram::union(
        extent,
        Rect {
            x: extent.x,
            y: legend_top,
            w: legend_width,
            h: 44.0,
        },
    );

    let view = diagram::inflate(extent, PADDING);
    let mut out = String::with_capacity(body.len() + 2048);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{} {} {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-labelledby=\"fm-title\" font-family=\"{FONT}\">",
        num(view.x),
        num(view.y),
        num(view.w),
        num(view.h),
        num(view.w),
        num(view.h)
    );
    let _ = writeln!(
        out,
        "<title id=\"fm-title\">{}</title>",
        xml(&format!("Data-flow diagram: {}", model.name))
    );
    out.push_str("<defs>\n");
    let mut arrow = |id: &str, color: &str| {
        let _ = writeln!(
            out,
            "<marker id=\"{id}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" fill=\"{color}\"/></marker>"
        );
    };
    arrow("fm-arrow", EDGE);
    for severity in Severity::DESCENDING {
        arrow(&format!("fm-arrow-{severity}"), severity_color(severity));
    }
    out.push_str("</defs>\n");
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
        num(view.x),
        num(view.y),
        num(view.w),
        num(view.h)
    );
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
}

/// `Name (id): from → to, encrypted, …` for a flow's tooltip.
fn flow_title(model: &Model, f: usize) -> String {
    let flow = &model.flows[f];
    let name_of = |id: &str| model.node(id).map_or(id.to_owned(), |n| n.name.clone());
    let mut facts = Vec::new();
    if let Some(protocol) = &flow.protocol {
        facts.push(protocol.clone());
    }
    facts.push(
        if flow.encrypted {
            "encrypted"
        } else {
            "not encrypted"
        }
        .to_owned(),
    );
    if flow.authenticated {
        facts.push("authenticated".into());
    }
    if flow.monitored {
        facts.push("monitored".into());
    }
    format!(
        "{} ({}): {} → {}; {}",
        flow.name,
        flow.id,
        name_of(&flow.from),
        name_of(&flow.to),
        facts.join(", ")
    )
}

/// A severity dot centred at `at`, with the number of open findings.
fn write_marker(out: &mut String, marker: Marker, at: (f64, f64)) {
    if !out.is_empty() {
        out.push('\n');
    }
    let count = marker.count.to_string();
    let r = if count.len() > 1 { 9.0 } else { 8.0 };
    let _ = write!(
        out,
        "<g><title>{} open finding{}, worst {}</title><circle cx=\"{}\" cy=\"{}\" r=\"{r}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"9\" font-weight=\"700\" fill=\"#ffffff\">{count}</text></g>",
        marker.count,
        if marker.count == 1 { "" } else { "s" },
        marker.worst,
        num(at.0),
        num(at.1),
        severity_color(marker.worst),
        num(at.0),
        num(at.1 + 3.2)
    );
}

/// The key to shapes, chips and markers; returns its width.
fn write_legend(out: &mut String, left: f64, top: f64) -> f64 {
    let mut x = left;
    out.push_str("<g class=\"legend\">\n");
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"10\" font-weight=\"600\" fill=\"{MUTED}\">KEY</text>",
        num(x),
        num(top + 14.0)
    );
    x += 34.0;
    for kind in NodeKind::ALL {
        let rect = Rect {
            x,
            y: top + 3.0,
            w: 34.0,
            h: 16.0,
        };
        let (fill, stroke) = kind_colors(*kind);
        let outline = diagram::node_outline(*kind, rect);
        let _ = write!(
            out,
            "<path d=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.2\"/>",
            outline.body
        );
        for detail in &outline.details {
            let _ = write!(
                out,
                "<path d=\"{detail}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"1\"/>"
            );
        }
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{INK}\">{kind}</text>",
            num(x + 40.0),
            num(top + 14.0)
        );
        x += 40.0 + text_width(kind.as_str(), 10.0) + 16.0;
    }
    // A trust boundary and an unencrypted flow.
    let _ = write!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"34\" height=\"16\" rx=\"5\" fill=\"none\" stroke=\"#475569\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"/><text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{INK}\">trust boundary</text>",
        num(x),
        num(top + 3.0),
        num(x + 40.0),
        num(top + 14.0)
    );
    x += 40.0 + text_width("trust boundary", 10.0) + 16.0;
    let _ = write!(
        out,
        "<path d=\"M{} {}h30\" stroke=\"{EDGE}\" stroke-width=\"1.6\" stroke-dasharray=\"4 3\" marker-end=\"url(#fm-arrow)\"/><text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{INK}\">not encrypted</text>",
        num(x),
        num(top + 11.0),
        num(x + 40.0),
        num(top + 14.0)
    );
    x += 40.0 + text_width("not encrypted", 10.0) + 16.0;
    let first_row = x - left;

    // Second row: data-class tiers and severities.
    let y = top + 26.0;
    let mut x = left + 34.0;
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{MUTED}\">data-class tier</text>",
        num(x),
        num(y + 10.0)
    );
    x += text_width("data-class tier", 10.0) + 8.0;
    for tier in 0..=6u8 {
        let (background, ink) = tier_colors(tier);
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"18\" height=\"{CHIP_HEIGHT}\" rx=\"6.5\" fill=\"{background}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{CHIP_SIZE}\" font-weight=\"600\" fill=\"{ink}\">{tier}</text>",
            num(x),
            num(y),
            num(x + 9.0),
            num(y + 9.5)
        );
        x += 21.0;
    }
    x += 16.0;
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{MUTED}\">open findings</text>",
        num(x),
        num(y + 10.0)
    );
    x += text_width("open findings", 10.0) + 12.0;
    for severity in Severity::DESCENDING {
        let _ = write!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"6\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{INK}\">{severity}</text>",
            num(x + 6.0),
            num(y + 6.5),
            severity_color(severity),
            num(x + 16.0),
            num(y + 10.0)
        );
        x += 16.0 + text_width(severity.as_str(), 10.0) + 14.0;
    }
    out.push_str("</g>\n");
    first_row.max(x - left)
}
