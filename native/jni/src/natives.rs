//! The JNI entry points, one per operation of `dev.rasp.core.engine.NativeEngine`.
//!
//! Each one is `guarded`: it runs inside `catch_unwind`, clears any Java exception a JNI call
//! left pending, and turns every failure into the method's documented error value, counted in
//! `stats().errors`. The Java side decides what an error means (fail-open by default).

use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::time::Duration;

use jni::objects::{JByteArray, JClass, ReleaseMode};
use jni::sys::{jboolean, jbyteArray, jint, jlong, JNI_TRUE};
use jni::{JNIEnv, NativeMethod};
use rasp_engine::cmd::CommandLine;
use rasp_engine::event::BlockResponse;
use rasp_engine::path::PathOp;
use rasp_engine::sql::Dialect;
use rasp_engine::{
    Action, CommandSink, ExprApi, ExprSink, PathSink, SqlApi, SqlSink, UrlApi, UrlSink, Verdict,
};

use std::net::IpAddr;
use std::ops::Deref;

use crate::contain::contained;
use crate::pages::Pages;
use crate::runtime::{self, ContextSlot};
use crate::sync::lock;

mod deser;
mod jndi;
mod xxe;

fn method(name: &str, sig: &str, fn_ptr: *mut c_void) -> NativeMethod {
    NativeMethod {
        name: name.into(),
        sig: sig.into(),
        fn_ptr,
    }
}

/// The command and file checks and captured inputs, registered separately so that an agent built before they
/// existed still loads this library.
pub fn sink_methods() -> Vec<NativeMethod> {
    vec![
        method("checkCommand", "(JI[B[B)I", check_command as *mut c_void),
        method("checkPath", "(JII[B[B)I", check_path as *mut c_void),
        method("addInputs", "(J[BI)I", add_inputs as *mut c_void),
        method("checkJndi", "(JI[B)I", jndi::check_jndi as *mut c_void),
        method("checkUrl", "(JI[B[B[B)I", check_url as *mut c_void),
        method(
            "checkExpression",
            "(JI[B)I",
            check_expression as *mut c_void,
        ),
        method("checkClass", "(JI[B)I", deser::check_class as *mut c_void),
        method(
            "checkEntity",
            "(JII[B[B[B)I",
            xxe::check_entity as *mut c_void,
        ),
    ]
}

/// The agent's lifecycle natives, registered separately so that an agent built before they
/// existed still loads this library.
pub fn lifecycle_methods() -> Vec<NativeMethod> {
    vec![method(
        "shutdownEvents",
        "(I)V",
        shutdown_events as *mut c_void,
    )]
}

/// The natives and their JNI signatures, for `RegisterNatives`.
pub fn methods() -> Vec<NativeMethod> {
    let m = method;
    vec![
        m("init", "([B[B)[B", init as *mut c_void),
        m("loadRules", "([B)[B", load_rules as *mut c_void),
        m("rulesInfo", "()[B", rules_info as *mut c_void),
        m("openContext", "([BI)J", open_context as *mut c_void),
        m("setBody", "(J[BIZ)I", set_body as *mut c_void),
        m("checkSql", "(JII[B)I", check_sql as *mut c_void),
        m("takeEvent", "(J[B[BI)[B", take_event as *mut c_void),
        m("closeContext", "(J)V", close_context as *mut c_void),
        m("dialectOf", "([B)I", dialect_of as *mut c_void),
        m("stats", "()[B", stats as *mut c_void),
    ]
}

/// Runs `f`, containing panics and Java exceptions; `fallback` on any failure, counted in
/// `stats().errors`.
fn guarded<'l, T>(
    env: &mut JNIEnv<'l>,
    fallback: T,
    f: impl FnOnce(&mut JNIEnv<'l>) -> Option<T>,
) -> T {
    contained(env, f).unwrap_or_else(|| {
        if let Some(rt) = runtime::get() {
            rt.stats.errors.fetch_add(1, Ordering::Relaxed);
        }
        fallback
    })
}

/// Arrays up to this many bytes are read in place by [`with_bytes`]; longer ones are copied out
/// first, so that no check of a long statement holds the array (and with it the collector).
const IN_PLACE_BYTES: usize = 16 * 1024;

