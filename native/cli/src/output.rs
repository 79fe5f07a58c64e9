//! Printing a result, the one step every subcommand ends with: as pretty JSON (`--json`) or
//! as the text its renderer makes, to standard output.

use std::io::Write;

use anyhow::{Context, Result};
use serde::Serialize;

/// Prints `value` as JSON when `json` is set, else as `render` makes it; `what` names it in
/// errors ("report", "explanation").
pub fn print<T: Serialize>(
    json: bool,
    what: &str,
    value: &T,
    render: fn(&T) -> String,
) -> Result<()> {
    let text = if json {
        let mut json = serde_json::to_string_pretty(value)
            .with_context(|| format!("cannot serialize the {what} as JSON"))?;
        json.push('\n');
        json
    } else {
        render(value)
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("cannot write to standard output")
}
