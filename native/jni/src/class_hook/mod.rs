//! The class-load hook: the agent's first look at every class the JVM loads, in native code.
//!
//! Why here and not in a `java.lang.instrument` transformer: the JVM hands a Java transformer
//! every class it loads (some 15,000 at a Spring Boot start), each as a fresh byte array through
//! `TransformerManager`, and that alone, with a transformer that returns at once, cost +0.2 to
//! +0.9 s of CPU at start in the same runs where a native `ClassFileLoadHook` that returns at once
//! cost nothing measurable (docs/overhead-log.md, sixteenth round). Nine classes in ten are let go on
//! facts of their own class file ([`filter`]); only the rest reach the Java side, as they did
//! behind its own pre-filter before.
//!
//! Two JVM TI environments, as the Java side had two registrations:
//! * the *load* environment cannot retransform: it sees loads (and other agents'
//!   redefinitions), and what it weaves becomes the class's own bytes, so the JVM keeps no copy of
//!   the original and a later retransformation (another agent's) starts from the woven class;
//! * the *retransform* environment can: it sees retransformations (the agent's own pass over the
//!   classes loaded before it, started through `Instrumentation.retransformClasses`), and returns
//!   at once for loads.
//!
//! Both call one Java object ([`Hook`]): `onLoad` and `onRetransform`, with the arguments a
//! `ClassFileTransformer` gets. A load whose super types decide ([`FirstLook::SuperTypes`]) is
//! first answered from what the hook learnt ([`super_types`]), else asked about by name
//! (`onSuperTypes`), and reaches `onLoad` only when they may have a key. A class loaded while this
//! thread is inside one of those calls is not looked at (as `java.lang.instrument` does too: the
//! Java side's own loads). No panic leaves a callback, and a Java exception is cleared and counted.

pub mod filter;
mod jvmti;
pub mod scan;
pub mod super_types;

