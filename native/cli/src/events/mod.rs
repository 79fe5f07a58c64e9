//! `rasp events summary` and `rasp events report`: what the agent's event files say, for the
//! people who look after the application.
//!
//! Both verbs stream every file once ([`read`]), keep the events the filters let through
//! ([`filter`]) and count them as they pass ([`tally`]); the report also keeps the latest few
//! in full ([`latest`]). The summary prints as text ([`text`]) or JSON; the report is one HTML
//! page ([`html`]) with an SVG timeline ([`chart`]).

pub mod chart;
pub mod filter;
pub mod html;
pub mod latest;
pub mod read;
pub mod tally;
pub mod text;

use std::io::Write;
use std::path::Path;
use std::time::SystemTime;

use anyhow::{anyhow, Context, Result};

use crate::args::{EventsReportArgs, EventsSelection, EventsSummaryArgs};
use crate::output;
use filter::Filter;
use latest::Latest;
use read::Timed;
use tally::{Summary, Tally};

pub fn run_summary(args: &EventsSummaryArgs) -> Result<()> {
    let summary = summarise(&args.select, |_| {})?;
    output::print(args.json, "summary", &summary, text::render)
}

pub fn run_report(args: &EventsReportArgs) -> Result<()> {
    let mut latest = Latest::new(args.latest);
    let summary = summarise(&args.select, |event| latest.add(event))?;
    let page = html::render(&summary, &latest.finish());
    write_output(&args.output, page.as_bytes())
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    if args.output.as_os_str() != "-" {
        // Where the page went and what it holds, on standard error so `-o -` stays clean.
        let _ = writeln!(
            std::io::stderr(),
            "wrote {}: {} events{}",
            args.output.display(),
            summary.events,
            if summary.not_events.count > 0 {
                format!("; {}", text::not_events_line(&summary))
            } else {
                String::new()
            }
        );
        for cut in &summary.not_events.files_cut_short {
            let _ = writeln!(std::io::stderr(), "read only in part: {cut}");
        }
    }
    Ok(())
}

/// Reads the selected files, counts the events the filters keep and hands each kept one to
/// `keep` as well.
fn summarise(select: &EventsSelection, mut keep: impl FnMut(Timed)) -> Result<Summary> {
    let since = select
        .since
        .as_deref()
        .map(|text| crate::event_time::parse_since(text, SystemTime::now()))
        .transpose()
        .map_err(|e| anyhow!("--since: {e}"))?;
    let filter = Filter {
        since,
        rules: select.rule.clone(),
        routes: select.route.clone(),
    };
    let mut tally = Tally::new(select.bucket);
    let not_events = read::for_each_event(&select.files, |event| {
        if filter.keeps(&event) {
            tally.add(&event);
            keep(event);
        } else {
            tally.filtered_out += 1;
        }
    })?;
    let files = select
        .files
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    Ok(tally.finish(
        files,
        filter.describe(select.since.as_deref()),
        not_events,
        select.top,
    ))
}

fn write_output(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if path.as_os_str() == "-" {
        std::io::stdout().lock().write_all(bytes)
    } else {
        std::fs::write(path, bytes)
    }
}
