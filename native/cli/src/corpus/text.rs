//! Text shared by the reports: Markdown tables, percentages that never round to a lie,
//! payloads quoted and cut to a readable length, and per-rule counts.

use std::collections::BTreeMap;

/// Rule counts, most frequent first: `sqli.tautology 12, sqli.structure 3`, or `none`.
pub fn by_rule(rules: &BTreeMap<&'static str, usize>) -> String {
    if rules.is_empty() {
        return "none".to_string();
    }
    let mut rules: Vec<(&&str, &usize)> = rules.iter().collect();
    rules.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    rules
        .iter()
        .map(|(rule, n)| format!("{rule} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A payload as a quoted, escaped string, cut to a readable length.
pub fn shorten(payload: &str) -> String {
    const MAX: usize = 140;
    match payload.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}…", &payload[..cut]),
        None => format!("{payload:?}"),
    }
}

pub fn pct(rate: Option<f64>) -> String {
    match rate {
        None => "n/a".to_string(),
        Some(r) if r >= 1.0 => "100%".to_string(),
        Some(r) if r <= 0.0 => "0%".to_string(),
        Some(r) if r < 0.001 => "<0.1%".to_string(),
        Some(r) => format!("{:.1}%", (r * 100.0).min(99.9)),
    }
}

/// A Markdown table with padded columns: the first left-aligned, the others right-aligned.
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    pub fn render(&self) -> String {
        let width = |i: usize| {
            self.rows
                .iter()
                .filter_map(|r| r.get(i))
                .chain(std::iter::once(&self.headers[i]))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..self.headers.len()).map(width).collect();
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (c, &w))| {
                    if i == 0 {
                        format!("{c:<w$}")
                    } else {
                        format!("{c:>w$}")
                    }
                })
                .collect();
            format!("| {} |\n", padded.join(" | "))
        };
        let mut out = line(&self.headers);
        let rule: Vec<String> = widths
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                if i == 0 {
                    "-".repeat(w)
                } else {
                    format!("{}:", "-".repeat(w.saturating_sub(1)))
                }
            })
            .collect();
        out.push_str(&format!("| {} |\n", rule.join(" | ")));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_never_round_to_a_lie() {
        assert_eq!(pct(None), "n/a");
        assert_eq!(pct(Some(1.0)), "100%");
        assert_eq!(pct(Some(0.99999)), "99.9%");
        assert_eq!(pct(Some(0.00001)), "<0.1%");
        assert_eq!(pct(Some(0.0)), "0%");
        assert_eq!(pct(Some(0.5)), "50.0%");
    }

    #[test]
    fn tables_are_aligned() {
        let mut t = Table::new(&["a", "count"]);
        t.push(vec!["long name".into(), "7".into()]);
        assert_eq!(
            t.render(),
            "| a         | count |\n| --------- | ----: |\n| long name |     7 |\n"
        );
    }

    #[test]
    fn long_payloads_are_cut() {
        let long = "x".repeat(200);
        assert!(shorten(&long).ends_with('…'));
        assert_eq!(shorten("a\"b"), "\"a\\\"b\"");
    }

    #[test]
    fn rules_are_listed_most_frequent_first() {
        let mut rules = BTreeMap::new();
        assert_eq!(by_rule(&rules), "none");
        rules.insert("b.rule", 2);
        rules.insert("a.rule", 5);
        rules.insert("c.rule", 2);
        assert_eq!(by_rule(&rules), "a.rule 5, b.rule 2, c.rule 2");
    }
}