use std::cell::Cell;
use std::ffi::{c_char, c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use jni::objects::JMethodID;
use jni::objects::{GlobalRef, JByteArray, JClass, JObject, JString, JValueGen, WeakRef};
use jni::signature::ReturnType;
use jni::strings::JNIStr;
use jni::sys::{
    jboolean, jclass, jint, jlongArray, jobject, jstring, jvalue, JNIEnv as RawJni, JNI_TRUE,
};
use jni::{JNIEnv, NativeMethod};

use crate::contain::contained;

use filter::{ClassFilter, FirstLook};
use jvmti::Env;
use super_types::{Judged, KnownSuperTypes, LoaderAtHand};

/// The Java handler's methods: `(module, loader, internal name, class being redefined, protection
/// domain, class file) -> new class file or null`, as `ClassFileTransformer.transform`.
const HANDLER_SIG: &str = "(Ljava/lang/Object;Ljava/lang/ClassLoader;Ljava/lang/String;Ljava/lang/Class;Ljava/security/ProtectionDomain;[B)[B";

/// The handler's `onSuperTypes`: `(loader, protection domain, internal name, its superclass and
/// interfaces) -> whether one of them may have a key type in its hierarchy`.
const SUPER_TYPES_SIG: &str =
    "(Ljava/lang/ClassLoader;Ljava/security/ProtectionDomain;Ljava/lang/String;[Ljava/lang/String;)Z";

/// The natives of `NativeEngine` this module implements.
pub fn methods() -> Vec<NativeMethod> {
    vec![
        NativeMethod {
            name: "installClassHook".into(),
            sig: "([BLjava/lang/ClassLoader;Ljava/lang/Object;)Ljava/lang/String;".into(),
            fn_ptr: install_class_hook as *mut c_void,
        },
        NativeMethod {
            name: "classHookStats".into(),
            sig: "()[J".into(),
            fn_ptr: class_hook_stats as *mut c_void,
        },
        NativeMethod {
            name: "classHookKeyConstant".into(),
            sig: "(Ljava/lang/Class;)I".into(),
            fn_ptr: class_hook_key_constant as *mut c_void,
        },
        NativeMethod {
            name: "classHookLinked".into(),
            sig: "(Ljava/lang/Class;)I".into(),
            fn_ptr: class_hook_linked as *mut c_void,
        },
        NativeMethod {
            name: "classHookPasses".into(),
            sig: "([B[BZ[B)I".into(),
            fn_ptr: class_hook_passes as *mut c_void,
        },
    ]
}

/// What the hook was installed with.
struct Hook {
    filter: ClassFilter,
    /// The agent core's loader: its classes are never looked at.
    own_loader: Option<GlobalRef>,
    handler: GlobalRef,
    on_load: JMethodID,
    on_retransform: JMethodID,
    on_super_types: JMethodID,
    /// `java.lang.String`, for the array of super type names.
    string_class: GlobalRef,
    known: KnownSuperTypes<WeakRef>,
    /// The load environment, asked about a class's state (GetClassStatus needs no capability).
    load: Env,
    /// The load environment when it is version 9 or later (GetNamedModule), else None.
    modules: Option<Env>,
    /// The load environment when it has `can_get_constant_pool`, else None.
    pools: Option<Env>,
    stats: Stats,
    /// Both environments see classes (false when the install failed after this was stored).
    active: AtomicBool,
}

#[derive(Default)]
struct Stats {
    /// Loads the first look decided on.
    seen: AtomicU64,
    /// Classes handed to the Java side (loads let through, redefinitions, retransformations).
    passed: AtomicU64,
    /// Classes the Java side changed.
    changed: AtomicU64,
    /// Java exceptions, panics, failed allocations: the class was left as it was.
    errors: AtomicU64,
    /// Time in the first look, in nanoseconds.
    filter_nanos: AtomicU64,
    /// Loads whose super types the Java side was asked about.
    super_types_asked: AtomicU64,
    /// Loads left on what the hook had learnt of their super types.
    left_on_known_super_types: AtomicU64,
}

static HOOK: OnceLock<Hook> = OnceLock::new();

thread_local! {
    /// Whether this thread is inside a call to the Java side.
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

/// `String installClassHook(byte[] spec, ClassLoader ownLoader, Object handler)`: null once both
/// environments see classes, else why not (the agent then keeps its Java transformer).
extern "system" fn install_class_hook<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    spec: JByteArray<'l>,
    own_loader: JObject<'l>,
    handler: JObject<'l>,
) -> jstring {
    let result = catch_unwind(AssertUnwindSafe(|| {
        install(&mut env, &spec, &own_loader, &handler)
    }))
    .unwrap_or_else(|_| Err("the native hook panicked while installing".to_owned()));
    if env.exception_check().unwrap_or(false) {
        let _ = env.exception_clear();
    }
    match result {
        Ok(()) => std::ptr::null_mut(),
        Err(reason) => env
            .new_string(reason)
            .map(JString::into_raw)
            .unwrap_or(std::ptr::null_mut()),
    }
}

fn install(
    env: &mut JNIEnv<'_>,
    spec: &JByteArray<'_>,
    own_loader: &JObject<'_>,
    handler: &JObject<'_>,
) -> Result<(), String> {
    if HOOK.get().is_some() {
        return Err("already installed".into());
    }
    if handler.is_null() {
        return Err("no handler".into());
    }
    let spec = env
        .convert_byte_array(spec)
        .map_err(|e| format!("reading the spec: {e}"))?;
    let filter = ClassFilter::from_spec(&spec).map_err(|e| e.to_string())?;
    let class = env
        .get_object_class(handler)
        .map_err(|e| format!("handler class: {e}"))?;
    let on_load = env
        .get_method_id(&class, "onLoad", HANDLER_SIG)
        .map_err(|e| format!("handler's onLoad: {e}"))?;
    let on_retransform = env
        .get_method_id(&class, "onRetransform", HANDLER_SIG)
        .map_err(|e| format!("handler's onRetransform: {e}"))?;
    let on_super_types = env
        .get_method_id(&class, "onSuperTypes", SUPER_TYPES_SIG)
        .map_err(|e| format!("handler's onSuperTypes: {e}"))?;
    let string_class = env
        .find_class("java/lang/String")
        .and_then(|c| env.new_global_ref(c))
        .map_err(|e| format!("java.lang.String: {e}"))?;
    let handler = env.new_global_ref(handler).map_err(|e| e.to_string())?;
    let own_loader = if own_loader.is_null() {
        None
    } else {
        Some(env.new_global_ref(own_loader).map_err(|e| e.to_string())?)
    };
    let vm = env
        .get_java_vm()
        .map_err(|e| e.to_string())?
        .get_java_vm_pointer();
    // SAFETY: `vm` is this JVM's JavaVM pointer.
    let (load, version) = match unsafe { Env::new(vm, jvmti::VERSION_9) } {
        Some(e) => (e, jvmti::VERSION_9),
        // SAFETY: as above (a Java 8 JVM: no modules)
        None => match unsafe { Env::new(vm, jvmti::VERSION_1_2) } {
            Some(e) => (e, jvmti::VERSION_1_2),
            None => return Err("the JVM offers no JVM TI environment".into()),
        },
    };
    // SAFETY: as above.
    let Some(retransform) = (unsafe { Env::new(vm, version) }) else {
        load.dispose();
        return Err("the JVM offers no second JVM TI environment".into());
    };
    let give_back = |why: String| {
        load.dispose();
        retransform.dispose();
        Err(why)
    };
    if let Err(code) = retransform.add_retransform_capability() {
        return give_back(format!(
            "can_retransform_classes refused (JVM TI error {code})"
        ));
    }
    // Only for the classes loaded before the hook (classHookKeyConstant): without it the Java side
    // reads their class files, as before.
    let pools = load.add_constant_pool_capability().is_ok().then_some(load);
    let hook = Hook {
        filter,
        own_loader,
        handler,
        on_load,
        on_retransform,
        on_super_types,
        string_class,
        known: KnownSuperTypes::default(),
        load,
        modules: (version == jvmti::VERSION_9).then_some(load),
        pools,
        stats: Stats::default(),
        active: AtomicBool::new(false),
    };
    if HOOK.set(hook).is_err() {
        return give_back("already installed".into());
    }
    if let Err(code) = load.enable_class_file_load_hook(on_event::<false>) {
        return give_back(format!("ClassFileLoadHook refused (JVM TI error {code})"));
    }
    if let Err(code) = retransform.enable_class_file_load_hook(on_event::<true>) {
        return give_back(format!(
            "ClassFileLoadHook refused for retransformation (JVM TI error {code})"
        ));
    }
    if let Some(hook) = HOOK.get() {
        hook.active.store(true, Ordering::Release);
    }
    Ok(())
}

/// `long[] classHookStats()`: loads looked at, classes handed to Java, changed, errors, the
/// nanoseconds the first look took, loads whose super types Java was asked about, and loads left
/// on what the hook had learnt of their super types; null before the hook is installed.
extern "system" fn class_hook_stats<'l>(env: JNIEnv<'l>, _class: JClass<'l>) -> jlongArray {
    let Some(hook) = HOOK.get().filter(|h| h.active.load(Ordering::Acquire)) else {
        return std::ptr::null_mut();
    };
    let s = &hook.stats;
    let values = [
        &s.seen,
        &s.passed,
        &s.changed,
        &s.errors,
        &s.filter_nanos,
        &s.super_types_asked,
        &s.left_on_known_super_types,
    ]
    .map(|c| i64::try_from(c.load(Ordering::Relaxed)).unwrap_or(i64::MAX));
    let array = match env.new_long_array(values.len() as jint) {
        Ok(a) => a,
        Err(_) => {
            let _ = env.exception_clear();
            return std::ptr::null_mut();
        }
    };
    if env.set_long_array_region(&array, 0, &values).is_err() {
        let _ = env.exception_clear();
        return std::ptr::null_mut();
    }
    array.into_raw()
}

