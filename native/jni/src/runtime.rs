//! The process-wide state behind the natives: the engine, the live request contexts, the event
//! writer and the counters. Created once by `init`.
//!
//! The engine sits in an [`ArcSwap`]: a check takes one lock-free `load()` and keeps that engine
//! (with its rule set) for the whole check, while `loadRules` builds the next engine off to the
//! side and swaps it in with one atomic store. A check never sees half a rule set, and a reload
//! never waits for checks in flight (they finish on the engine they started with).

use std::fmt;
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use rasp_engine::config::{check_rule_ids, ConfigError};
use rasp_engine::event::Event;
use rasp_engine::rules::{BackendChoice, RuleSet};
use rasp_engine::wire::{CapturedInput, WireError};
use rasp_engine::{Engine, EngineConfig, RequestContext};

use crate::events::file::EventWriter;
use crate::events::{self, Destination, Events};
use crate::handles::HandleTable;
use crate::sync::lock;

/// How many requests may be in flight at once. Past this, new requests run unprotected and
/// are counted in `contexts_rejected` (fail-open: the agent must never stop the application).
pub const MAX_LIVE_CONTEXTS: usize = 1 << 16;

/// One request's slot: the current context (replaced when the body or captured inputs arrive)
/// and the event of the last non-allow verdict, waiting for the agent to add the Java stack.
///
/// Both are behind a mutex of this request alone, held to clone or replace a pointer: only
/// threads serving the same request could ever meet there, and for nanoseconds. Making a new
/// snapshot takes longer (a parse, a matcher), so writers take turns on a second mutex that
/// checks never touch: without it, a body arriving on the serving thread while a handed-off
/// thread adds captured inputs would let the last replacement silently drop the other's work.
pub struct ContextSlot {
    /// A `RequestContext` is a request number and a reference to its compiled inputs: cloning
    /// it is the pointer copy.
    context: Mutex<RequestContext>,
    writer: Mutex<()>,
    pub pending: Mutex<Option<Box<Event>>>,
}

impl ContextSlot {
    pub fn new(context: RequestContext) -> ContextSlot {
        ContextSlot {
            context: Mutex::new(context),
            writer: Mutex::new(()),
            pending: Mutex::new(None),
        }
    }

    /// The current context snapshot.
    pub fn context(&self) -> RequestContext {
        lock(&self.context).clone()
    }

    /// Replaces the snapshot with `next(current)`, unless that is `None` (nothing changed).
    /// Writers of one request take turns, so each builds on the one before.
    pub fn update(&self, next: impl FnOnce(&RequestContext) -> Option<RequestContext>) {
        let _turn = lock(&self.writer);
        let current = self.context();
        if let Some(next) = next(&current) {
            *lock(&self.context) = next;
        }
    }
}

#[derive(Default)]
pub struct Stats {
    pub checks: AtomicU64,
    pub monitors: AtomicU64,
    pub blocks: AtomicU64,
    pub errors: AtomicU64,
    pub contexts_opened: AtomicU64,
    /// Contexts opened with the inputs compiled for an earlier request with the same record.
    pub contexts_shared: AtomicU64,
    pub contexts_rejected: AtomicU64,
    pub stale_handles: AtomicU64,
    /// Rule sets put in use: the one at start (when one was given) and every accepted reload.
    pub rules_loaded: AtomicU64,
    /// Reloads refused (the set in use stayed).
    pub rules_rejected: AtomicU64,
}

pub struct Runtime {
    /// The engine in use; replaced as a whole by `load_rules`.
    pub engine: ArcSwap<Engine>,
    pub contexts: HandleTable<ContextSlot>,
    pub events: Events,
    pub stats: Stats,
}

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

pub fn get() -> Option<&'static Runtime> {
    RUNTIME.get()
}

/// How `init` marks an error caused by the rule file rather than by a configuration value, so
/// that the agent can name `rasp.rules.file` (docs/native-boundary.md).
pub const RULE_SET_ERROR: &str = "rule set: ";

