//! Counting events as they stream past, into the [`Summary`] both verbs show.
//!
//! Memory grows with the number of distinct rules, routes, inputs and time buckets, never with
//! the number of events: the timeline widens its buckets when a long log would give too many.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::read::{NotEvents, Timed};
use crate::event_time::{format_seconds, Bucket, Millis};

/// More buckets than this (about five weeks of minutes) and the timeline widens its buckets
/// while reading, unless `--bucket` fixed them.
const MAX_KEPT_BUCKETS: usize = 50_000;

/// Example input values are cut to this many characters.
const MAX_EXAMPLE_CHARS: usize = 200;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub events: u64,
    pub blocked: u64,
    pub monitored: u64,
}

impl Counts {
    fn add(&mut self, action: &str) {
        self.events += 1;
        match action {
            "blocked" => self.blocked += 1,
            "monitored" => self.monitored += 1,
            _ => {}
        }
    }

    fn merge(&mut self, other: Counts) {
        self.events += other.events;
        self.blocked += other.blocked;
        self.monitored += other.monitored;
    }
}

/// One event named in the summary (a rule's first or last).
#[derive(Clone, Debug, Serialize)]
pub struct EventRef {
    pub time: String,
    pub event_id: String,
    pub route: String,
    pub client: String,
    #[serde(skip)]
    ms: Millis,
}