/// `int classHookKeyConstant(Class<?> type)`: whether a class loaded before the hook holds a key
/// constant of the installed spec in its constant pool (1 yes, 0 no), read from the JVM instead of
/// from its class file; -1 when that cannot be said (no hook, no `can_get_constant_pool`, a class
/// not yet linked, a pool the scan cannot read): the Java side then reads the class file.
extern "system" fn class_hook_key_constant<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    type_: JClass<'l>,
) -> jint {
    ask_about_loaded_class(&mut env, &type_, |hook, class| {
        let pool = hook.pools?.constant_pool(class).ok()?;
        let found = hook
            .filter
            .pool_has_key_constant(pool.count, pool.bytes())
            .ok()?;
        Some(jint::from(found))
    })
}

/// `int classHookLinked(Class<?> type)`: whether a loaded class is linked (1) or not yet (0), as
/// the JVM says (JVM TI `GetClassStatus`); -1 when that cannot be said (no hook installed). The
/// retransformation pass links a class that is not before it asks the JVM for its class file: on
/// JVMs without the fix for JDK-8277444 the class file rebuilt while another thread links the class
/// can be garbage, which the JVM then redefines the class with.
extern "system" fn class_hook_linked<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    type_: JClass<'l>,
) -> jint {
    ask_about_loaded_class(&mut env, &type_, |hook, class| {
        let linked = hook.load.is_linked(class).ok()?;
        Some(jint::from(linked))
    })
}

