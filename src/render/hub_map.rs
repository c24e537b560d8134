//! The map of hub pages (actor chapters) and their strongest ties, drawn at
//! build time as inline SVG.
//!
//! Hubs that share pages are tied, and on a small, well-connected site every
//! hub shares something with every other: drawing all ties gives a complete
//! graph that says nothing. The map keeps each hub's [`TIES_PER_HUB`]
//! strongest ties (by pages shared), so what stands out is who works most
//! with whom. A tie reads without colour: its width grows with the pages
//! shared, ties under half the strongest are dashed, and each carries its
//! number. Labels are written in full, wrapped over lines, placed away from
//! the middle so they do not sit on the lines. The same ties are listed as
//! text next to the map (`SiteView::hub_ties`).

use crate::html::escape;
use std::fmt::Write;

/// How many of its strongest ties each hub keeps on the map.
pub const TIES_PER_HUB: usize = 2;

/// Characters per line of a node's label before it wraps.
const LABEL_CHARS: usize = 20;
const LINE_H: f64 = 17.0;
/// The drawing: room at the sides for labels of up to [`LABEL_CHARS`], above and below for five lines.
const W: f64 = 900.0;
const H: f64 = 620.0;
/// Half the width and height of the ellipse the nodes sit on.
const RX: f64 = 205.0;
const RY: f64 = 200.0;

/// A node of the hub map.
#[derive(Debug, Clone)]
pub struct MapNode {
    /// Label.
    pub title: String,
    /// Link target.
    pub url: String,
    /// Fill colour.
    pub color: String,
}

/// A tie between two hubs (their indexes in the node list) and the pages they share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tie {
    /// One hub.
    pub a: usize,
    /// The other hub.
    pub b: usize,
    /// Pages that refer to both.
    pub shared: usize,
}

/// The ties among `ties` that are one of the `per_hub` strongest of either
/// of their hubs, strongest first. Ties of equal strength keep their order,
/// so the map is the same on every build.
pub fn strongest(ties: &[Tie], nodes: usize, per_hub: usize) -> Vec<Tie> {
    let mut ranked: Vec<Tie> = ties.iter().copied().filter(|t| t.shared > 0).collect();
    ranked.sort_by_key(|t| std::cmp::Reverse(t.shared));
    let mut kept_per_hub = vec![0; nodes];
    let mut kept = Vec::new();
    for tie in ranked {
        if kept_per_hub[tie.a] < per_hub || kept_per_hub[tie.b] < per_hub {
            kept_per_hub[tie.a] += 1;
            kept_per_hub[tie.b] += 1;
            kept.push(tie);
        }
    }
    kept
}