/// Calls `f` with the first `len` bytes of a Java byte array (all of it for a negative `len`),
/// read where the JVM keeps them (`GetPrimitiveArrayCritical`): no copy into a zeroed stack
/// buffer, which with its JNI calls was a sixth of opening a request's context under load
/// (`benches/load`, profiled; the JNI calls stay three: length, get, release). Arrays over
/// [`IN_PLACE_BYTES`] are copied out and released before `f` runs.
fn with_bytes<R>(
    env: &mut JNIEnv<'_>,
    array: &JByteArray<'_>,
    len: jint,
    f: impl FnOnce(&[u8]) -> Option<R>,
) -> Option<R> {
    if array.is_null() {
        return None;
    }
    // SAFETY: between GetPrimitiveArrayCritical and its release the JNI rules forbid other JNI
    // calls and waiting for another Java thread. The guard borrows `env` mutably until it is
    // dropped, so no JNI call can be made through it; `f` is engine code, whose only waits are
    // on locks other threads hold while they run engine code too (a context's mutexes, held for
    // a pointer copy; a context's signature hits being set; the engine's caches are only ever
    // `try_lock`ed), never on a Java thread. The array
    // is released within the check of a statement of at most IN_PLACE_BYTES (tens of
    // microseconds at most); a longer one is copied and released first.
    let elements =
        unsafe { env.get_array_elements_critical(array, ReleaseMode::NoCopyBack) }.ok()?;
    let len = match usize::try_from(len) {
        Ok(len) => len.min(elements.len()),
        Err(_) => elements.len(),
    };
    // SAFETY: the guard's pointer is valid for `elements.len()` `i8`s (JNI's `jbyte`) until it
    // is dropped, and `len` is no more; `i8` and `u8` have the same size and alignment and every
    // bit pattern is valid for both. `bytes` is not used past the guard's drop below.
    let bytes =
        unsafe { std::slice::from_raw_parts(elements.as_ptr().cast::<u8>().cast_const(), len) };
    if len > IN_PLACE_BYTES {
        let owned = bytes.to_vec();
        drop(elements);
        return f(&owned);
    }
    let result = f(bytes);
    drop(elements);
    result
}

/// The first `len` bytes of a Java byte array (all of it for a negative `len`).
fn read_bytes(env: &JNIEnv<'_>, array: &JByteArray<'_>, len: jint) -> Option<Vec<u8>> {
    if array.is_null() {
        return None;
    }
    let total = env.get_array_length(array).ok()?;
    let len = if len < 0 { total } else { len.min(total) };
    let mut buf = vec![0i8; usize::try_from(len).ok()?];
    env.get_byte_array_region(array, 0, &mut buf).ok()?;
    Some(buf.into_iter().map(|b| b as u8).collect())
}

/// A rule file's bytes, copied into pages of their own rather than the malloc heap ([`Pages`]
/// says why); `None` for a null or unreadable array.
fn read_rules(env: &JNIEnv<'_>, array: &JByteArray<'_>) -> Option<Pages> {
    if array.is_null() {
        return None;
    }
    let len = usize::try_from(env.get_array_length(array).ok()?).ok()?;
    let mut pages = Pages::new(len)?;
    env.get_byte_array_region(array, 0, pages.as_jbytes_mut())
        .ok()?;
    Some(pages)
}

fn to_java(env: &JNIEnv<'_>, bytes: &[u8]) -> Option<jbyteArray> {
    env.byte_array_from_slice(bytes)
        .ok()
        .map(JByteArray::into_raw)
}

fn slot(handle: jlong) -> Option<(&'static runtime::Runtime, impl Deref<Target = ContextSlot>)> {
    let rt = runtime::get()?;
    Some((rt, rt.slot(handle)?))
}

/// `guarded` for the natives whose null answer means success: a failure of `f` (a contained
/// panic included) answers `message` instead, so it may not fall back to null. The message is
/// made only on failure, and under `catch_unwind` like everything else.
fn guarded_message<'l>(
    env: &mut JNIEnv<'l>,
    message: &str,
    f: impl FnOnce(&mut JNIEnv<'l>) -> Option<jbyteArray>,
) -> jbyteArray {
    match guarded(env, None, |env| f(env).map(Some)) {
        Some(answer) => answer,
        None => {
            let text = catch_unwind(AssertUnwindSafe(|| to_java(env, message.as_bytes())));
            if env.exception_check().unwrap_or(false) {
                let _ = env.exception_clear();
            }
            text.ok().flatten().unwrap_or(std::ptr::null_mut())
        }
    }
}

