//! `rasp events summary` as text: a header, the counts, the rules with their first and last
//! event, the top routes and inputs, and the timeline.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::tally::{ranked, Counts, Summary};

pub fn render(s: &Summary) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_all(&mut out, s);
    out
}

fn write_all(out: &mut String, s: &Summary) -> std::fmt::Result {
    writeln!(out, "events: {} in {} file(s)", s.events, s.files.len())?;
    if let (Some(first), Some(last)) = (&s.first, &s.last) {
        writeln!(out, "from {first} to {last}")?;
    }
    if !s.filters.is_empty() {
        writeln!(
            out,
            "filters: {} ({} events left out)",
            s.filters.join(" "),
            s.filtered_out
        )?;
    }
    if s.not_events.count > 0 {
        writeln!(out, "{}", not_events_line(s))?;
    }
    for cut in &s.not_events.files_cut_short {
        writeln!(out, "read only in part: {cut}")?;
    }
    if s.events == 0 {
        return Ok(());
    }
    counts_line(out, "actions", &s.by_action)?;
    counts_line(out, "categories", &s.by_category)?;
    counts_line(out, "sinks", &s.by_sink)?;
    counts_line(out, "input sources", &s.by_source)?;
    counts_line(out, "clients", &s.by_client)?;

    writeln!(out, "\nrules:")?;
    let width = s.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in &s.rules {
        writeln!(
            out,
            "  {:<width$}  {}  first {}  last {}",
            r.id,
            counts(&r.counts),
            r.first.time,
            r.last.time
        )?;
    }

    writeln!(
        out,
        "\ntop routes ({} of {}):",
        s.top_routes.len(),
        s.routes_total
    )?;
    let width = s
        .top_routes
        .iter()
        .map(|r| r.route.len())
        .max()
        .unwrap_or(0);
    for r in &s.top_routes {
        writeln!(out, "  {:<width$}  {}", r.route, counts(&r.counts))?;
    }

    writeln!(
        out,
        "\ntop inputs ({} of {}):",
        s.top_inputs.len(),
        s.inputs_total
    )?;
    let names: Vec<String> = s
        .top_inputs
        .iter()
        .map(|i| format!("{} {}", i.source, i.name))
        .collect();
    let width = names.iter().map(String::len).max().unwrap_or(0);
    for (i, name) in s.top_inputs.iter().zip(&names) {
        writeln!(
            out,
            "  {name:<width$}  {}  e.g. {:?}",
            counts(&i.counts),
            i.example
        )?;
    }

    writeln!(out, "\ntimeline (per {}):", s.bucket.name())?;
    for bar in &s.timeline {
        let rules: Vec<String> = bar
            .rules
            .iter()
            .map(|(id, c)| format!("{id} {}", c.events))
            .collect();
        writeln!(
            out,
            "  {}  {}  ({})",
            s.bucket.label(bar.start_ms),
            counts(&bar.counts),
            rules.join(", ")
        )?;
    }
    Ok(())
}

/// "3 lines not events, first at FILE:LINE (why)".
pub fn not_events_line(s: &Summary) -> String {
    let n = &s.not_events;
    format!(
        "{} line{} not events, first at {} ({})",
        n.count,
        if n.count == 1 { "" } else { "s" },
        n.first_at.as_deref().unwrap_or("?"),
        n.first_reason.as_deref().unwrap_or("?")
    )
}

fn counts(c: &Counts) -> String {
    format!(
        "{:>6} events {:>6} blocked {:>6} monitored",
        c.events, c.blocked, c.monitored
    )
}

fn counts_line(out: &mut String, what: &str, map: &BTreeMap<String, u64>) -> std::fmt::Result {
    let parts: Vec<String> = ranked(map)
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    writeln!(out, "{what}: {}", parts.join(", "))
}