/// Parses the configuration, loads the rule set (`None` or empty: no rule set, the built-in
/// detectors alone) and starts the runtime. A second call is accepted and ignored: the agent
/// initialises once, and a repeated attach must not fail the application.
pub fn init(config_text: &str, rules: Option<&[u8]>) -> Result<(), String> {
    if RUNTIME.get().is_some() {
        return Ok(());
    }
    let config = EngineConfig::parse(config_text).map_err(|e| e.to_string())?;
    let set = load_set(rules, config.rules_backend)
        .map_err(|reason| format!("{RULE_SET_ERROR}{reason}"))?;
    let had_rules = rules.is_some_and(|r| !r.is_empty());
    let engine = Engine::with_rules(config, Arc::new(set)).map_err(|e| e.to_string())?;
    let events_file = engine.config().events_file.clone();
    let events = EventWriter::open(&events_file).map_err(|e| {
        format!(
            "bad value '{events_file}' for events_file: cannot open it for appending ({e}); use a writable file path, or - for standard error"
        )
    })?;
    let mut destinations: Vec<Box<dyn Destination>> = vec![Box::new(events)];
    destinations.extend(events::config::configured(
        &engine.config().event_destinations,
    )?);
    let runtime = Runtime {
        engine: ArcSwap::from_pointee(engine),
        contexts: HandleTable::with_capacity(MAX_LIVE_CONTEXTS),
        events: Events::new(destinations),
        stats: Stats::default(),
    };
    if had_rules {
        runtime.stats.rules_loaded.fetch_add(1, Ordering::Relaxed);
    }
    // Losing a race with another init is fine: the winner's runtime is equivalent.
    let _ = RUNTIME.set(runtime);
    Ok(())
}

/// The rule set in `bytes`, or the empty set when there are none.
fn load_set(bytes: Option<&[u8]>, backend: BackendChoice) -> Result<RuleSet, String> {
    match bytes {
        Some(b) if !b.is_empty() => RuleSet::load(b, backend).map_err(|e| e.to_string()),
        _ => Ok(RuleSet::empty()),
    }
}

/// Ids the configuration names (per-rule modes, exclusion rules) that neither the built-in
/// detectors nor `rules` define. Empty at start (init refuses them); a reload may drop one.
fn unknown_rule_ids(config: &EngineConfig, rules: &RuleSet) -> Vec<String> {
    check_rule_ids(config, rules)
        .into_iter()
        .filter_map(|problem| match problem {
            ConfigError::UnknownRule { id, .. } => Some(id),
            ConfigError::UnmatchedPrefix { selector, .. } => Some(selector),
            _ => None,
        })
        .collect()
}

/// Why `addInputs` refused a record.
#[derive(Debug, PartialEq, Eq)]
pub enum AddInputsError {
    StaleHandle(i64),
    Record(WireError),
}

impl fmt::Display for AddInputsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddInputsError::StaleHandle(h) => write!(f, "no live request context for handle {h}"),
            AddInputsError::Record(e) => write!(f, "input record rejected: {e}"),
        }
    }
}

impl std::error::Error for AddInputsError {}

