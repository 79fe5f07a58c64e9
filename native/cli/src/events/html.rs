//! `rasp events report`: one HTML page that needs nothing else to be read — inline CSS, the
//! inline SVG timeline, no script, no link to anywhere.
//!
//! Every text that came from an event passes through [`esc`]: inputs are attack strings and
//! must show as text, never become markup.

use std::fmt::Write;

use super::chart;
use super::read::{Record, Timed};
use super::tally::{ranked, Counts, Summary};
use super::text::not_events_line;

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px auto; max-width: 1200px; padding: 0 16px; color: #1d1d1f; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.meta { color: #555; margin: 2px 0; }
.warn { color: #8a4b00; background: #fff4e0; padding: 6px 10px; border-radius: 4px; }
.totals { display: flex; gap: 12px; margin: 14px 0; flex-wrap: wrap; }
.total { border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.total b { display: block; font-size: 24px; }
.total.blocked b { color: #b3261e; }
.total.monitored b { color: #9a6700; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
td { overflow-wrap: anywhere; }
th { background: #f6f6f6; font-weight: 600; white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.cols { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 0 24px; align-items: start; }
.chart { max-width: 100%; height: auto; font: 11px system-ui, sans-serif; }
.chart .side { fill: #555; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 6px 0; }
.sw { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.ev { border: 1px solid #ddd; border-left: 5px solid #9a6700; border-radius: 4px; padding: 8px 12px; margin: 10px 0; }
.ev.blocked { border-left-color: #b3261e; }
.badge { display: inline-block; font-weight: 600; padding: 0 6px; border-radius: 3px; background: #fff4e0; color: #9a6700; }
.ev.blocked .badge { background: #fde7e7; color: #b3261e; }
.ev p { margin: 4px 0; }
.ev pre { background: #f7f7f9; padding: 6px 8px; white-space: pre-wrap; word-break: break-all; max-height: 14em; overflow: auto; margin: 6px 0 0; }
mark { background: #ffd54f; color: #000; padding: 0 1px; border-radius: 2px; }
.dim { color: #777; }
"#;

/// Text as HTML text or a quoted attribute value.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

pub fn render(summary: &Summary, latest: &[Timed]) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = page(&mut out, summary, latest);
    out
}

fn page(out: &mut String, s: &Summary, latest: &[Timed]) -> std::fmt::Result {
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>RASP events report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    )?;
    header(out, s)?;
    if s.events == 0 {
        out.push_str("<p>No events to show.</p>\n");
    } else {
        timeline(out, s)?;
        rules(out, s)?;
        routes_and_inputs(out, s)?;
        breakdowns(out, s)?;
        latest_events(out, latest)?;
    }
    out.push_str("</body>\n</html>\n");
    Ok(())
}

fn header(out: &mut String, s: &Summary) -> std::fmt::Result {
    out.push_str("<h1>RASP events report</h1>\n");
    let files: Vec<String> = s.files.iter().map(|f| esc(f)).collect();
    writeln!(out, "<p class=\"meta\">Files: {}</p>", files.join(", "))?;
    if let (Some(first), Some(last)) = (&s.first, &s.last) {
        writeln!(
            out,
            "<p class=\"meta\">From {} to {} (UTC), per {}</p>",
            esc(first),
            esc(last),
            s.bucket.name()
        )?;
    }
    if !s.filters.is_empty() {
        writeln!(
            out,
            "<p class=\"meta\">Filters: <code>{}</code> ({} events left out)</p>",
            esc(&s.filters.join(" ")),
            s.filtered_out
        )?;
    }
    if s.not_events.count > 0 {
        writeln!(out, "<p class=\"warn\">{}</p>", esc(&not_events_line(s)))?;
    }
    for cut in &s.not_events.files_cut_short {
        writeln!(out, "<p class=\"warn\">Read only in part: {}</p>", esc(cut))?;
    }
    let action = |name: &str| s.by_action.get(name).copied().unwrap_or(0);
    writeln!(
        out,
        "<div class=\"totals\"><div class=\"total\"><b>{}</b>events</div>\
         <div class=\"total blocked\"><b>{}</b>blocked</div>\
         <div class=\"total monitored\"><b>{}</b>monitored</div>\
         <div class=\"total\"><b>{}</b>rules</div>\
         <div class=\"total\"><b>{}</b>routes</div>\
         <div class=\"total\"><b>{}</b>clients</div></div>",
        s.events,
        action("blocked"),
        action("monitored"),
        s.rules.len(),
        s.routes_total,
        s.by_client.len()
    )
}

fn timeline(out: &mut String, s: &Summary) -> std::fmt::Result {
    writeln!(
        out,
        "<h2>Timeline: events per {} and rule</h2>",
        s.bucket.name()
    )?;
    out.push_str(&chart::render(s));
    out.push_str("\n<div class=\"legend\">");
    for (rule, colour) in chart::legend(s) {
        let n = if rule == chart::OTHER {
            s.rules
                .iter()
                .skip(chart::legend(s).len() - 1)
                .map(|r| r.counts.events)
                .sum()
        } else {
            s.rules
                .iter()
                .find(|r| r.id == rule)
                .map_or(0, |r| r.counts.events)
        };
        write!(
            out,
            "<span><span class=\"sw\" style=\"background:{colour}\"></span>{} ({n})</span>",
            esc(&rule)
        )?;
    }
    out.push_str(
        "</div>\n<p class=\"dim\">Blocked above the axis, monitored below (lighter); hover a bar for its counts.</p>\n",
    );
    Ok(())
}

fn counts_cells(c: &Counts) -> String {
    format!(
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
        c.events, c.blocked, c.monitored
    )
}

const COUNT_HEADS: &str = "<th>events</th><th>blocked</th><th>monitored</th>";

fn rules(out: &mut String, s: &Summary) -> std::fmt::Result {
    out.push_str("<h2>Rules</h2>\n<table>\n");
    writeln!(
        out,
        "<tr><th>rule</th><th>category</th>{COUNT_HEADS}<th>first</th><th>last</th></tr>"
    )?;
    for r in &s.rules {
        writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td>{}<td>{}<br><span class=\"dim\">{}</span></td><td>{}<br><span class=\"dim\">{}</span></td></tr>",
            esc(&r.id),
            esc(&r.category),
            counts_cells(&r.counts),
            esc(&r.first.time),
            esc(&r.first.route),
            esc(&r.last.time),
            esc(&r.last.route)
        )?;
    }
    out.push_str("</table>\n");
    Ok(())
}

fn routes_and_inputs(out: &mut String, s: &Summary) -> std::fmt::Result {
    out.push_str("<div class=\"cols\">\n<div>\n");
    writeln!(
        out,
        "<h2 id=\"top\">Top routes ({} of {})</h2>\n<table>\n<tr><th>route</th>{COUNT_HEADS}</tr>",
        s.top_routes.len(),
        s.routes_total
    )?;
    for r in &s.top_routes {
        writeln!(
            out,
            "<tr><td><code>{}</code></td>{}</tr>",
            esc(&r.route),
            counts_cells(&r.counts)
        )?;
    }
    out.push_str("</table>\n</div>\n<div>\n");
    writeln!(
        out,
        "<h2>Top inputs ({} of {})</h2>\n<table>\n<tr><th>input</th>{COUNT_HEADS}</tr>",
        s.top_inputs.len(),
        s.inputs_total
    )?;
    for i in &s.top_inputs {
        writeln!(
            out,
            "<tr><td><code>{} {}</code><br><span class=\"dim\">e.g. <code>{}</code></span></td>{}</tr>",
            esc(&i.source),
            esc(&i.name),
            esc(&shorten(&i.example, 80)),
            counts_cells(&i.counts)
        )?;
    }
    out.push_str("</table>\n</div>\n</div>\n");
    Ok(())
}

fn breakdowns(out: &mut String, s: &Summary) -> std::fmt::Result {
    out.push_str("<h2>Breakdown</h2>\n<div class=\"cols\">\n");
    let tables = [
        ("category", &s.by_category),
        ("sink", &s.by_sink),
        ("input source", &s.by_source),
        ("client", &s.by_client),
    ];
    for (what, map) in tables {
        writeln!(out, "<table>\n<tr><th>{what}</th><th>events</th></tr>")?;
        for (key, n) in ranked(map).into_iter().take(20) {
            writeln!(
                out,
                "<tr><td><code>{}</code></td><td class=\"n\">{n}</td></tr>",
                esc(key)
            )?;
        }
        out.push_str("</table>\n");
    }
    out.push_str("</div>\n");
    Ok(())
}

fn latest_events(out: &mut String, latest: &[Timed]) -> std::fmt::Result {
    writeln!(out, "<h2 id=\"latest\">Latest {} events</h2>", latest.len())?;
    for event in latest {
        one_event(out, &event.record)?;
    }
    Ok(())
}

fn one_event(out: &mut String, r: &Record) -> std::fmt::Result {
    let class = if r.action == "blocked" {
        "ev blocked"
    } else {
        "ev"
    };
    write!(
        out,
        "<article class=\"{class}\">\n<p><span class=\"badge\">{}</span> <code>{}</code> {} · <b>{}</b> · {} {} · client {}",
        esc(&r.action),
        esc(&r.time),
        esc(&r.category),
        esc(&r.rule_id),
        esc(&r.request.method),
        esc(&r.request.path),
        esc(&r.request.client)
    )?;
    if let Some(response) = &r.block_response {
        write!(out, " · 403 {}", esc(response))?;
    }
    if let Some(h) = &r.handoff {
        write!(out, " · on {} thread {}", esc(&h.via), esc(&h.thread))?;
    }
    out.push_str("</p>\n");
    if !r.message.is_empty() {
        writeln!(out, "<p>{}</p>", esc(&r.message))?;
    }
    if let Some(input) = &r.input {
        write!(
            out,
            "<p>input <code>{} {}</code> = <code>{}</code>",
            esc(&input.source),
            esc(&input.name),
            esc(&input.value)
        )?;
        if let Some(t) = &input.transform {
            write!(out, " <span class=\"dim\">({})</span>", esc(t))?;
        }
        out.push_str("</p>\n");
    }
    writeln!(
        out,
        "<p class=\"dim\">{} · {}</p>\n<pre>{}</pre>\n</article>",
        esc(&r.sink.kind),
        esc(&r.sink.api),
        marked_statement(r)
    )
}

/// At most `max` characters of `text`, with `…` when it was cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// The sink value, escaped, with the input's span in `<mark>`. The span counts bytes of the
/// value; one that does not fall on character boundaries (a value the agent cut mid-character)
/// falls back to the `>>>…<<<` of `marked`, else to the value unmarked.
fn marked_statement(r: &Record) -> String {
    let value = &r.sink.value;
    let cut_before = if r.sink.value_offset > 0 { "…" } else { "" };
    let cut_after = if r.sink.value_offset + value.len() < r.sink.value_length {
        "…"
    } else {
        ""
    };
    let parts = r
        .sink
        .span
        .filter(|s| {
            s.start <= s.end
                && s.end <= value.len()
                && value.is_char_boundary(s.start)
                && value.is_char_boundary(s.end)
        })
        .map(|s| (&value[..s.start], &value[s.start..s.end], &value[s.end..]))
        .or_else(|| {
            let marked = r.sink.marked.as_deref()?;
            let (before, rest) = marked.split_once(">>>")?;
            let (inside, after) = rest.rsplit_once("<<<")?;
            Some((before, inside, after))
        });
    match parts {
        Some((before, inside, after)) => format!(
            "{cut_before}{}<mark>{}</mark>{}{cut_after}",
            esc(before),
            esc(inside),
            esc(after)
        ),
        None => format!("{cut_before}{}{cut_after}", esc(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<script>alert("x&y")</script>'"#),
            "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;&#39;"
        );
    }

    fn record(value: &str, span: Option<(usize, usize)>, marked: Option<&str>) -> Record {
        let line = serde_json::json!({
            "time": "2026-11-25T02:10:11.123Z", "action": "blocked", "rule_id": "r",
            "sink": {"kind": "sql", "api": "x", "value": value, "value_offset": 0,
                     "value_length": value.len(),
                     "span": span.map(|(start, end)| serde_json::json!({"start": start, "end": end})),
                     "marked": marked}
        });
        serde_json::from_value(line).expect("a record")
    }

    #[test]
    fn marks_the_span_or_falls_back() {
        let r = record("a='<b>' OR 1", Some((3, 12)), None);
        assert_eq!(
            marked_statement(&r),
            "a=&#39;<mark>&lt;b&gt;&#39; OR 1</mark>"
        );
        // 'é' is two bytes: a span inside it is not used, `marked` is.
        let r = record("é=1", Some((1, 3)), Some("é=>>>1<<<"));
        assert_eq!(marked_statement(&r), "é=<mark>1</mark>");
        let r = record("x<y", Some((2, 99)), None);
        assert_eq!(marked_statement(&r), "x&lt;y");
    }
}