/// What the installed hook's JVM TI environment says about a loaded class, contained; -1 when
/// there is no active hook, no class, or `ask` cannot say.
fn ask_about_loaded_class(
    env: &mut JNIEnv<'_>,
    type_: &JClass<'_>,
    ask: impl FnOnce(&Hook, jclass) -> Option<jint>,
) -> jint {
    contained(env, |_| -> Option<jint> {
        let hook = HOOK.get().filter(|h| h.active.load(Ordering::Acquire))?;
        if type_.is_null() {
            return None;
        }
        ask(hook, type_.as_raw())
    })
    .unwrap_or(-1)
}

/// `int classHookPasses(byte[] spec, byte[] name, boolean boot, byte[] classFile)`: what the first
/// look decides for this load with this spec, without any hook installed (1 passes, 0 does not,
/// -1 the spec is unreadable): the corpus test holds it against the Java pre-filter. The last spec
/// read is kept, so a test asking about many classes parses it once.
extern "system" fn class_hook_passes<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    spec: JByteArray<'l>,
    name: JByteArray<'l>,
    boot: jboolean,
    class_file: JByteArray<'l>,
) -> jint {
    static LAST: Mutex<Option<(Vec<u8>, Arc<ClassFilter>)>> = Mutex::new(None);
    contained(&mut env, |env| -> Option<jint> {
        let spec = env.convert_byte_array(&spec).ok()?;
        let name = env.convert_byte_array(&name).ok()?;
        let class_file = env.convert_byte_array(&class_file).ok()?;
        let filter = {
            let mut last = LAST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            match last.as_ref() {
                Some((s, f)) if *s == spec => Arc::clone(f),
                _ => {
                    let f = Arc::new(ClassFilter::from_spec(&spec).ok()?);
                    *last = Some((spec, Arc::clone(&f)));
                    f
                }
            }
        };
        Some(jint::from(filter.passes(
            &name,
            boot == JNI_TRUE,
            &class_file,
        )))
    })
    .unwrap_or(-1)
}

