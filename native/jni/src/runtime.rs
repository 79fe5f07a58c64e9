//! The process-wide state behind the natives: the engine, the live request contexts, the event
//! writer and the counters. Created once by `init`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use rasp_engine::event::Event;
use rasp_engine::{Engine, EngineConfig, RequestContext};

use crate::handles::HandleTable;
use crate::writer::EventWriter;

/// How many requests may be in flight at once. Past this, new requests run unprotected and
/// are counted in `contexts_rejected` (fail-open: the agent must never stop the application).
pub const MAX_LIVE_CONTEXTS: usize = 1 << 16;

/// One request's slot: the current context (replaced when the body arrives) and the event of
/// the last non-allow verdict, waiting for the agent to add the Java stack.
///
/// Both are behind a mutex of this request alone, held to clone or replace a pointer: only
/// threads serving the same request could ever meet there, and for nanoseconds.
pub struct ContextSlot {
    context: Mutex<Arc<RequestContext>>,
    pub pending: Mutex<Option<Box<Event>>>,
}

impl ContextSlot {
    pub fn new(context: RequestContext) -> ContextSlot {
        ContextSlot {
            context: Mutex::new(Arc::new(context)),
            pending: Mutex::new(None),
        }
    }

    /// The current context snapshot.
    pub fn context(&self) -> Arc<RequestContext> {
        Arc::clone(&lock(&self.context))
    }

    /// Replaces the snapshot (a new body arrived).
    pub fn replace_context(&self, next: RequestContext) {
        *lock(&self.context) = Arc::new(next);
    }
}

/// Locks a mutex, recovering it if a panic poisoned it (the data stays consistent: every
/// critical section is a single assignment or clone).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[derive(Default)]
pub struct Stats {
    pub checks: AtomicU64,
    pub monitors: AtomicU64,
    pub blocks: AtomicU64,
    pub errors: AtomicU64,
    pub contexts_opened: AtomicU64,
    pub contexts_rejected: AtomicU64,
    pub stale_handles: AtomicU64,
}

pub struct Runtime {
    pub engine: Engine,
    pub contexts: HandleTable<ContextSlot>,
    pub events: EventWriter,
    pub stats: Stats,
}

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

pub fn get() -> Option<&'static Runtime> {
    RUNTIME.get()
}

/// Parses the configuration and starts the runtime. A second call is accepted and ignored:
/// the agent initialises once, and a repeated attach must not fail the application.
pub fn init(config_text: &str) -> Result<(), String> {
    if RUNTIME.get().is_some() {
        return Ok(());
    }
    let config = EngineConfig::parse(config_text).map_err(|e| e.to_string())?;
    let events = EventWriter::open(&config.events_file).map_err(|e| {
        format!(
            "bad value '{}' for events_file: cannot open it for appending ({e}); use a writable file path, or - for standard error",
            config.events_file
        )
    })?;
    let runtime = Runtime {
        engine: Engine::new(config),
        contexts: HandleTable::with_capacity(MAX_LIVE_CONTEXTS),
        events,
        stats: Stats::default(),
    };
    // Losing a race with another init is fine: the winner's runtime is equivalent.
    let _ = RUNTIME.set(runtime);
    Ok(())
}

impl Runtime {
    pub fn stats_json(&self) -> String {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        serde_json::json!({
            "checks": load(&self.stats.checks),
            "monitors": load(&self.stats.monitors),
            "blocks": load(&self.stats.blocks),
            "errors": load(&self.stats.errors),
            "contexts_opened": load(&self.stats.contexts_opened),
            "contexts_rejected": load(&self.stats.contexts_rejected),
            "contexts_live": self.contexts.live(),
            "stale_handles": load(&self.stats.stale_handles),
            "events_written": load(&self.events.written),
            "events_dropped": load(&self.events.dropped),
        })
        .to_string()
    }
}
