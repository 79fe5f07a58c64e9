//! The few JVM TI functions the class hook calls, through an environment's function table.
//!
//! A `jvmtiEnv*` points at a pointer to the table; function number `n` of the JVM TI
//! specification is entry `n - 1` (checked against the JDK's `jvmti.h`: `SetEventNotificationMode`
//! 2, `GetNamedModule` 40, `Allocate` 46, `Deallocate` 47, `GetClassStatus` 49, `SetEventCallbacks` 122,
//! `DisposeEnvironment` 127, `AddCapabilities` 142, `GetConstantPool` 146). The table's layout is
//! part of the JVM TI ABI, fixed since JDK 5.

use std::ffi::{c_char, c_int, c_void};

use jni::sys::{jclass, jint, jlong, jobject, JNIEnv as RawJni, JavaVM as RawVm, JNI_OK};

/// `JVMTI_VERSION_9`: GetNamedModule exists.
pub const VERSION_9: jint = 0x3009_0000;
/// `JVMTI_VERSION_1_2`: what a Java 8 JVM offers.
pub const VERSION_1_2: jint = 0x3001_0200;
const ENABLE: c_int = 1;
const CLASS_FILE_LOAD_HOOK: c_int = 54;
const ERROR_NONE: c_int = 0;
/// `JVMTI_CLASS_STATUS_VERIFIED | JVMTI_CLASS_STATUS_PREPARED`: HotSpot sets both when a class is
/// linked (bytecodes verified and rewritten), neither before.
const CLASS_STATUS_LINKED: jint = 1 | 2;

const SET_EVENT_NOTIFICATION_MODE: usize = 2 - 1;
const GET_NAMED_MODULE: usize = 40 - 1;
const ALLOCATE: usize = 46 - 1;
const DEALLOCATE: usize = 47 - 1;
const GET_CLASS_STATUS: usize = 49 - 1;
const SET_EVENT_CALLBACKS: usize = 122 - 1;
const DISPOSE_ENVIRONMENT: usize = 127 - 1;
const ADD_CAPABILITIES: usize = 142 - 1;
const GET_CONSTANT_POOL: usize = 146 - 1;

/// The `ClassFileLoadHook` callback's signature.
pub type ClassFileLoadHook = unsafe extern "system" fn(
    jvmti: *mut c_void,
    jni: *mut RawJni,
    class_being_redefined: jclass,
    loader: jobject,
    name: *const c_char,
    protection_domain: jobject,
    class_data_len: jint,
    class_data: *const u8,
    new_class_data_len: *mut jint,
    new_class_data: *mut *mut u8,
);

/// The head of `jvmtiEventCallbacks` up to `ClassFileLoadHook` (events 50 to 54); the JVM copies
/// as many bytes as it is given and leaves the later callbacks empty.
#[repr(C)]
struct Callbacks {
    vm_init: *const c_void,
    vm_death: *const c_void,
    thread_start: *const c_void,
    thread_end: *const c_void,
    class_file_load_hook: Option<ClassFileLoadHook>,
}

/// `jvmtiCapabilities`: 128 bits, `can_retransform_classes` the 38th (bit 5 of the second word),
/// `can_get_constant_pool` the 36th (bit 3).
#[repr(C)]
struct Capabilities([u32; 4]);

/// A loaded class's constant pool as `GetConstantPool` gives it: the entries in class file
/// format (JVM specification §4.4), without the count, which is `count`. The memory is the JVM's,
/// given back on drop.
pub struct ConstantPool {
    env: Env,
    bytes: *mut u8,
    len: usize,
    pub count: u16,
}

impl ConstantPool {
    pub fn bytes(&self) -> &[u8] {
        if self.bytes.is_null() {
            return &[];
        }
        // SAFETY: GetConstantPool allocated `len` bytes at `bytes`, which live until drop.
        unsafe { std::slice::from_raw_parts(self.bytes, self.len) }
    }
}

impl Drop for ConstantPool {
    fn drop(&mut self) {
        if !self.bytes.is_null() {
            self.env.deallocate(self.bytes);
        }
    }
}

/// A JVM TI environment (a `jvmtiEnv*`).
#[repr(transparent)]
#[derive(Clone, Copy, Debug)]
pub struct Env(*mut *const *const c_void);

// SAFETY: a JVM TI environment is not bound to a thread (unlike a JNIEnv): the specification lets
// any thread call its functions, and the pointer stays valid until DisposeEnvironment.
unsafe impl Send for Env {}
// SAFETY: as for Send; the functions used here are thread-safe per the specification.
unsafe impl Sync for Env {}