/// The hook's counters for the engine's stats (JMX, the starter's endpoint, the shutdown line):
/// none before it is installed.
pub fn counters() -> Option<[(&'static str, u64); 6]> {
    let s = &HOOK
        .get()
        .filter(|h| h.active.load(Ordering::Acquire))?
        .stats;
    let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
    Some([
        ("class_loads_seen", load(&s.seen)),
        ("classes_to_transformer", load(&s.passed)),
        ("classes_changed", load(&s.changed)),
        ("class_hook_errors", load(&s.errors)),
        ("class_super_types_asked", load(&s.super_types_asked)),
        (
            "classes_left_on_known_super_types",
            load(&s.left_on_known_super_types),
        ),
    ])
}

/// One `ClassFileLoadHook` event as the JVM posts it.
struct Event {
    jvmti: *mut c_void,
    jni: *mut RawJni,
    redefined: jclass,
    loader: jobject,
    name: *const c_char,
    domain: jobject,
    data: *const u8,
    len: jint,
    new_len: *mut jint,
    new_data: *mut *mut u8,
}

/// The callback of both environments. The load environment's (`RETRANSFORM` false) makes the
/// first look and calls `onLoad` for what it lets through; the retransform environment's takes only
/// retransformations (and redefinitions) to `onRetransform`, loads being the other's.
unsafe extern "system" fn on_event<const RETRANSFORM: bool>(
    jvmti: *mut c_void,
    jni: *mut RawJni,
    redefined: jclass,
    loader: jobject,
    name: *const c_char,
    domain: jobject,
    len: jint,
    data: *const u8,
    new_len: *mut jint,
    new_data: *mut *mut u8,
) {
    if RETRANSFORM && redefined.is_null() {
        return;
    }
    let event = Event {
        jvmti,
        jni,
        redefined,
        loader,
        name,
        domain,
        data,
        len,
        new_len,
        new_data,
    };
    handle(&event, RETRANSFORM);
}

fn handle(event: &Event, retransform: bool) {
    let Some(hook) = HOOK.get() else {
        return;
    };
    if event.name.is_null() || event.data.is_null() || event.len < 0 || event.jni.is_null() {
        return; // nothing to match a class without a name by
    }
    if INSIDE.try_with(Cell::get).unwrap_or(true) {
        return; // loaded by the Java side's own work on this thread
    }
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the JVM passes a NUL-terminated name and `len` bytes of class file, valid for
        // the callback's duration.
        let (name, bytes) = unsafe {
            (
                CStr::from_ptr(event.name),
                std::slice::from_raw_parts(event.data, event.len as usize),
            )
        };
        // SAFETY: the JNIEnv of the thread the JVM calls us on.
        let mut env = unsafe { JNIEnv::from_raw(event.jni) }.ok()?;
        if event.redefined.is_null() && !first_look(hook, &mut env, event, name.to_bytes(), bytes) {
            return Some(false);
        }
        hook.stats.passed.fetch_add(1, Ordering::Relaxed);
        let module = match hook.modules {
            Some(load) if event.redefined.is_null() => {
                load.named_module(event.loader, &package_of(name))
            }
            _ => std::ptr::null_mut(),
        };
        let method = if retransform {
            hook.on_retransform
        } else {
            hook.on_load
        };
        INSIDE.with(|i| i.set(true));
        let woven = call_java(&mut env, hook, method, module, event, name, bytes);
        INSIDE.with(|i| i.set(false));
        let woven = woven?;
        let Some(woven) = woven else {
            return Some(false);
        };
        let mem = Env::from_callback(event.jvmti).allocate_copy(&woven)?;
        // SAFETY: the JVM's out pointers, valid for the callback's duration.
        unsafe {
            *event.new_len = woven.len() as jint;
            *event.new_data = mem;
        }
        Some(true)
    }));
    match outcome {
        Ok(Some(true)) => {
            hook.stats.changed.fetch_add(1, Ordering::Relaxed);
        }
        Ok(Some(false)) => {}
        _ => {
            let _ = INSIDE.try_with(|i| i.set(false));
            hook.stats.errors.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Whether a load goes on to the Java side's `onLoad` (the look timed and counted; the Java
/// side's answer about super types, when it is asked, is its own time).
fn first_look(hook: &Hook, env: &mut JNIEnv<'_>, event: &Event, name: &[u8], bytes: &[u8]) -> bool {
    let t0 = Instant::now();
    hook.stats.seen.fetch_add(1, Ordering::Relaxed);
    let boot = event.loader.is_null();
    let look = if !boot && is_own_loader(hook, env, event.loader) {
        FirstLook::Leave
    } else {
        hook.filter.look(name, boot, bytes)
    };
    let goes_on = match look {
        FirstLook::Leave => false,
        FirstLook::Candidate => true,
        FirstLook::SuperTypes(class) => {
            let loader = LoadLoader::new(env, event.loader);
            match hook.known.judge(&loader, &class.supers) {
                Judged::Keyless => {
                    // and so has the class, for its own subclasses (as the Java side would
                    // remember it)
                    hook.known.learn(&loader, class.name, &[], false);
                    hook.stats
                        .left_on_known_super_types
                        .fetch_add(1, Ordering::Relaxed);
                    false
                }
                Judged::MayHaveKey => true,
                Judged::Unknown(unknown) => {
                    add_nanos(&hook.stats.filter_nanos, t0);
                    return ask_about_super_types(hook, env, event, class.name, &unknown);
                }
            }
        }
    };
    add_nanos(&hook.stats.filter_nanos, t0);
    goes_on
}

fn add_nanos(counter: &AtomicU64, since: Instant) {
    let nanos = u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX);
    counter.fetch_add(nanos, Ordering::Relaxed);
}

/// The loader of a load, as [`KnownSuperTypes`] compares loaders: by JNI's `IsSameObject`
/// against weak references, so that a collected loader's answers never match another.
struct LoadLoader<'e, 'l> {
    env: &'e JNIEnv<'l>,
    loader: JObject<'l>,
}

impl<'e, 'l> LoadLoader<'e, 'l> {
    fn new(env: &'e JNIEnv<'l>, loader: jobject) -> Self {
        // SAFETY: a local reference the JVM passed for the callback's duration, which outlives
        // this value (a JObject does not delete its reference when dropped).
        let loader = unsafe { JObject::from_raw(loader) };
        LoadLoader { env, loader }
    }
}

impl LoaderAtHand for LoadLoader<'_, '_> {
    type Id = WeakRef;

    fn is(&self, id: &WeakRef) -> bool {
        !self.loader.is_null() && id.is_same_object(self.env, &self.loader).unwrap_or(false)
    }

    fn is_gone(&self, id: &WeakRef) -> bool {
        id.is_garbage_collected(self.env).unwrap_or(false)
    }

    fn keep(&self) -> Option<WeakRef> {
        if self.loader.is_null() {
            return None;
        }
        self.env.new_weak_ref(&self.loader).ok().flatten()
    }
}

/// Asks the Java side whether the super types of a load not known yet (`supers`; the others have
/// no key type) may have a key type in their hierarchy and learns its answer; true (the load goes
/// on to `onLoad`) when they may or when it cannot say.
fn ask_about_super_types(
    hook: &Hook,
    env: &mut JNIEnv<'_>,
    event: &Event,
    name: &[u8],
    supers: &[&[u8]],
) -> bool {
    // Class names are ASCII in practice; any other is sent whole, as before, rather than
    // re-encoded (a class file's text is modified UTF-8, not always Rust's UTF-8).
    fn ascii(n: &[u8]) -> Option<&str> {
        n.iter()
            .all(|&b| (1..0x80).contains(&b))
            .then(|| std::str::from_utf8(n).ok())
            .flatten()
    }
    let (Some(class), Some(texts)) = (
        ascii(name),
        supers.iter().map(|s| ascii(s)).collect::<Option<Vec<_>>>(),
    ) else {
        return true;
    };
    hook.stats.super_types_asked.fetch_add(1, Ordering::Relaxed);
    INSIDE.with(|i| i.set(true));
    let answer = call_super_types(env, hook, event, class, &texts);
    INSIDE.with(|i| i.set(false));
    match answer {
        Some(may_have_key) => {
            let loader = LoadLoader::new(env, event.loader);
            hook.known.learn(&loader, name, supers, may_have_key);
            may_have_key
        }
        None => true,
    }
}

/// Calls `onSuperTypes`; None on an error (the load then goes on whole).
fn call_super_types(
    env: &mut JNIEnv<'_>,
    hook: &Hook,
    event: &Event,
    name: &str,
    supers: &[&str],
) -> Option<bool> {
    let capacity = i32::try_from(supers.len()).ok()?.saturating_add(4);
    let result = env.with_local_frame(capacity, |env| -> jni::errors::Result<bool> {
        let name = env.new_string(name)?;
        let length = jint::try_from(supers.len()).unwrap_or(jint::MAX);
        let string_class = <&JClass>::from(hook.string_class.as_obj());
        let array = env.new_object_array(length, string_class, JObject::null())?;
        for (i, s) in supers.iter().enumerate() {
            let s = env.new_string(s)?;
            env.set_object_array_element(&array, i as jint, &s)?;
            env.delete_local_ref(s)?;
        }
        let args = [
            jvalue { l: event.loader },
            jvalue { l: event.domain },
            jvalue { l: name.as_raw() },
            jvalue { l: array.as_raw() },
        ];
        // SAFETY: `on_super_types` is the handler class's method of SUPER_TYPES_SIG, whose
        // arguments these are.
        let value = unsafe {
            env.call_method_unchecked(
                &hook.handler,
                hook.on_super_types,
                ReturnType::Primitive(jni::signature::Primitive::Boolean),
                &args,
            )
        }?;
        value.z()
    });
    if env.exception_check().unwrap_or(true) {
        let _ = env.exception_clear();
        return None;
    }
    result.ok()
}

fn is_own_loader(hook: &Hook, env: &mut JNIEnv<'_>, loader: jobject) -> bool {
    let Some(own) = &hook.own_loader else {
        return false;
    };
    // SAFETY: a local reference the JVM passed for the callback's duration (a JObject does not
    // delete its reference when dropped).
    let loader = unsafe { JObject::from_raw(loader) };
    env.is_same_object(&loader, own).unwrap_or(false)
}

/// `a/b/C` -> `a/b` and a NUL (empty for the unnamed package).
fn package_of(name: &CStr) -> Vec<u8> {
    let bytes = name.to_bytes();
    let mut package = match bytes.iter().rposition(|&b| b == b'/') {
        Some(end) => bytes[..end].to_vec(),
        None => Vec::new(),
    };
    package.push(0);
    package
}

/// Calls the handler; Some(None) when it left the class as it was, None on an error.
fn call_java(
    env: &mut JNIEnv<'_>,
    hook: &Hook,
    method: JMethodID,
    module: jobject,
    event: &Event,
    name: &CStr,
    bytes: &[u8],
) -> Option<Option<Vec<u8>>> {
    let result = env.with_local_frame(8, |env| -> jni::errors::Result<Option<Vec<u8>>> {
        // SAFETY: the JVM's name is modified UTF-8, what NewStringUTF reads.
        let name = env.new_string(unsafe { JNIStr::from_ptr(name.as_ptr()) }.to_owned())?;
        let file = env.byte_array_from_slice(bytes)?;
        let args = [
            jvalue { l: module },
            jvalue { l: event.loader },
            jvalue { l: name.as_raw() },
            jvalue { l: event.redefined },
            jvalue { l: event.domain },
            jvalue { l: file.as_raw() },
        ];
        // SAFETY: `method` is the handler class's method of HANDLER_SIG, whose arguments these are.
        let value =
            unsafe { env.call_method_unchecked(&hook.handler, method, ReturnType::Object, &args) }?;
        let JValueGen::Object(woven) = value else {
            return Ok(None);
        };
        if woven.is_null() {
            return Ok(None);
        }
        Ok(Some(env.convert_byte_array(JByteArray::from(woven))?))
    });
    if env.exception_check().unwrap_or(true) {
        let _ = env.exception_clear();
        return None;
    }
    result.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_is_the_name_up_to_its_last_slash() {
        let p = |n: &[u8]| package_of(CStr::from_bytes_with_nul(n).unwrap());
        assert_eq!(
            p(b"java/util/concurrent/Executors\0"),
            b"java/util/concurrent\0"
        );
        assert_eq!(p(b"Main\0"), b"\0");
    }
}