impl EventRef {
    fn of(event: &Timed) -> EventRef {
        EventRef {
            time: event.record.time.clone(),
            event_id: event.record.event_id.clone(),
            route: route_of(event),
            client: event.record.request.client.clone(),
            ms: event.ms,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct RuleSummary {
    pub id: String,
    pub category: String,
    #[serde(flatten)]
    pub counts: Counts,
    pub first: EventRef,
    pub last: EventRef,
}

#[derive(Clone, Debug, Serialize)]
pub struct RouteSummary {
    pub route: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Clone, Debug, Serialize)]
pub struct InputSummary {
    pub source: String,
    pub name: String,
    #[serde(flatten)]
    pub counts: Counts,
    /// The latest value seen, cut to 200 characters.
    pub example: String,
}

/// One time bucket with events.
#[derive(Clone, Debug, Serialize)]
pub struct Bar {
    pub start: String,
    #[serde(skip)]
    pub start_ms: Millis,
    #[serde(flatten)]
    pub counts: Counts,
    pub rules: BTreeMap<String, Counts>,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub files: Vec<String>,
    pub filters: Vec<String>,
    pub events: u64,
    pub filtered_out: u64,
    pub not_events: NotEvents,
    pub first: Option<String>,
    pub last: Option<String>,
    pub by_action: BTreeMap<String, u64>,
    pub by_category: BTreeMap<String, u64>,
    pub by_source: BTreeMap<String, u64>,
    pub by_client: BTreeMap<String, u64>,
    pub by_sink: BTreeMap<String, u64>,
    /// Every rule, most events first.
    pub rules: Vec<RuleSummary>,
    pub routes_total: usize,
    pub top_routes: Vec<RouteSummary>,
    pub inputs_total: usize,
    pub top_inputs: Vec<InputSummary>,
    pub bucket: Bucket,
    /// The buckets with events, oldest first.
    pub timeline: Vec<Bar>,
}

struct RuleStats {
    category: String,
    counts: Counts,
    first: EventRef,
    last: EventRef,
}

struct InputStats {
    counts: Counts,
    example: String,
    example_ms: Millis,
}

pub struct Tally {
    fixed_bucket: bool,
    bucket: Bucket,
    events: u64,
    pub filtered_out: u64,
    first: Option<Millis>,
    last: Option<Millis>,
    by_action: BTreeMap<String, u64>,
    by_category: BTreeMap<String, u64>,
    by_source: BTreeMap<String, u64>,
    by_client: BTreeMap<String, u64>,
    by_sink: BTreeMap<String, u64>,
    rules: BTreeMap<String, RuleStats>,
    routes: HashMap<String, Counts>,
    inputs: HashMap<(String, String), InputStats>,
    timeline: BTreeMap<Millis, BTreeMap<String, Counts>>,
}

impl Tally {
    /// A tally with the buckets `--bucket` fixed, or chosen from the span at the end.
    pub fn new(bucket: Option<Bucket>) -> Tally {
        Tally {
            fixed_bucket: bucket.is_some(),
            bucket: bucket.unwrap_or(Bucket::Minute),
            events: 0,
            filtered_out: 0,
            first: None,
            last: None,
            by_action: BTreeMap::new(),
            by_category: BTreeMap::new(),
            by_source: BTreeMap::new(),
            by_client: BTreeMap::new(),
            by_sink: BTreeMap::new(),
            rules: BTreeMap::new(),
            routes: HashMap::new(),
            inputs: HashMap::new(),
            timeline: BTreeMap::new(),
        }
    }

    pub fn add(&mut self, event: &Timed) {
        let r = &event.record;
        let action = r.action.as_str();
        self.events += 1;
        self.first = Some(self.first.map_or(event.ms, |f| f.min(event.ms)));
        self.last = Some(self.last.map_or(event.ms, |l| l.max(event.ms)));
        bump(&mut self.by_action, action);
        bump(&mut self.by_category, or_none(&r.category));
        bump(
            &mut self.by_source,
            r.input
                .as_ref()
                .map_or("(no input)", |i| or_none(&i.source)),
        );
        bump(&mut self.by_client, or_none(&r.request.client));
        bump(&mut self.by_sink, or_none(&r.sink.kind));

        match self.rules.get_mut(&r.rule_id) {
            Some(stats) => {
                stats.counts.add(action);
                if event.ms < stats.first.ms {
                    stats.first = EventRef::of(event);
                }
                if event.ms >= stats.last.ms {
                    stats.last = EventRef::of(event);
                }
            }
            None => {
                let mut counts = Counts::default();
                counts.add(action);
                self.rules.insert(
                    r.rule_id.clone(),
                    RuleStats {
                        category: r.category.clone(),
                        counts,
                        first: EventRef::of(event),
                        last: EventRef::of(event),
                    },
                );
            }
        }
        self.routes.entry(route_of(event)).or_default().add(action);
        if let Some(input) = &r.input {
            let stats = self
                .inputs
                .entry((input.source.clone(), input.name.clone()))
                .or_insert_with(|| InputStats {
                    counts: Counts::default(),
                    example: String::new(),
                    example_ms: Millis::MIN,
                });
            stats.counts.add(action);
            if event.ms >= stats.example_ms {
                stats.example_ms = event.ms;
                stats.example = input.value.chars().take(MAX_EXAMPLE_CHARS).collect();
            }
        }
        let start = self.bucket.floor(event.ms);
        self.timeline
            .entry(start)
            .or_default()
            .entry(r.rule_id.clone())
            .or_default()
            .add(action);
        if !self.fixed_bucket
            && self.timeline.len() > MAX_KEPT_BUCKETS
            && self.bucket != Bucket::Day
        {
            self.widen(self.bucket.coarser());
        }
    }

    fn widen(&mut self, to: Bucket) {
        if to <= self.bucket {
            return;
        }
        let mut wider: BTreeMap<Millis, BTreeMap<String, Counts>> = BTreeMap::new();
        for (start, rules) in std::mem::take(&mut self.timeline) {
            let into = wider.entry(to.floor(start)).or_default();
            for (rule, counts) in rules {
                into.entry(rule).or_default().merge(counts);
            }
        }
        self.timeline = wider;
        self.bucket = to;
    }

    pub fn finish(
        mut self,
        files: Vec<String>,
        filters: Vec<String>,
        not_events: NotEvents,
        top: usize,
    ) -> Summary {
        if !self.fixed_bucket {
            if let (Some(first), Some(last)) = (self.first, self.last) {
                self.widen(Bucket::for_span(last - first));
            }
        }
        let mut rules: Vec<RuleSummary> = self
            .rules
            .into_iter()
            .map(|(id, s)| RuleSummary {
                id,
                category: s.category,
                counts: s.counts,
                first: s.first,
                last: s.last,
            })
            .collect();
        rules.sort_by(|a, b| b.counts.events.cmp(&a.counts.events).then(a.id.cmp(&b.id)));

        let routes_total = self.routes.len();
        let mut top_routes: Vec<RouteSummary> = self
            .routes
            .into_iter()
            .map(|(route, counts)| RouteSummary { route, counts })
            .collect();
        top_routes.sort_by(|a, b| {
            b.counts
                .events
                .cmp(&a.counts.events)
                .then_with(|| a.route.cmp(&b.route))
        });
        top_routes.truncate(top);

        let inputs_total = self.inputs.len();
        let mut top_inputs: Vec<InputSummary> = self
            .inputs
            .into_iter()
            .map(|((source, name), s)| InputSummary {
                source,
                name,
                counts: s.counts,
                example: s.example,
            })
            .collect();
        top_inputs.sort_by(|a, b| {
            b.counts
                .events
                .cmp(&a.counts.events)
                .then_with(|| (&a.source, &a.name).cmp(&(&b.source, &b.name)))
        });
        top_inputs.truncate(top);

        let timeline = self
            .timeline
            .into_iter()
            .map(|(start_ms, rules)| {
                let mut counts = Counts::default();
                rules.values().for_each(|c| counts.merge(*c));
                Bar {
                    start: format_seconds(start_ms),
                    start_ms,
                    counts,
                    rules,
                }
            })
            .collect();

        Summary {
            files,
            filters,
            events: self.events,
            filtered_out: self.filtered_out,
            not_events,
            first: self.first.map(format_seconds),
            last: self.last.map(format_seconds),
            by_action: self.by_action,
            by_category: self.by_category,
            by_source: self.by_source,
            by_client: self.by_client,
            by_sink: self.by_sink,
            rules,
            routes_total,
            top_routes,
            inputs_total,
            top_inputs,
            bucket: self.bucket,
            timeline,
        }
    }
}

/// The route an event is counted under: its request path.
pub fn route_of(event: &Timed) -> String {
    or_none(&event.record.request.path).to_string()
}

fn or_none(text: &str) -> &str {
    if text.is_empty() {
        "(none)"
    } else {
        text
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

/// A count map, most first (ties by name).
pub fn ranked(map: &BTreeMap<String, u64>) -> Vec<(&str, u64)> {
    let mut out: Vec<(&str, u64)> = map.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::read::Record;

    fn timed(ms: Millis, rule: &str) -> Timed {
        let record: Record = serde_json::from_value(serde_json::json!({
            "time": format_seconds(ms), "action": "blocked", "rule_id": rule,
            "request": {"method": "GET", "path": "/x", "client": "c"}
        }))
        .expect("a record");
        Timed { ms, record }
    }

    const T0: Millis = 1_795_000_000_000;

    #[test]
    fn a_long_log_gets_wider_buckets_while_reading() {
        let mut tally = Tally::new(None);
        // Every minute for 60 days: more minutes than are kept, so hours while reading, and
        // days for a span that long.
        let minutes = 60 * 24 * 60;
        for m in 0..minutes {
            tally.add(&timed(T0 + m * 60_000, if m % 2 == 0 { "a" } else { "b" }));
            assert!(tally.timeline.len() <= MAX_KEPT_BUCKETS + 1);
        }
        let s = tally.finish(Vec::new(), Vec::new(), NotEvents::default(), 10);
        assert_eq!(s.bucket, Bucket::Day);
        assert_eq!(s.events, minutes as u64);
        let total: u64 = s.timeline.iter().map(|b| b.counts.blocked).sum();
        assert_eq!(total, minutes as u64, "widening loses no event");
        assert_eq!(
            s.rules[0].counts.events + s.rules[1].counts.events,
            minutes as u64
        );
    }

    #[test]
    fn a_fixed_bucket_stays() {
        let mut tally = Tally::new(Some(Bucket::Minute));
        for h in 0..48 {
            tally.add(&timed(T0 + h * 3_600_000, "a"));
        }
        let s = tally.finish(Vec::new(), Vec::new(), NotEvents::default(), 10);
        assert_eq!(s.bucket, Bucket::Minute);
        assert_eq!(s.timeline.len(), 48);
    }
}