impl Env {
    /// A new environment of this version from the JVM, or None when it offers none.
    ///
    /// # Safety
    /// `vm` is the JVM's valid `JavaVM` pointer.
    pub unsafe fn new(vm: *mut RawVm, version: jint) -> Option<Env> {
        let mut env: *mut c_void = std::ptr::null_mut();
        // SAFETY: `vm` is valid (the caller's contract); GetEnv is in every JNI invocation table.
        let get_env = unsafe { (**vm).GetEnv? };
        // SAFETY: GetEnv writes an environment pointer or fails.
        let status = unsafe { get_env(vm, &mut env, version) };
        (status == JNI_OK && !env.is_null()).then(|| Env(env.cast()))
    }

    /// The environment a callback was given.
    pub fn from_callback(raw: *mut c_void) -> Env {
        Env(raw.cast())
    }

    /// Entry `index` of the function table.
    fn function(self, index: usize) -> *const c_void {
        // SAFETY: self.0 is a live environment (constructed only from the JVM's), whose table has
        // more than 150 entries: every index used here is below that.
        unsafe { *(*self.0).add(index) }
    }

    /// Adds `can_retransform_classes`; before the first `enable_class_file_load_hook` it makes
    /// this environment one that sees retransformations.
    pub fn add_retransform_capability(self) -> Result<(), c_int> {
        self.add_capabilities(Capabilities([0, 1 << 5, 0, 0]))
    }

    /// Adds `can_get_constant_pool` (one of HotSpot's always-available capabilities, with no
    /// cost to the running application): [`Env::constant_pool`] then works.
    pub fn add_constant_pool_capability(self) -> Result<(), c_int> {
        self.add_capabilities(Capabilities([0, 1 << 3, 0, 0]))
    }

    fn add_capabilities(self, caps: Capabilities) -> Result<(), c_int> {
        type F = unsafe extern "system" fn(Env, *const Capabilities) -> c_int;
        // SAFETY: entry 142 is AddCapabilities with this signature.
        let f: F =
            unsafe { std::mem::transmute::<*const c_void, F>(self.function(ADD_CAPABILITIES)) };
        // SAFETY: a valid environment and capabilities struct.
        check(unsafe { f(self, &caps) })
    }

    /// The constant pool of a loaded class (`klass` a local or global reference). Fails with the
    /// JVM TI error for a class not yet prepared, an array or primitive class, or an environment
    /// without `can_get_constant_pool`.
    pub fn constant_pool(self, klass: jclass) -> Result<ConstantPool, c_int> {
        type F =
            unsafe extern "system" fn(Env, jclass, *mut jint, *mut jint, *mut *mut u8) -> c_int;
        // SAFETY: entry 146 is GetConstantPool with this signature.
        let f: F =
            unsafe { std::mem::transmute::<*const c_void, F>(self.function(GET_CONSTANT_POOL)) };
        let (mut count, mut len, mut bytes): (jint, jint, *mut u8) = (0, 0, std::ptr::null_mut());
        // SAFETY: a valid environment, a class reference the caller holds, three out pointers.
        check(unsafe { f(self, klass, &mut count, &mut len, &mut bytes) })?;
        let mut pool = ConstantPool {
            env: self,
            bytes,
            len: usize::try_from(len).unwrap_or(0),
            count: 0,
        };
        // `pool` owns the memory from here: an error below gives it back as `pool` drops.
        pool.count = u16::try_from(count).map_err(|_| -1)?;
        Ok(pool)
    }

    /// Whether a loaded class is linked (`GetClassStatus` reports it verified and prepared).
    pub fn is_linked(self, klass: jclass) -> Result<bool, c_int> {
        type F = unsafe extern "system" fn(Env, jclass, *mut jint) -> c_int;
        // SAFETY: entry 49 is GetClassStatus with this signature.
        let f: F =
            unsafe { std::mem::transmute::<*const c_void, F>(self.function(GET_CLASS_STATUS)) };
        let mut status: jint = 0;
        // SAFETY: a valid environment, a class reference the caller holds, one out pointer.
        check(unsafe { f(self, klass, &mut status) })?;
        Ok(status & CLASS_STATUS_LINKED == CLASS_STATUS_LINKED)
    }