extern "system" fn init<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    config: JByteArray<'l>,
    rules: JByteArray<'l>,
) -> jbyteArray {
    let failed = "internal error in the native engine's init";
    guarded_message(&mut env, failed, |env| {
        let text = read_bytes(env, &config, -1).unwrap_or_default();
        // null (no rule set) and an unreadable array both mean: the built-in detectors alone
        let rules = read_rules(env, &rules);
        match runtime::init(
            &String::from_utf8_lossy(&text),
            rules.as_ref().map(Pages::as_slice),
        ) {
            Ok(()) => Some(std::ptr::null_mut()),
            Err(message) => to_java(env, message.as_bytes()),
        }
    })
}

extern "system" fn load_rules<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    rules: JByteArray<'l>,
) -> jbyteArray {
    let failed = "internal error in the native engine while loading the rule set";
    guarded_message(&mut env, failed, |env| {
        let outcome = match (runtime::get(), read_rules(env, &rules)) {
            (None, _) => Err("the native engine is not initialised".to_owned()),
            (Some(_), None) => Err("no rule file content".to_owned()),
            (Some(rt), Some(bytes)) => rt.load_rules(bytes.as_slice()),
        };
        match outcome {
            Ok(()) => Some(std::ptr::null_mut()),
            Err(message) => to_java(env, message.as_bytes()),
        }
    })
}

extern "system" fn rules_info<'l>(mut env: JNIEnv<'l>, _class: JClass<'l>) -> jbyteArray {
    guarded(&mut env, std::ptr::null_mut(), |env| {
        let rt = runtime::get()?;
        to_java(env, rt.rules_json().as_bytes())
    })
}

extern "system" fn open_context<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    request: JByteArray<'l>,
    length: jint,
) -> jlong {
    guarded(&mut env, 0, |env| {
        let rt = runtime::get()?;
        let engine = rt.engine.load();
        let opened = with_bytes(env, &request, length, |b| engine.open_context(b).ok())?;
        match rt.contexts.insert(ContextSlot::new(opened.context)) {
            Some(handle) => {
                rt.stats.contexts_opened.fetch_add(1, Ordering::Relaxed);
                if opened.shared {
                    rt.stats.contexts_shared.fetch_add(1, Ordering::Relaxed);
                }
                Some(handle)
            }
            None => {
                rt.stats.contexts_rejected.fetch_add(1, Ordering::Relaxed);
                Some(0)
            }
        }
    })
}

extern "system" fn set_body<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
    body: JByteArray<'l>,
    length: jint,
    truncated: jboolean,
) -> jint {
    guarded(&mut env, -1, |env| {
        let (_, slot) = slot(handle)?;
        let bytes = read_bytes(env, &body, length)?;
        slot.update(|context| Some(context.with_body(&bytes, truncated == JNI_TRUE)));
        Some(0)
    })
}

extern "system" fn check_sql<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
    dialect: jint,
    api: jint,
    sql: JByteArray<'l>,
) -> jint {
    guarded(&mut env, -1, |env| {
        let (rt, slot) = slot(handle)?;
        rt.stats.checks.fetch_add(1, Ordering::Relaxed);
        let verdict = with_bytes(env, &sql, -1, |statement| {
            let sink = SqlSink {
                dialect: Dialect::from_code(dialect),
                api: SqlApi::from_code(api).unwrap_or(SqlApi::Execute),
                statement,
            };
            Some(rt.engine.load().check_sql(&slot.context(), &sink))
        })?;
        Some(record(rt, &slot, verdict))
    })
}

/// Counts a verdict, parks its event for `takeEvent`, and returns its code.
fn record(rt: &runtime::Runtime, slot: &ContextSlot, verdict: Verdict) -> jint {
    match verdict.action {
        Action::Allow => {}
        Action::Monitor => {
            rt.stats.monitors.fetch_add(1, Ordering::Relaxed);
        }
        Action::Block => {
            rt.stats.blocks.fetch_add(1, Ordering::Relaxed);
        }
    }
    if let Some(event) = verdict.event {
        *lock(&slot.pending) = Some(event);
    }
    verdict.action.code()
}

/// Splits NUL-separated UTF-8 strings (invalid UTF-8 kept lossily).
fn split_nul(bytes: &[u8]) -> impl Iterator<Item = String> + '_ {
    bytes
        .split(|&b| b == 0)
        .map(|s| String::from_utf8_lossy(s).into_owned())
}

