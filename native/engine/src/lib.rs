//! `rasp-engine`: the detection core of the RASP agent.
//!
//! The engine answers one question for every hooked call: did input from the current HTTP
//! request change the syntactic structure of what is about to run? (Su and Wassermann, "The
//! Essence of Command Injection Attacks", POPL 2006.) Input confined to one literal is data;
//! input that spans tokens, closes a quote, adds an operator, keyword or comment, is code.
//!
//! The pieces, in the order a check meets them:
//!
//! * [`wire`] decodes the request record the agent sends once per request, and [`extract`]
//!   turns it (and later the body) into [`input::Input`]s: query and form parameters, headers,
//!   cookies, path segments, JSON keys and values, each with its source and name. The agent
//!   adds the values it captured where the application read them (an input record, also
//!   decoded by [`wire`]): what the application's own parsers saw, which the raw parse may not.
//! * [`context::RequestContext`] holds a request's inputs under a byte limit and compiles them
//!   into one [`matcher::InputMatcher`] (Aho-Corasick), so that a check costs one pass over the
//!   sink string whatever the number of inputs. Nearly every check ends there: no input occurs.
//!   What a record compiles to is shared by later requests that send the same record
//!   ([`context_cache`]), each with its own request number.
//! * When an input does occur, [`sql`] lexes the statement with the dialect's own quoting and
//!   comment rules ([`sql::SqlLexer`]) and [`sql::detect()`] classifies each occurrence. The
//!   tokens (and the sink rules' scan) of a statement checked again are kept
//!   ([`statement_cache`]); the occurrences are the request's own, judged at every check. A
//!   statement that differs from one lexed before only in input inside its string literals
//!   is not lexed at all ([`statement_shapes`]).
//! * [`rules`] adds what structure cannot see: a compiled rule set ([`rules::RuleSet`],
//!   Hyperscan or a portable DFA) whose sink rules match dangerous statements, commands and
//!   paths (and the deserialization gadget classes of [`deser`]), and whose input signatures catch attack input that reached a sink transformed.
//!   [`rules::eval`] decides which rules fire in a check.
//! * [`engine::Engine`] gives every finding its policy from the modes ([`config`], global and
//!   per rule), drops those an exclusion covers ([`exclusion`]), and returns a
//!   [`verdict::Verdict`] with an [`event::Event`] for the strongest finding it does not
//!   simply allow; `explain_*` returns every finding with why it fired.
//!
//! Layers: a module uses the ones below it, never one above (`tests/module_layers.rs` fails on
//! any cycle). From the top: [`engine`]; [`config`]; [`rules`]; the detectors ([`sql`], [`cmd`],
//! [`path`], [`ssrf`], [`jndi`], [`expr`], [`xxe`], [`orm`]) and the statement caches
//! ([`statement_cache`], [`statement_shapes`]); [`context`] and [`context_cache`]; [`extract`],
//! [`matcher`], [`exclusion`]; and at the bottom the plain data and parsers everything shares:
//! [`input`], [`wire`], [`net`], [`verdict`] (actions, modes, policies), [`event`],
//! [`signature_hits`], [`deser`]'s class lists. A type two layers share lives in the lower one.
//!
//! There is no JNI here and no `unsafe`: the `rasp-jni` crate is a thin layer over this one,
//! and the CLI and benchmarks use it directly.

// The docs explain the design to its maintainers and link private items: read them with
// `cargo doc --document-private-items` (scripts/test builds them so, warnings denied).
#![allow(rustdoc::private_intra_doc_links)]
#![forbid(unsafe_code)]

mod cache_set;
pub mod cmd;
pub mod config;
pub mod context;
pub mod context_cache;
pub mod deser;
pub mod engine;
pub mod event;
pub mod exclusion;
pub mod expr;
pub mod extract;
pub mod input;
pub mod jndi;
pub mod matcher;
pub mod net;
pub mod orm;
pub mod path;
pub mod rules;
pub mod signature_hits;
pub mod sql;
pub mod ssrf;
pub mod statement_cache;
pub mod statement_shapes;
pub mod verdict;
pub mod wire;
pub mod xxe;

pub use config::EngineConfig;
pub use context::{ContextLimits, RequestContext};
pub use engine::{
    ClassSink, CommandSink, Engine, ExprApi, ExprSink, JndiSink, PathSink, SqlApi, SqlSink, UrlApi,
    UrlCheck, UrlSink,
};
pub use verdict::{Action, Mode, Policy, Verdict};