    /// Gives back memory the JVM allocated for a JVM TI result.
    fn deallocate(self, mem: *mut u8) {
        type F = unsafe extern "system" fn(Env, *mut u8) -> c_int;
        // SAFETY: entry 47 is Deallocate with this signature.
        let f: F = unsafe { std::mem::transmute::<*const c_void, F>(self.function(DEALLOCATE)) };
        // SAFETY: `mem` came from this environment's JVM TI call and is given back once.
        unsafe { f(self, mem) };
    }

    /// Sets the `ClassFileLoadHook` callback and turns the event on for every thread.
    pub fn enable_class_file_load_hook(self, hook: ClassFileLoadHook) -> Result<(), c_int> {
        let callbacks = Callbacks {
            vm_init: std::ptr::null(),
            vm_death: std::ptr::null(),
            thread_start: std::ptr::null(),
            thread_end: std::ptr::null(),
            class_file_load_hook: Some(hook),
        };
        type SetCallbacks = unsafe extern "system" fn(Env, *const Callbacks, jint) -> c_int;
        type SetMode = unsafe extern "C" fn(Env, c_int, c_int, jobject, ...) -> c_int;
        // SAFETY: entries 122 and 2 are SetEventCallbacks and SetEventNotificationMode (C
        // variadic) with these signatures.
        let (set_callbacks, set_mode): (SetCallbacks, SetMode) = unsafe {
            (
                std::mem::transmute::<*const c_void, SetCallbacks>(
                    self.function(SET_EVENT_CALLBACKS),
                ),
                std::mem::transmute::<*const c_void, SetMode>(
                    self.function(SET_EVENT_NOTIFICATION_MODE),
                ),
            )
        };
        let size = std::mem::size_of::<Callbacks>() as jint;
        // SAFETY: a valid environment; the JVM copies the callbacks.
        check(unsafe { set_callbacks(self, &callbacks, size) })?;
        // SAFETY: a valid environment; a null thread means every thread.
        check(unsafe { set_mode(self, ENABLE, CLASS_FILE_LOAD_HOOK, std::ptr::null_mut()) })
    }

    /// The named module of `loader` that holds this package (`a/b`, NUL-terminated), or null
    /// (an unnamed module's class). Needs a version 9 environment.
    pub fn named_module(self, loader: jobject, package: &[u8]) -> jobject {
        if package.last() != Some(&0) {
            return std::ptr::null_mut();
        }
        type F = unsafe extern "system" fn(Env, jobject, *const c_char, *mut jobject) -> c_int;
        // SAFETY: entry 40 is GetNamedModule with this signature (JVM TI 9 and later).
        let f: F =
            unsafe { std::mem::transmute::<*const c_void, F>(self.function(GET_NAMED_MODULE)) };
        let mut module: jobject = std::ptr::null_mut();
        // SAFETY: a valid environment, a NUL-terminated package name, an out pointer.
        if unsafe { f(self, loader, package.as_ptr().cast(), &mut module) } == ERROR_NONE {
            module
        } else {
            std::ptr::null_mut()
        }
    }

    /// `bytes` copied into memory the JVM allocated (what a `ClassFileLoadHook` must return).
    pub fn allocate_copy(self, bytes: &[u8]) -> Option<*mut u8> {
        type F = unsafe extern "system" fn(Env, jlong, *mut *mut u8) -> c_int;
        // SAFETY: entry 46 is Allocate with this signature.
        let f: F = unsafe { std::mem::transmute::<*const c_void, F>(self.function(ALLOCATE)) };
        let mut mem: *mut u8 = std::ptr::null_mut();
        // SAFETY: a valid environment and out pointer.
        let status = unsafe { f(self, bytes.len() as jlong, &mut mem) };
        if status != ERROR_NONE || mem.is_null() {
            return None;
        }
        // SAFETY: `mem` holds bytes.len() bytes the JVM just allocated for us.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), mem, bytes.len()) };
        Some(mem)
    }

    /// Gives the environment back (its events stop).
    pub fn dispose(self) {
        type F = unsafe extern "system" fn(Env) -> c_int;
        // SAFETY: entry 127 is DisposeEnvironment with this signature.
        let f: F =
            unsafe { std::mem::transmute::<*const c_void, F>(self.function(DISPOSE_ENVIRONMENT)) };
        // SAFETY: a valid environment, not used after this.
        unsafe { f(self) };
    }
}

fn check(status: c_int) -> Result<(), c_int> {
    if status == ERROR_NONE {
        Ok(())
    } else {
        Err(status)
    }
}