extern "system" fn check_command<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
    api: jint,
    argv: JByteArray<'l>,
    environment: JByteArray<'l>,
) -> jint {
    guarded(&mut env, -1, |env| {
        let (rt, slot) = slot(handle)?;
        rt.stats.checks.fetch_add(1, Ordering::Relaxed);
        let argv = read_bytes(env, &argv, -1)?;
        let environment = read_bytes(env, &environment, -1).unwrap_or_default();
        let command = CommandLine {
            argv: split_nul(&argv).collect(),
            env: split_nul(&environment)
                .filter(|e| !e.is_empty())
                .map(|e| match e.split_once('=') {
                    Some((k, v)) => (k.to_owned(), v.to_owned()),
                    None => (e, String::new()),
                })
                .collect(),
        };
        let verdict = rt.engine.load().check_command(
            &slot.context(),
            &CommandSink {
                api,
                command: &command,
            },
        );
        Some(record(rt, &slot, verdict))
    })
}

extern "system" fn check_path<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
    api: jint,
    op: jint,
    path: JByteArray<'l>,
    written: JByteArray<'l>,
) -> jint {
    guarded(&mut env, -1, |env| {
        let (rt, slot) = slot(handle)?;
        rt.stats.checks.fetch_add(1, Ordering::Relaxed);
        let path = env.convert_byte_array(&path).ok()?;
        // null: the application opened the path as it wrote it.
        let written = if written.is_null() {
            None
        } else {
            Some(env.convert_byte_array(&written).ok()?)
        };
        let sink = PathSink {
            api,
            op: PathOp::from_code(op),
            path: &path,
        };
        let engine = rt.engine.load();
        let verdict = match &written {
            Some(w) => engine.check_path_written(&slot.context(), &sink, w),
            None => engine.check_path(&slot.context(), &sink),
        };
        Some(record(rt, &slot, verdict))
    })
}

/// Added to a `checkUrl` verdict when request input chose the destination.
const CHOSEN_BY_INPUT: jint = 16;

extern "system" fn check_url<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
    api: jint,
    url: JByteArray<'l>,
    address: JByteArray<'l>,
    origin: JByteArray<'l>,
) -> jint {
    guarded(&mut env, -1, |env| {
        let (rt, slot) = slot(handle)?;
        rt.stats.checks.fetch_add(1, Ordering::Relaxed);
        let api = UrlApi::from_code(api)?;
        let url = env.convert_byte_array(&url).ok()?;
        let address = optional_bytes(env, &address)?;
        let address = match address.as_deref() {
            None => None,
            Some(&[a, b, c, d]) => Some(IpAddr::from([a, b, c, d])),
            Some(bytes) => Some(IpAddr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        };
        let origin = optional_bytes(env, &origin)?;
        let sink = UrlSink {
            api,
            url: &url,
            address,
            origin: origin.as_deref(),
        };
        let check = rt.engine.load().check_url(&slot.context(), &sink);
        let code = record(rt, &slot, check.verdict);
        Some(if check.chosen_by_input {
            code | CHOSEN_BY_INPUT
        } else {
            code
        })
    })
}

extern "system" fn check_expression<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
    api: jint,
    expression: JByteArray<'l>,
) -> jint {
    guarded(&mut env, -1, |env| {
        let (rt, slot) = slot(handle)?;
        rt.stats.checks.fetch_add(1, Ordering::Relaxed);
        let api = ExprApi::from_code(api)?;
        let expression = env.convert_byte_array(&expression).ok()?;
        let sink = ExprSink {
            api,
            expression: &expression,
        };
        let verdict = rt.engine.load().check_expression(&slot.context(), &sink);
        Some(record(rt, &slot, verdict))
    })
}

/// A byte array argument that may be null: `Some(None)` for null, `None` on a JNI failure.
fn optional_bytes(env: &JNIEnv<'_>, array: &JByteArray<'_>) -> Option<Option<Vec<u8>>> {
    if array.is_null() {
        Some(None)
    } else {
        env.convert_byte_array(array).ok().map(Some)
    }
}

/// `record`: bytes `[0, length)` of an input record (docs/native-boundary.md). 0, or -1 for a
/// stale handle or a record that does not decode (then nothing of it is applied).
extern "system" fn add_inputs<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
    record: JByteArray<'l>,
    length: jint,
) -> jint {
    guarded(&mut env, -1, |env| {
        let rt = runtime::get()?;
        let bytes = read_bytes(env, &record, length)?;
        rt.add_inputs(handle, &bytes).ok()?;
        Some(0)
    })
}