/// The map: nodes on an ellipse, `ties` as lines with their numbers.
pub fn draw(nodes: &[MapNode], ties: &[Tie], label: &str) -> String {
    if nodes.is_empty() {
        return String::new();
    }
    let angles: Vec<f64> =
        (0..nodes.len()).map(|i| std::f64::consts::TAU * i as f64 / nodes.len() as f64 - std::f64::consts::FRAC_PI_2).collect();
    let pos: Vec<(f64, f64)> = angles.iter().map(|a| (W / 2.0 + RX * a.cos(), H / 2.0 + RY * a.sin())).collect();
    let mut svg = String::new();
    // No role="img" here: that would hide the links to the chapters from assistive technology.
    let _ =
        write!(svg, r#"<svg class="hub-map" viewBox="0 0 {W} {H}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#, escape(label));
    let max = ties.iter().map(|t| t.shared).max().unwrap_or(1).max(1);
    for tie in ties {
        svg.push_str(&line(tie, nodes, &pos, max));
    }
    for tie in ties {
        svg.push_str(&count(tie, &pos));
    }
    for ((node, &(x, y)), angle) in nodes.iter().zip(&pos).zip(&angles) {
        let _ = write!(
            svg,
            r#"<a href="{}"><circle cx="{x:.1}" cy="{y:.1}" r="16" style="fill:{}" class="hub-node"/>{}</a>"#,
            escape(&node.url),
            escape(&node.color),
            node_label(&node.title, x, y, *angle)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A tie's line: wider the more pages it stands for, dashed under half the strongest.
fn line(tie: &Tie, nodes: &[MapNode], pos: &[(f64, f64)], max: usize) -> String {
    let ((x1, y1), (x2, y2)) = (pos[tie.a], pos[tie.b]);
    let width = 2.0 + 8.0 * tie.shared as f64 / max as f64;
    let weak = if tie.shared * 2 < max { " hub-edge-weak" } else { "" };
    format!(
        r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" class="hub-edge{weak}" style="stroke-width:{width:.1}"><title>{} – {}: {}</title></line>"#,
        escape(&nodes[tie.a].title),
        escape(&nodes[tie.b].title),
        tie.shared
    )
}

/// The number of shared pages on a tie, a little off its middle, so that
/// ties crossing in the centre of the map keep their numbers apart.
fn count(tie: &Tie, pos: &[(f64, f64)]) -> String {
    let ((x1, y1), (x2, y2)) = (pos[tie.a], pos[tie.b]);
    let (x, y) = (x1 + (x2 - x1) * 0.38, y1 + (y2 - y1) * 0.38);
    format!(
        r#"<g class="hub-count" aria-hidden="true"><circle cx="{x:.1}" cy="{y:.1}" r="12"/><text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text></g>"#,
        y + 4.5,
        tie.shared
    )
}

/// A node's label in full, one `<tspan>` per line, on the side of the node away from the middle.
fn node_label(title: &str, x: f64, y: f64, angle: f64) -> String {
    let lines = wrap(title, LABEL_CHARS);
    let n = lines.len() as f64;
    let (cos, sin) = (angle.cos(), angle.sin());
    let (anchor, lx, first_y) = if cos > 0.3 {
        ("start", x + 24.0, y - (n - 1.0) * LINE_H / 2.0 + 5.0)
    } else if cos < -0.3 {
        ("end", x - 24.0, y - (n - 1.0) * LINE_H / 2.0 + 5.0)
    } else if sin < 0.0 {
        ("middle", x, y - 26.0 - (n - 1.0) * LINE_H)
    } else {
        ("middle", x, y + 36.0)
    };
    let mut text = format!(r#"<text class="hub-label" text-anchor="{anchor}" x="{lx:.1}" y="{first_y:.1}">"#);
    for (i, line) in lines.iter().enumerate() {
        let dy = if i == 0 { 0.0 } else { LINE_H };
        let _ = write!(text, r#"<tspan x="{lx:.1}" dy="{dy}">{}</tspan>"#, escape(line));
    }
    text.push_str("</text>");
    text
}

/// `text` in lines of at most `width` characters, broken between words (a longer word gets a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tie(a: usize, b: usize, shared: usize) -> Tie {
        Tie { a, b, shared }
    }

    #[test]
    fn each_hub_keeps_only_its_strongest_ties() {
        // Four hubs, all tied: a complete graph of six ties.
        let all = [tie(0, 1, 9), tie(0, 2, 1), tie(0, 3, 2), tie(1, 2, 5), tie(1, 3, 1), tie(2, 3, 7)];
        let kept = strongest(&all, 4, 1);
        assert_eq!(kept, [tie(0, 1, 9), tie(2, 3, 7)]);
        let kept = strongest(&all, 4, 2);
        assert_eq!(kept, [tie(0, 1, 9), tie(2, 3, 7), tie(1, 2, 5), tie(0, 3, 2)]);
        assert!(strongest(&[tie(0, 1, 0)], 2, 2).is_empty(), "hubs that share nothing are not tied");
    }

    #[test]
    fn labels_are_wrapped_in_full() {
        let lines = wrap("Andre offentlige arbejdspladser inden for samme kommune, region eller ministerområde", 20);
        assert_eq!(lines, ["Andre offentlige", "arbejdspladser inden", "for samme kommune,", "region eller", "ministerområde"]);
        let svg = node_label("Andre offentlige arbejdspladser", 10.0, 10.0, 0.0);
        assert!(svg.contains(">Andre offentlige</tspan>") && svg.contains(">arbejdspladser</tspan>"), "{svg}");
        assert!(!svg.contains('…'));
    }

    #[test]
    fn ties_carry_their_numbers_and_weak_ones_are_dashed() {
        let nodes: Vec<MapNode> =
            ["A", "B", "C"].iter().map(|t| MapNode { title: t.to_string(), url: format!("/{t}/"), color: "#123456".into() }).collect();
        let svg = draw(&nodes, &[tie(0, 1, 10), tie(1, 2, 3)], "Kort");
        assert!(svg.contains(r#"class="hub-edge" style="stroke-width:10.0"><title>A – B: 10</title>"#), "{svg}");
        assert!(svg.contains(r#"class="hub-edge hub-edge-weak" style="stroke-width:4.4"><title>B – C: 3</title>"#), "{svg}");
        assert!(svg.contains(">10</text>") && svg.contains(">3</text>"), "{svg}");
        assert!(!svg.contains("A – C"), "{svg}");
    }
}
