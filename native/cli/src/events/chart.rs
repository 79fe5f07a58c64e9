//! The report's timeline as inline SVG: one bar per time bucket from the first event to the
//! last (empty buckets included, so the x axis is linear in time), blocked events stacked
//! upwards and monitored ones downwards from the axis, one colour per rule. Each segment has a
//! `<title>`, which browsers show on hover without any script.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::html::esc;
use super::tally::{Counts, Summary};

const WIDTH: f64 = 1160.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 100.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 18.0;
const BOTTOM: f64 = 40.0;

/// Rules beyond this many share the grey of "other rules".
const COLOURED_RULES: usize = 9;
const PALETTE: [&str; COLOURED_RULES] = [
    "#d62728", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22",
];
pub const OTHER: &str = "other rules";
const OTHER_COLOUR: &str = "#7f7f7f";

/// The legend: each coloured rule (most events first) and its colour, then "other rules" if
/// there are more.
pub fn legend(summary: &Summary) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = summary
        .rules
        .iter()
        .take(COLOURED_RULES)
        .zip(PALETTE)
        .map(|(r, c)| (r.id.clone(), c))
        .collect();
    if summary.rules.len() > COLOURED_RULES {
        out.push((OTHER.to_string(), OTHER_COLOUR));
    }
    out
}

pub fn render(summary: &Summary) -> String {
    let mut svg = String::new();
    // Writing to a String cannot fail.
    let _ = draw(&mut svg, summary);
    svg
}

fn draw(svg: &mut String, s: &Summary) -> std::fmt::Result {
    write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="events per {} and rule">"#,
        s.bucket.name()
    )?;
    let (Some(first), Some(last)) = (s.timeline.first(), s.timeline.last()) else {
        write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle">no events</text></svg>"#,
            WIDTH / 2.0,
            HEIGHT / 2.0
        )?;
        return Ok(());
    };
    let legend = legend(s);
    let step = s.bucket.millis();
    let slots = ((last.start_ms - first.start_ms) / step + 1) as f64;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot_w = plot_w / slots;
    // Thin bars when there are few, so one bucket does not look like a wall.
    let bar_w = if slot_w > 4.0 {
        (slot_w * 0.8).min(36.0)
    } else {
        slot_w
    };
    let max_blocked = s
        .timeline
        .iter()
        .map(|b| b.counts.blocked)
        .max()
        .unwrap_or(0);
    let max_monitored = s
        .timeline
        .iter()
        .map(|b| b.counts.monitored)
        .max()
        .unwrap_or(0);
    let scale = plot_h / (max_blocked + max_monitored).max(1) as f64;
    let axis_y = TOP + max_blocked as f64 * scale;

    // Axis, its counts and which side is which.
    write!(
        svg,
        r##"<line x1="{LEFT}" y1="{axis_y:.1}" x2="{:.1}" y2="{axis_y:.1}" stroke="#444"/>"##,
        WIDTH - RIGHT
    )?;
    // The largest bar of each side at its end of the plot: the axis itself needs no label,
    // and a label next to it would collide with one of these when a side is short.
    let label_x = LEFT - 6.0;
    if max_blocked > 0 {
        write!(
            svg,
            r#"<text x="{label_x}" y="{:.1}" text-anchor="end"><tspan class="side">blocked ↑</tspan> {max_blocked}</text>"#,
            TOP + 8.0
        )?;
    }
    if max_monitored > 0 {
        write!(
            svg,
            r#"<text x="{label_x}" y="{:.1}" text-anchor="end"><tspan class="side">monitored ↓</tspan> {max_monitored}</text>"#,
            TOP + plot_h
        )?;
    }

    for bar in &s.timeline {
        let slot = ((bar.start_ms - first.start_ms) / step) as f64;
        let x = LEFT + slot * slot_w + (slot_w - bar_w) / 2.0;
        let when = s.bucket.label(bar.start_ms);
        let groups = by_legend(&bar.rules, &legend);
        let mut up = axis_y;
        let mut down = axis_y;
        for (name, colour, counts) in &groups {
            if counts.blocked > 0 {
                let h = counts.blocked as f64 * scale;
                up -= h;
                segment(
                    svg,
                    x,
                    up,
                    bar_w,
                    h,
                    colour,
                    1.0,
                    name,
                    counts.blocked,
                    "blocked",
                    &when,
                )?;
            }
            if counts.monitored > 0 {
                let h = counts.monitored as f64 * scale;
                segment(
                    svg,
                    x,
                    down,
                    bar_w,
                    h,
                    colour,
                    0.55,
                    name,
                    counts.monitored,
                    "monitored",
                    &when,
                )?;
                down += h;
            }
        }
    }

    // About six time labels, evenly spread, never overlapping.
    let every = ((slots / 6.0).ceil() as i64).max(1);
    let mut slot = 0i64;
    while (slot as f64) < slots {
        let start = first.start_ms + slot * step;
        let x = LEFT + (slot as f64 + 0.5) * slot_w;
        write!(
            svg,
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#999"/><text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            HEIGHT - BOTTOM + 2.0,
            HEIGHT - BOTTOM + 7.0,
            HEIGHT - BOTTOM + 22.0,
            esc(&s.bucket.label(start))
        )?;
        slot += every;
    }
    svg.push_str("</svg>");
    Ok(())
}

/// A bar's counts grouped as the legend shows them, in legend order.
fn by_legend<'a>(
    rules: &BTreeMap<String, Counts>,
    legend: &'a [(String, &'static str)],
) -> Vec<(&'a str, &'static str, Counts)> {
    let mut groups: Vec<(&str, &'static str, Counts)> = legend
        .iter()
        .map(|(name, colour)| (name.as_str(), *colour, Counts::default()))
        .collect();
    for (rule, counts) in rules {
        let at = groups
            .iter()
            .position(|(name, _, _)| *name == rule)
            .or_else(|| groups.iter().position(|(name, _, _)| *name == OTHER));
        if let Some(at) = at {
            let g = &mut groups[at].2;
            g.events += counts.events;
            g.blocked += counts.blocked;
            g.monitored += counts.monitored;
        }
    }
    groups
}

#[allow(clippy::too_many_arguments)]
fn segment(
    svg: &mut String,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    colour: &str,
    opacity: f64,
    rule: &str,
    n: u64,
    action: &str,
    when: &str,
) -> std::fmt::Result {
    write!(
        svg,
        r#"<rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="{colour}" fill-opacity="{opacity}"><title>{} {n} {action}, {}</title></rect>"#,
        esc(rule),
        esc(when)
    )
}