/// `handoff`: null when the check ran on the thread serving the request, else
/// `"<via>\n<thread name>"`. `block_response`: the [`BlockResponse`] code, used for blocked
/// events only.
extern "system" fn take_event<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
    stack: JByteArray<'l>,
    handoff: JByteArray<'l>,
    block_response: jint,
) -> jbyteArray {
    guarded(&mut env, std::ptr::null_mut(), |env| {
        let (rt, slot) = slot(handle)?;
        let Some(mut event) = lock(&slot.pending).take() else {
            return Some(std::ptr::null_mut());
        };
        let stack = read_bytes(env, &stack, -1);
        let handoff = read_bytes(env, &handoff, -1);
        event.complete(
            stack.as_deref(),
            handoff.as_deref(),
            BlockResponse::from_code(block_response),
        );
        let line = serde_json::to_string(&event).ok()?;
        rt.events.submit(line);
        let summary = format!("{}\n{}\n{}", event.rule_id, event.event_id, event.category);
        to_java(env, summary.as_bytes())
    })
}

extern "system" fn close_context<'l>(mut env: JNIEnv<'l>, _class: JClass<'l>, handle: jlong) {
    guarded(&mut env, (), |_| {
        let rt = runtime::get()?;
        if !rt.contexts.remove(handle) {
            rt.stats.stale_handles.fetch_add(1, Ordering::Relaxed);
        }
        Some(())
    })
}

extern "system" fn dialect_of<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    url: JByteArray<'l>,
) -> jint {
    guarded(&mut env, Dialect::Generic.code(), |env| {
        let url = read_bytes(env, &url, -1)?;
        Some(Dialect::from_jdbc_url(&String::from_utf8_lossy(&url)).code())
    })
}

extern "system" fn stats<'l>(mut env: JNIEnv<'l>, _class: JClass<'l>) -> jbyteArray {
    guarded(&mut env, std::ptr::null_mut(), |env| {
        let json = runtime::get().map_or_else(|| "{}".to_owned(), |rt| rt.stats_json());
        to_java(env, json.as_bytes())
    })
}

/// `timeoutMillis`: how long queued events may take to be delivered; what is left then is
/// counted as dropped (and logged by its destination). Blocks the calling (shutdown) thread
/// for at most that long.
extern "system" fn shutdown_events<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    timeout_millis: jint,
) {
    guarded(&mut env, (), |_| {
        let rt = runtime::get()?;
        let millis = u64::try_from(timeout_millis).unwrap_or(0);
        rt.shutdown_events(Duration::from_millis(millis));
        Some(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JNI signature of a Java parameter or return type, for the types the contract uses.
    fn jni_type(java: &str) -> Option<&'static str> {
        Some(match java {
            "byte[]" => "[B",
            "long[]" => "[J",
            "String" => "Ljava/lang/String;",
            "ClassLoader" => "Ljava/lang/ClassLoader;",
            "Class<?>" => "Ljava/lang/Class;",
            "Object" => "Ljava/lang/Object;",
            "long" => "J",
            "int" => "I",
            "boolean" => "Z",
            "void" => "V",
            _ => return None,
        })
    }

    /// `(name, signature)` of every `static native` declaration in docs/native-boundary.md.
    fn documented() -> Vec<(String, String)> {
        let doc = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/native-boundary.md"
        ))
        .expect("docs/native-boundary.md");
        doc.lines()
            .filter_map(|l| l.trim().strip_prefix("static native "))
            .map(|decl| {
                let (head, params) = decl.split_once('(').expect("a parameter list");
                let (ret, name) = head.rsplit_once(' ').expect("a return type");
                let params = params.split_once(')').expect("closed").0;
                let args: String = params
                    .split(',')
                    .filter(|p| !p.trim().is_empty())
                    .map(|p| {
                        let ty = p.trim().rsplit_once(' ').expect("type and name").0;
                        jni_type(ty).unwrap_or_else(|| panic!("type {ty} in {decl}"))
                    })
                    .collect();
                let ret = jni_type(ret).unwrap_or_else(|| panic!("type {ret} in {decl}"));
                (name.to_owned(), format!("({args}){ret}"))
            })
            .collect()
    }

    #[test]
    fn registered_signatures_are_the_documented_ones() {
        let mut registered: Vec<(String, String)> = methods()
            .into_iter()
            .chain(sink_methods())
            .chain(lifecycle_methods())
            .chain(crate::class_hook::methods())
            .chain(crate::loaded_classes::methods())
            .map(|m| {
                (
                    m.name.to_str().expect("name").to_owned(),
                    m.sig.to_str().expect("sig").to_owned(),
                )
            })
            .collect();
        let mut documented = documented();
        registered.sort();
        documented.sort();
        assert!(
            documented.iter().any(|(n, _)| n == "takeEvent"),
            "the doc parser found the declarations: {documented:?}"
        );
        assert_eq!(registered, documented);
    }
}