impl Runtime {
    /// The slot of a live handle; a stale one is counted.
    pub fn slot(&self, handle: i64) -> Option<impl Deref<Target = ContextSlot> + '_> {
        let slot = self.contexts.get(handle);
        if slot.is_none() {
            self.stats.stale_handles.fetch_add(1, Ordering::Relaxed);
        }
        slot
    }

    /// Adds the values of an `addInputs` record to a request's context, all or none: a record
    /// that does not decode changes nothing.
    pub fn add_inputs(&self, handle: i64, record: &[u8]) -> Result<(), AddInputsError> {
        let slot = self
            .slot(handle)
            .ok_or(AddInputsError::StaleHandle(handle))?;
        let inputs = CapturedInput::decode_record(record).map_err(AddInputsError::Record)?;
        slot.update(|context| context.with_captured(&inputs));
        Ok(())
    }

    /// Builds an engine with the same configuration and the rule set in `bytes`, and puts it in
    /// use. On any error the engine in use stays, and the error says why (for the agent's log).
    pub fn load_rules(&self, bytes: &[u8]) -> Result<(), String> {
        let result = self
            .build_with(bytes)
            .map(|next| self.engine.store(Arc::new(next)));
        let counter = match result {
            Ok(()) => &self.stats.rules_loaded,
            Err(_) => &self.stats.rules_rejected,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        result
    }

    fn build_with(&self, bytes: &[u8]) -> Result<Engine, String> {
        if bytes.is_empty() {
            return Err("the file is empty".into());
        }
        let current = self.engine.load();
        let config = current.config().clone();
        let set = RuleSet::load(bytes, config.rules_backend).map_err(|e| e.to_string())?;
        // A configured rule id the new set dropped is no reason to refuse it (docs/rules.md §5):
        // rules_json lists such ids for the agent's warning.
        let (engine, _dropped_ids) = Engine::reloaded(config, Arc::new(set));
        Ok(engine)
    }

    /// `{"id","rules","backend","unknown_rule_ids":[..],"scan_fallbacks"}` of the set in use.
    pub fn rules_json(&self) -> String {
        let engine = self.engine.load();
        let rules = engine.rules();
        serde_json::json!({
            "id": rules.id(),
            "rules": rules.rules().len(),
            "backend": rules.backend().name(),
            "unknown_rule_ids": unknown_rule_ids(engine.config(), rules),
            "scan_fallbacks": rules.scan_fallbacks(),
        })
        .to_string()
    }

    /// Delivers the queued events within `timeout`, then counts what is left as dropped (each
    /// destination logs what it could not deliver). Called once, by the agent's shutdown hook.
    pub fn shutdown_events(&self, timeout: Duration) {
        self.events.shutdown(Instant::now() + timeout);
    }

    pub fn stats_json(&self) -> String {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let engine = self.engine.load();
        let destinations: Vec<serde_json::Value> = self
            .events
            .counters()
            .into_iter()
            .map(|(name, c)| {
                serde_json::json!({
                    "name": name,
                    "submitted": c.submitted,
                    "written": c.written,
                    "dropped": c.dropped,
                    "errors": c.errors,
                })
            })
            .collect();
        let events = self.events.totals();
        let mut stats = serde_json::json!({
            "rule_set": engine.rules().id(),
            "checks": load(&self.stats.checks),
            "monitors": load(&self.stats.monitors),
            "blocks": load(&self.stats.blocks),
            "errors": load(&self.stats.errors),
            "contexts_opened": load(&self.stats.contexts_opened),
            "contexts_shared": load(&self.stats.contexts_shared),
            "statements_cached": rasp_engine::statement_cache::statements_cached(),
            "statements_judged_by_shape": rasp_engine::statement_shapes::statements_judged_by_shape(),
            "contexts_rejected": load(&self.stats.contexts_rejected),
            "contexts_live": self.contexts.live(),
            "stale_handles": load(&self.stats.stale_handles),
            "events_written": events.written,
            "events_dropped": events.dropped,
            "destinations": destinations,
            "rules_loaded": load(&self.stats.rules_loaded),
            "rules_rejected": load(&self.stats.rules_rejected),
            "rule_scan_fallbacks": engine.rules().scan_fallbacks(),
        });
        if let (Some(hook), Some(map)) = (crate::class_hook::counters(), stats.as_object_mut()) {
            for (name, value) in hook {
                map.insert(name.to_owned(), value.into());
            }
        }
        stats.to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;
    use std::sync::atomic::AtomicUsize;

    use rasp_engine::input::InputSource;
    use rasp_engine::rules::compile_dir;

    use super::*;

    /// Compiles the set `<name>@<version>` with one rule per `(id, word)`: it blocks SQL inputs
    /// containing `word`.
    fn compiled(name: &str, version: &str, rules: &[(&str, &str)]) -> Vec<u8> {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let dir: PathBuf = std::env::temp_dir().join(format!(
            "rasp-jni-test-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(
            dir.join("ruleset.toml"),
            format!("name = \"{name}\"\nversion = \"{version}\"\n"),
        )
        .expect("ruleset.toml");
        let mut toml = String::new();
        for (id, word) in rules {
            toml.push_str(&format!(
                "[[rule]]\nid = \"{id}\"\ncategory = \"sqli\"\nscan = \"sink\"\nsinks = [\"sql\"]\n\
                 when = \"input-overlaps\"\nseverity = \"high\"\nmode = \"block\"\nmessage = \"test\"\n\
                 patterns = ['''\\b{word}\\b''']\n\n[[rule.match]]\nsink = \"SELECT 1 WHERE a = '{word}'\"\n\
                 input = \"{word}\"\n\n[[rule.pass]]\nsink = \"SELECT 1 WHERE a = 'x'\"\ninput = \"x\"\n\n"
            ));
        }
        std::fs::write(dir.join("rules.toml"), toml).expect("rules.toml");
        let compiled = compile_dir(&dir).unwrap_or_else(|d| panic!("compile: {d:?}"));
        let _ = std::fs::remove_dir_all(&dir);
        compiled.bytes
    }

    fn runtime(config: &str, rules: Option<&[u8]>) -> Runtime {
        let config = EngineConfig::parse(config).expect("config");
        let set = load_set(rules, config.rules_backend).expect("rules");
        Runtime {
            engine: ArcSwap::from_pointee(
                Engine::with_rules(config, Arc::new(set)).expect("engine"),
            ),
            contexts: HandleTable::with_capacity(4),
            events: Events::new(vec![Box::new(
                EventWriter::open("-").expect("stderr writer"),
            )]),
            stats: Stats::default(),
        }
    }

    fn json(text: &str) -> serde_json::Value {
        serde_json::from_str(text).expect("json")
    }

    #[test]
    fn a_reload_swaps_the_set_and_a_rejected_one_leaves_it() {
        let v1 = compiled("t", "1", &[("t.word.plugh", "plugh")]);
        let v2 = compiled(
            "t",
            "2",
            &[("t.word.plugh", "plugh"), ("t.word.xyzzy", "xyzzy")],
        );
        let rt = runtime("mode=block\n", Some(&v1));
        let before = json(&rt.rules_json());
        assert!(
            before["id"].as_str().expect("id").starts_with("t@1+"),
            "{before}"
        );
        assert_eq!(before["rules"], 1);

        let in_flight = rt.engine.load_full();
        rt.load_rules(&v2).expect("v2 loads");
        let after = json(&rt.rules_json());
        assert!(
            after["id"].as_str().expect("id").starts_with("t@2+"),
            "{after}"
        );
        assert_eq!(after["rules"], 2);
        assert_eq!(
            in_flight.rules().rules().len(),
            1,
            "a check in flight keeps its engine"
        );

        for garbage in [&b"not a rule file"[..], &v2[..v2.len() / 2], b""] {
            let error = rt.load_rules(garbage).expect_err("rejected");
            assert!(!error.is_empty());
            assert_eq!(
                json(&rt.rules_json())["id"],
                after["id"],
                "kept after: {error}"
            );
        }
        let stats = json(&rt.stats_json());
        assert_eq!(stats["rules_loaded"], 1, "{stats}");
        assert_eq!(stats["rules_rejected"], 3, "{stats}");
        assert_eq!(stats["rule_set"], after["id"], "{stats}");
    }

    #[test]
    fn stats_list_each_destination_with_its_counters() {
        let mut rt = runtime("", None);
        let syslog = crate::events::config::configured(&BTreeMap::from([(
            "events.syslog.endpoint".to_owned(),
            "udp://127.0.0.1:9".to_owned(),
        )]))
        .expect("syslog");
        let mut destinations: Vec<Box<dyn Destination>> =
            vec![Box::new(EventWriter::open("-").expect("stderr writer"))];
        destinations.extend(syslog);
        rt.events = Events::new(destinations);
        rt.events.submit("{}".into());
        let stats = json(&rt.stats_json());
        let names: Vec<&str> = stats["destinations"]
            .as_array()
            .expect("destinations")
            .iter()
            .map(|d| d["name"].as_str().expect("name"))
            .collect();
        assert_eq!(names, ["file", "syslog"], "{stats}");
        for d in stats["destinations"].as_array().expect("destinations") {
            assert_eq!(d["submitted"], 1, "{stats}");
        }
    }

    #[test]
    fn the_reloaded_engine_keeps_the_configuration() {
        let v1 = compiled("t", "1", &[("t.word.plugh", "plugh")]);
        let rt = runtime(
            "mode=monitor\nrules.mode.sqli.union=block\nmax_input_bytes=4096\n",
            Some(&v1),
        );
        rt.load_rules(&compiled("t", "2", &[("t.word.xyzzy", "xyzzy")]))
            .expect("loads");
        let engine = rt.engine.load();
        assert_eq!(engine.config().mode, rasp_engine::Mode::Monitor);
        assert_eq!(engine.config().limits.max_input_bytes, 4096);
        assert!(engine.config().rule_modes.contains_key("sqli.union"));
    }

    #[test]
    fn a_reload_may_drop_a_configured_rule_and_says_so() {
        let v1 = compiled("t", "1", &[("t.word.plugh", "plugh")]);
        let rt = runtime(
            "rules.mode.t.word.plugh=monitor\nexclusion.x.rules=t.word.*\n",
            Some(&v1),
        );
        assert_eq!(
            json(&rt.rules_json())["unknown_rule_ids"],
            serde_json::json!([])
        );
        rt.load_rules(&compiled("u", "1", &[("u.word.xyzzy", "xyzzy")]))
            .expect("a set without the configured rule still loads");
        assert_eq!(
            json(&rt.rules_json())["unknown_rule_ids"],
            serde_json::json!(["t.word.plugh", "t.word.*"])
        );
    }

    #[test]
    fn init_marks_rule_file_errors_and_names_unknown_rule_ids() {
        // Neither call gets as far as starting the process-wide runtime.
        let error = init("mode=block\nevents_file=-\n", Some(b"garbage")).expect_err("bad file");
        assert!(error.starts_with(RULE_SET_ERROR), "{error}");
        let error =
            init("rules.mode.sqli.nope=monitor\nevents_file=-\n", None).expect_err("unknown id");
        assert!(
            error.starts_with("rules.mode.sqli.nope names rule 'sqli.nope'"),
            "{error}"
        );
        assert!(get().is_none());
    }

    #[test]
    fn a_set_cut_after_its_hyperscan_part_asks_for_the_whole_file_when_the_portable_backend_scans()
    {
        // What the agent matches (Engine.RULE_SET_ERROR + Engine.WHOLE_FILE_NEEDED) before it
        // reads the built-in set whole and calls init again.
        let whole = compiled("t", "1", &[("t.word.plugh", "plugh")]);
        let header = rasp_engine::rules::file::RuleFile::parse(&whole)
            .expect("whole")
            .header;
        let Some(part) = header.hyperscan_part else {
            return; // a build without Hyperscan writes no part
        };
        let cut = &whole[..whole.len() - (body_len(&header.sections) - part.len) as usize];
        let error = init("rules.backend=portable\nevents_file=-\n", Some(cut)).expect_err("cut");
        assert!(
            error.starts_with(&format!(
                "{RULE_SET_ERROR}{}",
                rasp_engine::rules::file::WHOLE_FILE_NEEDED
            )),
            "{error}"
        );
        assert!(get().is_none(), "nothing was started by the refused init");
        match load_set(Some(cut), BackendChoice::Auto) {
            Ok(set) => assert_eq!(set.backend().name(), "hyperscan"),
            Err(e) => assert!(
                e.starts_with(rasp_engine::rules::file::WHOLE_FILE_NEEDED),
                "{e}"
            ),
        }
    }

    fn body_len(sections: &[rasp_engine::rules::file::SectionEntry]) -> u64 {
        sections.last().map_or(0, |s| s.offset + s.len)
    }

    #[test]
    fn stats_count_each_destination_and_shutdown_flushes_them() {
        let dir = std::env::temp_dir().join(format!("rasp-jni-stats-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("events.jsonl");
        let mut rt = runtime("", None);
        rt.events = Events::new(vec![Box::new(
            EventWriter::open(path.to_str().expect("utf8")).expect("open"),
        )]);
        for i in 0..3 {
            rt.events.submit(format!("{{\"n\":{i}}}"));
        }
        rt.shutdown_events(Duration::from_secs(5));
        let stats = json(&rt.stats_json());
        assert_eq!(stats["events_written"], 3, "{stats}");
        assert_eq!(stats["events_dropped"], 0, "{stats}");
        assert_eq!(
            stats["destinations"],
            serde_json::json!([{"name": "file", "submitted": 3, "written": 3, "dropped": 0, "errors": 0}])
        );
        rt.events.submit("{\"late\":true}".into());
        let stats = json(&rt.stats_json());
        assert_eq!(stats["events_dropped"], 1, "after shutdown: {stats}");
        assert_eq!(
            std::fs::read_to_string(&path)
                .expect("read")
                .lines()
                .count(),
            3
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn no_rule_file_means_the_empty_set() {
        for rules in [None, Some(&b""[..])] {
            let rt = runtime("", rules);
            let info = json(&rt.rules_json());
            assert_eq!(info["id"], "none", "{info}");
            assert_eq!(info["rules"], 0);
        }
    }

    fn record(inputs: &[(InputSource, &str, &str)]) -> Vec<u8> {
        let inputs: Vec<CapturedInput> = inputs
            .iter()
            .map(|&(source, name, value)| CapturedInput {
                source,
                name: name.into(),
                value: value.into(),
            })
            .collect();
        CapturedInput::encode_record(&inputs)
    }

    fn has_value(rt: &Runtime, handle: i64, value: &str) -> bool {
        let slot = rt.slot(handle).expect("live");
        let found = slot.context().inputs().iter().any(|i| i.value == value);
        found
    }

    fn open(rt: &Runtime) -> i64 {
        let context = RequestContext::from_inputs(Vec::new(), Default::default());
        rt.contexts
            .insert(ContextSlot::new(context))
            .expect("room for a context")
    }

    #[test]
    fn add_inputs_applies_a_good_record_and_nothing_of_a_bad_one() {
        let rt = runtime("", None);
        let handle = open(&rt);
        rt.add_inputs(handle, &record(&[(InputSource::Json, "a.b", "x' y")]))
            .expect("applied");
        assert!(has_value(&rt, handle, "x' y"));

        let before = rt.slot(handle).expect("live").context();
        let mut bad = record(&[
            (InputSource::Json, "c", "first ' entry"),
            (InputSource::Json, "d", "second ' entry"),
        ]);
        // The second entry's source byte: version, count, then the first entry.
        let second = 8 + 1 + 4 + 1 + 4 + "first ' entry".len();
        bad[second] = 200;
        let error = rt.add_inputs(handle, &bad).expect_err("unknown source");
        assert_eq!(
            error.to_string(),
            "input record rejected: input record entry 1 has unknown source code 200"
        );
        let after = rt.slot(handle).expect("live").context();
        assert!(before.shares_inputs_with(&after), "not half applied");
        assert!(!has_value(&rt, handle, "first ' entry"));

        assert!(rt.contexts.remove(handle));
        let stale = rt.add_inputs(handle, &record(&[(InputSource::Json, "a", "b c")]));
        assert_eq!(stale, Err(AddInputsError::StaleHandle(handle)));
        assert_eq!(rt.stats.stale_handles.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn concurrent_writers_of_one_request_lose_nothing() {
        let rt = runtime("", None);
        let handle = open(&rt);
        let values: Vec<Vec<String>> = (0..4)
            .map(|t| (0..25).map(|i| format!("t{t} v{i}'")).collect())
            .collect();
        std::thread::scope(|scope| {
            for mine in &values {
                let rt = &rt;
                scope.spawn(move || {
                    for v in mine {
                        rt.add_inputs(handle, &record(&[(InputSource::Xml, "a", v)]))
                            .expect("applied");
                    }
                });
            }
            // A body arriving meanwhile on the serving thread.
            scope.spawn(|| {
                for _ in 0..25 {
                    rt.slot(handle)
                        .expect("live")
                        .update(|c| Some(c.with_body(b"body", false)));
                }
            });
        });
        for v in values.iter().flatten() {
            assert!(has_value(&rt, handle, v), "{v} kept");
        }
    }
}
